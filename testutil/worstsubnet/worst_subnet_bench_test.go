package worstsubnet_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	"github.com/taochain/taochain/testutil/benchclock"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const (
	// targetMs is the most an epoch may add to a block (issue 12).
	targetMs = 100
	netuid   = 1
	// maxGas is the gas limit of the setup txs (the block limit is 100M).
	maxGas = 90_000_000
)

// shape is the size of a benchmark subnet.
type shape struct{ uids, validators int }

func (sh shape) String() string { return fmt.Sprintf("uids=%d,validators=%d", sh.uids, sh.validators) }

// worstShapes are the largest subnets the hard limits allow, at both ends: the most uids with as
// many validators as MaxEpochWork leaves, and the most validators with as many uids as it leaves.
func worstShapes() []shape {
	perUID := uint64(subnettypes.EpochWorkPerUID)
	mostUIDs := shape{uids: subnettypes.MaxUIDsLimit}
	mostUIDs.validators = int(min(subnettypes.MaxEpochWork/uint64(mostUIDs.uids)-perUID, subnettypes.MaxValidatorsLimit))
	mostValidators := shape{validators: subnettypes.MaxValidatorsLimit}
	mostValidators.uids = int(min(subnettypes.MaxEpochWork/(uint64(mostValidators.validators)+perUID), subnettypes.MaxUIDsLimit))
	return []shape{mostUIDs, mostValidators}
}

// worstHyperparams are the hyperparameters of the worst subnet the default governance bounds and
// the hard limits allow: the largest epoch (max_uids × max_validators = MaxEpochWork) at the
// shortest tempo, registration at the burn floor with the most registrations per block and no
// immunity, and no weights rate limit.
func worstHyperparams(hp subnettypes.Hyperparameters, sh shape) subnettypes.Hyperparameters {
	hp.Tempo = subnettypes.MinTempoLimit
	hp.MaxUids = uint32(sh.uids)
	hp.MaxValidators = uint32(sh.validators)
	hp.WeightsRateLimit = 0
	hp.ImmunityPeriod = 0
	hp.MinAllowedWeights = 1
	hp.MaxWeightLimit = subnettypes.U16Max
	hp.CommitReveal = false
	hp.MinBurn = sdkmath.NewInt(subnettypes.MinBurnFloor)
	hp.MaxBurn = hp.MinBurn
	hp.MaxRegistrationsPerBlock = subnettypes.MaxRegistrationsPerBlockLimit
	return hp
}

// bench is the chain with the worst subnet: accounts[:validators] are the validator hotkeys,
// accounts[validators] owns the subnet and is the coldkey of every neuron.
type bench struct {
	shape
	b     *testing.B
	c     *apptest.Chain
	owner apptest.Account
	vals  []apptest.Account
	round uint32
}

func (w *bench) deliver(what string, blocks ...[][]byte) {
	w.b.Helper()
	for _, txs := range blocks {
		for i, r := range w.c.NextBlock(txs...) {
			if r.Code != 0 {
				w.b.Fatalf("%s: tx %d at height %d: code %d: %s", what, i, w.c.Height, r.Code, r.Log)
			}
		}
	}
}

func (w *bench) sign(acc apptest.Account, msgs ...sdk.Msg) []byte {
	return w.c.SignTx(acc, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(2000))), maxGas, msgs...)
}

