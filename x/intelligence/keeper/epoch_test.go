package keeper_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const takeMax = uint32(11796) // 18% of 65535

// epochWorld is subnet 1 with two permitted validators (60% and 40% of the stake; the first
// takes 18%) and three miners; both validators weight miners 0 and 1, only the smaller one also
// weights miner 2.
type epochWorld struct {
	f      *fixture
	owner  sdk.AccAddress
	v1, v2 member
	miners []member
}

func newEpochWorld(t *testing.T) *epochWorld {
	f := newFixture(t)
	w := &epochWorld{f: f, owner: sdk.AccAddress([]byte("subnet-owner-address"))}
	f.addSubnet(t, netuid, w.owner, testHyperparams())
	w.v1 = f.addNeuron(t, netuid, 600_000_000, true, takeMax)
	w.v2 = f.addNeuron(t, netuid, 400_000_000, true, 0)
	for i := 0; i < 3; i++ {
		w.miners = append(w.miners, f.addNeuron(t, netuid, 0, false, 0))
	}
	f.setHeight(2)
	m := func(i int) uint32 { return uint32(w.miners[i].uid) }
	_, err := f.msg.SetWeights(f.ctx, &types.MsgSetWeights{Hotkey: w.v1.hotkey.String(), Netuid: 1, Uids: []uint32{m(0), m(1)}, Weights: []uint32{60000, 30000}})
	require.NoError(t, err)
	_, err = f.msg.SetWeights(f.ctx, &types.MsgSetWeights{Hotkey: w.v2.hotkey.String(), Netuid: 1, Uids: []uint32{m(0), m(1), m(2)}, Weights: []uint32{60000, 30000, 65535}})
	require.NoError(t, err)
	return w
}

// totalReceived sums what the fake x/tao paid to anyone.
func totalReceived(t *testing.T, f *fixture) math.Int {
	t.Helper()
	total := math.ZeroInt()
	require.NoError(t, f.tk.Received.Walk(f.ctx, nil, func(_ string, v math.Int) (bool, error) {
		total = total.Add(v)
		return false, nil
	}))
	return total
}

func totalAdded(t *testing.T, f *fixture) math.Int {
	t.Helper()
	total := math.ZeroInt()
	require.NoError(t, f.sk.Added.Walk(f.ctx, nil, func(_ collections.Pair[uint16, sdk.AccAddress], v math.Int) (bool, error) {
		total = total.Add(v)
		return false, nil
	}))
	return total
}

func addedTo(t *testing.T, f *fixture, hotkey sdk.AccAddress) math.Int {
	t.Helper()
	v, err := f.sk.Added.Get(f.ctx, collections.Join(netuid, hotkey))
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt()
	}
	require.NoError(t, err)
	return v
}

