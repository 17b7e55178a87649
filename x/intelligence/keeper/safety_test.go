package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	storetypes "cosmossdk.io/store/types"

	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestTempoChangeKeepsEpochsMonotonic raises a subnet's tempo 12 → 13 where the height/tempo
// formula would move the epoch index back (224 → 208), and checks that the stored clock keeps
// the index monotonic: it never goes back, grows by one per epoch run, no two epochs run in
// back-to-back blocks, and an evaluation signed for the epoch in progress before the change is
// still accepted after it.
func TestTempoChangeKeepsEpochsMonotonic(t *testing.T) {
	w := newWorld(t)
	f := w.f
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.Tempo = 12 })
	const start, change, end = 2860, 2900, 3100
	require.Greater(t, types.EpochIndex(change, netuid, 12), types.EpochIndex(change, netuid, 13)+10,
		"the old formula moves the index back at this height: the scenario bites")

	var (
		lastIndex uint64
		runs      []int64
		closed    []uint64
		inFlight  types.Evaluation
		sig       []byte
	)
	for h := int64(start); h <= end; h++ {
		f.setHeight(h)
		if h == change {
			// An evaluation for the epoch in progress, signed before the tempo change.
			inFlight, sig = f.evaluation(t, w.val, netuid, 1, []uint32{uint32(w.miners[0].uid)}, []uint32{9})
			f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.Tempo = 13 })
		}
		if h == change+1 {
			_, err := f.msg.SubmitEvaluation(f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: inFlight, Signature: sig})
			require.NoError(t, err, "an evaluation signed before the tempo change stays valid")
		}
		idx, err := f.k.CurrentEpoch(f.ctx, netuid)
		require.NoError(t, err)
		if h > start {
			require.GreaterOrEqual(t, idx, lastIndex, "height %d: epoch index went back", h)
			require.LessOrEqual(t, idx, lastIndex+1, "height %d: epoch index skipped", h)
		}
		lastIndex = idx
		require.NoError(t, f.k.EndBlocker(f.ctx))
		rec, found, err := f.k.GetLastEpoch(f.ctx, netuid)
		require.NoError(t, err)
		if found && rec.Height == h {
			runs = append(runs, h)
			closed = append(closed, rec.Epoch)
		}
	}
	require.Greater(t, len(runs), 10)
	for i := 1; i < len(runs); i++ {
		require.Equal(t, closed[i-1]+1, closed[i], "epoch runs close consecutive indices")
		gap := runs[i] - runs[i-1]
		if runs[i-1] >= change {
			require.Equal(t, int64(14), gap, "after the change an epoch spans tempo+1 = 14 blocks")
		} else {
			require.GreaterOrEqual(t, gap, int64(13), "no epoch runs in back-to-back blocks (runs at %d and %d)", runs[i-1], runs[i])
			require.LessOrEqual(t, gap, int64(2*13+1))
		}
	}
	info, err := f.q.EpochInfo(f.ctx, &types.QueryEpochInfoRequest{Netuid: uint32(netuid)})
	require.NoError(t, err)
	require.Equal(t, lastIndex+boolToU64(runs[len(runs)-1] == end), info.CurrentEpoch)
	require.Equal(t, uint64(13), info.Tempo)
}

func boolToU64(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// TestEpochQueueWorkBudget queues two subnets of the largest allowed size and two small ones in
// the same block: the block runs epochs up to subnettypes.MaxEpochWork, so the two large ones
// never share a block, and nothing is lost — every queued epoch runs in a later block.
func TestEpochQueueWorkBudget(t *testing.T) {
	w := newWorld(t)
	f := w.f
	big := testHyperparams()
	big.MaxValidators = 32
	big.MaxUids = uint32(subnettypes.MaxEpochWork / (32 + subnettypes.EpochWorkPerUID))
	require.Greater(t, 2*big.EpochWork(), subnettypes.MaxEpochWork, "two such subnets exceed one block's budget")
	require.LessOrEqual(t, big.EpochWork(), subnettypes.MaxEpochWork)
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { *hp = big })
	f.addSubnet(t, 2, w.owner, big)
	small := testHyperparams()
	small.MaxUids, small.MaxValidators = 16, 4
	f.addSubnet(t, 3, w.owner, small)
	f.addSubnet(t, 4, w.owner, small)
	f.setHeight(100)
	for _, n := range []uint16{1, 2, 3, 4} {
		require.NoError(t, f.k.EpochQueue.Set(f.ctx, collections.Join(int64(99), n), 9))
		require.NoError(t, f.k.QueuedNetuids.Set(f.ctx, n, 99))
	}
	ran, err := f.k.ProcessEpochQueue(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, ran, "one largest epoch fills the block's budget")
	_, found, err := f.k.GetLastEpoch(f.ctx, 1)
	require.NoError(t, err)
	require.True(t, found, "queue order: lower netuid first")

	f.setHeight(101)
	ran, err = f.k.ProcessEpochQueue(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, ran, "the second largest epoch runs alone in the next block")

	f.setHeight(102)
	ran, err = f.k.ProcessEpochQueue(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, ran, "small epochs share a block")
	for _, n := range []uint16{1, 2, 3, 4} {
		rec, found, err := f.k.GetLastEpoch(f.ctx, n)
		require.NoError(t, err)
		require.True(t, found, "subnet %d ran", n)
		require.Equal(t, uint64(9), rec.Epoch)
	}
}

