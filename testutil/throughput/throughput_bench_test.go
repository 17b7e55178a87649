package throughput_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/throughput"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const (
	// rpcWorkers is the number of concurrent broadcast_tx_sync clients.
	rpcWorkers = 16
	// runTimeout bounds one batch from the first broadcast to the last commit.
	runTimeout = 3 * time.Minute
)

// BenchmarkThroughputBankSend: each iteration, 1000 genesis-funded accounts each send one signed
// MsgSend (so no two txs share a sequence); reports committed txs per second.
func BenchmarkThroughputBankSend(b *testing.B) {
	const accounts = 1000
	c := throughput.NewChain(b, accounts, app.TAO(10_000))
	var sum total
	var gas uint64 // what the worker would ask (Chain.WorkerGas)
	for b.Loop() {
		b.StopTimer()
		lanes := make([]throughput.Lane, accounts)
		for i, acc := range c.Accounts {
			to := c.Accounts[(i+1)%accounts].Address
			send := banktypes.NewMsgSend(acc.Address, to, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(1000))))
			if gas == 0 {
				gas = c.WorkerGas(acc, send)
			}
			lanes[i] = throughput.Lane{c.Sign(acc, gas, send)}
		}
		b.StartTimer()
		sum.add(c.Run(lanes, rpcWorkers, runTimeout))
	}
	sum.report(b)
}

const (
	// evalValidators is the number of validator hotkeys on the benchmark subnet, and the number
	// of uids each evaluation scores (every neuron is a validator with a permit).
	evalValidators = 256
	// evalsPerHotkey is the number of evaluations (for distinct epochs) each hotkey submits per
	// iteration: 2,048 txs per iteration, several blocks' worth, so that a run is not measured
	// in whole blocks (with 3 per hotkey, 768 bank sends took 2 blocks and 768 evaluations 3,
	// and the ratio read 2/3 whatever the chain did). Epochs close every tempo+1 = 11 blocks and
	// evaluation_window keeps every past epoch open; when every open epoch is used, an
	// iteration waits for the next one (outside the timer), never long enough for x/slashing to
	// count a permitted validator as silent.
	evalsPerHotkey = 8
)

