package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/keeper"
	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/intelligence/yuma"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// The tests below run RunEpoch's steps one at a time on the epoch world and check that each does
// its own part and nothing else.

// computedEpoch is the epoch world at its first epoch block with 1,000,000,007 rao pending, loaded
// and computed; nothing is recorded or paid yet.
func computedEpoch(t *testing.T) (*epochWorld, *keeper.EpochSteps) {
	t.Helper()
	w := newEpochWorld(t)
	f := w.f
	f.setPending(t, netuid, math.NewInt(1_000_000_007))
	f.setHeight(8)
	s, err := f.k.LoadEpoch(f.ctx, netuid)
	require.NoError(t, err)
	params, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.NoError(t, s.Compute(params))
	return w, s
}

func TestEpochStepLoadTakesPendingAndReadsState(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	f.setPending(t, netuid, math.NewInt(1_000))
	f.setHeight(8)
	s, err := f.k.LoadEpoch(f.ctx, netuid)
	require.NoError(t, err)
	require.Equal(t, uint64(1_000), s.Emission())
	left, err := f.tk.TakePendingEmission(f.ctx, netuid)
	require.NoError(t, err)
	require.True(t, left.IsZero(), "load takes the pending emission")

	in := s.Input()
	require.Len(t, in.Neurons, 5)
	require.Equal(t, uint64(600_000_000), in.Neurons[w.v1.uid].Stake)
	require.True(t, in.Neurons[w.v1.uid].ValidatorPermit)
	require.Len(t, in.Neurons[w.v2.uid].Weights, 3)
	require.Empty(t, in.Neurons[w.miners[0].uid].Weights)
	require.True(t, totalReceived(t, f).IsZero(), "load pays nothing")
}

// TestEpochStepComputeIsDeterministicAndConserves: compute takes no context (it cannot touch
// state); run again on the same input it gives the same output and division.
func TestEpochStepComputeIsDeterministicAndConserves(t *testing.T) {
	w, s := computedEpoch(t)
	f := w.f

	require.Equal(t, yuma.Epoch(s.Input()), s.Output(), "compute is Yuma over the loaded input")
	owner, miner, validator := s.Payout()
	var total uint64 = owner
	for uid := range miner {
		total += miner[uid] + validator[uid]
	}
	require.Equal(t, s.Emission(), total, "the division conserves the emission")

	out := s.Output()
	params, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.NoError(t, s.Compute(params))
	require.Equal(t, out, s.Output())
	owner2, miner2, validator2 := s.Payout()
	require.Equal(t, []any{owner, miner, validator}, []any{owner2, miner2, validator2})
}

func TestEpochStepRecordWritesResultsButPaysNothing(t *testing.T) {
	w, s := computedEpoch(t)
	f := w.f
	require.NoError(t, s.Record(f.ctx))

	out := s.Output()
	_, miner, validator := s.Payout()
	for _, m := range append([]member{w.v1, w.v2}, w.miners...) {
		n := f.neuron(t, netuid, m.uid)
		require.Equal(t, uint32(out.IncentiveU16[m.uid]), n.Incentive)
		require.Equal(t, uint32(out.DividendsU16[m.uid]), n.Dividends)
		require.Equal(t, out.ValidatorPermit[m.uid], n.ValidatorPermit, "the permit comes from the epoch")
		require.Equal(t, math.NewIntFromUint64(miner[m.uid]+validator[m.uid]), n.Emission)
	}
	_, found, err := f.k.GetBonds(f.ctx, netuid, w.v1.uid)
	require.NoError(t, err)
	require.True(t, found)
	require.True(t, totalReceived(t, f).IsZero(), "record pays nothing")
	require.True(t, totalAdded(t, f).IsZero())
}

func TestEpochStepPayPaysEveryRao(t *testing.T) {
	w, s := computedEpoch(t)
	f := w.f
	before := f.neuron(t, netuid, w.v1.uid)
	takes, err := s.Pay(f.ctx)
	require.NoError(t, err)

	require.Equal(t, math.NewInt(1_000_000_007), totalReceived(t, f))
	require.Equal(t, f.received("mod:"+subnettypes.ModuleName), totalAdded(t, f))
	_, _, validator := s.Payout()
	require.Equal(t, mulTake(validator[w.v1.uid]), takes, "only v1 takes (18%)")
	require.Equal(t, before, f.neuron(t, netuid, w.v1.uid), "pay writes no neuron")
}

func mulTake(v uint64) uint64 { return v * uint64(takeMax) / 65535 }

func TestEpochStepPruneDropsExpiredCommitsOnly(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.CommitReveal, hp.RevealPeriod = true, 1 })
	_, err := f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(w.v2.hotkey.String(), 1, []uint32{2}, []uint32{1}, 0, []byte("saltsaltsalt")))
	require.NoError(t, err)
	count := func() int {
		n := 0
		require.NoError(t, f.k.Commits.Walk(f.ctx, collections.NewPrefixedTripleRange[uint16, sdk.AccAddress, uint64](netuid),
			func(collections.Triple[uint16, sdk.AccAddress, uint64], types.WeightsCommit) (bool, error) {
				n++
				return false, nil
			}))
		return n
	}
	require.Equal(t, 1, count())
	// The commit reveals in epoch 1; it is kept while epochs 0 to 1 close, and dropped at 2.
	for epoch, want := range []int{1, 1, 0} {
		expired, err := f.k.PruneEpoch(f.ctx, netuid, uint64(epoch), 10)
		require.NoError(t, err)
		require.Equal(t, want, count(), "after pruning at epoch %d", epoch)
		require.Equal(t, uint32(1-want), expired)
	}
}
