package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	"github.com/taochain/taochain/testutil/benchclock"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
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
	s := newCPUSubnet(b)
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

// cpuSubnet is evalSubnet's subnet with cpuValidators permitted validators whose hotkeys are
// funded genesis accounts (they sign and pay for their own evaluations, as a worker does).
type cpuSubnet struct {
	c       *apptest.Chain
	hotkeys []apptest.Account
	nonce   uint64
}

func newCPUSubnet(b *testing.B) *cpuSubnet {
	b.Helper()
	c := apptest.NewChain(b, cpuValidators+1, app.TAO(100_000), fastSubnets, func(enc app.EncodingConfig, state app.GenesisState) {
		var gs subnettypes.GenesisState
		enc.Codec.MustUnmarshalJSON(state[subnettypes.ModuleName], &gs)
		hp := &gs.Params.DefaultHyperparams
		hp.MaxUids, hp.MaxValidators, hp.MaxRegistrationsPerBlock = evalUIDs, cpuValidators, subnettypes.MaxRegistrationsPerBlockLimit
		hp.MinBurn, hp.MaxBurn = sdkmath.NewInt(subnettypes.MinBurnFloor), sdkmath.NewInt(subnettypes.MinBurnFloor)
		state[subnettypes.ModuleName] = enc.Codec.MustMarshalJSON(&gs)
	})
	s := &cpuSubnet{c: c, hotkeys: c.Accounts[:cpuValidators]}
	owner := c.Accounts[cpuValidators]
	if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "cpu", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		b.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1
	fee := sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(50_000)))
	for start := 0; start < evalUIDs; start += subnettypes.MaxRegistrationsPerBlockLimit {
		var msgs []sdk.Msg
		for i := start; i < start+subnettypes.MaxRegistrationsPerBlockLimit; i++ {
			hot := secp256k1.GenPrivKeyFromSecret(fmt.Appendf(nil, "cpu-neuron-%d", i))
			if i < cpuValidators {
				hot = s.hotkeys[i].Priv.(*secp256k1.PrivKey)
			}
			proof, err := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, owner.Address.String()))
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, &subnettypes.MsgRegisterNeuron{Coldkey: owner.Address.String(), Netuid: netuid,
				HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: sdkmath.NewInt(subnettypes.MinBurnFloor)})
			if i < cpuValidators {
				msgs = append(msgs, &subnettypes.MsgAddStake{Coldkey: owner.Address.String(),
					Hotkey: s.hotkeys[i].Address.String(), Netuid: netuid, Amount: app.TAO(10)})
			}
		}
		if res := c.NextBlock(c.SignTx(owner, fee, 100_000_000, msgs...))[0]; res.Code != 0 {
			b.Fatalf("register uids %d..: %s", start, res.Log)
		}
	}
	advanceToNextEpoch(c, netuid) // permits are handed out at the epoch
	return s
}

// evaluations signs one evaluation of every validator for the epoch the next block is in.
func (s *cpuSubnet) evaluations(b *testing.B) [][]byte {
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
func (s *cpuSubnet) sends(b *testing.B) [][]byte {
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
func (s *cpuSubnet) deliver(b *testing.B, txs [][]byte) {
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