// BenchmarkThroughputSubmitEvaluation: a subnet with 256 neurons, all holding validator permits;
// each iteration every hotkey submits (and pays for) evalsPerHotkey signed MsgSubmitEvaluation scoring all
// 256 uids, for epochs it has not evaluated yet (evaluation_window keeps past epochs open), and
// then as many bank sends, the same 2,048 txs in the same lanes on the same node; reports committed
// evaluations per second, bank sends per second, their ratio next to its target (issue 18: at
// least 0.8) and the gas of an evaluation next to its target (at most 200,000).
func BenchmarkThroughputSubmitEvaluation(b *testing.B) {
	const tempo = 10 // the smallest tempo the default governance bounds allow
	// Accounts 0..255 are the hotkeys (they submit their own evaluations); 256 is the coldkey
	// that owns the subnet and registers and stakes on every hotkey.
	c := throughput.NewChain(b, evalValidators+1, app.TAO(10_000),
		throughput.EditModule(subnettypes.ModuleName, func(st map[string]any) error {
			hp, ok := st["params"].(map[string]any)["default_hyperparams"].(map[string]any)
			if !ok {
				return fmt.Errorf("no params.default_hyperparams")
			}
			setNum(hp, "tempo", tempo)
			setNum(hp, "max_uids", evalValidators)
			setNum(hp, "max_validators", evalValidators)
			setNum(hp, "max_registrations_per_block", subnettypes.MaxRegistrationsPerBlockLimit)
			floor := fmt.Sprint(subnettypes.MinBurnFloor)
			hp["min_burn"], hp["max_burn"] = floor, floor // cheapest allowed, flat registration price
			return nil
		}),
		throughput.EditModule(intelligencetypes.ModuleName, func(st map[string]any) error {
			p, ok := st["params"].(map[string]any)
			if !ok {
				return fmt.Errorf("no params")
			}
			// Past epochs stay open, so every iteration has a fresh (epoch, hotkey) to submit.
			setNum(p, "evaluation_window", int(intelligencetypes.MaxEvaluationWindow))
			return nil
		}),
		// No liveness check: on a loaded machine an iteration (evaluations, then bank sends)
		// can span more than max_missed_epochs short epochs, and a jailed validator's
		// evaluations would fail. Throughput, not liveness, is measured here.
		throughput.EditModule("slashing", func(st map[string]any) error {
			poi, ok := st["poi"].(map[string]any)
			if !ok {
				return fmt.Errorf("no poi")
			}
			p, ok := poi["params"].(map[string]any)
			if !ok {
				return fmt.Errorf("no poi.params")
			}
			setNum(p, "max_missed_epochs", 0)
			return nil
		}),
	)
	hotkeys, owner := c.Accounts[:evalValidators], c.Accounts[evalValidators]
	const netuid = 1

	// Setup: subnet, 256 registrations and 256 stakes in txs of max_registrations_per_block
	// messages.
	c.Run([]throughput.Lane{{c.Sign(owner, 1_000_000, &subnettypes.MsgRegisterSubnet{
		Owner: owner.Address.String(), Name: "bench", MaxLock: app.TAO(1000),
	})}}, 1, runTimeout)
	var regMsgs, stakeMsgs [][]sdk.Msg
	const batch = subnettypes.MaxRegistrationsPerBlockLimit
	for start := 0; start < evalValidators; start += batch {
		var reg, stake []sdk.Msg
		for _, hk := range hotkeys[start:min(start+batch, evalValidators)] {
			proof, err := hk.Priv.Sign(subnettypes.RegistrationProofBytes(c.Node.ChainID, netuid, owner.Address.String()))
			if err != nil {
				b.Fatal(err)
			}
			reg = append(reg, &subnettypes.MsgRegisterNeuron{Coldkey: owner.Address.String(), Netuid: netuid,
				HotkeyPubkey: hk.Priv.PubKey().Bytes(), Proof: proof, MaxBurn: sdkmath.NewInt(subnettypes.MinBurnFloor)})
			stake = append(stake, &subnettypes.MsgAddStake{Coldkey: owner.Address.String(),
				Hotkey: hk.Address.String(), Netuid: netuid, Amount: app.TAO(1)})
		}
		regMsgs, stakeMsgs = append(regMsgs, reg), append(stakeMsgs, stake)
	}
	// Registrations one tx per Run, so no block holds more than the subnet allows; then one lane
	// of all stakes.
	for _, msgs := range regMsgs {
		c.Run([]throughput.Lane{{c.Sign(owner, 20_000_000, msgs...)}}, 1, runTimeout)
	}
	var stakes throughput.Lane
	for _, msgs := range stakeMsgs {
		stakes = append(stakes, c.Sign(owner, 20_000_000, msgs...))
	}
	c.Run([]throughput.Lane{stakes}, 1, runTimeout)
	// Each hotkey's first transaction also records its public key in its account (x/auth's
	// SetPubKeyDecorator: about 13,000 gas more). A worker simulates every transaction, so only
	// its first pays that; the benchmark asks one simulated figure for every transaction of a
	// kind, so both kinds are simulated on accounts that have sent before (the bank sends' hotkeys
	// have, by then): each hotkey's first transaction is a 1-rao send to itself, here.
	firsts := make([]throughput.Lane, evalValidators)
	for i, hk := range hotkeys {
		self := banktypes.NewMsgSend(hk.Address, hk.Address, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(1))))
		firsts[i] = throughput.Lane{c.Sign(hk, 200_000, self)}
	}
	c.Run(firsts, rpcWorkers, runTimeout)
	waitPermits(b, c, netuid, evalValidators, 90*time.Second)

	used := map[uint64]bool{}
	nonce := uint64(0)
	var sum, sends total
	// Both kinds ask for what the worker would (Chain.WorkerGas: the simulation times the gas
	// adjustment), measured on the first iteration's first transaction of each kind. A block
	// holds at most max_gas / gas limit txs, so the limits decide how full a block can be (an
	// earlier version asked 5,000,000 for an evaluation, which let 20 into a block).
	var evalGas, sendGas uint64
	for b.Loop() {
		b.StopTimer()
		epochs := make([]uint64, evalsPerHotkey)
		for k := range epochs {
			epochs[k] = freshEpoch(b, c, netuid, tempo, used)
		}
		lanes := make([]throughput.Lane, evalValidators)
		for k, epoch := range epochs {
			nonce++ // txs of one lane commit in sequence order, so nonces grow as required
			for i, hk := range hotkeys {
				ev := intelligencetypes.Evaluation{
					ChainId: c.Node.ChainID, Netuid: netuid, Epoch: epoch, ValidatorHotkey: hk.Address.String(),
					Uids: make([]uint32, evalValidators), Scores: make([]uint32, evalValidators), Nonce: nonce,
				}
				for uid := range evalValidators {
					ev.Uids[uid] = uint32(uid)
					ev.Scores[uid] = uint32((uid*7919+i*104729+k*31+int(epoch))%65535) + 1
				}
				commitment := sha256.Sum256(binary.BigEndian.AppendUint64([]byte(hk.Address.String()), epoch))
				ev.TaskCommitment = commitment[:]
				sig, err := hk.Priv.Sign(ev.SignBytes())
				if err != nil {
					b.Fatal(err)
				}
				msg := &intelligencetypes.MsgSubmitEvaluation{Submitter: hk.Address.String(), Evaluation: ev, Signature: sig}
				if evalGas == 0 {
					evalGas = c.WorkerGas(hk, msg)
				}
				lanes[i] = append(lanes[i], c.Sign(hk, evalGas, msg))
			}
		}
		b.StartTimer()
		profiled := c.ProfileNode("evaluations", 2)
		sum.add(c.Run(lanes, rpcWorkers, runTimeout))
		b.StopTimer()
		profiled()
		sendLanes := make([]throughput.Lane, evalValidators)
		for i, hk := range hotkeys {
			to := hotkeys[(i+1)%evalValidators].Address
			for range evalsPerHotkey {
				send := banktypes.NewMsgSend(hk.Address, to, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(1000))))
				if sendGas == 0 {
					sendGas = c.WorkerGas(hk, send)
				}
				sendLanes[i] = append(sendLanes[i], c.Sign(hk, sendGas, send))
			}
		}
		profiled = c.ProfileNode("banksends", 2)
		sends.add(c.Run(sendLanes, rpcWorkers, runTimeout))
		profiled()
		b.StartTimer()
	}
	sum.report(b)
	evalTPS, sendTPS := float64(sum.txs)/sum.elapsed.Seconds(), float64(sends.txs)/sends.elapsed.Seconds()
	b.ReportMetric(float64(evalGas), "gas-asked/tx")
	b.ReportMetric(float64(sendGas), "bank-gas-asked/tx")
	b.ReportMetric(sendTPS, "bank-txs/s")
	b.ReportMetric(evalTPS/sendTPS, "ratio-vs-bank")
	b.ReportMetric(0.8, "target-ratio")
	b.ReportMetric(200_000, "target-gas/tx")
}

