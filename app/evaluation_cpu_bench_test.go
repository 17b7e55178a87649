package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	"github.com/taochain/taochain/testutil/benchclock"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
)

// cpuTargetRatio is the most CPU the node may spend on an evaluation of 256 scores per bank send
// for issue 18's throughput target (0.8× bank sends) to be reachable: see docs/performance.md.
const cpuTargetRatio = 1.25

// cpuValidators is the number of permitted validators (the first uids) that each submit one
// evaluation per round; the subnet has evalUIDs neurons, and every evaluation scores them all.
const cpuValidators = 128

// BenchmarkEvaluationVsBankSendCPU measures what the node spends, in CPU time, on one
// MsgSubmitEvaluation scoring 256 uids against one bank send, in the real app in-process (CheckTx
// for each, then FinalizeBlock and Commit of one block holding them all), with no network and no
// block gas limit in the way: the node's side of BenchmarkThroughputSubmitEvaluation. Each round,
// each of 128 validator hotkeys submits its evaluation of a fresh epoch, and the same hotkeys then
// send one bank send each; the two kinds take turns going first. A -cpuprofile splits by kind with
// `go tool pprof -tagfocus kind=evaluation` (or kind=send).
func BenchmarkEvaluationVsBankSendCPU(b *testing.B) {
	s := newEvalSubnetWith(b, evalSetup{validators: cpuValidators, stake: app.TAO(10), funded: true})
	var evalCPU, sendCPU time.Duration
	var evals, sends int
	round := 0
	for b.Loop() {
		round++
		b.StopTimer()
		advanceToNextEpoch(s.c, 1)
		deliver := func(kind string, sign func(*testing.B) [][]byte, spent *time.Duration, n *int) {
			b.StopTimer()
			txs := sign(b)
			runtime.GC()
			b.StartTimer()
			start := benchclock.ProcessCPU(b)
			pprof.Do(context.Background(), pprof.Labels("kind", kind), func(context.Context) { s.deliver(b, txs) })
			*spent += benchclock.ProcessCPU(b) - start
			*n += len(txs)
		}
		if round%2 == 0 {
			deliver("evaluation", s.evaluations, &evalCPU, &evals)
			deliver("send", s.sends, &sendCPU, &sends)
		} else {
			deliver("send", s.sends, &sendCPU, &sends)
			deliver("evaluation", s.evaluations, &evalCPU, &evals)
		}
	}
	perEval := float64(evalCPU.Microseconds()) / float64(evals)
	perSend := float64(sendCPU.Microseconds()) / float64(sends)
	b.ReportMetric(perEval, "eval-cpu-µs/tx")
	b.ReportMetric(perSend, "send-cpu-µs/tx")
	b.ReportMetric(perEval/perSend, "cpu-ratio")
	b.ReportMetric(cpuTargetRatio, "target-cpu-ratio")
	b.Logf("%d rounds: an evaluation of %d scores costs %.0f CPU-µs, a bank send %.0f: %.3f× (target ≤ %.2f)",
		round, evalUIDs, perEval, perSend, perEval/perSend, cpuTargetRatio)
}

// evaluations signs one evaluation of every validator for the epoch the next block is in.
func (s *evalSubnet) evaluations(b *testing.B) [][]byte {
	b.Helper()
	const netuid = 1
	s.nonce++
	epoch := intelligencetypes.EpochIndex(uint64(s.c.Height+1), netuid, testTempo)
	fee := sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(2000)))
	txs := make([][]byte, len(s.hotkeys))
	for i, hk := range s.hotkeys {
		ev := intelligencetypes.Evaluation{
			ChainId: apptest.ChainID, Netuid: netuid, Epoch: epoch, ValidatorHotkey: hk.Address.String(),
			Uids: make([]uint32, evalUIDs), Scores: make([]uint32, evalUIDs), Nonce: s.nonce,
		}
		for uid := range evalUIDs {
			ev.Uids[uid] = uint32(uid)
			ev.Scores[uid] = uint32((uid*7919+i*104729+int(epoch)*31)%65535) + 1
		}
		commitment := sha256.Sum256(binary.BigEndian.AppendUint64([]byte(hk.Address.String()), epoch))
		ev.TaskCommitment = commitment[:]
		sig, err := hk.Priv.Sign(ev.SignBytes())
		if err != nil {
			b.Fatal(err)
		}
		txs[i] = s.c.SignTx(hk, fee, 400_000,
			&intelligencetypes.MsgSubmitEvaluation{Submitter: hk.Address.String(), Evaluation: ev, Signature: sig})
	}
	return txs
}

// sends signs one bank send from every validator hotkey to the next.
func (s *evalSubnet) sends(b *testing.B) [][]byte {
	b.Helper()
	fee := sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(2000)))
	txs := make([][]byte, len(s.hotkeys))
	for i, hk := range s.hotkeys {
		to := s.hotkeys[(i+1)%len(s.hotkeys)].Address
		send := banktypes.NewMsgSend(hk.Address, to, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(1000))))
		txs[i] = s.c.SignTx(hk, fee, 200_000, send)
	}
	return txs
}

// deliver runs txs as a node does: CheckTx for each, then one block holding them all. Every tx
// must pass both.
func (s *evalSubnet) deliver(b *testing.B, txs [][]byte) {
	for i, tx := range txs {
		res, err := s.c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		if err != nil || res.Code != 0 {
			b.Fatalf("CheckTx %d: %v %s", i, err, res.GetLog())
		}
	}
	for i, r := range s.c.NextBlock(txs...) {
		if r.Code != 0 {
			b.Fatalf("tx %d: code %d: %s", i, r.Code, r.Log)
		}
	}
}
