package busychain_test

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/throughput"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const (
	// localnetBlocksEnv, when set, replaces blocksPerIteration in BenchmarkBusyLocalnet (a short
	// run to try the setup).
	localnetBlocksEnv = "BENCH_BUSY_LOCALNET_BLOCKS"
	// Gas asked by the setup's transactions: a registration's uid search grows with the subnet
	// (32 on two subnets used 25.3M), so a tx of 16 on one subnet asks 24M; the block holds 100M.
	registerTxGas = 24_000_000
	setupTxGas    = 5_000_000
	// rowGas is asked per weight row (a row of 256 uses about 100,000 in the block).
	rowGas = 400_000
	// setupTimeout bounds each setup batch from its first broadcast to its last commit.
	setupTimeout = 5 * time.Minute
	// setupWorkers broadcast a setup batch's lanes concurrently.
	setupWorkers = 8
)

// BenchmarkBusyLocalnet is BenchmarkBusyChain on a real node: the taod binary started by
// scripts/localnet.sh (one CometBFT validator, 1 s timeout_commit), the same 64 subnets × 256 uids
// and 64 validators each setting a full weight row on every subnet every tempo, sent over
// CometBFT RPC at the height each row is due. Block time is the interval between consecutive
// block headers; EndBlock is the node's own `end block` debug line (app.LogEndBlock). Reported:
// block interval p50/p99/max against the 1.5 s bound, EndBlock p50/p99/max against 100 ms, and the
// node's RSS. Each iteration is 350 blocks (make bench's 3x: 1,050 blocks, about 20 minutes after
// a setup of about 5).
func BenchmarkBusyLocalnet(b *testing.B) {
	perIteration := int64(blocksPerIteration)
	if v := os.Getenv(localnetBlocksEnv); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q: want a number of blocks", localnetBlocksEnv, v)
		}
		perIteration = n
	}
	enc := app.MakeEncodingConfig()
	c := throughput.NewChainWithArgs(b, []string{"--log_level", "*:info,baseapp:debug", "--log_format", "json"},
		uids+subnets, app.TAO(1_000_000), func(state map[string]json.RawMessage) error {
			busyGenesis(enc, app.GenesisState(state))
			return nil
		})
	hot := c.Accounts[:uids]
	t0 := time.Now()
	busyLocalnetSetup(b, c)
	b.Logf("setup (%d subnets, %d neurons, stake, one tempo): %s", subnets, subnets*uids, time.Since(t0).Round(time.Second))

	hotAddrs := make([]sdk.AccAddress, validators)
	for v := range hotAddrs {
		hotAddrs[v] = hot[v].Address
	}
	first := c.Height() + 1 // the first measured block
	sent := first - 1       // rows are sent up to this height
	rss0, err := c.Node.RSSMiB()
	if err != nil {
		b.Fatal(err)
	}
	var rsss []int64
	rows := 0
	b.ResetTimer()
	for b.Loop() {
		end := c.Height() + perIteration
		for {
			latest := c.Height()
			// Rows due at a height go out once the block before it is committed: they reach the
			// mempool while that height is proposed, as a validator's worker sends them.
			for ; sent < latest+1 && sent < end; sent++ {
				for v, msgs := range rowsDueAt(sent+1, hotAddrs) {
					if len(msgs) == 0 {
						continue
					}
					if err := c.Broadcast(c.Sign(hot[v], uint64(rowGas*len(msgs)), msgs...)); err != nil {
						b.Fatalf("weights of validator %d due at height %d: %v", v, sent+1, err)
					}
					rows += len(msgs)
				}
			}
			if latest >= end {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		rss, err := c.Node.RSSMiB()
		if err != nil {
			b.Fatal(err)
		}
		rsss = append(rsss, rss)
	}
	b.StopTimer()
	last := c.Height()

	intervals, epochs, txs := blockIntervals(b, c, first, last)
	endBlock := endBlockTimes(b, c, first, last)
	if len(endBlock) != len(intervals) {
		b.Fatalf("%d EndBlock lines for %d blocks", len(endBlock), len(intervals))
	}
	reportBlockTimes(b, endBlock, intervals)
	b.ReportMetric(float64(rss0), "node-rss-start-MiB")
	b.ReportMetric(float64(rsss[len(rsss)-1]), "node-rss-end-MiB")
	b.Logf("%d subnets × %d uids, %d validators each, tempo %d: %d blocks (heights %d..%d), %d weight rows sent, %d txs and %d epochs in the blocks",
		subnets, uids, validators, tempo, len(intervals), first, last, rows, txs, epochs)
	b.Logf("block interval ms: p50 %.0f, p99 %.0f, max %.0f (bound %d); EndBlock ms: p50 %.1f, p99 %.1f, max %.1f (target p99 ≤ %d)",
		percentile(intervals, 50), percentile(intervals, 99), intervals[len(intervals)-1], targetBlockMaxMs,
		percentile(endBlock, 50), percentile(endBlock, 99), endBlock[len(endBlock)-1], targetEndBlockP99Ms)
	b.Logf("node RSS %d MiB after setup, after each %d blocks: %v MiB", rss0, perIteration, rsss)
}

// busyLocalnetSetup sends setupBatches, each batch's txs in one lane per signer, and waits one
// tempo so that every subnet has run an epoch and handed out its permits.
func busyLocalnetSetup(b *testing.B, c *throughput.Chain) {
	keys := make([]cryptotypes.PrivKey, len(c.Accounts))
	for i, acc := range c.Accounts {
		keys[i] = acc.Priv
	}
	// One subnet a tx: CometBFT fills a block by the gas its txs ask, and 16 registrations ask
	// registerTxGas where every other setup tx asks setupTxGas.
	for _, batch := range setupBatches(b, c.Node.ChainID, keys, 1) {
		var lanes []throughput.Lane
		laneOf := map[int]int{} // signer → its lane: its txs go out in sequence order
		for _, tx := range batch.txs {
			i, ok := laneOf[tx.from]
			if !ok {
				i = len(lanes)
				laneOf[tx.from] = i
				lanes = append(lanes, nil)
			}
			lanes[i] = append(lanes[i], c.Sign(c.Accounts[tx.from], setupGas(tx), tx.msgs...))
		}
		c.Run(lanes, setupWorkers, setupTimeout)
	}
	c.Node.WaitHeight(c.Height()+tempo+2, 10*time.Minute)
}

// setupGas is the gas a setup tx asks on the localnet.
func setupGas(tx setupTx) uint64 {
	if _, ok := tx.msgs[0].(*subnettypes.MsgRegisterNeuron); ok {
		return registerTxGas
	}
	return setupTxGas
}

// blockIntervals reads the headers of blocks first-1..last and returns the intervals (ms) between
// consecutive ones; it also counts the epochs run and the transactions held, failing on any that
// failed.
func blockIntervals(b *testing.B, c *throughput.Chain, first, last int64) (intervals []float64, epochs, txs int) {
	var prev time.Time
	for h := first - 1; h <= last; h++ {
		hdr, err := c.Node.Header(h)
		if err != nil {
			b.Fatal(err)
		}
		if h >= first {
			intervals = append(intervals, float64(hdr.Time.Sub(prev).Microseconds())/1000)
			br, err := c.BlockResults(h)
			if err != nil {
				b.Fatalf("block_results %d: %v", h, err)
			}
			txs += br.Txs
			for _, ev := range br.Events {
				if ev == eventEpoch {
					epochs++
				}
			}
		}
		prev = hdr.Time
	}
	return intervals, epochs, txs
}

// endBlockTimes reads the node's `end block` lines (JSON log) for heights first..last, in ms.
func endBlockTimes(b *testing.B, c *throughput.Chain, first, last int64) []float64 {
	var out []float64
	for line := range strings.Lines(c.Node.Log()) {
		if !strings.Contains(line, `"`+app.LogEndBlock+`"`) {
			continue
		}
		var ev struct {
			Message string  `json:"message"`
			Height  int64   `json:"height"`
			Ms      float64 `json:"ms"`
		}
		if json.Unmarshal([]byte(line), &ev) != nil || ev.Message != app.LogEndBlock {
			continue
		}
		if ev.Height >= first && ev.Height <= last {
			out = append(out, ev.Ms)
		}
	}
	if len(out) == 0 {
		b.Fatalf("no %q lines in the node's log", app.LogEndBlock)
	}
	return out
}
