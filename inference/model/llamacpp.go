package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
)

// DefaultTopN is how many next tokens LlamaCpp and Chat ask the server for.
const DefaultTopN = 20

// LlamaCpp is a Model backed by llama.cpp's server through its native POST {BaseURL}/completion.
// The server returns log-probabilities of generated tokens only (its OpenAI-compatible
// /v1/completions refuses echo with "Only no echo is supported"), so Score asks for one token at a
// time with n_probs and combines the distributions as described at scoreByNextTokens. Both
// response shapes are read: "top_logprobs" with "logprob" and "bytes" (llama.cpp since late 2024)
// and the older "probs" with "tok_str" and "prob".
type LlamaCpp struct {
	// BaseURL is the server root, e.g. "http://127.0.0.1:8080".
	BaseURL string
	// APIKey, when set, is sent as "Authorization: Bearer <APIKey>" (llama-server --api-key).
	APIKey string
	// Client performs the requests; nil means a client with a 60 s timeout.
	Client *http.Client
	// TopN is n_probs; 0 means DefaultTopN.
	TopN int
}

// Name returns "llamacpp".
func (l *LlamaCpp) Name() string { return "llamacpp" }

type llamaRequest struct {
	Prompt      string  `json:"prompt"`
	NPredict    int     `json:"n_predict"`
	NProbs      int     `json:"n_probs,omitempty"`
	Temperature float64 `json:"temperature"`
	TopK        int     `json:"top_k"`
	TopP        float64 `json:"top_p"`
	MinP        float64 `json:"min_p"`
	CachePrompt bool    `json:"cache_prompt"`
}

type llamaProb struct {
	Token   string   `json:"token"`
	TokStr  string   `json:"tok_str"`
	Bytes   []int    `json:"bytes"`
	Logprob *float64 `json:"logprob"`
	Prob    *float64 `json:"prob"`
}

type llamaResponse struct {
	Content                 string `json:"content"`
	CompletionProbabilities []struct {
		TopLogprobs []llamaProb `json:"top_logprobs"`
		TopProbs    []llamaProb `json:"top_probs"`
		Probs       []llamaProb `json:"probs"`
	} `json:"completion_probabilities"`
}

func (l *LlamaCpp) url() string { return strings.TrimRight(l.BaseURL, "/") + "/completion" }

func (l *LlamaCpp) next(ctx context.Context, text string) ([]candidateToken, error) {
	n := l.TopN
	if n <= 0 {
		n = DefaultTopN
	}
	// No truncating samplers: the probabilities then are the model's own on every version (older
	// servers reported them after sampling).
	var resp llamaResponse
	err := postJSON(ctx, l.Client, l.url(), l.APIKey, "llamacpp", llamaRequest{
		Prompt: text, NPredict: 1, NProbs: n, Temperature: 1, TopK: 0, TopP: 1, MinP: 0, CachePrompt: true,
	}, &resp)
	if err != nil {
		return nil, err
	}
	if len(resp.CompletionProbabilities) == 0 {
		return nil, errors.New("model: llamacpp response has no completion_probabilities (is this llama.cpp's /completion?)")
	}
	step := resp.CompletionProbabilities[0]
	list := step.TopLogprobs
	if len(list) == 0 {
		list = step.TopProbs
	}
	if len(list) == 0 {
		list = step.Probs
	}
	out := make([]candidateToken, 0, len(list))
	for _, p := range list {
		text := p.Token
		if text == "" {
			text = p.TokStr
		}
		var lp float64
		switch {
		case p.Logprob != nil:
			lp = *p.Logprob
		case p.Prob != nil:
			lp = math.Log(*p.Prob)
		default:
			return nil, fmt.Errorf("model: llamacpp token %q has neither logprob nor prob", text)
		}
		out = append(out, candidateToken{text: tokenBytes(text, p.Bytes), logprob: lp})
	}
	return out, nil
}

// Score implements Model; see the type documentation.
func (l *LlamaCpp) Score(ctx context.Context, prompt, continuation string) (float64, error) {
	return scoreByNextTokens(ctx, l.next, prompt, continuation)
}

// Generate implements Model with a greedy completion truncated to maxChars characters.
func (l *LlamaCpp) Generate(ctx context.Context, prompt string, maxChars int) (string, error) {
	if maxChars < 0 {
		return "", fmt.Errorf("model: negative generation length %d", maxChars)
	}
	if maxChars == 0 {
		return "", nil
	}
	var resp llamaResponse
	if err := postJSON(ctx, l.Client, l.url(), l.APIKey, "llamacpp", llamaRequest{
		Prompt: prompt, NPredict: maxChars, Temperature: 0, TopP: 1, CachePrompt: true,
	}, &resp); err != nil {
		return "", err
	}
	return truncateRunes(resp.Content, maxChars), nil
}
