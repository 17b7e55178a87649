package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

func TestGenesisRoundTrip(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	f.setPending(t, netuid, math.NewInt(123_456))
	f.setHeight(8)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	ev, sig := f.evaluation(t, w.v1, netuid, 9, []uint32{uint32(w.miners[0].uid)}, []uint32{5})
	_, err := f.msg.SubmitEvaluation(f.ctx, &types.MsgSubmitEvaluation{Submitter: w.owner.String(), Evaluation: ev, Signature: sig})
	require.NoError(t, err)
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.CommitReveal, hp.RevealPeriod = true, 1 })
	_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(w.v2.hotkey.String(), 1, []uint32{2}, []uint32{1}, 0, []byte("saltsaltsalt")))
	require.NoError(t, err)

	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	gs.EpochQueue = append(gs.EpochQueue, types.QueuedEpoch{Netuid: 7, Epoch: 3, DueHeight: 40})
	require.NoError(t, gs.Validate())
	require.Len(t, gs.Weights, 2)
	require.Len(t, gs.Bonds, 2)
	require.Len(t, gs.Evaluations, 1)
	require.Len(t, gs.Nonces, 1)
	require.Len(t, gs.Commits, 1)
	require.Len(t, gs.LastEpochs, 1)
	require.Len(t, gs.Schedules, 1)
	require.Equal(t, uint64(1), gs.Schedules[0].Epoch, "the epoch run at 8 closed epoch 0")
	require.NotEmpty(t, gs.WorkMarks, "the evaluation and the commit are liveness work")
	require.Equal(t, uint32(netuid), gs.Nonces[0].Netuid)

	// Through JSON, as a chain export/import does.
	bz, err := f.cdc.MarshalJSON(gs)
	require.NoError(t, err)
	var imported types.GenesisState
	require.NoError(t, f.cdc.UnmarshalJSON(bz, &imported))

	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, &imported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	due, err := g.k.QueuedNetuids.Get(g.ctx, 7)
	require.NoError(t, err)
	require.Equal(t, int64(40), due)
}

func TestGenesisValidateRejects(t *testing.T) {
	gs := types.DefaultGenesisState()
	require.NoError(t, gs.Validate())

	bad := *gs
	bad.Params.MaxEpochsPerBlock = 0
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidParams)

	bad = *gs
	bad.Bonds = []types.BondsRow{{Netuid: 1, Uid: 0, Bonds: []types.WeightEntry{{Uid: 2, Value: 5}, {Uid: 1, Value: 5}}}}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)

	bad = *gs
	bad.LastEpochs = []types.EpochRecord{{Netuid: 1}}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)

	bad = *gs
	bad.EpochQueue = []types.QueuedEpoch{{Netuid: 1}, {Netuid: 1, DueHeight: 3}}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)

	bad = *gs
	bad.Schedules = []types.EpochSchedule{{Netuid: 1, Tempo: 0, NextEpochHeight: 5}}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)

	bad = *gs
	bad.Schedules = []types.EpochSchedule{{Netuid: 1, Tempo: 9, StartHeight: 10, NextEpochHeight: 5}}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)

	bad = *gs
	bad.Schedules = []types.EpochSchedule{{Netuid: 1, Tempo: 9, NextEpochHeight: 5, HeightOffset: -1}}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)

	bad = *gs
	bad.WorkMarks = []types.WorkMark{{Netuid: 1, Uid: 2}, {Netuid: 1, Uid: 2, Height: 4}}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
}
