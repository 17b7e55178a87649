package axon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/inference/protocol"
)

// blockingModel scores only after release is closed (or its context ends).
type blockingModel struct {
	started chan struct{}
	release chan struct{}
}

func (m *blockingModel) Name() string { return "blocking" }
func (m *blockingModel) Score(ctx context.Context, _, _ string) (float64, error) {
	m.started <- struct{}{}
	select {
	case <-m.release:
		return -1, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
func (m *blockingModel) Generate(context.Context, string, int) (string, error) {
	return "", errors.New("not supported")
}

func signer(t *testing.T, secret string) *auth.Signer {
	t.Helper()
	s, err := auth.NewSigner(secp256k1.GenPrivKeyFromSecret([]byte(secret)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type env struct {
	srv       *axon.Server
	miner     *auth.Signer
	validator *auth.Signer
	outsider  *auth.Signer
}

func start(t *testing.T, m model.Model, tweak func(*axon.Config)) *env {
	t.Helper()
	e := &env{miner: signer(t, "miner"), validator: signer(t, "validator"), outsider: signer(t, "outsider")}
	var mg metagraph.Cache
	if err := mg.Update(nil, []string{e.validator.Address()}); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{Self: e.miner.Address(), Authorize: mg.Permit})
	if err != nil {
		t.Fatal(err)
	}
	cfg := axon.Config{Addr: "127.0.0.1:0", Model: m, Signer: e.miner, Verifier: v}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := axon.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return e
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// call sends body signed by s (nil: unsigned) and returns the reply.
func (e *env) call(t *testing.T, s *auth.Signer, method string, body []byte) (reply, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL()+protocol.InferPath, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var nonce string
	if s != nil {
		if nonce, err = s.SignRequest(req, body, e.miner.Address(), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return e.do(t, req), nonce
}

func (e *env) do(t *testing.T, req *http.Request) reply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, raw}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	bz, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

func TestInferScoreAndGenerate(t *testing.T) {
	ng := model.Train(corpus.Train(), 4)
	e := start(t, ng, nil)

	body := mustJSON(t, protocol.InferRequest{Prompt: "The weather in the", Candidates: []string{" valley", "xq"}})
	r, nonce := e.call(t, e.validator, http.MethodPost, body)
	if r.status != http.StatusOK {
		t.Fatalf("score: status %d %s", r.status, r.body)
	}
	if err := auth.VerifyResponse(r.header, r.body, nonce, e.miner.Address()); err != nil {
		t.Fatalf("response signature: %v", err)
	}
	var got protocol.InferResponse
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Kind != protocol.KindScore || got.Model != "ngram-o4" || got.Chars != 9 || len(got.LogProbs) != 2 ||
		got.LogProbs[0] != ng.LogProb("The weather in the", " valley") || got.LogProbs[1] != ng.LogProb("The weather in the", "xq") {
		t.Fatalf("score response %+v", got)
	}

	body = mustJSON(t, protocol.InferRequest{Kind: protocol.KindGenerate, Prompt: "The river ", MaxChars: 12})
	r, nonce = e.call(t, e.validator, http.MethodPost, body)
	if r.status != http.StatusOK || auth.VerifyResponse(r.header, r.body, nonce, e.miner.Address()) != nil {
		t.Fatalf("generate: status %d %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &got); err != nil || got.Completion != ng.Complete("The river ", 12) || got.Chars != 12 {
		t.Fatalf("generate response %+v, %v", got, err)
	}
}

func TestInferRejections(t *testing.T) {
	e := start(t, model.Train(corpus.Train(), 2), func(c *axon.Config) { c.MaxBodyBytes = 512; c.MaxChars = 100 })
	good := mustJSON(t, protocol.InferRequest{Prompt: "a", Candidates: []string{"b"}})

	cases := []struct {
		name   string
		signer func() *auth.Signer
		method string
		body   []byte
		status int
		signed bool // error responses to authenticated callers are signed
	}{
		{"unsigned", func() *auth.Signer { return nil }, http.MethodPost, good, http.StatusUnauthorized, false},
		{"no permit", func() *auth.Signer { return e.outsider }, http.MethodPost, good, http.StatusForbidden, false},
		{"wrong method", func() *auth.Signer { return e.validator }, http.MethodGet, nil, http.StatusMethodNotAllowed, false},
		{"too large", func() *auth.Signer { return e.validator }, http.MethodPost, bytes.Repeat([]byte("x"), 600), http.StatusRequestEntityTooLarge, false},
		{"not json", func() *auth.Signer { return e.validator }, http.MethodPost, []byte("hello"), http.StatusBadRequest, true},
		{"unknown field", func() *auth.Signer { return e.validator }, http.MethodPost, []byte(`{"prompt":"a","candidates":["b"],"x":1}`), http.StatusBadRequest, true},
		{"unknown kind", func() *auth.Signer { return e.validator }, http.MethodPost, []byte(`{"kind":"train","prompt":"a"}`), http.StatusBadRequest, true},
		{"no candidates", func() *auth.Signer { return e.validator }, http.MethodPost, []byte(`{"prompt":"a"}`), http.StatusBadRequest, true},
		{"empty candidate", func() *auth.Signer { return e.validator }, http.MethodPost, []byte(`{"prompt":"a","candidates":["b",""]}`), http.StatusBadRequest, true},
		{"too many chars", func() *auth.Signer { return e.validator }, http.MethodPost, mustJSON(t, protocol.InferRequest{Prompt: strings.Repeat("a", 97), Candidates: []string{"bc", "de"}}), http.StatusBadRequest, true},
		{"generate too long", func() *auth.Signer { return e.validator }, http.MethodPost, []byte(`{"kind":"generate","prompt":"a","max_chars":101}`), http.StatusBadRequest, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, nonce := e.call(t, tc.signer(), tc.method, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d (%s), want %d", r.status, r.body, tc.status)
			}
			var er protocol.ErrorResponse
			if err := json.Unmarshal(r.body, &er); err != nil || er.Error == "" {
				t.Fatalf("error body %q", r.body)
			}
			sigErr := auth.VerifyResponse(r.header, r.body, nonce, e.miner.Address())
			if tc.signed != (sigErr == nil) {
				t.Fatalf("signed=%v but VerifyResponse says %v", tc.signed, sigErr)
			}
		})
	}
}

func TestReplayIsConflict(t *testing.T) {
	e := start(t, model.Train(corpus.Train(), 2), nil)
	body := mustJSON(t, protocol.InferRequest{Prompt: "a", Candidates: []string{"b"}})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL()+protocol.InferPath, bytes.NewReader(body))
	if _, err := e.validator.SignRequest(req, body, e.miner.Address(), time.Now()); err != nil {
		t.Fatal(err)
	}
	replay, _ := http.NewRequest(http.MethodPost, req.URL.String(), bytes.NewReader(body))
	replay.Header = req.Header.Clone()
	if r := e.do(t, req); r.status != http.StatusOK {
		t.Fatalf("first: %d %s", r.status, r.body)
	}
	if r := e.do(t, replay); r.status != http.StatusConflict {
		t.Fatalf("replay: %d %s", r.status, r.body)
	}
}

func TestBusyTimeoutAndGracefulShutdown(t *testing.T) {
	m := &blockingModel{started: make(chan struct{}, 4), release: make(chan struct{})}
	e := start(t, m, func(c *axon.Config) { c.MaxConcurrent = 1; c.RequestTimeout = 300 * time.Millisecond })
	body := mustJSON(t, protocol.InferRequest{Prompt: "a", Candidates: []string{"b"}})

	// A task that outlives RequestTimeout gets a signed 504.
	r, nonce := e.call(t, e.validator, http.MethodPost, body)
	<-m.started
	if r.status != http.StatusGatewayTimeout || auth.VerifyResponse(r.header, r.body, nonce, e.miner.Address()) != nil {
		t.Fatalf("timeout: %d %s", r.status, r.body)
	}

	// While one task runs, a second is refused with 503; Shutdown waits for the first to finish.
	var wg sync.WaitGroup
	first := make(chan reply, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL()+protocol.InferPath, bytes.NewReader(body))
		if _, err := e.validator.SignRequest(req, body, e.miner.Address(), time.Now()); err != nil {
			t.Error(err)
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		first <- reply{resp.StatusCode, resp.Header, raw}
	}()
	<-m.started
	if r, _ := e.call(t, e.validator, http.MethodPost, body); r.status != http.StatusServiceUnavailable {
		t.Fatalf("busy: %d %s", r.status, r.body)
	}
	shutdown := make(chan error, 1)
	go func() { shutdown <- e.srv.Shutdown(context.Background()) }()
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned (%v) while a task was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(m.release)
	wg.Wait()
	if r := <-first; r.status != http.StatusOK {
		t.Fatalf("in-flight task: %d %s", r.status, r.body)
	}
	if err := <-shutdown; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := start(t, model.Train(corpus.Train(), 2), nil)
	body := mustJSON(t, protocol.InferRequest{Prompt: "a", Candidates: []string{"b"}})
	e.call(t, e.validator, http.MethodPost, body)
	e.call(t, nil, http.MethodPost, body)

	get := func(path string) reply {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL()+path, nil)
		return e.do(t, req)
	}
	if r := get(protocol.HealthPath); r.status != http.StatusOK || string(r.body) != "ok\n" {
		t.Fatalf("healthz: %d %q", r.status, r.body)
	}
	r := get(protocol.MetricsPath)
	if r.status != http.StatusOK {
		t.Fatalf("metrics: %d", r.status)
	}
	for _, want := range []string{
		`taoworker_axon_requests_total{code="200",path="/v1/infer"} 1`,
		`taoworker_axon_requests_total{code="401",path="/v1/infer"} 1`,
		`taoworker_axon_request_duration_seconds_count{path="/v1/infer"} 2`,
		`taoworker_axon_tasks_in_flight 0`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Fatalf("metrics lack %q:\n%s", want, r.body)
		}
	}
}

func TestNewValidates(t *testing.T) {
	miner, other := signer(t, "miner"), signer(t, "other")
	v, _ := auth.NewVerifier(auth.VerifierConfig{Self: other.Address(), Authorize: func(string) bool { return true }})
	if _, err := axon.New(axon.Config{Addr: "127.0.0.1:0", Model: model.Train("ab", 1), Signer: miner, Verifier: v}); err == nil {
		t.Fatal("accepted a verifier for another hotkey")
	}
	if _, err := axon.New(axon.Config{Addr: "127.0.0.1:0", Signer: miner, Verifier: v}); err == nil {
		t.Fatal("accepted a nil model")
	}
	self, _ := auth.NewVerifier(auth.VerifierConfig{Self: miner.Address(), Authorize: func(string) bool { return true }})
	if _, err := axon.New(axon.Config{Addr: "127.0.0.1:0", Model: model.Train("ab", 1), Signer: miner, Verifier: self, BodyTimeout: -1}); err == nil {
		t.Fatal("accepted a negative body timeout")
	}
}
