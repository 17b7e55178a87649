// Package indexer is taoscan's follow loop: it writes every block of the node into the store, in
// order and exactly once, catches up from the store's cursor after a restart or a node outage,
// and then follows new blocks (websocket wake-ups, with polling as the fallback).
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/taoscan/store"
)

// Defaults for the zero values of Indexer's options.
const (
	// DefaultPoll is how often the node's height is polled when no websocket wake-up arrives;
	// taochain's blocks come about every second.
	DefaultPoll = time.Second
	// maxBackoff caps the wait between retries while the node or the database fails, so a
	// node that comes back is noticed within seconds.
	maxBackoff = 5 * time.Second
	// maxResubscribe caps the wait between attempts to reopen a refused websocket subscription
	// (polling goes on meanwhile).
	maxResubscribe = 30 * time.Second
)

// Node is what the indexer reads from the node; *chain.Client implements it.
type Node interface {
	// Latest is the node's latest committed height; Earliest the earliest block it stores.
	Latest(ctx context.Context) (int64, error)
	Earliest(ctx context.Context) (int64, error)
	// NewBlocks delivers new heights (wake-ups) until ctx ends or the subscription breaks.
	NewBlocks(ctx context.Context) (<-chan int64, error)
	// FetchBlock reads block h; FetchFirstBlock also reads every subnet that exists at h (for
	// an empty store, which has seen no event that created them).
	FetchBlock(ctx context.Context, h int64) (store.BlockData, error)
	FetchFirstBlock(ctx context.Context, h int64) (store.BlockData, error)
}

// Indexer writes the node's blocks into the store. Fill the fields, then call Run.
type Indexer struct {
	Store  *store.Store
	Chain  Node
	Logger *slog.Logger
	// Poll is the polling interval when no new-block wake-up arrives (DefaultPoll when zero).
	Poll time.Duration
	// StartHeight is where an empty store starts; 0 means the node's earliest stored block.
	// It is ignored once the store holds blocks: the store's cursor decides then.
	StartHeight int64
	// Registry receives the metrics (nil: none are registered, they are still kept).
	Registry prometheus.Registerer

	metrics *metrics
	// last is the store's cursor as this indexer last wrote or read it; 0 means unknown (read
	// the store), which is the case at start and after an error or another writer's block.
	last int64
}

// metrics are the Prometheus series the indexer keeps.
type metrics struct {
	indexed  prometheus.Gauge
	node     prometheus.Gauge
	blocks   prometheus.Counter
	duration prometheus.Histogram
	errors   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		indexed: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "taoscan", Name: "indexed_height", Help: "Height of the last block written to the store.",
		}),
		node: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "taoscan", Name: "node_height", Help: "Latest height the node reported.",
		}),
		blocks: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "taoscan", Name: "blocks_indexed_total", Help: "Blocks written to the store by this process.",
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "taoscan", Name: "block_index_seconds",
			Help:    "Time to fetch, decode and write one block.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "taoscan", Name: "errors_total", Help: "Indexing errors by kind (node, store, out_of_order).",
		}, []string{"kind"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.indexed, m.node, m.blocks, m.duration, m.errors} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("registering indexer metrics: %w", err)
			}
		}
	}
	return m, nil
}

// BlockIndexed is called (if set) after each block is written, with its height and how long
// fetching and writing it took; tests and benchmarks use it to measure.
type BlockIndexed func(height int64, took time.Duration)

// Run indexes until ctx is cancelled (then it returns nil) or the setup fails. Node and store
// errors are logged, counted and retried with a bounded backoff; a height is never skipped.
func (ix *Indexer) Run(ctx context.Context) error {
	return ix.RunWith(ctx, nil)
}

// RunWith is Run with a callback after every indexed block.
func (ix *Indexer) RunWith(ctx context.Context, onBlock BlockIndexed) error {
	if ix.Store == nil || ix.Chain == nil {
		return errors.New("indexer: Store and Chain are required")
	}
	if ix.Logger == nil {
		ix.Logger = slog.New(slog.DiscardHandler)
	}
	poll := ix.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	if ix.metrics == nil {
		m, err := newMetrics(ix.Registry)
		if err != nil {
			return err
		}
		ix.metrics = m
	}
	wake, stopWake := ix.subscribe(ctx)
	defer stopWake()

	backoff := time.Duration(0)
	resubscribeWait, nextResubscribe := time.Duration(0), time.Time{}
	for ctx.Err() == nil {
		caughtUp, err := ix.catchUp(ctx, onBlock)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			ix.last = 0
			backoff = min(max(2*backoff, 250*time.Millisecond), maxBackoff)
			ix.Logger.Warn("indexing failed; retrying", "err", err, "retry_in", backoff)
			if !sleep(ctx, backoff) {
				return nil
			}
			continue
		}
		backoff = 0
		if !caughtUp {
			continue
		}
		// Caught up: wait for the websocket wake-up or the poll tick. A broken subscription is
		// renewed here, so wake-ups come back after a node restart; a refused one is retried
		// with a growing pause, not on every tick.
		if wake == nil && !time.Now().Before(nextResubscribe) {
			stopWake()
			if wake, stopWake = ix.subscribe(ctx); wake == nil {
				resubscribeWait = min(max(2*resubscribeWait, poll), maxResubscribe)
				nextResubscribe = time.Now().Add(resubscribeWait)
			} else {
				resubscribeWait = 0
			}
		}
		timer := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case _, ok := <-wake:
			if !ok {
				wake = nil
			}
		case <-timer.C:
		}
		timer.Stop()
	}
	return nil
}

