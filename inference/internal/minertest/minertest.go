// Package minertest holds the fixtures that tests of the validator side share: deterministic
// hotkeys, real axons on 127.0.0.1, a miner that never answers and one that answers anything.
// It is imported only by tests.
package minertest

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/model"
)

// Signer returns the hotkey signer derived from secret (the same secret gives the same key).
func Signer(t testing.TB, secret string) *auth.Signer {
	t.Helper()
	s, err := auth.NewSigner(secp256k1.GenPrivKeyFromSecret([]byte(secret)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// StallModel never answers before its context ends: a miner that times out.
type StallModel struct{}

// Name implements model.Model.
func (StallModel) Name() string { return "stall" }

// Score implements model.Model by waiting for ctx to end.
func (StallModel) Score(ctx context.Context, _, _ string) (float64, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

// Generate implements model.Model by waiting for ctx to end.
func (StallModel) Generate(ctx context.Context, _ string, _ int) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

// StartAxon runs a real axon on 127.0.0.1 for key serving m, accepting callers permit allows, and
// returns its URL. It is shut down (cleanly, or the test fails) when the test ends.
func StartAxon(t testing.TB, key *auth.Signer, m model.Model, permit func(string) bool) string {
	t.Helper()
	v, err := auth.NewVerifier(auth.VerifierConfig{Self: key.Address(), Authorize: permit})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := axon.New(axon.Config{Addr: "127.0.0.1:0", Model: m, Signer: key, Verifier: v, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("axon shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("axon serve: %v", err)
		}
	})
	return srv.URL()
}

// StartRogue runs a non-axon HTTP server on 127.0.0.1 that answers every request with body, signed
// by key over the request nonce, and returns its URL.
func StartRogue(t testing.TB, key *auth.Signer, body string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if err := key.SignResponse(w.Header(), r.Header.Get(auth.HeaderNonce), []byte(body)); err != nil {
			t.Error(err)
		}
		_, _ = io.WriteString(w, body)
	}), ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}