// TestLateRevealAfterItsEpochClosed reveals a commit one epoch after its reveal epoch closed (the
// epoch run already happened): the answer is ErrRevealTooLate, as documented, not ErrNoCommit.
func TestLateRevealAfterItsEpochClosed(t *testing.T) {
	w := newWorld(t)
	f := w.f
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.CommitReveal, hp.RevealPeriod = true, 1 })
	hk := w.val.hotkey.String()
	salt := []byte("0123456789abcdef")
	uids, weights := []uint32{2}, []uint32{1}
	f.setHeight(9) // epoch 1 (tempo 9, netuid 1: epochs close at heights 8, 18, 28, …)
	res, err := f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, uids, weights, 0, salt))
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.RevealEpoch)
	f.setHeight(28) // the block closing epoch 2
	_, err = f.k.RunEpoch(f.ctx, netuid, 2)
	require.NoError(t, err)
	f.setHeight(29) // epoch 3
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 0, salt))
	require.ErrorIs(t, err, types.ErrRevealTooLate)
	require.Contains(t, err.Error(), "had to be revealed in epoch 2")
}

// TestWorkMarks checks what counts as liveness work: a row that weights another uid and a commit
// do, a self-weight-only row does not, and a new occupant of the uid starts without a mark.
func TestWorkMarks(t *testing.T) {
	w := newWorld(t)
	f := w.f
	hk := w.val.hotkey.String()
	_, found, err := f.k.LastWork(f.ctx, netuid, w.val.uid)
	require.NoError(t, err)
	require.False(t, found)

	f.setHeight(5)
	_, err = f.msg.SetWeights(f.ctx, &types.MsgSetWeights{Hotkey: hk, Netuid: 1, Uids: []uint32{uint32(w.val.uid)}, Weights: []uint32{1}})
	require.NoError(t, err, "a self-weight-only row is accepted")
	_, found, err = f.k.LastWork(f.ctx, netuid, w.val.uid)
	require.NoError(t, err)
	require.False(t, found, "but is no liveness work")

	f.setHeight(6)
	_, err = f.msg.SetWeights(f.ctx, &types.MsgSetWeights{Hotkey: hk, Netuid: 1, Uids: []uint32{uint32(w.val.uid), 2}, Weights: []uint32{5, 1}})
	require.NoError(t, err)
	h, found, err := f.k.LastWork(f.ctx, netuid, w.val.uid)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, int64(6), h)

	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.CommitReveal, hp.RevealPeriod = true, 1 })
	f.setHeight(12)
	_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, []uint32{2}, []uint32{1}, 0, []byte("0123456789abcdef")))
	require.NoError(t, err)
	h, _, err = f.k.LastWork(f.ctx, netuid, w.val.uid)
	require.NoError(t, err)
	require.Equal(t, int64(12), h, "a commit is work")

	require.NoError(t, f.k.Hooks().AfterNeuronRegistered(f.ctx, netuid, w.val.uid, true))
	_, found, err = f.k.LastWork(f.ctx, netuid, w.val.uid)
	require.NoError(t, err)
	require.False(t, found, "a new occupant starts without a mark")
}

// descriptorMeter is an infinite gas meter that also sums the gas charged per descriptor, so a
// test can see one charge apart from the store's own.
type descriptorMeter struct {
	storetypes.GasMeter
	by map[string]uint64
}

func (m *descriptorMeter) ConsumeGas(amount storetypes.Gas, descriptor string) {
	m.by[descriptor] += amount
	m.GasMeter.ConsumeGas(amount, descriptor)
}

// TestWeightEntriesCostGas checks that a weight row pays WeightEntryGas for each of its entries,
// zero weights included (they are checked before being dropped), on top of the store's gas.
func TestWeightEntriesCostGas(t *testing.T) {
	w := newWorld(t)
	f := w.f
	charged := func(uids, weights []uint32) uint64 {
		m := &descriptorMeter{GasMeter: storetypes.NewInfiniteGasMeter(), by: map[string]uint64{}}
		_, err := f.msg.SetWeights(f.ctx.WithGasMeter(m), &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: uids, Weights: weights})
		require.NoError(t, err)
		return m.by["weight entries"]
	}
	require.Equal(t, types.WeightEntryGas, charged([]uint32{2}, []uint32{1}))
	require.Equal(t, 3*types.WeightEntryGas, charged([]uint32{2, 3, 4}, []uint32{1, 0, 1}))
}