func TestEpochWritesResultsAndPays(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	pending := math.NewInt(1_000_000_007)
	f.setPending(t, netuid, pending)

	// Height 7 is not an epoch block of subnet 1 at tempo 9; height 8 is.
	f.setHeight(7)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	_, found, err := f.k.GetLastEpoch(f.ctx, netuid)
	require.NoError(t, err)
	require.False(t, found)

	f.setHeight(8)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	rec, found, err := f.k.GetLastEpoch(f.ctx, netuid)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, int64(8), rec.Height)
	require.Equal(t, uint64(0), rec.Epoch)
	require.Equal(t, pending, rec.Emission)
	require.False(t, rec.ValidatorsByStake)
	require.Equal(t, uint32(5), rec.Neurons)

	// Conservation: every rao taken was paid, to accounts or into pools via the x/subnet account.
	require.Equal(t, pending, totalReceived(t, f))
	require.True(t, f.tk.released(f.ctx).IsZero())
	require.Equal(t, f.received("mod:"+subnettypes.ModuleName), totalAdded(t, f))
	require.Equal(t, pending, rec.OwnerEmission.Add(rec.MinerEmission).Add(rec.ValidatorEmission))

	// Owner: floor(18%).
	require.Equal(t, math.NewInt(180_000_001), rec.OwnerEmission)
	require.Equal(t, rec.OwnerEmission, f.received("acc:"+w.owner.String()))

	// Miners 0 and 1 have consensus support; miner 2 is backed by only 40% of the stake (< kappa)
	// and earns nothing. Miners are paid to their coldkeys.
	minerSum := math.ZeroInt()
	for i, m := range w.miners {
		n := f.neuron(t, netuid, m.uid)
		if i == 2 {
			require.Zero(t, n.Incentive)
			require.True(t, n.Emission.IsZero())
			continue
		}
		require.Positive(t, n.Incentive)
		require.Positive(t, n.Consensus)
		require.Equal(t, n.Emission, f.received("acc:"+m.coldkey.String()))
		minerSum = minerSum.Add(n.Emission)
	}
	require.Equal(t, rec.MinerEmission, minerSum)
	require.Greater(t, f.neuron(t, netuid, w.miners[0].uid).Incentive, f.neuron(t, netuid, w.miners[1].uid).Incentive)

	// Validators: take to the owner's coldkey, the rest into the pool.
	n1 := f.neuron(t, netuid, w.v1.uid)
	n2 := f.neuron(t, netuid, w.v2.uid)
	require.Positive(t, n1.Dividends)
	require.Positive(t, n2.Dividends)
	require.Equal(t, rec.ValidatorEmission, n1.Emission.Add(n2.Emission))
	take1 := n1.Emission.MulRaw(int64(takeMax)).QuoRaw(65535)
	require.Equal(t, take1, f.received("acc:"+w.v1.coldkey.String()))
	require.Equal(t, n1.Emission.Sub(take1), addedTo(t, f, w.v1.hotkey))
	require.Equal(t, take1, rec.TakeEmission)
	require.True(t, f.received("acc:"+w.v2.coldkey.String()).IsZero())
	require.Equal(t, n2.Emission, addedTo(t, f, w.v2.hotkey))
	// v2's weight on miner 2 was clipped.
	require.Greater(t, n1.ValidatorTrust, n2.ValidatorTrust)

	// Permits for the next epoch, activity, bonds.
	require.True(t, n1.ValidatorPermit)
	require.True(t, n2.ValidatorPermit)
	require.False(t, f.neuron(t, netuid, w.miners[0].uid).ValidatorPermit)
	require.True(t, n1.Active)
	for _, v := range []member{w.v1, w.v2} {
		b, found, err := f.k.GetBonds(f.ctx, netuid, v.uid)
		require.NoError(t, err)
		require.True(t, found)
		require.NotEmpty(t, b.FixedBonds, "Yuma 3, the default, stores full-precision bonds")
	}
	_, found, err = f.k.GetBonds(f.ctx, netuid, w.miners[0].uid)
	require.NoError(t, err)
	require.False(t, found)

	// A typed event.
	var sawEpoch bool
	for _, ev := range f.ctx.EventManager().Events() {
		if ev.Type == "taochain.intelligence.v1.EventEpoch" {
			sawEpoch = true
		}
	}
	require.True(t, sawEpoch)

	// The next epoch uses the bonds and last-epoch height; nothing pending pays nothing.
	f.setHeight(18)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	rec2, _, err := f.k.GetLastEpoch(f.ctx, netuid)
	require.NoError(t, err)
	require.Equal(t, uint64(1), rec2.Epoch)
	require.True(t, rec2.Emission.IsZero())
	require.Equal(t, pending, totalReceived(t, f))
}

func TestEpochWithoutWeightsPaysValidatorsByStake(t *testing.T) {
	f := newFixture(t)
	owner := sdk.AccAddress([]byte("subnet-owner-address"))
	f.addSubnet(t, netuid, owner, testHyperparams())
	v := f.addNeuron(t, netuid, 1_000_000, true, 0)
	other := f.addNeuron(t, netuid, 10, false, 0)
	miner := f.addNeuron(t, netuid, 0, false, 0)
	f.setPending(t, netuid, math.NewInt(1_000))
	f.setHeight(8)
	rec, err := f.k.RunEpoch(f.ctx, netuid, 0)
	require.NoError(t, err)
	require.True(t, rec.ValidatorsByStake)
	require.Equal(t, math.NewInt(180), rec.OwnerEmission)
	require.True(t, rec.MinerEmission.IsZero())
	// Only the active permitted validator counts.
	require.Equal(t, math.NewInt(820), f.neuron(t, netuid, v.uid).Emission)
	require.Equal(t, math.NewInt(820), addedTo(t, f, v.hotkey))
	require.True(t, f.neuron(t, netuid, other.uid).Emission.IsZero())
	require.True(t, f.neuron(t, netuid, miner.uid).Emission.IsZero())
	// Permits go to the two staked neurons.
	require.True(t, f.neuron(t, netuid, other.uid).ValidatorPermit)
	require.False(t, f.neuron(t, netuid, miner.uid).ValidatorPermit)
	require.Equal(t, math.NewInt(1_000), totalReceived(t, f))
}