// setup registers the subnet, makes it the worst one, fills every uid, stakes on the validators,
// lets an epoch hand out permits, and runs one epoch over full weight rows so bonds exist.
func setup(b *testing.B, sh shape) *bench {
	uids, validators := sh.uids, sh.validators
	c := apptest.NewChain(b, validators+1, app.TAO(1_000_000))
	w := &bench{shape: sh, b: b, c: c, owner: c.Accounts[validators], vals: c.Accounts[:validators]}
	owner := w.owner.Address.String()

	w.deliver("register subnet", [][]byte{w.sign(w.owner, &subnettypes.MsgRegisterSubnet{Owner: owner, Name: "worst", MaxLock: app.TAO(100_000)})})
	s, err := c.App.SubnetKeeper.GetSubnet(c.Context(), netuid)
	if err != nil {
		b.Fatal(err)
	}
	w.deliver("worst hyperparameters", [][]byte{w.sign(w.owner, &subnettypes.MsgUpdateHyperparams{
		Owner: owner, Netuid: netuid, Hyperparams: worstHyperparams(s.Hyperparams, sh),
	})})

	// Every uid, the validators' own keys first, max_registrations_per_block per block.
	hotkeys := make([]*secp256k1.PrivKey, uids)
	for i := range hotkeys {
		if i < validators {
			hotkeys[i] = w.vals[i].Priv.(*secp256k1.PrivKey)
		} else {
			hotkeys[i] = secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("worstsubnet-miner-%d", i)))
		}
	}
	const perBlock = subnettypes.MaxRegistrationsPerBlockLimit
	for start := 0; start < uids; start += perBlock {
		var msgs []sdk.Msg
		for _, hk := range hotkeys[start:min(start+perBlock, uids)] {
			proof, err := hk.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, owner))
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, &subnettypes.MsgRegisterNeuron{Coldkey: owner, Netuid: netuid, HotkeyPubkey: hk.PubKey().Bytes(),
				Proof: proof, MaxBurn: sdkmath.NewInt(subnettypes.MinBurnFloor)})
		}
		w.deliver("register neurons", [][]byte{w.sign(w.owner, msgs...)})
	}
	var stakes []sdk.Msg
	for i, v := range w.vals {
		stakes = append(stakes, &subnettypes.MsgAddStake{Coldkey: owner, Hotkey: v.Address.String(), Netuid: netuid, Amount: app.TAO(1000 + int64(i))})
	}
	w.deliver("stake", [][]byte{w.sign(w.owner, stakes...)})

	w.advancePastEpoch() // permits
	if n := w.permits(); n != validators {
		b.Fatalf("%d validator permits after an epoch, want %d", n, validators)
	}
	w.setWeights()
	w.advancePastEpoch() // bonds
	return w
}

// permits counts the subnet's validator permits.
func (w *bench) permits() int {
	n := 0
	err := w.c.App.SubnetKeeper.IterateNeurons(w.c.Context(), netuid, func(nr subnettypes.Neuron) bool {
		if nr.ValidatorPermit {
			n++
		}
		return false
	})
	if err != nil {
		w.b.Fatal(err)
	}
	return n
}

// setWeights has every validator set a full row over every uid, with weights that differ per
// validator and round so consensus has work to do. A row costs about 1,900 gas per uid (7.6M for
// 4096 uids, so a 100M-gas block holds 13 of those); rows go 80M gas to a block, so every
// validator has set its row within the epoch.
func (w *bench) setWeights() {
	w.round++
	uids := w.uids
	targets := make([]uint32, uids)
	for i := range targets {
		targets[i] = uint32(i)
	}
	var blocks [][][]byte
	var block [][]byte
	for v, acc := range w.vals {
		weights := make([]uint32, uids)
		for u := range weights {
			weights[u] = 1 + (uint32(u)*2654435761+uint32(v)*40503+w.round*977)%subnettypes.U16Max
		}
		block = append(block, w.sign(acc, &intelligencetypes.MsgSetWeights{
			Hotkey: acc.Address.String(), Netuid: netuid, Uids: slices.Clone(targets), Weights: weights,
		}))
		if len(block) == max(1, 80_000_000/(uids*1900)) {
			blocks, block = append(blocks, block), nil
		}
	}
	if len(block) > 0 {
		blocks = append(blocks, block)
	}
	w.deliver("set weights", blocks...)
}

