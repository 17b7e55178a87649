package indexer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/taoscan/chain"
	"github.com/taochain/taochain/taoscan/indexer"
	"github.com/taochain/taochain/taoscan/store"
	"github.com/taochain/taochain/testutil/e2e"
)

// run is one indexer process stand-in: its own store handle and client on the shared file.
type run struct {
	cancel context.CancelFunc
	done   chan error
	st     *store.Store
	c      *chain.Client
}

func startIndexer(t *testing.T, n *e2e.Node, db string, reg prometheus.Registerer, startHeight int64) *run {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.New(n.RPCAddr(), fmt.Sprintf("127.0.0.1:%d", n.GRPC))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ix := &indexer.Indexer{Store: st, Chain: c, Poll: 300 * time.Millisecond, Registry: reg, StartHeight: startHeight,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	r := &run{cancel: cancel, done: make(chan error, 1), st: st, c: c}
	go func() { r.done <- ix.Run(ctx) }()
	return r
}

func (r *run) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("indexer returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("indexer did not stop within 30 s of its context ending")
	}
	_ = r.c.Close()
	if err := r.st.Close(); err != nil {
		t.Fatal(err)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// waitIndexed waits (bounded) until the store holds height h.
func waitIndexed(t *testing.T, st *store.Store, h int64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		last, err := st.LastHeight(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if last >= h {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("indexed height %d, want >= %d within %s", last, h, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// queryAt runs `taod q args... --height h` and decodes it keeping numbers exact.
func queryAt(t *testing.T, n *e2e.Node, h int64, args ...string) map[string]any {
	t.Helper()
	full := append(append([]string{"q"}, args...), "--height", strconv.FormatInt(h, 10), "--node", n.RPCAddr(), "--output", "json")
	out := n.CLI(full...)
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decoding %v: %v\n%s", args, err, out)
	}
	return m
}

// num is a JSON value as its decimal string; a field the CLI left out is zero.
func num(v any) string {
	switch x := v.(type) {
	case nil:
		return "0"
	case json.Number:
		return x.String()
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// TestIndexerFollowsLocalnet indexes a real node into a SQLite file while the demo subnet is set
// up and runs epochs; it restarts the indexer on the same file and stops the node for 10 s, then
// checks the history is contiguous and unique and that the rows equal the node's answers at the
// same heights.
func TestIndexerFollowsLocalnet(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	t0 := time.Now()
	e2e.Binary(t, "taod") // make build, timed apart from the test itself
	t.Logf("make build: %s", time.Since(t0).Round(time.Second))
	began := time.Now()
	n := e2e.NewLocalnet(t)
	n.PatchGenesis(func(app map[string]any) {
		params := app["subnet"].(map[string]any)["params"].(map[string]any)
		params["default_hyperparams"].(map[string]any)["tempo"] = "10" // the lowest x/subnet allows
	})
	n.Start()
	n.WaitHeight(2, 60*time.Second)
	db := filepath.Join(t.TempDir(), "taoscan.db")
	reg := prometheus.NewRegistry()

	// First indexer: follows while the demo subnet is created, then is stopped mid-way.
	r1 := startIndexer(t, n, db, reg, 0)
	n.RunScript("demo.sh")
	waitIndexed(t, r1.st, n.Height(), 60*time.Second)
	r1.stop(t)
	t.Logf("first indexer stopped after %s", time.Since(began).Round(time.Second))

	// Second indexer on the same file, with fresh metrics.
	reg = prometheus.NewRegistry()
	r2 := startIndexer(t, n, db, reg, 0)
	defer func() {
		if r2 != nil {
			r2.stop(t)
		}
	}()
	waitIndexed(t, r2.st, n.Height(), 60*time.Second)

	// The node goes away for 10 s; the indexer retries and then catches up.
	n.Stop()
	stoppedAt := time.Now()
	time.Sleep(10 * time.Second)
	n.Start()
	n.WaitHeight(1, 60*time.Second)
	t.Logf("node back after %s", time.Since(stoppedAt).Round(time.Second))
	ctx := context.Background()
	// Run past the subnet's next epoch after the restart, so an epoch row is written by r2.
	var netuid uint16
	subnets, err := r2.st.Subnets(ctx)
	if err != nil || len(subnets) == 0 {
		t.Fatalf("subnets %v: %v", subnets, err)
	}
	for _, s := range subnets {
		if s.Name == "demo" {
			netuid = s.Netuid
		}
	}
	if netuid == 0 {
		t.Fatalf("demo subnet not indexed: %+v", subnets)
	}
	target := n.Height() + 12
	n.WaitHeight(target, 60*time.Second)
	waitIndexed(t, r2.st, target, 60*time.Second)
	r2.stop(t)
	r2 = nil

	var nodeErrors float64
	if mfs, err := reg.Gather(); err == nil {
		for _, mf := range mfs {
			if mf.GetName() == "taoscan_errors_total" {
				for _, m := range mf.GetMetric() {
					for _, l := range m.GetLabel() {
						if l.GetName() == "kind" && l.GetValue() == "node" {
							nodeErrors += m.GetCounter().GetValue()
						}
					}
				}
			}
		}
	}
	if nodeErrors == 0 {
		t.Error("no node error was counted while the node was down")
	}

	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	first, _ := st.FirstHeight(ctx)
	last, _ := st.LastHeight(ctx)
	if first != 1 {
		t.Errorf("first indexed height %d, want 1 (the node keeps every block)", first)
	}
	// Contiguous heights, each once, and every tx once.
	blocks, err := st.LatestBlocks(ctx, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(blocks)) != last-first+1 {
		t.Fatalf("%d blocks stored for heights %d..%d", len(blocks), first, last)
	}
	seen := map[string]bool{}
	for i, b := range blocks {
		if b.Height != last-int64(i) {
			t.Fatalf("block %d of the newest-first list is height %d, want %d", i, b.Height, last-int64(i))
		}
		txs, err := st.BlockTxs(ctx, b.Height)
		if err != nil {
			t.Fatal(err)
		}
		if len(txs) != b.NumTxs {
			t.Fatalf("block %d: %d tx rows for num_txs %d", b.Height, len(txs), b.NumTxs)
		}
		for _, tx := range txs {
			if seen[tx.Hash] {
				t.Fatalf("tx %s stored twice", tx.Hash)
			}
			seen[tx.Hash] = true
		}
	}
	nodeTxs, err := n.SearchTxs("tx.height>0")
	if err != nil {
		t.Fatal(err)
	}
	if len(nodeTxs) == 0 || len(nodeTxs) != len(seen) {
		t.Fatalf("node indexed %d txs, taoscan %d", len(nodeTxs), len(seen))
	}
	for _, tx := range nodeTxs {
		if !seen[strings.ToUpper(tx.Hash)] {
			t.Fatalf("node tx %s at %d missing from taoscan", tx.Hash, tx.Height)
		}
		got, err := st.Tx(ctx, tx.Hash)
		if err != nil || got.Height != tx.Height || got.Code != tx.Code || got.Signer == "" || len(got.Messages) == 0 {
			t.Fatalf("tx %s: %+v, %v (node: height %d code %d)", tx.Hash, got, err, tx.Height, tx.Code)
		}
	}

	// The latest epoch row against the node's last epoch at the indexed height.
	epochs, err := st.Epochs(ctx, netuid, 1)
	if err != nil || len(epochs) != 1 {
		t.Fatalf("epochs of subnet %d: %+v, %v", netuid, epochs, err)
	}
	ep := epochs[0]
	lastEpoch := queryAt(t, n, last, "intelligence", "last-epoch", strconv.Itoa(int(netuid)))["last_epoch"].(map[string]any)
	if num(lastEpoch["epoch"]) != strconv.FormatUint(ep.Epoch, 10) || num(lastEpoch["height"]) != strconv.FormatInt(ep.Height, 10) ||
		num(lastEpoch["emission"]) != ep.Emission || num(lastEpoch["miner_emission"]) != ep.MinerEmission ||
		num(lastEpoch["validator_emission"]) != ep.ValidatorEmission || num(lastEpoch["owner_emission"]) != ep.OwnerEmission {
		t.Fatalf("epoch row %+v, node's last epoch at %d: %v", ep, last, lastEpoch)
	}

	// The current metagraph against Query/Metagraph at the height the subnet was read.
	sub, err := st.Subnet(ctx, netuid)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Metagraph(ctx, netuid)
	if err != nil {
		t.Fatal(err)
	}
	compareMetagraph(t, n, netuid, sub.UpdatedAt, rows)
	if len(rows) != 4 {
		t.Fatalf("metagraph has %d neurons, want the demo's 4", len(rows))
	}
	// The history rows of the epoch against the metagraph at the epoch's height.
	histRows := make([]store.Neuron, 0, len(rows))
	for _, r := range rows {
		hist, err := st.NeuronHistory(ctx, netuid, r.UID, 1)
		if err != nil || len(hist) != 1 || hist[0].Epoch != ep.Epoch || hist[0].Height != ep.Height {
			t.Fatalf("history of uid %d: %+v, %v (epoch %d at %d)", r.UID, hist, err, ep.Epoch, ep.Height)
		}
		histRows = append(histRows, hist[0].Neuron)
	}
	compareMetagraph(t, n, netuid, ep.Height, histRows)

	// Issuance of the last block against the bank supply at that height.
	b, err := st.Block(ctx, last)
	if err != nil {
		t.Fatal(err)
	}
	iss := queryAt(t, n, last, "tao", "issuance")
	if num(iss["issuance"]) != b.Issuance {
		t.Fatalf("block %d issuance %s, node's bank supply %s", last, b.Issuance, num(iss["issuance"]))
	}

	// A new database that starts after the demo subnet was set up learns it without an event:
	// the first block reads every subnet and its metagraph.
	late := filepath.Join(t.TempDir(), "late.db")
	r3 := startIndexer(t, n, late, nil, last)
	waitIndexed(t, r3.st, last+1, 60*time.Second)
	r3.stop(t)
	lst, err := store.Open(ctx, late)
	if err != nil {
		t.Fatal(err)
	}
	defer lst.Close()
	if first, _ := lst.FirstHeight(ctx); first != last {
		t.Fatalf("store started at %d has first height %d", last, first)
	}
	lateSub, err := lst.Subnet(ctx, netuid)
	if err != nil || lateSub.Name != "demo" || lateSub.UpdatedAt < last {
		t.Fatalf("store started at %d: subnet %d = %+v, %v", last, netuid, lateSub, err)
	}
	lateRows, err := lst.Metagraph(ctx, netuid)
	if err != nil {
		t.Fatal(err)
	}
	compareMetagraph(t, n, netuid, lateSub.UpdatedAt, lateRows)

	// Dissolving the subnet keeps its row, marked dissolved with the name it had, and clears
	// its metagraph.
	res := n.Tx("subnet-owner", "subnet", "dissolve-subnet", strconv.Itoa(int(netuid)))
	dissolvedAt, err := strconv.ParseInt(res.Height, 10, 64)
	if err != nil || res.Code != 0 {
		t.Fatalf("dissolve-subnet: %+v", res)
	}
	r4 := startIndexer(t, n, db, nil, 0)
	waitIndexed(t, r4.st, dissolvedAt, 60*time.Second)
	r4.stop(t)
	gone, err := st.Subnet(ctx, netuid)
	if err != nil || !gone.Dissolved || gone.Name != "demo" || gone.UpdatedAt != dissolvedAt {
		t.Fatalf("subnet %d after dissolving at %d: %+v, %v", netuid, dissolvedAt, gone, err)
	}
	if rows, err := st.Metagraph(ctx, netuid); err != nil || len(rows) != 0 {
		t.Fatalf("metagraph of dissolved subnet: %d rows, %v", len(rows), err)
	}
	if list, err := st.Subnets(ctx); err != nil || len(list) != 0 {
		t.Fatalf("subnets after dissolving the only one: %+v, %v", list, err)
	}
	t.Logf("indexed %d blocks, %d txs, epoch %d; test without the build %s", last-first+1, len(seen), ep.Epoch, time.Since(began).Round(time.Second))
	if os.Getenv("TAOSCAN_E2E_KEEP") != "" {
		t.Logf("database: %s", db)
	}
}

// compareMetagraph checks rows against `q subnet metagraph` at height h field by field.
func compareMetagraph(t *testing.T, n *e2e.Node, netuid uint16, h int64, rows []store.Neuron) {
	t.Helper()
	mg := queryAt(t, n, h, "subnet", "metagraph", strconv.Itoa(int(netuid)))
	neurons, _ := mg["neurons"].([]any)
	if len(neurons) != len(rows) {
		t.Fatalf("at %d the node has %d neurons, taoscan %d", h, len(neurons), len(rows))
	}
	byUID := map[string]store.Neuron{}
	for _, r := range rows {
		byUID[strconv.FormatUint(uint64(r.UID), 10)] = r
	}
	for _, raw := range neurons {
		nm := raw.(map[string]any)
		r, ok := byUID[num(nm["uid"])]
		if !ok {
			t.Fatalf("node uid %s missing from taoscan at %d", num(nm["uid"]), h)
		}
		got := []string{r.Hotkey, r.Coldkey, r.Stake, fmt.Sprint(r.Incentive), fmt.Sprint(r.Dividends), r.Emission, fmt.Sprint(r.Trust), fmt.Sprint(r.Consensus), fmt.Sprint(r.ValidatorTrust)}
		want := []string{fmt.Sprint(nm["hotkey"]), fmt.Sprint(nm["coldkey"]), num(nm["stake"]), num(nm["incentive"]), num(nm["dividends"]), num(nm["emission"]), num(nm["trust"]), num(nm["consensus"]), num(nm["validator_trust"])}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("uid %d at %d: taoscan %v, node %v", r.UID, h, got, want)
			}
		}
	}
}
