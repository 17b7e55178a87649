package model

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// toyTok is one next token of the toy model behind the fake servers.
type toyTok struct {
	text    string
	logprob float64
}

// toyNext is the toy model: its top next tokens after ProbePrompt+key. " Paris" can be spelt
// " Paris", " P"+"aris" or " P"+"ar"+"is".
var toyNext = map[string][]toyTok{
	"":       {{" Paris", -0.5}, {" the", -1.5}, {" P", -2.0}, {" a", -2.5}},
	" P":     {{"aris", -0.1}, {"ar", -1.0}, {"au", -4.0}},
	" Par":   {{"is", -0.2}, {"k", -3.0}},
	" Paris": {{".", -0.3}, {",", -1.2}},
}

// toyWant is log P(" Paris" | ProbePrompt) under toyNext, summed over its three spellings.
var toyWant = math.Log(math.Exp(-0.5) + math.Exp(-2.0)*(math.Exp(-0.1)+math.Exp(-1.0)*math.Exp(-0.2)))

// toyTop returns the toy distribution after text (a fixed default for contexts it does not know).
func toyTop(t *testing.T, text string) []toyTok {
	rest, ok := strings.CutPrefix(text, ProbePrompt)
	if !ok {
		t.Errorf("server asked about %q, which does not start with the probe prompt", text)
	}
	if top, ok := toyNext[rest]; ok {
		return top
	}
	return []toyTok{{" the", -1.0}, {" of", -2.0}}
}

func bytesOf(s string) []int {
	out := make([]int, len(s))
	for i := range len(s) {
		out[i] = int(s[i])
	}
	return out
}

// llamaCppHandler mimics llama.cpp's llama-server. /completion answers in the format of build
// b4400 and later (completion_probabilities[].top_logprobs with token, bytes and logprob) or,
// with oldFormat, of the builds before it (probs with tok_str and prob); the OpenAI-compatible
// /v1/completions refuses echo exactly as server.cpp's oaicompat_completion_params_parse does.
func llamaCppHandler(t *testing.T, oldFormat bool, requests *int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /completion", func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("llama.cpp got invalid JSON: %v", err)
		}
		if requests != nil {
			*requests++
		}
		if req["n_predict"] != 1.0 || req["n_probs"] != float64(DefaultTopN) {
			t.Errorf("llama.cpp request %v: want n_predict 1 and n_probs %d", req, DefaultTopN)
		}
		top := toyTop(t, req["prompt"].(string))
		var step map[string]any
		if oldFormat {
			probs := []map[string]any{}
			for _, tok := range top {
				probs = append(probs, map[string]any{"tok_str": tok.text, "prob": math.Exp(tok.logprob)})
			}
			step = map[string]any{"content": top[0].text, "probs": probs}
		} else {
			tops := []map[string]any{}
			for i, tok := range top {
				tops = append(tops, map[string]any{"id": 1000 + i, "token": tok.text, "bytes": bytesOf(tok.text), "logprob": tok.logprob})
			}
			step = map[string]any{"id": 1000, "token": top[0].text, "bytes": bytesOf(top[0].text), "logprob": top[0].logprob, "top_logprobs": tops}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"index": 0, "content": top[0].text, "tokens": []int{}, "id_slot": 0, "stop": true, "model": "gpt-3.5-turbo",
			"tokens_predicted": 1, "tokens_evaluated": 6, "prompt": "<s> " + req["prompt"].(string), "has_new_line": false,
			"truncated": false, "stop_type": "limit", "stopping_word": "", "tokens_cached": 6,
			"completion_probabilities": []any{step},
		})
	})
	mux.HandleFunc("POST /v1/completions", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":{"code":500,"message":"Only no echo is supported","type":"server_error"}}`)
	})
	return mux
}

