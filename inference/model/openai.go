package model

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxCompletionResponse bounds how much of an upstream response OpenAICompat reads.
const maxCompletionResponse = 8 << 20

// OpenAICompat is a Model backed by an OpenAI-compatible legacy completions endpoint
// (POST {BaseURL}/v1/completions) that echoes the prompt with its log-probabilities, as vLLM
// does (request shape completions-echo). llama.cpp's server refuses echo and Ollama ignores it:
// use LlamaCpp or Chat for those.
//
// Score sends prompt+continuation with echo=true, logprobs=1, max_tokens=1 (servers differ
// on whether 0 is allowed; the generated token is ignored) and temperature 0, and
// sums the returned token_logprobs of every token that overlaps the continuation, located by the
// tokens' text_offset (character offsets into the echoed text; when the server omits text_offset,
// offsets are rebuilt from the token strings). A token that straddles the prompt/continuation
// boundary is counted in full, because the model assigns probability to whole tokens; tokens the
// server generates beyond the echoed text are ignored. Generate asks for a greedy (temperature 0)
// completion and truncates it to maxChars characters.
type OpenAICompat struct {
	// BaseURL is the server root, e.g. "http://127.0.0.1:8080" (no trailing /v1).
	BaseURL string
	// Model is the "model" field sent upstream and part of Name().
	Model string
	// APIKey, when set, is sent as "Authorization: Bearer <APIKey>".
	APIKey string
	// Client performs the requests; nil means a client with a 60 s timeout.
	Client *http.Client
	// TokensPerChar converts a character budget into max_tokens for Generate; 0 means 1 (one token
	// per character, which never truncates early at the cost of over-generating).
	TokensPerChar float64
}

var defaultHTTPClient = &http.Client{Timeout: 60 * time.Second}

// Name returns "openai-compat:<Model>".
func (o *OpenAICompat) Name() string { return "openai-compat:" + o.Model }

// completionRequest is the subset of the OpenAI completions request the adapter sends.
type completionRequest struct {
	Model       string  `json:"model,omitempty"`
	Prompt      string  `json:"prompt"`
	MaxTokens   int     `json:"max_tokens"`
	Temperature float64 `json:"temperature"`
	Echo        bool    `json:"echo,omitempty"`
	Logprobs    *int    `json:"logprobs,omitempty"`
}

// completionResponse is the subset of the OpenAI completions response the adapter reads.
type completionResponse struct {
	Choices []struct {
		Text     string `json:"text"`
		Logprobs *struct {
			Tokens        []string   `json:"tokens"`
			TokenLogprobs []*float64 `json:"token_logprobs"`
			TextOffset    []int      `json:"text_offset"`
		} `json:"logprobs"`
	} `json:"choices"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func (o *OpenAICompat) complete(ctx context.Context, req completionRequest) (*completionResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	url := strings.TrimRight(o.BaseURL, "/") + "/v1/completions"
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("model: openai-compat request: %w", err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	if o.APIKey != "" {
		httpReq.Header.Set("Authorization", "Bearer "+o.APIKey)
	}
	client := o.Client
	if client == nil {
		client = defaultHTTPClient
	}
	resp, err := client.Do(httpReq)
	if err != nil {
		return nil, fmt.Errorf("model: openai-compat %s: %w", url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxCompletionResponse+1))
	if err != nil {
		return nil, fmt.Errorf("model: openai-compat reading response: %w", err)
	}
	if len(raw) > maxCompletionResponse {
		return nil, fmt.Errorf("model: openai-compat response larger than %d bytes", maxCompletionResponse)
	}
	var out completionResponse
	decodeErr := json.Unmarshal(raw, &out)
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(raw[:min(len(raw), 200)]))
		if decodeErr == nil && out.Error != nil {
			msg = out.Error.Message
		}
		return nil, fmt.Errorf("model: openai-compat %s returned %s: %s", url, resp.Status, msg)
	}
	if decodeErr != nil {
		return nil, fmt.Errorf("model: openai-compat response is not valid JSON: %w", decodeErr)
	}
	if len(out.Choices) == 0 {
		return nil, errors.New("model: openai-compat response has no choices")
	}
	return &out, nil
}

// Score implements Model; see the type documentation for how tokens are attributed.
func (o *OpenAICompat) Score(ctx context.Context, prompt, continuation string) (float64, error) {
	if continuation == "" {
		return 0, nil
	}
	one := 1
	resp, err := o.complete(ctx, completionRequest{
		Model: o.Model, Prompt: prompt + continuation, MaxTokens: 1, Echo: true, Logprobs: &one,
	})
	if err != nil {
		return 0, err
	}
	if text := resp.Choices[0].Text; !strings.HasPrefix(text, prompt+continuation) {
		// A server that ignores echo (Ollama) answers with generated text and its logprobs,
		// which would be read as the prompt's.
		return 0, fmt.Errorf("model: openai-compat did not echo the prompt (answered %q): the server does not support echo", text[:min(len(text), 40)])
	}
	lp := resp.Choices[0].Logprobs
	if lp == nil || len(lp.Tokens) == 0 {
		return 0, errors.New("model: openai-compat response has no logprobs (does the server support echo with logprobs?)")
	}
	if len(lp.TokenLogprobs) != len(lp.Tokens) {
		return 0, fmt.Errorf("model: openai-compat returned %d logprobs for %d tokens", len(lp.TokenLogprobs), len(lp.Tokens))
	}
	offsets := lp.TextOffset
	if len(offsets) != len(lp.Tokens) {
		offsets = make([]int, len(lp.Tokens))
		pos := 0
		for i, tok := range lp.Tokens {
			offsets[i] = pos
			pos += utf8.RuneCountInString(tok)
		}
	}
	boundary := utf8.RuneCountInString(prompt)
	end := boundary + utf8.RuneCountInString(continuation)
	var total float64
	counted := 0
	for i, tok := range lp.Tokens {
		start := offsets[i]
		stop := start + utf8.RuneCountInString(tok)
		if stop <= boundary || start >= end {
			continue
		}
		if lp.TokenLogprobs[i] == nil {
			// Servers report no logprob for the very first token (nothing conditions it).
			if start == 0 {
				continue
			}
			return 0, fmt.Errorf("model: openai-compat token %d (%q) has no logprob", i, tok)
		}
		v := *lp.TokenLogprobs[i]
		if math.IsNaN(v) || v > 0 {
			return 0, fmt.Errorf("model: openai-compat token %d (%q) has invalid logprob %v", i, tok, v)
		}
		total += v
		counted++
	}
	if counted == 0 {
		return 0, errors.New("model: openai-compat response has no scored token inside the continuation")
	}
	return total, nil
}

// Generate implements Model with a greedy completion truncated to maxChars characters.
func (o *OpenAICompat) Generate(ctx context.Context, prompt string, maxChars int) (string, error) {
	if maxChars < 0 {
		return "", fmt.Errorf("model: negative generation length %d", maxChars)
	}
	if maxChars == 0 {
		return "", nil
	}
	ratio := o.TokensPerChar
	if ratio <= 0 {
		ratio = 1
	}
	resp, err := o.complete(ctx, completionRequest{
		Model: o.Model, Prompt: prompt, MaxTokens: max(1, int(math.Ceil(float64(maxChars)*ratio))),
	})
	if err != nil {
		return "", err
	}
	text := resp.Choices[0].Text
	if utf8.RuneCountInString(text) > maxChars {
		text = string([]rune(text)[:maxChars])
	}
	return text, nil
}