func TestEpochWithoutPermitsPaysByRawStakeAndEmptySubnetPaysOwner(t *testing.T) {
	f := newFixture(t)
	owner := sdk.AccAddress([]byte("subnet-owner-address"))
	f.addSubnet(t, netuid, owner, testHyperparams())
	a := f.addNeuron(t, netuid, 300, false, 0)
	b := f.addNeuron(t, netuid, 100, false, 0)
	f.setPending(t, netuid, math.NewInt(1_001))
	f.setHeight(8)
	rec, err := f.k.RunEpoch(f.ctx, netuid, 0)
	require.NoError(t, err)
	require.True(t, rec.ValidatorsByStake)
	// 1001: owner 180, miners 410 and validators 411 -> 821 by stake 3:1 = 615 + 205, +1 to the largest.
	require.Equal(t, math.NewInt(180), rec.OwnerEmission)
	require.Equal(t, math.NewInt(616), f.neuron(t, netuid, a.uid).Emission)
	require.Equal(t, math.NewInt(205), f.neuron(t, netuid, b.uid).Emission)

	// A subnet without neurons pays everything to its owner.
	f.addSubnet(t, 2, owner, testHyperparams())
	f.setPending(t, 2, math.NewInt(77))
	rec, err = f.k.RunEpoch(f.ctx, 2, 0)
	require.NoError(t, err)
	require.Equal(t, math.NewInt(77), rec.OwnerEmission)
	require.Equal(t, math.NewInt(180+77), f.received("acc:"+owner.String()))
}

func TestEpochFailureLeavesStateUntouched(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	pending := math.NewInt(5_000_000)
	f.setPending(t, netuid, pending)
	f.sk.failAddToPool = errors.New("pool store unavailable")
	neuronsBefore := map[uint16]subnettypes.Neuron{}
	for _, m := range append([]member{w.v1, w.v2}, w.miners...) {
		neuronsBefore[m.uid] = f.neuron(t, netuid, m.uid)
	}

	f.setHeight(8)
	require.NoError(t, f.k.EndBlocker(f.ctx), "a failing epoch never halts the chain")

	got, err := f.tk.Pending.Get(f.ctx, netuid)
	require.NoError(t, err)
	require.Equal(t, pending, got, "pending emission stays pending")
	require.True(t, totalReceived(t, f).IsZero())
	require.True(t, f.tk.released(f.ctx).IsZero())
	for uid, before := range neuronsBefore {
		require.Equal(t, before, f.neuron(t, netuid, uid))
	}
	_, found, err := f.k.GetLastEpoch(f.ctx, netuid)
	require.NoError(t, err)
	require.False(t, found)
	_, found, err = f.k.GetBonds(f.ctx, netuid, w.v1.uid)
	require.NoError(t, err)
	require.False(t, found)
	queued, err := f.k.QueuedNetuids.Has(f.ctx, netuid)
	require.NoError(t, err)
	require.False(t, queued, "a failed epoch leaves the queue")
	var failed bool
	for _, ev := range f.ctx.EventManager().Events() {
		require.NotEqual(t, "taochain.intelligence.v1.EventEpoch", ev.Type)
		if ev.Type == "taochain.intelligence.v1.EventEpochFailed" {
			failed = true
		}
	}
	require.True(t, failed)

	// Once the fault is gone the next epoch pays everything accrued.
	f.sk.failAddToPool = nil
	f.setHeight(18)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Equal(t, pending, totalReceived(t, f))
}