// nextEpochHeight is the height whose EndBlock runs the subnet's next epoch.
func (w *bench) nextEpochHeight() int64 {
	sc, err := w.c.App.IntelligenceKeeper.Schedule(w.c.Context(), netuid)
	if err != nil {
		w.b.Fatal(err)
	}
	return sc.NextEpochHeight
}

// advancePastEpoch runs empty blocks up to and including the next epoch block.
func (w *bench) advancePastEpoch() {
	next := w.nextEpochHeight()
	for w.c.Height < next {
		w.c.NextBlock()
	}
	w.requireEpochAt(next)
}

func (w *bench) requireEpochAt(h int64) {
	rec, found, err := w.c.App.IntelligenceKeeper.GetLastEpoch(w.c.Context(), netuid)
	if err != nil || !found || rec.Height != h {
		w.b.Fatalf("no epoch of subnet %d at height %d (last: %+v, found %v, err %v)", netuid, h, rec, found, err)
	}
}

// BenchmarkWorstSubnetEpoch builds, through the real app's messages, the worst subnets an owner
// can configure (worstShapes: epoch work at MaxEpochWork), tempo at its floor, every validator
// holding a permit and a full weight row over every uid, bonds from the previous epoch. Each
// iteration has the validators set fresh rows (untimed), then times the block whose EndBlock runs
// the epoch (x/intelligence RunEpoch, x/slashing's epoch checks and every other module's
// Begin/EndBlock): FinalizeBlock and Commit, in wall time and in CPU time of the process (the
// machine may be shared; CPU time is what the block costs a dedicated node). An empty block is
// timed the same way; the epoch's cost is the difference. target-ms is the 100 ms an epoch may
// add to any block.
func BenchmarkWorstSubnetEpoch(b *testing.B) {
	for _, sh := range worstShapes() {
		b.Run(sh.String(), func(b *testing.B) { measure(b, setup(b, sh)) })
	}
}

// measure times epoch blocks of w's subnet and reports them (see BenchmarkWorstSubnetEpoch).
func measure(b *testing.B, w *bench) {
	c := w.c
	var epoch, empty, epochCPU, emptyCPU, commit, worstCPU time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		if w.nextEpochHeight()-c.Height < 2+int64(len(w.vals)/max(1, 80_000_000/(w.uids*1900))) {
			w.advancePastEpoch()
		}
		w.setWeights()
		next := w.nextEpochHeight()
		for c.Height < next-2 {
			c.NextBlock()
		}
		t := w.timedBlock() // the block before the epoch: no epoch, same chain state
		empty, emptyCPU = empty+t.wall, emptyCPU+t.cpu
		b.StartTimer()

		t = w.timedBlock()
		b.StopTimer()
		w.requireEpochAt(next)
		epoch, epochCPU, commit = epoch+t.wall, epochCPU+t.cpu, commit+t.commit
		worstCPU = max(worstCPU, t.cpu)
		n++
		b.StartTimer()
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	b.ReportMetric(ms(epoch-empty), "ms/epoch")
	b.ReportMetric(ms(epochCPU-emptyCPU), "cpu-ms/epoch")
	b.ReportMetric(float64(worstCPU.Microseconds())/1000, "max-cpu-ms/block")
	b.ReportMetric(ms(emptyCPU), "empty-cpu-ms/block")
	b.ReportMetric(targetMs, "target-ms")
	b.Logf("subnet %d uids × %d validators (work %d, MaxEpochWork %d), tempo %d: the epoch adds %.1f ms wall, %.1f ms CPU to its block "+
		"(epoch block %.1f ms wall incl. commit %.1f, %.1f ms CPU; worst %.1f ms CPU; empty block %.1f ms wall, %.1f ms CPU); target %d ms",
		w.uids, w.validators, w.uids*(w.validators+subnettypes.EpochWorkPerUID), subnettypes.MaxEpochWork, subnettypes.MinTempoLimit,
		ms(epoch-empty), ms(epochCPU-emptyCPU), ms(epoch), ms(commit), ms(epochCPU), float64(worstCPU.Microseconds())/1000,
		ms(empty), ms(emptyCPU), targetMs)
}

