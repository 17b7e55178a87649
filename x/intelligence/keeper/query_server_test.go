package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

func requireCode(t *testing.T, err error, code codes.Code) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, status.Code(err), err.Error())
}

func TestQueries(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	ctx := f.ctx

	p, err := f.q.Params(ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), p.Params)

	row, err := f.q.Weights(ctx, &types.QueryWeightsRequest{Netuid: 1, Uid: uint32(w.v1.uid)})
	require.NoError(t, err)
	require.Equal(t, w.v1.hotkey.String(), row.Weights.Hotkey)
	_, err = f.q.Weights(ctx, &types.QueryWeightsRequest{Netuid: 1, Uid: uint32(w.miners[0].uid)})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.Weights(ctx, &types.QueryWeightsRequest{Netuid: 70000})
	requireCode(t, err, codes.InvalidArgument)

	all, err := f.q.AllWeights(ctx, &types.QueryAllWeightsRequest{Netuid: 1, Pagination: &query.PageRequest{Limit: 1, CountTotal: true}})
	require.NoError(t, err)
	require.Len(t, all.Weights, 1)
	require.Equal(t, uint64(2), all.Pagination.Total)
	next, err := f.q.AllWeights(ctx, &types.QueryAllWeightsRequest{Netuid: 1, Pagination: &query.PageRequest{Key: all.Pagination.NextKey}})
	require.NoError(t, err)
	require.Len(t, next.Weights, 1)
	require.Equal(t, uint32(w.v2.uid), next.Weights[0].Uid)

	_, err = f.q.LastEpoch(ctx, &types.QueryLastEpochRequest{Netuid: 1})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.Bonds(ctx, &types.QueryBondsRequest{Netuid: 1, Uid: uint32(w.v1.uid)})
	requireCode(t, err, codes.NotFound)

	info, err := f.q.EpochInfo(ctx, &types.QueryEpochInfoRequest{Netuid: 1})
	require.NoError(t, err)
	require.Equal(t, uint64(0), info.CurrentEpoch)
	require.Equal(t, int64(8), info.NextEpochHeight)
	_, err = f.q.EpochInfo(ctx, &types.QueryEpochInfoRequest{Netuid: 5})
	requireCode(t, err, codes.NotFound)

	f.setPending(t, netuid, math.NewInt(10))
	f.setHeight(8)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	last, err := f.q.LastEpoch(f.ctx, &types.QueryLastEpochRequest{Netuid: 1})
	require.NoError(t, err)
	require.Equal(t, int64(8), last.LastEpoch.Height)
	// Once height 8 has closed epoch 0, a transaction sent now lands in epoch 1.
	info, err = f.q.EpochInfo(f.ctx, &types.QueryEpochInfoRequest{Netuid: 1})
	require.NoError(t, err)
	require.Equal(t, uint64(1), info.CurrentEpoch)
	require.Greater(t, info.NextEpochHeight, int64(8))
	bonds, err := f.q.Bonds(f.ctx, &types.QueryBondsRequest{Netuid: 1, Uid: uint32(w.v1.uid)})
	require.NoError(t, err)
	require.NotEmpty(t, bonds.Bonds.FixedBonds)

	f.setHeight(9)
	ev, sig := f.evaluation(t, w.v1, netuid, 4, []uint32{uint32(w.miners[0].uid)}, []uint32{5})
	_, err = f.msg.SubmitEvaluation(f.ctx, &types.MsgSubmitEvaluation{Submitter: w.owner.String(), Evaluation: ev, Signature: sig})
	require.NoError(t, err)
	got, err := f.q.Evaluation(f.ctx, &types.QueryEvaluationRequest{Netuid: 1, Epoch: ev.Epoch, Hotkey: w.v1.hotkey.String()})
	require.NoError(t, err)
	require.True(t, got.Evaluation.SameStatement(ev))
	require.Equal(t, uint32(1), got.Evaluation.Entries)
	_, err = f.q.Evaluation(f.ctx, &types.QueryEvaluationRequest{Netuid: 1, Epoch: ev.Epoch + 1, Hotkey: w.v1.hotkey.String()})
	requireCode(t, err, codes.NotFound)
	_, err = f.q.Evaluation(f.ctx, &types.QueryEvaluationRequest{Netuid: 1, Hotkey: "bad"})
	requireCode(t, err, codes.InvalidArgument)
	nonce, err := f.q.Nonce(f.ctx, &types.QueryNonceRequest{Netuid: 1, Hotkey: w.v1.hotkey.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(4), nonce.Nonce)
	nonce, err = f.q.Nonce(f.ctx, &types.QueryNonceRequest{Netuid: 2, Hotkey: w.v1.hotkey.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(0), nonce.Nonce, "nonces are per subnet")

	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.CommitReveal, hp.RevealPeriod = true, 1 })
	for _, m := range []member{w.v1, w.v2} {
		_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(m.hotkey.String(), 1, []uint32{2}, []uint32{1}, 0, []byte("saltsaltsalt")))
		require.NoError(t, err)
	}
	commits, err := f.q.Commits(f.ctx, &types.QueryCommitsRequest{Netuid: 1, Pagination: &query.PageRequest{CountTotal: true}})
	require.NoError(t, err)
	require.Len(t, commits.Commits, 2)
	require.Equal(t, uint64(2), commits.Pagination.Total)
	one, err := f.q.Commits(f.ctx, &types.QueryCommitsRequest{Netuid: 1, Hotkey: w.v2.hotkey.String()})
	require.NoError(t, err)
	require.Len(t, one.Commits, 1)
	require.Equal(t, w.v2.hotkey.String(), one.Commits[0].Hotkey)
	page, err := f.q.Commits(f.ctx, &types.QueryCommitsRequest{Netuid: 1, Pagination: &query.PageRequest{Offset: 1, Limit: 1}})
	require.NoError(t, err)
	require.Len(t, page.Commits, 1)
}
