package indexer

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/taochain/taochain/taoscan/store"
)

// fakeNode is a node whose chain is heights earliest..latest of empty blocks; it counts the
// calls the indexer makes.
type fakeNode struct {
	mu               sync.Mutex
	earliest, latest int64
	latestCalls      int
}

func (n *fakeNode) setLatest(h int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.latest = h
}

func (n *fakeNode) Latest(context.Context) (int64, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.latestCalls++
	return n.latest, nil
}

func (n *fakeNode) Earliest(context.Context) (int64, error) { return n.earliest, nil }

func (n *fakeNode) NewBlocks(context.Context) (<-chan int64, error) {
	return nil, fmt.Errorf("no websocket in this test")
}

func (n *fakeNode) FetchBlock(_ context.Context, h int64) (store.BlockData, error) {
	return block(h), nil
}

func (n *fakeNode) FetchFirstBlock(_ context.Context, h int64) (store.BlockData, error) {
	return block(h), nil
}

func block(h int64) store.BlockData {
	return store.BlockData{Block: store.Block{Height: h, Hash: fmt.Sprintf("%064X", h),
		Time: time.Unix(h, 0).UTC(), Proposer: "p", Minted: "0", Issuance: "1"}}
}

func newTestIndexer(t *testing.T, node Node) (*Indexer, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "taoscan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix := &Indexer{Store: st, Chain: node, Logger: slog.New(slog.DiscardHandler)}
	if ix.metrics, err = newMetrics(nil); err != nil {
		t.Fatal(err)
	}
	return ix, st
}

// catchUpAll runs catchUp until it reports being caught up (bounded).
func catchUpAll(t *testing.T, ix *Indexer) {
	t.Helper()
	for i := 0; i < 10; i++ {
		done, err := ix.catchUp(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			return
		}
	}
	t.Fatal("catchUp did not catch up in 10 rounds")
}

// value reads a counter or gauge.
func value(t *testing.T, c prometheus.Metric) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}

func heights(t *testing.T, st *store.Store) []int64 {
	t.Helper()
	bs, err := st.LatestBlocks(context.Background(), store.MaxLimit, 0)
	if err != nil {
		t.Fatal(err)
	}
	var hs []int64
	for i := len(bs) - 1; i >= 0; i-- {
		hs = append(hs, bs[i].Height)
	}
	return hs
}

// TestAnotherWriterGetsThereFirst: a block written by someone else between two rounds (a second
// taoscan on the same database) is not written twice and not skipped; the indexer re-reads the
// cursor and goes on after it.
func TestAnotherWriterGetsThereFirst(t *testing.T) {
	node := &fakeNode{earliest: 1, latest: 3}
	ix, st := newTestIndexer(t, node)
	catchUpAll(t, ix)
	if got := fmt.Sprint(heights(t, st)); got != "[1 2 3]" {
		t.Fatalf("indexed %s, want [1 2 3]", got)
	}
	if err := st.WriteBlock(context.Background(), block(4)); err != nil { // the other writer
		t.Fatal(err)
	}
	node.setLatest(6)
	catchUpAll(t, ix)
	if got := fmt.Sprint(heights(t, st)); got != "[1 2 3 4 5 6]" {
		t.Fatalf("indexed %s, want [1 2 3 4 5 6]", got)
	}
	if n := value(t, ix.metrics.errors.WithLabelValues("out_of_order")); n != 1 {
		t.Fatalf("out_of_order errors %v, want 1", n)
	}
	if n := value(t, ix.metrics.indexed); n != 6 {
		t.Fatalf("indexed height metric %v, want 6", n)
	}
}

// TestFollowingKeepsTheCursor: while following, the indexer keeps the cursor it wrote instead of
// reading it back from the store for every block, and indexes each new block once.
func TestFollowingKeepsTheCursor(t *testing.T) {
	node := &fakeNode{earliest: 1, latest: 2}
	ix, st := newTestIndexer(t, node)
	catchUpAll(t, ix)
	for h := int64(3); h <= 5; h++ {
		node.setLatest(h)
		catchUpAll(t, ix)
	}
	if got := fmt.Sprint(heights(t, st)); got != "[1 2 3 4 5]" {
		t.Fatalf("indexed %s, want [1 2 3 4 5]", got)
	}
	if ix.last != 5 {
		t.Fatalf("cached cursor %d, want 5", ix.last)
	}
}

// TestStartHeight: an empty store starts at StartHeight, which may not be below the node's
// earliest block.
func TestStartHeight(t *testing.T) {
	node := &fakeNode{earliest: 5, latest: 8}
	ix, _ := newTestIndexer(t, node)
	ix.StartHeight = 3
	if _, err := ix.catchUp(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "below the node's earliest stored block 5") {
		t.Fatalf("start height 3 under earliest 5: %v", err)
	}
	ix.StartHeight = 7
	catchUpAll(t, ix)
	if got := fmt.Sprint(heights(t, ix.Store)); got != "[7 8]" {
		t.Fatalf("indexed %s from start height 7, want [7 8]", got)
	}
}