// ollamaHandler mimics Ollama's OpenAI-compatible API (v0.12.11 and later, which return logprobs on
// chat completions): /v1/completions ignores echo and answers with generated text only,
// /v1/chat/completions returns OpenAI's logprobs.content[].top_logprobs, and there is no
// /completion (gin's plain-text 404).
func ollamaHandler(t *testing.T) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/completions", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"cmpl-421","object":"text_completion","created":1767225600,"model":"llama3.2",`+
			`"system_fingerprint":"fp_ollama","choices":[{"text":"","index":0,"finish_reason":"length"}],`+
			`"usage":{"prompt_tokens":6,"completion_tokens":0,"total_tokens":6}}`)
	})
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		var req chatRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("ollama got invalid JSON: %v", err)
		}
		if !req.Logprobs || req.TopLogprobs != DefaultTopN || req.MaxTokens != 1 || len(req.Messages) != 2 ||
			req.Messages[0].Role != "system" || req.Messages[1].Role != "user" || req.Model != "llama3.2" {
			t.Errorf("chat request %+v", req)
		}
		top := toyTop(t, req.Messages[1].Content)
		tops := []map[string]any{}
		for _, tok := range top {
			tops = append(tops, map[string]any{"token": tok.text, "logprob": tok.logprob, "bytes": bytesOf(tok.text)})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-87", "object": "chat.completion", "created": 1767225600, "model": "llama3.2",
			"system_fingerprint": "fp_ollama",
			"choices": []any{map[string]any{
				"index": 0, "message": map[string]any{"role": "assistant", "content": top[0].text}, "finish_reason": "length",
				"logprobs": map[string]any{"content": []any{map[string]any{
					"token": top[0].text, "logprob": top[0].logprob, "bytes": bytesOf(top[0].text), "top_logprobs": tops,
				}}},
			}},
			"usage": map[string]any{"prompt_tokens": 40, "completion_tokens": 1, "total_tokens": 41},
		})
	})
	return mux
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestLlamaCppScoreSumsEverySpelling(t *testing.T) {
	for _, old := range []bool{false, true} {
		requests := 0
		srv := serve(t, llamaCppHandler(t, old, &requests))
		m := &LlamaCpp{BaseURL: srv.URL + "/"}
		got, err := m.Score(context.Background(), ProbePrompt, ProbeLikely)
		if err != nil {
			t.Fatalf("old format %v: %v", old, err)
		}
		if math.Abs(got-toyWant) > 1e-9 {
			t.Fatalf("old format %v: Score = %v, want %v", old, got, toyWant)
		}
		// Positions 0, 2 (" P") and 4 (" Par"): one request each, however many spellings.
		if requests != 3 {
			t.Fatalf("old format %v: %d requests, want 3", old, requests)
		}
		// Nothing in the top n fits: charged the most a token outside it can have.
		got, err = m.Score(context.Background(), ProbePrompt, ProbeImplausible)
		want := math.Log(min(math.Exp(-2.5), 1-(math.Exp(-0.5)+math.Exp(-1.5)+math.Exp(-2.0)+math.Exp(-2.5))))
		if err != nil || math.Abs(got-want) > 1e-9 {
			t.Fatalf("old format %v: implausible Score = %v, %v; want %v", old, got, err, want)
		}
	}
}

func TestChatScore(t *testing.T) {
	srv := serve(t, ollamaHandler(t))
	m := &Chat{BaseURL: srv.URL, Model: "llama3.2"}
	got, err := m.Score(context.Background(), ProbePrompt, ProbeLikely)
	if err != nil || math.Abs(got-toyWant) > 1e-9 {
		t.Fatalf("Score = %v, %v; want %v", got, err, toyWant)
	}
}

// TestProbePicksTheShapeTheServerSpeaks: auto finds completions-echo on vLLM, llamacpp on
// llama.cpp (whose /v1/completions refuses echo) and chat on Ollama (whose /v1/completions ignores
// echo); a server that speaks none is refused with every shape's reason, and so is one that gives
// every text the same score.
func TestProbePicksTheShapeTheServerSpeaks(t *testing.T) {
	vllm := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req completionRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		if r.URL.Path != "/v1/completions" || !req.Echo {
			http.NotFound(w, r)
			return
		}
		// vLLM 0.6-style echo: the prompt tokens, the first without a logprob.
		lp := -1.25
		if strings.HasSuffix(req.Prompt, ProbeImplausible) {
			lp = -9.5
		}
		fmt.Fprintf(w, `{"id":"cmpl-1","object":"text_completion","created":1767225600,"model":"m","choices":[{"index":0,`+
			`"text":%q,"logprobs":{"text_offset":[0,%d],"token_logprobs":[null,%v],"tokens":[%q,%q],"top_logprobs":[null,{}]},`+
			`"finish_reason":"length","stop_reason":null}],"usage":{"prompt_tokens":2,"total_tokens":2,"completion_tokens":0}}`,
			req.Prompt, len(ProbePrompt), lp, ProbePrompt, req.Prompt[len(ProbePrompt):])
	}))
	cases := []struct {
		name string
		url  string
		want API
	}{
		{"vllm", vllm.URL, APICompletionsEcho},
		{"llama.cpp", serve(t, llamaCppHandler(t, false, nil)).URL, APILlamaCpp},
		{"ollama", serve(t, ollamaHandler(t)).URL, APIChat},
	}
	for _, tc := range cases {
		res, err := Probe(context.Background(), ServerConfig{BaseURL: tc.url, Model: "llama3.2"}, APIAuto)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.API != tc.want || !(res.Likely > res.Implausible) {
			t.Fatalf("%s: probe chose %s (likely %v, implausible %v), want %s", tc.name, res.API, res.Likely, res.Implausible, tc.want)
		}
	}
	// Forcing a shape the server does not speak fails, with the server's reason.
	_, err := Probe(context.Background(), ServerConfig{BaseURL: cases[1].url}, APICompletionsEcho)
	if err == nil || !strings.Contains(err.Error(), "Only no echo is supported") {
		t.Fatalf("completions-echo on llama.cpp: %v", err)
	}

	nothing := serve(t, http.NotFoundHandler())
	_, err = Probe(context.Background(), ServerConfig{BaseURL: nothing.URL}, APIAuto)
	if err == nil {
		t.Fatal("a server without any scoring endpoint passed the probe")
	}
	for _, shape := range probeOrder {
		if !strings.Contains(err.Error(), string(shape)+":") {
			t.Errorf("probe error does not say why %s failed: %v", shape, err)
		}
	}
	constant := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"completion_probabilities":[{"top_logprobs":[{"token":"x","logprob":-3}]}]}`)
	}))
	if _, err := Probe(context.Background(), ServerConfig{BaseURL: constant.URL}, APILlamaCpp); err == nil ||
		!strings.Contains(err.Error(), "same log-probability") {
		t.Fatalf("a server that ignores the text passed the probe: %v", err)
	}
}
