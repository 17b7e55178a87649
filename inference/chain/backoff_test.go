package chain

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cometbft/cometbft/proto/tendermint/p2p"

	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	"github.com/cosmos/cosmos-sdk/codec"
)

// lockedBuffer is a log sink safe for the goroutines of a test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines(substr string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), substr)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// maxWaitLines bounds the log lines of WaitFor over a window: one per attempt, and attempts are
// spaced Initial, 2·Initial, … up to Max.
func maxWaitLines(b Backoff, window time.Duration) int {
	n, wait, spent := 0, b.Initial, time.Duration(0)
	for spent <= window {
		n++
		spent += wait
		wait = min(2*wait, b.Max)
	}
	return n + 1
}

func TestWaitForBacksOffUntilTheNodeAnswers(t *testing.T) {
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	b := Backoff{Initial: 20 * time.Millisecond, Max: 160 * time.Millisecond}
	up := time.Now().Add(800 * time.Millisecond)
	calls := 0
	start := time.Now()
	err := WaitFor(context.Background(), log, "node test", b, func(context.Context) error {
		calls++
		if time.Now().Before(up) {
			return status.Error(codes.Unavailable, "connection refused")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	waits := logs.lines("waiting for node test")
	if waits != calls-1 || waits < 3 {
		t.Fatalf("%d wait lines for %d calls, want one per failed call (≥ 3):\n%s", waits, calls, logs.String())
	}
	if limit := maxWaitLines(b, elapsed); waits > limit {
		t.Fatalf("%d wait lines in %s, backoff allows %d:\n%s", waits, elapsed, limit, logs.String())
	}
	for _, want := range []string{"retry_in=20ms", "retry_in=40ms", "retry_in=160ms", "next_retry=", "reached node test"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "retry_in=320ms") {
		t.Errorf("backoff exceeded its maximum:\n%s", logs.String())
	}

	// An answer that is not "unreachable" is returned at once, without waiting.
	refused := status.Error(codes.NotFound, "subnet 9 not found")
	calls = 0
	if err := WaitFor(context.Background(), log, "x", b, func(context.Context) error { calls++; return refused }); !errors.Is(err, refused) || calls != 1 {
		t.Fatalf("non-transient error: %v after %d calls", err, calls)
	}
	// Cancelling ends the wait.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = WaitFor(ctx, nil, "x", b, func(context.Context) error { return status.Error(codes.Unavailable, "down") })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled wait returned %v", err)
	}
}

// fakeNode answers GetNodeInfo like a node's gRPC.
type fakeNode struct {
	cmtservice.UnimplementedServiceServer
}

func (*fakeNode) GetNodeInfo(context.Context, *cmtservice.GetNodeInfoRequest) (*cmtservice.GetNodeInfoResponse, error) {
	return &cmtservice.GetNodeInfoResponse{DefaultNodeInfo: &p2p.DefaultNodeInfo{Network: "taochain-late"}}, nil
}

// TestDialWaitsForALateNode: Dial against an address where nothing listens yet keeps trying with
// backoff (a bounded number of log lines) and returns once a node appears there.
func TestDialWaitsForALateNode(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()

	var logs lockedBuffer
	b := Backoff{Initial: 25 * time.Millisecond, Max: 200 * time.Millisecond}
	type result struct {
		c   *Client
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		c, err := Dial(context.Background(), Config{GRPCAddr: addr, Backoff: b, RequestTimeout: time.Second,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		done <- result{c, err}
	}()

	time.Sleep(time.Second)
	select {
	case r := <-done:
		t.Fatalf("Dial returned before the node was up: %v", r.err)
	default:
	}
	if logs.lines("waiting for node "+addr) < 1 {
		t.Fatalf("no wait line while the node is down:\n%s", logs.String())
	}
	l, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	srv := grpc.NewServer(grpc.ForceServerCodec(codec.NewProtoCodec(EncodingConfig().InterfaceRegistry).GRPCCodec()))
	cmtservice.RegisterServiceServer(srv, &fakeNode{})
	go func() { _ = srv.Serve(l) }()
	defer srv.Stop()

	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Dial: %v\n%s", r.err, logs.String())
		}
		defer r.c.Close()
		if r.c.ChainID() != "taochain-late" {
			t.Fatalf("chain id %q", r.c.ChainID())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("Dial did not return within 30 s of the node coming up:\n%s", logs.String())
	}
	elapsed := time.Since(start)
	if waits, limit := logs.lines("waiting for node "+addr), maxWaitLines(b, elapsed); waits > limit {
		t.Fatalf("%d wait lines in %s, backoff allows %d:\n%s", waits, elapsed, limit, logs.String())
	}
	if !strings.Contains(logs.String(), "reached node "+addr) {
		t.Fatalf("no line when the node was reached:\n%s", logs.String())
	}
}
