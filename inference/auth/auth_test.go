package auth

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
)

var t0 = time.UnixMilli(1_767_225_600_000)

type fixture struct {
	validator, other, miner *Signer
	verifier                *Verifier
	clock                   time.Time
}

func mustSigner(t testing.TB, secret string) *Signer {
	t.Helper()
	s, err := NewSigner(secp256k1.GenPrivKeyFromSecret([]byte(secret)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newFixture(t *testing.T, maxNonces int) *fixture {
	f := &fixture{
		validator: mustSigner(t, "validator"),
		other:     mustSigner(t, "not a validator"),
		miner:     mustSigner(t, "miner"),
		clock:     t0,
	}
	v, err := NewVerifier(VerifierConfig{
		Self:      f.miner.Address(),
		Authorize: func(hk string) bool { return hk == f.validator.Address() },
		MaxSkew:   30 * time.Second,
		MaxNonces: maxNonces,
		Now:       func() time.Time { return f.clock },
	})
	if err != nil {
		t.Fatal(err)
	}
	f.verifier = v
	return f
}

func signedRequest(t *testing.T, s *Signer, target string, body []byte, at time.Time) (*http.Request, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/v1/infer", bytes.NewReader(body))
	nonce, err := s.SignRequest(r, body, target, at)
	if err != nil {
		t.Fatal(err)
	}
	return r, nonce
}

func TestAddressIsBech32Tao(t *testing.T) {
	s := mustSigner(t, "validator")
	if !strings.HasPrefix(s.Address(), "tao1") || len(s.PubKeyHex()) != 66 {
		t.Fatalf("address %q pubkey %q", s.Address(), s.PubKeyHex())
	}
	if _, err := NewSigner(nil); err == nil {
		t.Fatal("NewSigner accepted nil")
	}
}

func TestRequestRoundTrip(t *testing.T) {
	f := newFixture(t, 0)
	body := []byte(`{"prompt":"The weather","continuation":" is warm"}`)
	r, nonce := signedRequest(t, f.validator, f.miner.Address(), body, t0.Add(-10*time.Second))
	caller, err := f.verifier.VerifyRequest(r, body)
	if err != nil {
		t.Fatalf("valid request rejected: %v", err)
	}
	if caller.Hotkey != f.validator.Address() || caller.Nonce != nonce || caller.PubKeyHex != f.validator.PubKeyHex() ||
		!caller.Timestamp.Equal(t0.Add(-10*time.Second)) {
		t.Fatalf("caller = %+v", caller)
	}
}

func TestRequestRejections(t *testing.T) {
	body := []byte(`{"prompt":"a","continuation":"b"}`)
	cases := []struct {
		name string
		// build returns the request and the body the server actually received.
		build func(f *fixture) (*http.Request, []byte)
		want  error
	}{
		{"tampered body", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0)
			return r, []byte(`{"prompt":"a","continuation":"c"}`)
		}, ErrBodyHash},
		{"tampered body and hash header", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0)
			forged := []byte(`{"prompt":"x","continuation":"y"}`)
			r.Header.Set(HeaderBodySHA256, BodyHash(forged))
			return r, forged
		}, ErrBadSignature},
		{"wrong key", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0)
			r.Header.Set(HeaderHotkey, f.other.PubKeyHex()) // claims another key
			return r, body
		}, ErrBadSignature},
		{"other path", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0)
			r.URL.Path = "/v1/other"
			return r, body
		}, ErrBadSignature},
		{"stale timestamp", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0.Add(-31*time.Second))
			return r, body
		}, ErrStale},
		{"future timestamp", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0.Add(31*time.Second))
			return r, body
		}, ErrStale},
		{"unauthorized hotkey", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.other, f.miner.Address(), body, t0)
			return r, body
		}, ErrUnauthorized},
		{"addressed to another miner", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.other.Address(), body, t0)
			return r, body
		}, ErrWrongTarget},
		{"missing signature", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0)
			r.Header.Del(HeaderSignature)
			return r, body
		}, ErrMissingHeader},
		{"unsigned", func(f *fixture) (*http.Request, []byte) {
			return httptest.NewRequest(http.MethodPost, "/v1/infer", nil), body
		}, ErrMissingHeader},
		{"malformed hotkey", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0)
			r.Header.Set(HeaderHotkey, f.validator.Address())
			return r, body
		}, ErrMalformed},
		{"short nonce", func(f *fixture) (*http.Request, []byte) {
			r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0)
			r.Header.Set(HeaderNonce, "abcd")
			return r, body
		}, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			r, got := tc.build(f)
			if _, err := f.verifier.VerifyRequest(r, got); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if n := f.verifier.nonces.size(); n != 0 {
				t.Fatalf("rejected request left %d nonces in the cache", n)
			}
		})
	}
}

func TestVerifyHeadersBeforeBody(t *testing.T) {
	f := newFixture(t, 0)
	body := []byte(`{"prompt":"a","candidates":["b"]}`)

	// A caller without a permit is refused from its headers alone.
	outsider, _ := signedRequest(t, f.other, f.miner.Address(), body, t0)
	if _, err := f.verifier.VerifyHeaders(outsider); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("outsider: got %v", err)
	}

	// A body that does not match the signed hash is refused and does not use up the nonce, so the
	// genuine body (a copy of the headers arriving first must not block it) is still accepted.
	r, nonce := signedRequest(t, f.validator, f.miner.Address(), body, t0)
	p, err := f.verifier.VerifyHeaders(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.VerifyBody([]byte(`{"prompt":"x"}`)); !errors.Is(err, ErrBodyHash) {
		t.Fatalf("wrong body: got %v", err)
	}
	caller, err := p.VerifyBody(body)
	if err != nil || caller.Nonce != nonce || caller.Hotkey != f.validator.Address() {
		t.Fatalf("genuine body: %+v, %v", caller, err)
	}

	// Once used, the nonce is refused before the body is read.
	if _, err := f.verifier.VerifyHeaders(r); !errors.Is(err, ErrReplay) {
		t.Fatalf("replayed headers: got %v", err)
	}
	if _, err := (Pending{}).VerifyBody(body); err == nil {
		t.Fatal("zero Pending accepted a body")
	}
}

