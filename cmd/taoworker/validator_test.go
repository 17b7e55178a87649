package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/validator"
)

// outageChain is a validator.Chain whose node is down until a given time.
type outageChain struct {
	upAt  time.Time
	calls int
}

func (o *outageChain) Epoch(context.Context, uint16) (validator.Epoch, error) {
	o.calls++
	if time.Now().Before(o.upAt) {
		return validator.Epoch{}, status.Error(codes.Unavailable, "connection refused")
	}
	return validator.Epoch{Current: 7, Height: 71, Tempo: 10}, nil
}

func (o *outageChain) Metagraph(context.Context, uint16) ([]metagraph.Miner, []string, error) {
	return nil, nil, nil
}

// TestValidatorWaitsOutAnOutage: during an outage the validator's epoch poll waits with backoff
// (a bounded number of log lines, not one per poll) and carries on once the node answers.
func TestValidatorWaitsOutAnOutage(t *testing.T) {
	var logs bytes.Buffer
	fake := &outageChain{upAt: time.Now().Add(700 * time.Millisecond)}
	b := chain.Backoff{Initial: 20 * time.Millisecond, Max: 160 * time.Millisecond}
	w := waitingChain{Chain: fake, log: slog.New(slog.NewTextHandler(&logs, nil)), what: "node 127.0.0.1:1", backoff: b}
	start := time.Now()
	ep, err := w.Epoch(context.Background(), 1)
	if err != nil || ep.Current != 7 {
		t.Fatalf("Epoch = %+v, %v", ep, err)
	}
	elapsed := time.Since(start)
	lines := strings.Count(logs.String(), "waiting for node 127.0.0.1:1")
	// 20+40+80+160 ms, then one per 160 ms: about 7 lines in 0.7 s where a 20 ms poll logged 35.
	if lines != fake.calls-1 || lines > 4+int(elapsed/(160*time.Millisecond))+1 {
		t.Fatalf("%d wait lines for %d calls in %s:\n%s", lines, fake.calls, elapsed, logs.String())
	}
	if !strings.Contains(logs.String(), "reached node 127.0.0.1:1") {
		t.Fatalf("no line when the node came back:\n%s", logs.String())
	}
}

// noCommitments is a fednode.CommitmentSource of a subnet where nobody has committed.
type noCommitments struct{}

func (noCommitments) ModelUpdateCommitments(context.Context) ([]fednode.PeerInfo, error) {
	return nil, nil
}

// TestValidatorSharingScorer: a --federated validator with a positive sharing weight and a way to
// read the commitments scores sharing; without --federated, with weight 0 or without the chain's
// commitments (the seam not wired) it scores served models only, saying so in the log.
func TestValidatorSharingScorer(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	cfg := DefaultConfig()
	cfg.Validator.Federated = true
	s, err := newSharingScorer(cfg, "taochain-test", "held-out text", noCommitments{}, log)
	if err != nil || s == nil {
		t.Fatalf("federated validator: scorer %v err %v", s, err)
	}
	shares, err := s.SharingScores(context.Background(), 3, []metagraph.Miner{{UID: 1, Hotkey: "miner", Endpoint: "http://127.0.0.1:1"}})
	if err != nil || len(shares) != 1 || shares[1] != 0 {
		t.Fatalf("nobody committed: shares %v err %v", shares, err)
	}
	for _, c := range []struct {
		name      string
		federated bool
		weight    float64
		source    fednode.CommitmentSource
		log       string
	}{
		{"not federated", false, 0.5, noCommitments{}, ""},
		{"weight 0", true, 0, noCommitments{}, "--sharing-weight 0"},
	} {
		logs.Reset()
		cfg.Validator.Federated, cfg.Validator.SharingWeight = c.federated, c.weight
		s, err := newSharingScorer(cfg, "taochain-test", "held-out text", c.source, log)
		if err != nil || s != nil {
			t.Fatalf("%s: scorer %v err %v, want none", c.name, s, err)
		}
		if !strings.Contains(logs.String(), c.log) {
			t.Fatalf("%s: log %q lacks %q", c.name, logs.String(), c.log)
		}
	}
	cfg.Validator.Federated, cfg.Validator.SharingWeight, cfg.Validator.FederatedOrder = true, 0.5, 0
	if _, err := newSharingScorer(cfg, "taochain-test", "held-out text", noCommitments{}, log); err == nil {
		t.Fatal("order 0 accepted")
	}
}
