package model

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// cannedEcho is a vLLM-style /v1/completions response for the prompt "The weather is warm today"
// with echo, logprobs=1 and max_tokens=0.
const cannedEcho = `{
  "id": "cmpl-6d1c2a9e0f3b4a1c8e7d",
  "object": "text_completion",
  "created": 1767225600,
  "model": "tiny-llama",
  "choices": [{
    "index": 0,
    "text": "The weather is warm today",
    "logprobs": {
      "text_offset": [0, 3, 11, 14, 19],
      "token_logprobs": [null, -7.125, -2.25, -1.5, -0.75],
      "tokens": ["The", " weather", " is", " warm", " today"],
      "top_logprobs": [null, {" weather": -7.125}, {" is": -2.25}, {" warm": -1.5}, {" today": -0.75}]
    },
    "finish_reason": "length",
    "stop_reason": null
  }],
  "usage": {"prompt_tokens": 5, "total_tokens": 5, "completion_tokens": 0}
}`

// fakeCompletions serves canned responses and records the last request body.
func fakeCompletions(t *testing.T, status int, reply string, last *completionRequest) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/completions" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if got := r.Header.Get("Authorization"); got != "Bearer secret" {
			http.Error(w, `{"error":{"message":"bad key"}}`, http.StatusUnauthorized)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		if last != nil {
			if err := json.Unmarshal(raw, last); err != nil {
				t.Errorf("upstream got invalid JSON: %v", err)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOpenAICompatScore(t *testing.T) {
	var req completionRequest
	srv := fakeCompletions(t, http.StatusOK, cannedEcho, &req)
	o := &OpenAICompat{BaseURL: srv.URL + "/", Model: "tiny-llama", APIKey: "secret", Client: srv.Client()}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", srv.URL)
	}

	cases := []struct {
		prompt, cont string
		want         float64
	}{
		{"The weather", " is warm today", -2.25 - 1.5 - 0.75},
		{"The weather is", " warm today", -1.5 - 0.75},
		// " weather" straddles the boundary and counts in full.
		{"The weath", "er is warm today", -7.125 - 2.25 - 1.5 - 0.75},
		// The first token has no logprob; it is skipped, not an error.
		{"", "The weather is warm today", -7.125 - 2.25 - 1.5 - 0.75},
	}
	for _, tc := range cases {
		got, err := o.Score(context.Background(), tc.prompt, tc.cont)
		if err != nil {
			t.Fatalf("Score(%q,%q): %v", tc.prompt, tc.cont, err)
		}
		if math.Abs(got-tc.want) > 1e-12 {
			t.Fatalf("Score(%q,%q) = %v, want %v", tc.prompt, tc.cont, got, tc.want)
		}
		if req.Prompt != tc.prompt+tc.cont || !req.Echo || req.MaxTokens != 1 || req.Logprobs == nil ||
			*req.Logprobs != 1 || req.Model != "tiny-llama" || req.Temperature != 0 {
			t.Fatalf("unexpected upstream request %+v", req)
		}
	}
	if o.Name() != "openai-compat:tiny-llama" {
		t.Fatalf("Name = %q", o.Name())
	}
}

func TestOpenAICompatScoreWithoutOffsets(t *testing.T) {
	reply := `{"choices":[{"text":"ab cd","logprobs":{"tokens":["ab"," cd"],"token_logprobs":[-1.0,-0.5]}}]}`
	srv := fakeCompletions(t, http.StatusOK, reply, nil)
	o := &OpenAICompat{BaseURL: srv.URL, APIKey: "secret"}
	got, err := o.Score(context.Background(), "ab", " cd")
	if err != nil || got != -0.5 {
		t.Fatalf("Score = %v, %v; want -0.5", got, err)
	}
}

func TestOpenAICompatScoreErrors(t *testing.T) {
	cases := map[string]struct {
		status int
		reply  string
		key    string
	}{
		"upstream error":    {http.StatusInternalServerError, `{"error":{"message":"model not loaded"}}`, "secret"},
		"unauthorized":      {http.StatusOK, cannedEcho, "wrong"},
		"not json":          {http.StatusOK, `<html>oops</html>`, "secret"},
		"no choices":        {http.StatusOK, `{"choices":[]}`, "secret"},
		"no logprobs":       {http.StatusOK, `{"choices":[{"text":"The weather is warm today"}]}`, "secret"},
		"null mid-sequence": {http.StatusOK, `{"choices":[{"logprobs":{"tokens":["a","b"],"token_logprobs":[-1,null],"text_offset":[0,1]}}]}`, "secret"},
		"positive logprob":  {http.StatusOK, `{"choices":[{"logprobs":{"tokens":["a","b"],"token_logprobs":[-1,0.5],"text_offset":[0,1]}}]}`, "secret"},
		"length mismatch":   {http.StatusOK, `{"choices":[{"logprobs":{"tokens":["a","b"],"token_logprobs":[-1],"text_offset":[0,1]}}]}`, "secret"},
	}
	for name, tc := range cases {
		srv := fakeCompletions(t, tc.status, tc.reply, nil)
		o := &OpenAICompat{BaseURL: srv.URL, APIKey: tc.key}
		if got, err := o.Score(context.Background(), "a", "b"); err == nil {
			t.Fatalf("%s: Score succeeded with %v", name, got)
		}
	}
}

func TestOpenAICompatGenerate(t *testing.T) {
	var req completionRequest
	srv := fakeCompletions(t, http.StatusOK, `{"choices":[{"index":0,"text":" is warm and sunny today","finish_reason":"length"}]}`, &req)
	o := &OpenAICompat{BaseURL: srv.URL, Model: "m", APIKey: "secret", TokensPerChar: 0.5}
	got, err := o.Generate(context.Background(), "The weather", 8)
	if err != nil || got != " is warm" {
		t.Fatalf("Generate = %q, %v", got, err)
	}
	if req.Prompt != "The weather" || req.MaxTokens != 4 || req.Echo {
		t.Fatalf("unexpected upstream request %+v", req)
	}
}