// subscribe opens the websocket wake-up channel; nil (poll only) when the node is not reachable.
func (ix *Indexer) subscribe(ctx context.Context) (<-chan int64, context.CancelFunc) {
	sctx, cancel := context.WithCancel(ctx)
	ch, err := ix.Chain.NewBlocks(sctx)
	if err != nil {
		ix.Logger.Debug("no new-block subscription; polling", "err", err)
		cancel()
		return nil, func() {}
	}
	return ch, cancel
}

// catchUp indexes from the store's cursor to the node's latest height. It returns caughtUp=true
// when there was nothing left to do. While block h is written, block h+1 is already being
// fetched (one block of lookahead, so memory stays bounded).
func (ix *Indexer) catchUp(ctx context.Context, onBlock BlockIndexed) (bool, error) {
	latest, err := ix.Chain.Latest(ctx)
	if err != nil {
		ix.metrics.errors.WithLabelValues("node").Inc()
		return false, err
	}
	ix.metrics.node.Set(float64(latest))
	if ix.last == 0 {
		if ix.last, err = ix.Store.LastHeight(ctx); err != nil {
			ix.metrics.errors.WithLabelValues("store").Inc()
			return false, fmt.Errorf("reading the store's cursor: %w", err)
		}
		ix.metrics.indexed.Set(float64(ix.last))
	}
	next := ix.last + 1
	first := ix.last == 0
	if first {
		if next, err = ix.startHeight(ctx); err != nil {
			ix.metrics.errors.WithLabelValues("node").Inc()
			return false, err
		}
	}
	if next > latest {
		return true, nil
	}

	type fetched struct {
		data  store.BlockData
		began time.Time
		err   error
	}
	fetch := func(h int64, first bool) <-chan fetched {
		out := make(chan fetched, 1)
		go func() {
			began := time.Now()
			var d store.BlockData
			var err error
			if first {
				d, err = ix.Chain.FetchFirstBlock(ctx, h)
			} else {
				d, err = ix.Chain.FetchBlock(ctx, h)
			}
			out <- fetched{data: d, began: began, err: err}
		}()
		return out
	}
	pending := fetch(next, first)
	for h := next; h <= latest; h++ {
		f := <-pending
		if f.err != nil {
			ix.metrics.errors.WithLabelValues("node").Inc()
			return false, f.err
		}
		if h < latest && ctx.Err() == nil {
			pending = fetch(h+1, false)
		} else {
			pending = nil
		}
		err := ix.Store.WriteBlock(ctx, f.data)
		if errors.Is(err, store.ErrOutOfOrder) {
			// Another writer (a second taoscan on the same database) got there first: start
			// over from the store's cursor instead of writing a block twice.
			ix.metrics.errors.WithLabelValues("out_of_order").Inc()
			ix.Logger.Info("block already written by someone else; re-reading the cursor", "height", h)
			ix.last = 0
			drain(pending)
			return false, nil
		}
		if err != nil {
			ix.metrics.errors.WithLabelValues("store").Inc()
			drain(pending)
			return false, fmt.Errorf("writing block %d: %w", h, err)
		}
		ix.last = h
		took := time.Since(f.began)
		ix.metrics.blocks.Inc()
		ix.metrics.indexed.Set(float64(h))
		ix.metrics.duration.Observe(took.Seconds())
		if onBlock != nil {
			onBlock(h, took)
		}
		if ctx.Err() != nil {
			drain(pending)
			return false, nil
		}
	}
	return false, nil // ask the node's height again (blocks may have come meanwhile) before waiting
}

// drain waits for an in-flight lookahead fetch so no goroutine outlives catchUp.
func drain[T any](ch <-chan T) {
	if ch != nil {
		<-ch
	}
}

// startHeight is the first height of an empty store: StartHeight, or the node's earliest block.
func (ix *Indexer) startHeight(ctx context.Context) (int64, error) {
	earliest, err := ix.Chain.Earliest(ctx)
	if err != nil {
		return 0, err
	}
	if ix.StartHeight > 0 {
		if ix.StartHeight < earliest {
			return 0, fmt.Errorf("start height %d is below the node's earliest stored block %d (use a height >= %d or an archive node)",
				ix.StartHeight, earliest, earliest)
		}
		return ix.StartHeight, nil
	}
	return earliest, nil
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
