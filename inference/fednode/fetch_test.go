package fednode_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/protocol"
)

// countingBody counts what the fetcher reads of a response body.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// countingTransport wraps every response body in a countingBody.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Body = countingBody{resp.Body, &c.n}
	}
	return resp, err
}

func wire(t *testing.T, s federated.SignedUpdate) []byte {
	t.Helper()
	bz, err := fednode.EncodeWire(s)
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

// TestFetchRefuses: Fetch returns a served update that matches its commitment, and refuses
// tampered bytes, a wrong hash, another epoch's update, a forged signature, oversized bodies
// (announced or streamed) and error statuses, never reading more than the commitment's size plus
// the framing (and one byte to tell).
func TestFetchRefuses(t *testing.T) {
	k := key("peer")
	s3, c3 := signed(t, k, 3, entries(50))
	s4, c4 := signed(t, k, 4, entries(60))
	lim := federated.DefaultLimits()
	lim.MaxOrder = testOrder

	tampered := wire(t, s3)
	tampered[len(tampered)-3] ^= 1
	badSig := s3
	badSig.Signature = bytes.Clone(s3.Signature)
	badSig.Signature[5] ^= 1
	wrongHash := c3
	wrongHash.Hash[0] ^= 1
	// Epoch 3's update put under a commitment for epoch 4 with epoch 3's hash and size: a replay.
	replay := c3
	replay.Epoch = 4
	huge := bytes.Repeat([]byte{1}, 1<<20)

	var hits atomic.Int64
	var body atomic.Value // []byte served
	var announce atomic.Bool
	var status atomic.Int64
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != protocol.FederatedUpdatePath {
			http.NotFound(w, r)
			return
		}
		bz := body.Load().([]byte)
		if announce.Load() {
			w.Header().Set("Content-Length", strconv.Itoa(len(bz)))
		} else {
			w.Header().Set("Transfer-Encoding", "chunked") // no length: the reader must stop itself
		}
		w.WriteHeader(int(status.Load()))
		_, _ = w.Write(bz)
	}))
	defer srv.Close()
	tr := &countingTransport{}
	client := &http.Client{Transport: tr}

	for _, c := range []struct {
		name     string
		serve    []byte
		announce bool
		status   int
		commit   federated.Commitment
		want     error
	}{
		{"ok", wire(t, s3), true, 200, c3, nil},
		{"ok epoch 4", wire(t, s4), false, 200, c4, nil},
		{"tampered", tampered, true, 200, c3, federated.ErrNotCommitted},
		{"wrong hash", wire(t, s3), true, 200, wrongHash, federated.ErrNotCommitted},
		{"other epoch's update", wire(t, s3), true, 200, replay, federated.ErrWrongEpoch},
		{"forged signature", wire(t, badSig), true, 200, c3, federated.ErrBadSignature},
		{"other update", wire(t, s4), true, 200, c3, federated.ErrNotCommitted},
		{"oversized, announced", huge, true, 200, c3, federated.ErrTooLarge},
		{"oversized, streamed", huge, false, 200, c3, federated.ErrTooLarge},
		{"not found", []byte("no"), true, 404, c3, fednode.ErrFetch},
		{"bad framing", []byte{200}, true, 200, c3, fednode.ErrWire},
	} {
		t.Run(c.name, func(t *testing.T) {
			body.Store(c.serve)
			announce.Store(c.announce)
			status.Store(int64(c.status))
			tr.n.Store(0)
			u, err := fednode.Fetch(context.Background(), client, srv.URL, c.commit, lim)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if c.want == nil && (u.Epoch != c.commit.Epoch || u.Hotkey != address(k) || len(u.Entries) == 0) {
				t.Fatalf("fetched %+v", u)
			}
			if limit := int64(c.commit.Size) + fednode.MaxWireOverhead + 1; tr.n.Load() > limit {
				t.Fatalf("read %d bytes of the body, limit %d", tr.n.Load(), limit)
			}
		})
	}

	// A commitment over the limit, or of size zero, is refused without a request.
	before := hits.Load()
	over := c3
	over.Size = uint32(lim.MaxBytes) + 1
	if _, err := fednode.Fetch(context.Background(), client, srv.URL, over, lim); !errors.Is(err, federated.ErrTooLarge) {
		t.Fatalf("commitment over the limit: %v", err)
	}
	over.Size = 0
	if _, err := fednode.Fetch(context.Background(), client, srv.URL, over, lim); !errors.Is(err, federated.ErrTooLarge) {
		t.Fatalf("commitment of size 0: %v", err)
	}
	for _, bad := range []string{"ftp://x", "not a url", "http://"} {
		if _, err := fednode.Fetch(context.Background(), client, bad, c3, lim); !errors.Is(err, fednode.ErrFetch) {
			t.Fatalf("axon URL %q: %v", bad, err)
		}
	}
	if hits.Load() != before {
		t.Fatalf("%d requests made for refused commitments or URLs", hits.Load()-before)
	}
}

// TestWireRoundTrip: DecodeWire inverts EncodeWire and refuses truncated framing.
func TestWireRoundTrip(t *testing.T) {
	s, _ := signed(t, key("w"), 1, entries(3))
	bz := wire(t, s)
	got, err := fednode.DecodeWire(bz)
	if err != nil || !bytes.Equal(got.Bytes, s.Bytes) || !bytes.Equal(got.PubKey, s.PubKey) || !bytes.Equal(got.Signature, s.Signature) {
		t.Fatalf("round trip: %v", err)
	}
	if len(bz)-len(s.Bytes) > fednode.MaxWireOverhead {
		t.Fatalf("framing %d bytes, over MaxWireOverhead", len(bz)-len(s.Bytes))
	}
	for _, cut := range []int{0, 1, 10, 1 + len(s.PubKey), 2 + len(s.PubKey) + 10} {
		if _, err := fednode.DecodeWire(bz[:cut]); !errors.Is(err, fednode.ErrWire) {
			t.Fatalf("truncated at %d: %v", cut, err)
		}
	}
	if _, err := fednode.EncodeWire(federated.SignedUpdate{PubKey: make([]byte, 256)}); !errors.Is(err, fednode.ErrWire) {
		t.Fatalf("long key: %v", err)
	}
}
