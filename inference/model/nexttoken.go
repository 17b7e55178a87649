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
	"unicode/utf8"
)

// candidateToken is one entry of a server's top-n distribution of the next token.
type candidateToken struct {
	// text is the token's bytes (from the server's "bytes" field when it sends one: byte-level
	// tokens need not be valid UTF-8 on their own).
	text []byte
	// logprob is the token's natural-log probability.
	logprob float64
}

// nextTokens returns the top of the model's distribution of the token that follows text.
type nextTokens func(ctx context.Context, text string) ([]candidateToken, error)

// scoreByNextTokens computes log P(continuation | prompt) from next-token distributions alone, for
// servers that return log-probabilities of generated tokens but not of the prompt's.
//
// For each byte position p of the continuation it asks for the distribution after
// prompt+continuation[:p] and sums, over the tokens that fit, the probability of finishing the
// continuation from there:
//
//	P(p) = Σ P(t | p) over tokens t that start with the rest of the continuation (covering it)
//	     + Σ P(t | p)·P(p+len t) over tokens t that are a proper prefix of the rest.
//
// That is the continuation's probability summed over every way of spelling it in tokens, as far
// as each step's top n shows them: tokens outside the top n are not seen, so this is a lower
// bound, except where no token of the top n fits at all. There the rest of the continuation is
// charged the most a token outside the top n can have, min(smallest top-n probability, 1 − their
// sum): the model cannot be graded better than that, and the score stays finite. P(p) depends on
// p only, so a continuation of n bytes costs at most n requests. Tokens that would end inside a
// UTF-8 character are skipped (the text after them cannot be sent as JSON).
func scoreByNextTokens(ctx context.Context, next nextTokens, prompt, continuation string) (float64, error) {
	if continuation == "" {
		return 0, nil
	}
	cont := []byte(continuation)
	memo := make(map[int]float64, len(cont))
	var prob func(p int) (float64, error)
	prob = func(p int) (float64, error) {
		if v, ok := memo[p]; ok {
			return v, nil
		}
		cands, err := next(ctx, prompt+string(cont[:p]))
		if err != nil {
			return 0, err
		}
		if len(cands) == 0 {
			return 0, errors.New("model: the server returned no next-token probabilities")
		}
		rest := cont[p:]
		var total, seen float64
		lowest := math.Inf(1)
		fits := false
		for _, c := range cands {
			if math.IsNaN(c.logprob) || c.logprob > 1e-9 {
				return 0, fmt.Errorf("model: invalid next-token logprob %v for %q", c.logprob, c.text)
			}
			pr := math.Exp(c.logprob)
			seen += pr
			lowest = min(lowest, pr)
			switch {
			case len(c.text) == 0:
			case bytes.HasPrefix(c.text, rest):
				total += pr
				fits = true
			case bytes.HasPrefix(rest, c.text) && utf8.Valid(cont[:p+len(c.text)]):
				fits = true
				after, err := prob(p + len(c.text))
				if err != nil {
					return 0, err
				}
				total += pr * after
			}
		}
		if !fits {
			total = min(lowest, max(1-seen, 0))
		}
		memo[p] = total
		return total, nil
	}
	pr, err := prob(0)
	if err != nil {
		return 0, err
	}
	lp := math.Log(pr)
	if math.IsInf(lp, -1) || math.IsNaN(lp) {
		// Every token of the top n fits only partially and the rest was charged nothing: the
		// server's probabilities are too coarse to give this continuation a finite score.
		lp = minLogprob
	}
	return min(lp, 0), nil
}

// minLogprob is the score of a continuation whose probability underflows to 0.
const minLogprob = -1e4

// postJSON sends req as JSON to url and decodes a 200 answer into out; any other status is an
// error quoting the server's message. name labels errors ("llamacpp", "chat").
func postJSON(ctx context.Context, client *http.Client, url, apiKey, name string, req, out any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("model: %s request: %w", name, err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	if apiKey != "" {
		httpReq.Header.Set("Authorization", "Bearer "+apiKey)
	}
	if client == nil {
		client = defaultHTTPClient
	}
	resp, err := client.Do(httpReq)
	if err != nil {
		return fmt.Errorf("model: %s %s: %w", name, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxCompletionResponse+1))
	if err != nil {
		return fmt.Errorf("model: %s reading response: %w", name, err)
	}
	if len(raw) > maxCompletionResponse {
		return fmt.Errorf("model: %s response larger than %d bytes", name, maxCompletionResponse)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("model: %s %s returned %s: %s", name, url, resp.Status, serverMessage(raw))
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("model: %s response from %s is not the expected JSON: %w", name, url, err)
	}
	return nil
}

// serverMessage extracts the error message of an error body ({"error":{"message":...}} as
// OpenAI, vLLM and llama.cpp send it, or {"error":"..."} as Ollama does), else its start.
func serverMessage(raw []byte) string {
	var nested struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &nested) == nil && nested.Error.Message != "" {
		return nested.Error.Message
	}
	var flat struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(raw, &flat) == nil && flat.Error != "" {
		return flat.Error
	}
	return strings.TrimSpace(string(raw[:min(len(raw), 200)]))
}

// tokenBytes returns a token's bytes: the "bytes" array when the server sent one, else its text.
func tokenBytes(text string, raw []int) []byte {
	if len(raw) == 0 {
		return []byte(text)
	}
	out := make([]byte, len(raw))
	for i, b := range raw {
		out[i] = byte(b)
	}
	return out
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) > n {
		return string([]rune(s)[:n])
	}
	return s
}
