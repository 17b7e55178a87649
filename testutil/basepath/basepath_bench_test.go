package basepath

import (
	"context"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"

	"github.com/taochain/taochain/testutil/benchclock"
)

const (
	// benchAccounts sign one MsgSend each per round, so no two txs of a round share a sequence.
	benchAccounts = 1000
	// blockTxs is the number of txs in each block: a round is two blocks.
	blockTxs = 500
	// targetRatio is issue 18 target 5: taod's bank-send throughput over the SDK's.
	targetRatio = 0.9
)

// cost is the time a chain spent on its timed part of the rounds.
type cost struct {
	txs       int
	wall, cpu time.Duration
}

// run signs one round (untimed), then delivers it and adds the time taken to k.
func (k *cost) run(b *testing.B, ch *chain, round int64) {
	b.StopTimer()
	txs := ch.signRound(b, round)
	// Collect the garbage of signing and of the other app now, so that each app's clock pays
	// mostly for collecting its own.
	runtime.GC()
	b.StartTimer()
	wall, cpu := time.Now(), benchclock.ProcessCPU(b)
	// The label splits a -cpuprofile by app: go tool pprof -tagfocus app=taod (or app=sdk).
	var err error
	pprof.Do(context.Background(), pprof.Labels("app", ch.name), func(context.Context) {
		err = ch.deliver(txs, blockTxs)
	})
	if err != nil {
		b.Fatal(err)
	}
	k.cpu += benchclock.ProcessCPU(b) - cpu
	k.wall += time.Since(wall)
	k.txs += len(txs)
}

// BenchmarkBankSendVsSDK: each iteration, every one of 1000 accounts sends one MsgSend on
// taochain and on the SDK's own app (see the package comment); reports each app's txs per second
// of wall and of CPU time, and taod's throughput over the SDK's against the 0.9 target.
func BenchmarkBankSendVsSDK(b *testing.B) {
	taod, sdkApp := newTaochain(b, benchAccounts), newBaseline(b, benchAccounts)
	var taodCost, sdkCost cost
	round := int64(0)
	for b.Loop() {
		round++
		// Alternate which app goes first, so that a slow patch of the machine, or the garbage
		// the previous app left to collect, does not always land on the same one.
		first, second := taod, sdkApp
		firstCost, secondCost := &taodCost, &sdkCost
		if round%2 == 0 {
			first, second, firstCost, secondCost = sdkApp, taod, &sdkCost, &taodCost
		}
		firstCost.run(b, first, round)
		secondCost.run(b, second, round)
	}
	rate := func(k cost, d time.Duration) float64 { return float64(k.txs) / d.Seconds() }
	taodWall, sdkWall := rate(taodCost, taodCost.wall), rate(sdkCost, sdkCost.wall)
	taodCPU, sdkCPU := rate(taodCost, taodCost.cpu), rate(sdkCost, sdkCost.cpu)
	b.ReportMetric(taodWall, "taod-txs/s")
	b.ReportMetric(sdkWall, "sdk-txs/s")
	b.ReportMetric(taodCPU, "taod-txs/cpu-s")
	b.ReportMetric(sdkCPU, "sdk-txs/cpu-s")
	b.ReportMetric(taodWall/sdkWall, "ratio-wall")
	b.ReportMetric(taodCPU/sdkCPU, "ratio-cpu")
	b.ReportMetric(targetRatio, "target-ratio")
	b.Logf("%d rounds of %d bank sends: taod %.0f tx/s (%.0f per CPU-s), sdk %.0f tx/s (%.0f per CPU-s); "+
		"ratio wall %.3f, cpu %.3f (target ≥ %.1f); baseline modules: %s",
		round, benchAccounts, taodWall, taodCPU, sdkWall, sdkCPU, taodWall/sdkWall, taodCPU/sdkCPU, targetRatio,
		strings.Join(baselineModules, ", "))
}

// TestBankSendBothChains runs one short round of the benchmark's load on both apps: every tx
// must pass CheckTx and succeed in its block, and every balance must move by exactly the send
// and the fee (each account sends once and receives once, so it ends down by the fee).
func TestBankSendBothChains(t *testing.T) {
	const accounts = 20
	for _, ch := range []*chain{newTaochain(t, accounts), newBaseline(t, accounts)} {
		before := make([]sdkmath.Int, accounts)
		for i, a := range ch.accounts {
			before[i] = ch.balance(a.addr)
		}
		if err := ch.deliver(ch.signRound(t, 1), accounts/2); err != nil {
			t.Fatal(err)
		}
		for i, a := range ch.accounts {
			if got, want := ch.balance(a.addr), before[i].SubRaw(txFee); !got.Equal(want) {
				t.Errorf("%s: account %d balance %s, want %s", ch.name, i, got, want)
			}
		}
	}
}
