package model

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// chatInstruction asks a chat model to continue the text rather than answer it.
const chatInstruction = "Continue the user's text. Reply with the next characters of the text only, " +
	"exactly where it stops (even mid-word), with no quotes, preamble or explanation."

// Chat is a Model backed by an OpenAI-style POST {BaseURL}/v1/chat/completions with logprobs and
// top_logprobs (OpenAI, vLLM, Ollama since it returns logprobs). A chat server never scores the
// user's text itself and wraps it in the model's chat template, so Score sends the prompt as the
// user message under a system instruction to continue it, asks for one token with top_logprobs,
// and combines the distributions as described at scoreByNextTokens. The result is the model's
// belief about how the text goes on when asked to continue it — weaker evidence than the prompt
// log-probabilities of completions-echo or llamacpp, but computed honestly from what the server
// returns.
type Chat struct {
	// BaseURL is the server root without /v1, e.g. "http://127.0.0.1:11434".
	BaseURL string
	// Model is the "model" field sent upstream and part of Name().
	Model string
	// APIKey, when set, is sent as "Authorization: Bearer <APIKey>".
	APIKey string
	// Client performs the requests; nil means a client with a 60 s timeout.
	Client *http.Client
	// TopN is top_logprobs (OpenAI allows at most 20); 0 means DefaultTopN.
	TopN int
}

// Name returns "chat:<Model>".
func (c *Chat) Name() string { return "chat:" + c.Model }

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model       string        `json:"model,omitempty"`
	Messages    []chatMessage `json:"messages"`
	MaxTokens   int           `json:"max_tokens"`
	Temperature float64       `json:"temperature"`
	Logprobs    bool          `json:"logprobs,omitempty"`
	TopLogprobs int           `json:"top_logprobs,omitempty"`
}

type chatLogprob struct {
	Token   string   `json:"token"`
	Logprob *float64 `json:"logprob"`
	Bytes   []int    `json:"bytes"`
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
		Logprobs *struct {
			Content []struct {
				chatLogprob
				TopLogprobs []chatLogprob `json:"top_logprobs"`
			} `json:"content"`
		} `json:"logprobs"`
	} `json:"choices"`
}

func (c *Chat) url() string { return strings.TrimRight(c.BaseURL, "/") + "/v1/chat/completions" }

func (c *Chat) messages(text string) []chatMessage {
	return []chatMessage{{Role: "system", Content: chatInstruction}, {Role: "user", Content: text}}
}

func (c *Chat) next(ctx context.Context, text string) ([]candidateToken, error) {
	n := c.TopN
	if n <= 0 {
		n = DefaultTopN
	}
	var resp chatResponse
	if err := postJSON(ctx, c.Client, c.url(), c.APIKey, "chat", chatRequest{
		Model: c.Model, Messages: c.messages(text), MaxTokens: 1, Temperature: 0, Logprobs: true, TopLogprobs: n,
	}, &resp); err != nil {
		return nil, err
	}
	if len(resp.Choices) == 0 {
		return nil, errors.New("model: chat response has no choices")
	}
	lp := resp.Choices[0].Logprobs
	if lp == nil || len(lp.Content) == 0 || len(lp.Content[0].TopLogprobs) == 0 {
		return nil, errors.New("model: chat response has no top_logprobs (does the server support logprobs on chat completions?)")
	}
	out := make([]candidateToken, 0, len(lp.Content[0].TopLogprobs))
	for _, t := range lp.Content[0].TopLogprobs {
		if t.Logprob == nil {
			return nil, fmt.Errorf("model: chat token %q has no logprob", t.Token)
		}
		out = append(out, candidateToken{text: tokenBytes(t.Token, t.Bytes), logprob: *t.Logprob})
	}
	return out, nil
}

// Score implements Model; see the type documentation.
func (c *Chat) Score(ctx context.Context, prompt, continuation string) (float64, error) {
	return scoreByNextTokens(ctx, c.next, prompt, continuation)
}

// Generate implements Model: the chat model continues the prompt (greedy), truncated to maxChars.
func (c *Chat) Generate(ctx context.Context, prompt string, maxChars int) (string, error) {
	if maxChars < 0 {
		return "", fmt.Errorf("model: negative generation length %d", maxChars)
	}
	if maxChars == 0 {
		return "", nil
	}
	var resp chatResponse
	if err := postJSON(ctx, c.Client, c.url(), c.APIKey, "chat", chatRequest{
		Model: c.Model, Messages: c.messages(prompt), MaxTokens: maxChars, Temperature: 0,
	}, &resp); err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", errors.New("model: chat response has no choices")
	}
	return truncateRunes(resp.Choices[0].Message.Content, maxChars), nil
}