func TestReplayRejected(t *testing.T) {
	f := newFixture(t, 0)
	body := []byte("{}")
	r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0)
	replay := r.Clone(r.Context())
	if _, err := f.verifier.VerifyRequest(r, body); err != nil {
		t.Fatal(err)
	}
	if _, err := f.verifier.VerifyRequest(replay, body); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay: got %v", err)
	}
	// After the window the nonce is forgotten and the replay is refused as stale instead.
	f.clock = t0.Add(31 * time.Second)
	if _, err := f.verifier.VerifyRequest(replay, body); !errors.Is(err, ErrStale) {
		t.Fatalf("late replay: got %v", err)
	}
	r2, _ := signedRequest(t, f.validator, f.miner.Address(), body, f.clock)
	if _, err := f.verifier.VerifyRequest(r2, body); err != nil {
		t.Fatal(err)
	}
	if n := f.verifier.nonces.size(); n != 1 {
		t.Fatalf("expired nonces not pruned: %d remembered", n)
	}
}

func TestNonceCacheBoundedWithoutReplayGap(t *testing.T) {
	f := newFixture(t, 3)
	body := []byte("{}")
	var reqs []*http.Request
	for i := range 5 {
		r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0.Add(time.Duration(i)*time.Second))
		reqs = append(reqs, r.Clone(r.Context()))
		if _, err := f.verifier.VerifyRequest(r, body); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if n := f.verifier.nonces.size(); n > 3 {
			t.Fatalf("cache grew to %d entries, limit 3", n)
		}
	}
	// Every earlier request, including those evicted from the cache, still fails on replay.
	for i, r := range reqs {
		if _, err := f.verifier.VerifyRequest(r, body); !errors.Is(err, ErrReplay) {
			t.Fatalf("replay of request %d: got %v", i, err)
		}
	}
	// A fresh request newer than the evicted ones is still accepted.
	r, _ := signedRequest(t, f.validator, f.miner.Address(), body, t0.Add(10*time.Second))
	if _, err := f.verifier.VerifyRequest(r, body); err != nil {
		t.Fatalf("fresh request after eviction: %v", err)
	}
}

func TestResponseRoundTrip(t *testing.T) {
	miner, other := mustSigner(t, "miner"), mustSigner(t, "other")
	body := []byte(`{"logprob":-12.5}`)
	h := http.Header{}
	if err := miner.SignResponse(h, "00112233445566778899aabbccddeeff", body); err != nil {
		t.Fatal(err)
	}
	if err := VerifyResponse(h, body, "00112233445566778899aabbccddeeff", miner.Address()); err != nil {
		t.Fatalf("valid response rejected: %v", err)
	}
	cases := []struct {
		name  string
		h     http.Header
		body  []byte
		nonce string
		hk    string
		want  error
	}{
		{"tampered body", h, []byte(`{"logprob":-1}`), "00112233445566778899aabbccddeeff", miner.Address(), ErrBodyHash},
		{"other request", h, body, "ffeeddccbbaa99887766554433221100", miner.Address(), ErrBadSignature},
		{"other miner expected", h, body, "00112233445566778899aabbccddeeff", other.Address(), ErrWrongHotkey},
		{"unsigned", http.Header{}, body, "00112233445566778899aabbccddeeff", miner.Address(), ErrMissingHeader},
	}
	for _, tc := range cases {
		if err := VerifyResponse(tc.h, tc.body, tc.nonce, tc.hk); !errors.Is(err, tc.want) {
			t.Fatalf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	// A response signed by another key but claiming the miner's public key fails the signature.
	forged := http.Header{}
	if err := other.SignResponse(forged, "00112233445566778899aabbccddeeff", body); err != nil {
		t.Fatal(err)
	}
	forged.Set(HeaderHotkey, miner.PubKeyHex())
	if err := VerifyResponse(forged, body, "00112233445566778899aabbccddeeff", miner.Address()); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("forged response: got %v", err)
	}
}

func TestNewVerifierValidates(t *testing.T) {
	if _, err := NewVerifier(VerifierConfig{Authorize: func(string) bool { return true }}); err == nil {
		t.Fatal("accepted missing Self")
	}
	if _, err := NewVerifier(VerifierConfig{Self: "tao1x"}); err == nil {
		t.Fatal("accepted missing Authorize")
	}
	if _, err := NewVerifier(VerifierConfig{Self: "tao1x", Authorize: func(string) bool { return true }, MaxSkew: -1}); err == nil {
		t.Fatal("accepted negative skew")
	}
}

func BenchmarkVerifyRequest(b *testing.B) {
	s, miner := mustSigner(b, "validator"), mustSigner(b, "miner")
	v, _ := NewVerifier(VerifierConfig{Self: miner.Address(), Authorize: func(string) bool { return true }})
	body := []byte(`{"prompt":"The weather","continuation":" is warm"}`)
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/v1/infer", nil)
		if _, err := s.SignRequest(r, body, miner.Address(), time.Now()); err != nil {
			b.Fatal(err)
		}
		if _, err := v.VerifyRequest(r, body); err != nil {
			b.Fatal(err)
		}
	}
}
