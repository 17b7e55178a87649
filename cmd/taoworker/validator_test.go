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