// setNum sets a genesis JSON number field, keeping the encoding the field already has (64-bit
// integers are JSON strings, 32-bit ones numbers).
func setNum(m map[string]any, key string, v int) {
	if _, isString := m[key].(string); isString {
		m[key] = fmt.Sprint(v)
		return
	}
	m[key] = v
}

// waitPermits waits until want neurons of netuid hold a validator permit (assigned at epochs).
func waitPermits(b *testing.B, c *throughput.Chain, netuid, want int, timeout time.Duration) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	permits := 0
	for time.Now().Before(deadline) {
		var meta struct {
			Neurons []struct {
				ValidatorPermit bool `json:"validator_permit"`
			} `json:"neurons"`
		}
		out, err := c.Node.TryCLI("q", "subnet", "metagraph", fmt.Sprint(netuid), "--node", c.Node.RPCAddr(), "--output", "json")
		if err == nil && json.Unmarshal(out, &meta) == nil {
			permits = 0
			for _, n := range meta.Neurons {
				if n.ValidatorPermit {
					permits++
				}
			}
			if permits >= want {
				return
			}
		}
		time.Sleep(time.Second)
	}
	b.Fatalf("%d of %d validator permits after %s", permits, want, timeout)
}

// freshEpoch picks the newest epoch index (at the current height) that no iteration used yet;
// evaluation_window keeps older epochs open, so this only waits when every open epoch is used.
func freshEpoch(b *testing.B, c *throughput.Chain, netuid, tempo int, used map[uint64]bool) uint64 {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		h := c.Node.Height()
		if h > 0 {
			current := uint64(h+int64(netuid)) / uint64(tempo+1)
			for e := current; ; e-- {
				if !used[e] {
					used[e] = true
					return e
				}
				if e == 0 || current-e >= intelligencetypes.MaxEvaluationWindow-1 {
					break
				}
			}
		}
		time.Sleep(time.Second)
	}
	b.Fatal("no unused epoch within the evaluation window")
	return 0
}

// total adds up the runs of one benchmark.
type total struct {
	txs, blocks, maxBlock int
	gas                   int64
	elapsed               time.Duration
}

func (t *total) add(r throughput.Result) {
	t.txs += r.Txs
	t.blocks += r.Blocks
	t.maxBlock = max(t.maxBlock, r.MaxBlock)
	t.gas += r.GasUsed
	t.elapsed += r.Elapsed
}

// report publishes the metrics that scripts/bench-table.sh prints as a table.
func (t total) report(b *testing.B) {
	if t.txs == 0 || t.elapsed <= 0 {
		b.Fatal("no transactions committed")
	}
	b.ReportMetric(float64(t.txs)/t.elapsed.Seconds(), "txs/s")
	b.ReportMetric(float64(t.txs), "txs")
	b.ReportMetric(float64(t.txs)/float64(t.blocks), "txs/block")
	b.ReportMetric(float64(t.maxBlock), "max-txs/block")
	b.ReportMetric(float64(t.gas)/float64(t.txs), "gas/tx")
}