// blockTime is how long one block took: FinalizeBlock + Commit in wall time, of which commit,
// and in CPU time of the whole process (every thread, garbage collection included).
type blockTime struct{ wall, commit, cpu time.Duration }

// timedBlock finalizes and commits the next (empty) block and returns how long it took.
func (w *bench) timedBlock() blockTime {
	c := w.c
	runtime.GC() // so the block does not pay for collecting the setup's garbage
	c.Height++
	c.Time = c.Time.Add(6 * time.Second)
	cpu, start := benchclock.ProcessCPU(w.b), time.Now()
	if _, err := c.App.FinalizeBlock(&abci.RequestFinalizeBlock{Height: c.Height, Time: c.Time}); err != nil {
		w.b.Fatalf("FinalizeBlock at height %d: %v", c.Height, err)
	}
	committing := time.Now()
	if _, err := c.App.Commit(); err != nil {
		w.b.Fatalf("Commit at height %d: %v", c.Height, err)
	}
	return blockTime{wall: time.Since(start), commit: time.Since(committing), cpu: benchclock.ProcessCPU(w.b) - cpu}
}

// BenchmarkWorstSubnetRegistrations times a block holding max_registrations_per_block (at its hard
// limit) registrations on the full worst subnet with the most uids (no immunity, so each one
// replaces a neuron: the most expensive path), against the same 100 ms target.
func BenchmarkWorstSubnetRegistrations(b *testing.B) {
	w := setup(b, worstShapes()[0])
	owner := w.owner.Address.String()
	var total, totalCPU time.Duration
	n, fresh := 0, 0
	var gas int64
	for b.Loop() {
		b.StopTimer()
		var msgs []sdk.Msg
		for range subnettypes.MaxRegistrationsPerBlockLimit {
			fresh++
			hk := secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("worstsubnet-newcomer-%d", fresh)))
			proof, err := hk.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, owner))
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, &subnettypes.MsgRegisterNeuron{Coldkey: owner, Netuid: netuid, HotkeyPubkey: hk.PubKey().Bytes(),
				Proof: proof, MaxBurn: sdkmath.NewInt(subnettypes.MinBurnFloor)})
		}
		tx := w.sign(w.owner, msgs...)
		if next := w.nextEpochHeight(); next-w.c.Height <= 1 {
			w.advancePastEpoch() // time registrations alone, not an epoch
		}
		runtime.GC()
		w.c.Height++
		w.c.Time = w.c.Time.Add(6 * time.Second)
		b.StartTimer()
		cpu, start := benchclock.ProcessCPU(b), time.Now()
		res, err := w.c.App.FinalizeBlock(&abci.RequestFinalizeBlock{Height: w.c.Height, Time: w.c.Time, Txs: [][]byte{tx}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.c.App.Commit(); err != nil {
			b.Fatal(err)
		}
		total, totalCPU = total+time.Since(start), totalCPU+benchclock.ProcessCPU(b)-cpu
		b.StopTimer()
		r := res.TxResults[0]
		if r.Code != 0 {
			b.Fatalf("registrations at height %d: %s", w.c.Height, r.Log)
		}
		n++
		gas += r.GasUsed
		b.StartTimer()
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	b.ReportMetric(float64(gas)/float64(n), "gas/block")
	b.ReportMetric(ms(total), "ms/block")
	b.ReportMetric(ms(totalCPU), "cpu-ms/block")
	b.ReportMetric(targetMs, "target-ms")
	b.Logf("%d registrations replacing neurons on a full %d-uid subnet: %.1f ms wall, %.1f ms CPU, %d gas per block; target %d ms",
		subnettypes.MaxRegistrationsPerBlockLimit, w.uids, ms(total), ms(totalCPU), gas/int64(n), targetMs)
}
