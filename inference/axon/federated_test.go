package axon_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/inference/protocol"
)

// updates serves fixed bodies; when entered is set, FederatedUpdate of epoch 1 signals entered and
// waits for release, so a test can hold a request inside the handler.
type updates struct {
	bodies  map[uint64][]byte
	entered chan struct{}
	release chan struct{}
}

func (u *updates) FederatedUpdate(epoch uint64) ([]byte, bool) {
	if u.entered != nil && epoch == 1 {
		u.entered <- struct{}{}
		<-u.release
	}
	b, ok := u.bodies[epoch]
	return b, ok
}

func (e *env) get(t *testing.T, method, query string) reply {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL()+protocol.FederatedUpdatePath+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e.do(t, req)
}

// TestFederatedUpdateStatus: the update endpoint serves held epochs unauthenticated, 404 for an
// epoch it does not hold or when the axon has no update source, 400 for a malformed epoch, 405
// for other methods, and refuses to send a body over its cap.
func TestFederatedUpdateStatus(t *testing.T) {
	m := model.Train(corpus.Train(), 3)
	big := bytes.Repeat([]byte{7}, 100)
	src := &updates{bodies: map[uint64][]byte{3: []byte("update three"), 4: big}}
	e := start(t, m, func(c *axon.Config) { c.Updates = src; c.MaxUpdateResponseBytes = 64 })

	r := e.get(t, http.MethodGet, "?epoch=3")
	if r.status != http.StatusOK || string(r.body) != "update three" || r.header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("held epoch: %d %q %q", r.status, r.body, r.header.Get("Content-Type"))
	}
	if r := e.get(t, http.MethodHead, "?epoch=3"); r.status != http.StatusOK || len(r.body) != 0 || r.header.Get("Content-Length") != "12" {
		t.Fatalf("HEAD: %d %q length %q", r.status, r.body, r.header.Get("Content-Length"))
	}
	for _, c := range []struct {
		method, query string
		want          int
	}{
		{http.MethodGet, "?epoch=5", http.StatusNotFound},
		{http.MethodGet, "?epoch=0", http.StatusNotFound},
		{http.MethodGet, "", http.StatusBadRequest},
		{http.MethodGet, "?epoch=", http.StatusBadRequest},
		{http.MethodGet, "?epoch=x", http.StatusBadRequest},
		{http.MethodGet, "?epoch=-1", http.StatusBadRequest},
		{http.MethodGet, "?epoch=18446744073709551616", http.StatusBadRequest},
		{http.MethodGet, "?epoch=3&epoch=4", http.StatusBadRequest},
		{http.MethodGet, "?epoch=3&extra=1", http.StatusBadRequest},
		{http.MethodPost, "?epoch=3", http.StatusMethodNotAllowed},
		{http.MethodGet, "?epoch=4", http.StatusInternalServerError}, // 100 bytes over the 64-byte cap
	} {
		r := e.get(t, c.method, c.query)
		if r.status != c.want || !strings.Contains(string(r.body), `"error"`) {
			t.Errorf("%s %s: status %d %q, want %d with an error", c.method, c.query, r.status, r.body, c.want)
		}
		if bytes.Contains(r.body, big) {
			t.Errorf("%s %s: oversized body sent", c.method, c.query)
		}
	}

	off := start(t, m, nil)
	if r := off.get(t, http.MethodGet, "?epoch=3"); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "no federated updates") {
		t.Fatalf("axon without updates: %d %q", r.status, r.body)
	}
}

// TestFederatedUpdateIPLimit: update requests count against the per-IP limit while being served.
func TestFederatedUpdateIPLimit(t *testing.T) {
	src := &updates{bodies: map[uint64][]byte{1: []byte("u"), 2: []byte("v")}, entered: make(chan struct{}), release: make(chan struct{})}
	e := start(t, model.Train(corpus.Train(), 3), func(c *axon.Config) { c.Updates = src; c.MaxReadsPerIP = 1 })
	first := make(chan reply, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL()+protocol.FederatedUpdatePath+"?epoch=1", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- reply{}
			return
		}
		resp.Body.Close()
		first <- reply{status: resp.StatusCode}
	}()
	<-src.entered // the first request holds the IP's only slot
	if r := e.get(t, http.MethodGet, "?epoch=1"); r.status != http.StatusTooManyRequests {
		t.Fatalf("second request from the same IP: %d %q, want 429", r.status, r.body)
	}
	close(src.release)
	if r := <-first; r.status != http.StatusOK {
		t.Fatalf("first request: %d", r.status)
	}
	if r := e.get(t, http.MethodGet, "?epoch=2"); r.status != http.StatusOK {
		t.Fatalf("after the first finished: %d %q", r.status, r.body)
	}
}
