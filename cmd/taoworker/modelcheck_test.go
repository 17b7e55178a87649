package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeLlamaServer answers llama.cpp's /completion (format of llama-server b4400 and later) with
// " Paris" likely after any prompt and nothing else in its top tokens.
func fakeLlamaServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/completion" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}`))
			return
		}
		var req struct {
			Prompt string `json:"prompt"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		tok, lp := " Paris", -0.25
		if strings.HasSuffix(req.Prompt, " Paris") {
			tok, lp = ".", -0.5
		}
		fmt.Fprintf(w, `{"content":%q,"stop":true,"completion_probabilities":[{"id":1,"token":%q,"logprob":%v,`+
			`"top_logprobs":[{"id":1,"token":%q,"logprob":%v},{"id":2,"token":" Lyon","logprob":-3.5}]}]}`, tok, tok, lp, tok, lp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestModelCheckPrintsTheWorkingShape(t *testing.T) {
	srv := fakeLlamaServer(t)
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"model-check", "--model-url", srv.URL})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--model-api llamacpp", `log P(" Paris" | "The capital of France is") = -0.2500`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestMinerRefusesADeadModelServer: nothing listening at --model-url (or a server that scores
// nothing) stops the miner before it serves, with the flag and the URL in the error.
func TestMinerRefusesADeadModelServer(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	log := slog.New(slog.DiscardHandler)
	for _, cfg := range []MinerConfig{
		{Model: "server", ModelURL: url, ModelAPI: "auto"},
		{Model: "server", ModelURL: fakeLlamaServer(t).URL, ModelAPI: "completions-echo"},
	} {
		_, err := buildModel(context.Background(), cfg, log)
		if err == nil || !strings.Contains(err.Error(), "--model-url "+cfg.ModelURL) || !strings.Contains(err.Error(), "--model-api") {
			t.Fatalf("%+v: %v", cfg, err)
		}
	}
	if _, err := buildModel(context.Background(), MinerConfig{Model: "server"}, log); err == nil || !strings.Contains(err.Error(), "--model-url") {
		t.Fatalf("missing URL: %v", err)
	}
	if _, err := buildModel(context.Background(), MinerConfig{Model: "server", ModelURL: url, ModelAPI: "grpc"}, log); err == nil ||
		!strings.Contains(err.Error(), "--model-api") {
		t.Fatalf("bad --model-api: %v", err)
	}
	m, err := buildModel(context.Background(), MinerConfig{Model: "server", ModelURL: fakeLlamaServer(t).URL, ModelAPI: "auto"}, log)
	if err != nil || m.Name() != "llamacpp" {
		t.Fatalf("working llama.cpp server: %v %v", m, err)
	}
}