func TestEpochsPerBlockCap(t *testing.T) {
	f := newFixture(t)
	owner := sdk.AccAddress([]byte("subnet-owner-address"))
	// At height 10, (10 + netuid + 1) % (tempo + 1) == 0 for these three subnets.
	tempos := map[uint16]uint64{1: 11, 2: 12, 3: 13}
	for _, n := range []uint16{1, 2, 3} {
		hp := testHyperparams()
		hp.Tempo = tempos[n]
		f.addSubnet(t, n, owner, hp)
		f.addNeuron(t, n, 1_000, true, 0)
		f.setPending(t, n, math.NewInt(100))
		require.True(t, types.IsEpochBlock(10, n, tempos[n]))
	}
	p := types.DefaultParams()
	p.MaxEpochsPerBlock = 2
	require.NoError(t, f.k.Params.Set(f.ctx, p))

	f.setHeight(10)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	for _, n := range []uint16{1, 2} {
		rec, found, err := f.k.GetLastEpoch(f.ctx, n)
		require.NoError(t, err)
		require.True(t, found, "subnet %d", n)
		require.Equal(t, int64(10), rec.Height)
	}
	_, found, err := f.k.GetLastEpoch(f.ctx, 3)
	require.NoError(t, err)
	require.False(t, found, "subnet 3 is deferred")
	due, err := f.k.QueuedNetuids.Get(f.ctx, 3)
	require.NoError(t, err)
	require.Equal(t, int64(10), due)

	f.setHeight(11)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	rec, found, err := f.k.GetLastEpoch(f.ctx, 3)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, int64(11), rec.Height)
	require.Equal(t, types.EpochIndex(10, 3, 13), rec.Epoch, "the deferred run closes the epoch that was due")
	require.Equal(t, math.NewInt(300), totalReceived(t, f))
	it, err := f.k.EpochQueue.Iterate(f.ctx, nil)
	require.NoError(t, err)
	keys, err := it.Keys()
	require.NoError(t, err)
	require.Empty(t, keys)
}

func TestEpochPrunesOldEvaluations(t *testing.T) {
	w := newWorld(t)
	f := w.f
	p := types.DefaultParams()
	p.EvidenceRetentionEpochs = 2
	require.NoError(t, f.k.Params.Set(f.ctx, p))
	// Evaluations in epochs 0, 1, 2 (heights 2, 12, 22).
	for i, h := range []int64{2, 12, 22} {
		f.setHeight(h)
		ev, sig := f.evaluation(t, w.val, netuid, uint64(i+1), []uint32{2}, []uint32{1})
		_, err := f.msg.SubmitEvaluation(f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: ev, Signature: sig})
		require.NoError(t, err)
	}
	f.setHeight(28) // closes epoch 2: keep epochs 1 and 2
	require.NoError(t, f.k.EndBlocker(f.ctx))
	for epoch, want := range []bool{false, true, true} {
		_, found, err := f.k.GetEvaluation(f.ctx, netuid, uint64(epoch), w.val.hotkey)
		require.NoError(t, err)
		require.Equal(t, want, found, "epoch %d", epoch)
	}
}

func TestHooks(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	f.setPending(t, netuid, math.NewInt(1000))
	f.setHeight(8)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	_, found, err := f.k.GetBonds(f.ctx, netuid, w.v1.uid)
	require.NoError(t, err)
	require.True(t, found)

	// A new occupant of v1's uid starts without v1's weights and bonds.
	require.NoError(t, f.k.Hooks().AfterNeuronRegistered(f.ctx, netuid, w.v1.uid, true))
	_, found, err = f.k.GetWeights(f.ctx, netuid, w.v1.uid)
	require.NoError(t, err)
	require.False(t, found)
	_, found, err = f.k.GetBonds(f.ctx, netuid, w.v1.uid)
	require.NoError(t, err)
	require.False(t, found)
	_, found, err = f.k.GetWeights(f.ctx, netuid, w.v2.uid)
	require.NoError(t, err)
	require.True(t, found)

	// Dissolving the subnet removes all its state.
	require.NoError(t, f.k.Hooks().AfterSubnetDissolved(f.ctx, netuid))
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Empty(t, gs.Weights)
	require.Empty(t, gs.Bonds)
	require.Empty(t, gs.LastEpochs)
}
