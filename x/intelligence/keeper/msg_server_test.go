package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const netuid = uint16(1)

// world is one subnet with a permitted validator, an unpermitted one and three miners.
type world struct {
	f         *fixture
	owner     sdk.AccAddress
	val       member
	noPermit  member
	miners    []member
	submitter sdk.AccAddress
}

func newWorld(t *testing.T) *world {
	f := newFixture(t)
	w := &world{f: f, owner: sdk.AccAddress([]byte("subnet-owner-address")), submitter: sdk.AccAddress([]byte("relayer-account-addr"))}
	f.addSubnet(t, netuid, w.owner, testHyperparams())
	w.val = f.addNeuron(t, netuid, 1_000_000, true, 0)
	w.noPermit = f.addNeuron(t, netuid, 10, false, 0)
	for i := 0; i < 3; i++ {
		w.miners = append(w.miners, f.addNeuron(t, netuid, 0, false, 0))
	}
	f.setHeight(2)
	return w
}

func TestSetWeights(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, w *world)
		msg     func(w *world) *types.MsgSetWeights
		wantErr error
	}{
		{
			name: "ok",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{4, 2, 3}, Weights: []uint32{100, 200, 0}, VersionKey: 7}
			},
		},
		{
			name: "bad hotkey address",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: "nope", Netuid: 1, Uids: []uint32{2}, Weights: []uint32{1}}
			},
			wantErr: sdkerrors.ErrInvalidAddress,
		},
		{
			name: "unknown subnet",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 9, Uids: []uint32{2}, Weights: []uint32{1}}
			},
			wantErr: types.ErrInvalidNetuid,
		},
		{
			name: "netuid above u16",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 70000, Uids: []uint32{2}, Weights: []uint32{1}}
			},
			wantErr: types.ErrInvalidNetuid,
		},
		{
			name: "hotkey not registered",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.submitter.String(), Netuid: 1, Uids: []uint32{2}, Weights: []uint32{1}}
			},
			wantErr: types.ErrNotRegistered,
		},
		{
			name: "no validator permit",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.noPermit.hotkey.String(), Netuid: 1, Uids: []uint32{2}, Weights: []uint32{1}}
			},
			wantErr: types.ErrNoValidatorPermit,
		},
		{
			name: "rate limited",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.WeightsRateLimit = 5 })
				_, err := w.f.msg.SetWeights(w.f.ctx, &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2}, Weights: []uint32{1}})
				require.NoError(t, err)
				w.f.setHeight(w.f.ctx.BlockHeight() + 4)
			},
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{3}, Weights: []uint32{1}}
			},
			wantErr: types.ErrRateLimited,
		},
		{
			name: "rate limit elapsed",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.WeightsRateLimit = 5 })
				_, err := w.f.msg.SetWeights(w.f.ctx, &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2}, Weights: []uint32{1}})
				require.NoError(t, err)
				w.f.setHeight(w.f.ctx.BlockHeight() + 5)
			},
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{4, 2, 3}, Weights: []uint32{100, 200, 0}, VersionKey: 7}
			},
		},
		{
			name: "too few weights",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.MinAllowedWeights = 3 })
			},
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2, 3}, Weights: []uint32{1, 1}}
			},
			wantErr: types.ErrInvalidWeights,
		},
		{
			name: "zero weights do not count as weights",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.MinAllowedWeights = 2 })
			},
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2, 3}, Weights: []uint32{1, 0}}
			},
			wantErr: types.ErrInvalidWeights,
		},
		{
			name: "min_allowed_weights above the neuron count is clamped",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.MinAllowedWeights = 100 })
			},
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{0, 1, 2, 3, 4}, Weights: []uint32{1, 1, 1, 1, 1}}
			},
		},
		{
			name: "weight above max_weight_limit",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.MaxWeightLimit = 32768 })
			},
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2, 3}, Weights: []uint32{3, 1}}
			},
			wantErr: types.ErrInvalidWeights,
		},
		{
			name: "unknown uid",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2, 5}, Weights: []uint32{1, 1}}
			},
			wantErr: types.ErrInvalidWeights,
		},
		{
			name: "duplicate uid",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2, 2}, Weights: []uint32{1, 1}}
			},
			wantErr: types.ErrInvalidWeights,
		},
		{
			name: "lengths differ",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2, 3}, Weights: []uint32{1}}
			},
			wantErr: types.ErrInvalidWeights,
		},
		{
			name: "weight above u16",
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2}, Weights: []uint32{70000}}
			},
			wantErr: types.ErrInvalidWeights,
		},
		{
			name: "commit-reveal subnet rejects direct weights",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.CommitReveal, hp.RevealPeriod = true, 1 })
			},
			msg: func(w *world) *types.MsgSetWeights {
				return &types.MsgSetWeights{Hotkey: w.val.hotkey.String(), Netuid: 1, Uids: []uint32{2}, Weights: []uint32{1}}
			},
			wantErr: types.ErrCommitRevealEnabled,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.setup != nil {
				tc.setup(t, w)
			}
			msg := tc.msg(w)
			before, hadRow, err := w.f.k.GetWeights(w.f.ctx, netuid, w.val.uid)
			require.NoError(t, err)
			_, err = w.f.msg.SetWeights(w.f.ctx, msg)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				after, hasRow, err := w.f.k.GetWeights(w.f.ctx, netuid, w.val.uid)
				require.NoError(t, err)
				require.Equal(t, hadRow, hasRow)
				require.Equal(t, before, after, "a rejected message must not change the row")
				return
			}
			require.NoError(t, err)
			row, found, err := w.f.k.GetWeights(w.f.ctx, netuid, w.val.uid)
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, w.f.ctx.BlockHeight(), row.Block)
			require.Equal(t, types.WEIGHTS_SOURCE_SET_WEIGHTS, row.Source)
			require.Equal(t, w.val.hotkey.String(), row.Hotkey)
			require.Equal(t, w.f.ctx.BlockHeight(), w.f.neuron(t, netuid, w.val.uid).LastUpdate)
			// Max-upscaled, sorted by uid, zeros dropped.
			if msg.VersionKey == 7 {
				require.Equal(t, uint64(7), row.VersionKey)
				require.Equal(t, []types.WeightEntry{{Uid: 2, Value: 65535}, {Uid: 4, Value: 32768}}, row.Weights)
			}
		})
	}
}

func TestSubmitEvaluation(t *testing.T) {
	type input struct {
		ev  types.Evaluation
		sig []byte
	}
	good := func(t *testing.T, w *world) input {
		ev, sig := w.f.evaluation(t, w.val, netuid, 5, []uint32{2, 3, 4}, []uint32{65535, 30000, 0})
		return input{ev, sig}
	}
	resign := func(t *testing.T, w *world, ev types.Evaluation) input {
		sig, err := w.val.priv.Sign(ev.SignBytes())
		require.NoError(t, err)
		return input{ev, sig}
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T, w *world)
		input   func(t *testing.T, w *world) input
		wantErr error
	}{
		{name: "ok", input: good},
		{
			name: "signed by another key",
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				sig, err := w.noPermit.priv.Sign(in.ev.SignBytes())
				require.NoError(t, err)
				in.sig = sig
				return in
			},
			wantErr: types.ErrInvalidSignature,
		},
		{
			name: "content changed after signing",
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				in.ev.Scores = []uint32{1, 65535, 0}
				return in
			},
			wantErr: types.ErrInvalidSignature,
		},
		{
			name: "signature of wrong length",
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				in.sig = in.sig[:63]
				return in
			},
			wantErr: types.ErrInvalidSignature,
		},
		{
			name: "wrong chain id",
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				in.ev.ChainId = "other-chain"
				return resign(t, w, in.ev)
			},
			wantErr: types.ErrWrongChainID,
		},
		{
			name: "future epoch",
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				in.ev.Epoch++
				return resign(t, w, in.ev)
			},
			wantErr: types.ErrWrongEpoch,
		},
		{
			name: "past epoch",
			setup: func(t *testing.T, w *world) {
				w.f.setHeight(25) // epoch (25+1)/10 = 2
			},
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				in.ev.Epoch--
				return resign(t, w, in.ev)
			},
			wantErr: types.ErrWrongEpoch,
		},
		{
			name: "past epoch inside evaluation_window",
			setup: func(t *testing.T, w *world) {
				w.f.setHeight(25)
				p := types.DefaultParams()
				p.EvaluationWindow = 1
				require.NoError(t, w.f.k.Params.Set(w.f.ctx, p))
			},
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				in.ev.Epoch--
				return resign(t, w, in.ev)
			},
		},
		{
			name: "replayed nonce",
			setup: func(t *testing.T, w *world) {
				require.NoError(t, w.f.k.Nonces.Set(w.f.ctx, collections.Join(netuid, w.val.hotkey), 5))
			},
			input:   good,
			wantErr: types.ErrStaleNonce,
		},
		{
			name:    "zero nonce",
			input:   func(t *testing.T, w *world) input { in := good(t, w); in.ev.Nonce = 0; return resign(t, w, in.ev) },
			wantErr: types.ErrStaleNonce,
		},
		{
			name: "no permit",
			input: func(t *testing.T, w *world) input {
				ev, sig := w.f.evaluation(t, w.noPermit, netuid, 1, []uint32{2}, []uint32{1})
				return input{ev, sig}
			},
			wantErr: types.ErrNoValidatorPermit,
		},
		{
			name: "hotkey not registered on the subnet",
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				in.ev.ValidatorHotkey = w.submitter.String()
				return in
			},
			wantErr: types.ErrNotRegistered,
		},
		{
			name: "task commitment not 32 bytes",
			input: func(t *testing.T, w *world) input {
				in := good(t, w)
				in.ev.TaskCommitment = []byte{1}
				return resign(t, w, in.ev)
			},
			wantErr: types.ErrInvalidEvaluation,
		},
		{
			name: "too few scores",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.MinAllowedWeights = 3 })
			},
			input:   good,
			wantErr: types.ErrInvalidWeights,
		},
		{
			name: "commit-reveal subnet rejects evaluations",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.CommitReveal, hp.RevealPeriod = true, 1 })
			},
			input:   good,
			wantErr: types.ErrCommitRevealEnabled,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.setup != nil {
				tc.setup(t, w)
			}
			in := tc.input(t, w)
			nonceBefore, err := w.f.k.LastNonce(w.f.ctx, netuid, w.val.hotkey)
			require.NoError(t, err)
			res, err := w.f.msg.SubmitEvaluation(w.f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: in.ev, Signature: in.sig})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				_, found, err := w.f.k.GetWeights(w.f.ctx, netuid, w.val.uid)
				require.NoError(t, err)
				require.False(t, found)
				nonceAfter, err := w.f.k.LastNonce(w.f.ctx, netuid, w.val.hotkey)
				require.NoError(t, err)
				require.Equal(t, nonceBefore, nonceAfter)
				return
			}
			require.NoError(t, err)
			require.Equal(t, uint32(w.val.uid), res.Uid)
			row, found, err := w.f.k.GetWeights(w.f.ctx, netuid, w.val.uid)
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, types.WEIGHTS_SOURCE_EVALUATION, row.Source)
			require.Equal(t, []types.WeightEntry{{Uid: 2, Value: 65535}, {Uid: 3, Value: 30000}}, row.Weights)
			stored, found, err := w.f.k.GetEvaluation(w.f.ctx, netuid, in.ev.Epoch, w.val.hotkey)
			require.NoError(t, err)
			require.True(t, found)
			// The scores are stored once (the row above); the record keeps the rest and hashes.
			require.Equal(t, types.NewStoredEvaluation(types.SignedEvaluation{Evaluation: in.ev, Signature: in.sig}, w.submitter.String(), w.f.ctx.BlockHeight()), stored)
			require.Empty(t, stored.Signed.Evaluation.Uids)
			require.True(t, stored.SameStatement(in.ev))
			require.Equal(t, types.RowHash(row.Weights), stored.RowHash)
			require.Equal(t, uint32(len(in.ev.Uids)), stored.Entries)
			nonce, err := w.f.k.LastNonce(w.f.ctx, netuid, w.val.hotkey)
			require.NoError(t, err)
			require.Equal(t, in.ev.Nonce, nonce)
		})
	}
}

func TestSubmitEvaluationKeepsFirstOfEpoch(t *testing.T) {
	w := newWorld(t)
	ev1, sig1 := w.f.evaluation(t, w.val, netuid, 1, []uint32{2, 3}, []uint32{100, 50})
	_, err := w.f.msg.SubmitEvaluation(w.f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: ev1, Signature: sig1})
	require.NoError(t, err)

	// The exact replay fails on the nonce.
	_, err = w.f.msg.SubmitEvaluation(w.f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: ev1, Signature: sig1})
	require.ErrorIs(t, err, types.ErrStaleNonce)

	// A different evaluation for the same epoch (even with a fresh nonce) is rejected, and the two
	// prove an equivocation.
	ev2, sig2 := w.f.evaluation(t, w.val, netuid, 2, []uint32{2, 3}, []uint32{50, 100})
	_, err = w.f.msg.SubmitEvaluation(w.f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: ev2, Signature: sig2})
	require.ErrorIs(t, err, types.ErrDuplicateEvaluation)
	require.ErrorContains(t, err, "this is a conflicting (different scores")
	// The same scores signed again with a new nonce (scaled differently: the same weights) are
	// refused too, but named as no offence: the record's row hash tells them apart.
	resigned, resig := w.f.evaluation(t, w.val, netuid, 3, []uint32{3, 2}, []uint32{100, 200})
	_, err = w.f.msg.SubmitEvaluation(w.f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: resigned, Signature: resig})
	require.ErrorIs(t, err, types.ErrDuplicateEvaluation)
	require.ErrorContains(t, err, "this is a re-signed (same scores, not an offence)")
	stored, found, err := w.f.k.GetEvaluation(w.f.ctx, netuid, ev1.Epoch, w.val.hotkey)
	require.NoError(t, err)
	require.True(t, found)
	require.True(t, stored.SameStatement(ev1), "the first evaluation is kept")
	require.False(t, stored.SameStatement(ev2))
	require.NoError(t, types.VerifyEquivocation(w.val.priv.PubKey().Bytes(), types.SignedEvaluation{Evaluation: ev1, Signature: sig1}, types.SignedEvaluation{Evaluation: ev2, Signature: sig2}))

	// The next epoch accepts a new evaluation.
	w.f.setHeight(w.f.ctx.BlockHeight() + 10)
	ev3, sig3 := w.f.evaluation(t, w.val, netuid, 4, []uint32{2, 3}, []uint32{50, 100})
	require.Equal(t, ev1.Epoch+1, ev3.Epoch)
	_, err = w.f.msg.SubmitEvaluation(w.f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: ev3, Signature: sig3})
	require.NoError(t, err)
}

func TestCommitReveal(t *testing.T) {
	w := newWorld(t)
	f := w.f
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) {
		hp.CommitReveal = true
		hp.RevealPeriod = 1
	})
	hk := w.val.hotkey.String()
	uids := []uint32{2, 3}
	weights := []uint32{100, 300}
	salt := []byte("0123456789abcdef")

	// Commit in epoch 0 (height 2).
	res, err := f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, uids, weights, 3, salt))
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.RevealEpoch)
	_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, uids, weights, 3, salt))
	require.ErrorIs(t, err, types.ErrAlreadyCommitted)

	// Too early in epoch 0.
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 3, salt))
	require.ErrorIs(t, err, types.ErrRevealTooEarly)

	// A miner registers after the commit (height 5): its weight is masked on reveal.
	f.setHeight(5)
	late := f.addNeuron(t, netuid, 0, false, 0)

	// Epoch 1 starts at height 9.
	f.setHeight(9)
	// Mismatches: salt, weights, version key, another hotkey's commit.
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 3, []byte("wrong-salt-0000")))
	require.ErrorIs(t, err, types.ErrCommitMismatch)
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, []uint32{300, 100}, 3, salt))
	require.ErrorIs(t, err, types.ErrCommitMismatch)
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 4, salt))
	require.ErrorIs(t, err, types.ErrCommitMismatch)
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 3, []byte("short")))
	require.ErrorIs(t, err, types.ErrInvalidWeights)

	// Direct weights stay rejected.
	_, err = f.msg.SetWeights(f.ctx, &types.MsgSetWeights{Hotkey: hk, Netuid: 1, Uids: uids, Weights: weights})
	require.ErrorIs(t, err, types.ErrCommitRevealEnabled)

	// A second commit made now would be revealed in epoch 2, and a row including the late uid.
	uids2 := []uint32{2, uint32(late.uid)}
	weights2 := []uint32{10, 20}
	_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, uids2, weights2, 3, salt))
	require.NoError(t, err)

	// The first reveal succeeds.
	rr, err := f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 3, salt))
	require.NoError(t, err)
	require.Zero(t, rr.Masked)
	row, found, err := f.k.GetWeights(f.ctx, netuid, w.val.uid)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, types.WEIGHTS_SOURCE_REVEAL, row.Source)
	require.Equal(t, []types.WeightEntry{{Uid: 2, Value: 21845}, {Uid: 3, Value: 65535}}, row.Weights)
	// Revealing again: nothing left for epoch 1, the remaining commit is for epoch 2.
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 3, salt))
	require.ErrorIs(t, err, types.ErrRevealTooEarly)

	// Register yet another uid after the second commit, then reveal it in epoch 2 (height 19).
	f.setHeight(12)
	later := f.addNeuron(t, netuid, 0, false, 0)
	_ = later
	f.setHeight(19)
	rr, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids2, weights2, 3, salt))
	require.NoError(t, err)
	require.Zero(t, rr.Masked, "the late uid registered before the second commit")

	// Masking: commit a row naming a uid that registers after the commit.
	f.setHeight(20) // epoch 2
	uids3 := []uint32{2, uint32(later.uid) + 1}
	weights3 := []uint32{10, 20}
	_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, uids3, weights3, 3, salt))
	require.NoError(t, err)
	f.setHeight(21)
	newest := f.addNeuron(t, netuid, 0, false, 0)
	require.Equal(t, uint32(newest.uid), uids3[1])
	f.setHeight(29) // epoch 3
	rr, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids3, weights3, 3, salt))
	require.NoError(t, err)
	require.Equal(t, uint32(1), rr.Masked)
	row, _, err = f.k.GetWeights(f.ctx, netuid, w.val.uid)
	require.NoError(t, err)
	require.Equal(t, []types.WeightEntry{{Uid: 2, Value: 65535}}, row.Weights)

	// Late: a commit not revealed in its reveal epoch.
	_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, uids, weights, 3, salt))
	require.NoError(t, err) // epoch 3, reveal in 4
	f.setHeight(49)         // epoch 5, commit not pruned yet (no epoch ran)
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 3, salt))
	require.ErrorIs(t, err, types.ErrRevealTooLate)

	// The epoch closing epoch 5 drops it; then there is no commit at all.
	_, err = f.k.RunEpoch(f.ctx, netuid, 5)
	require.NoError(t, err)
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, uids, weights, 3, salt))
	require.ErrorIs(t, err, types.ErrNoCommit)
	has, err := f.k.Commits.Has(f.ctx, collections.Join3(netuid, w.val.hotkey, uint64(4)))
	require.NoError(t, err)
	require.False(t, has)
}

func TestCommitRevealRejections(t *testing.T) {
	w := newWorld(t)
	f := w.f
	hk := w.val.hotkey.String()
	salt := []byte("0123456789abcdef")
	_, err := f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, []uint32{2}, []uint32{1}, 0, salt))
	require.ErrorIs(t, err, types.ErrCommitRevealDisabled)
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, []uint32{2}, []uint32{1}, 0, salt))
	require.ErrorIs(t, err, types.ErrCommitRevealDisabled)

	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.CommitReveal, hp.RevealPeriod = true, 1 })
	_, err = f.msg.CommitWeights(f.ctx, &types.MsgCommitWeights{Hotkey: hk, Netuid: 1, CommitHash: []byte{1, 2}})
	require.ErrorIs(t, err, types.ErrInvalidWeights)
	_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(w.noPermit.hotkey.String(), 1, []uint32{2}, []uint32{1}, 0, salt))
	require.ErrorIs(t, err, types.ErrNoValidatorPermit)
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, []uint32{2}, []uint32{1}, 0, salt))
	require.ErrorIs(t, err, types.ErrNoCommit)

	// A valid reveal of an invalid row is still rejected by the weight checks.
	_, err = f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, 1, []uint32{2, 2}, []uint32{1, 1}, 0, salt))
	require.NoError(t, err)
	f.setHeight(9)
	_, err = f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, 1, []uint32{2, 2}, []uint32{1, 1}, 0, salt))
	require.ErrorIs(t, err, types.ErrInvalidWeights)
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	p.MaxEpochsPerBlock = 3
	_, err := f.msg.UpdateParams(f.ctx, types.NewMsgUpdateParams(sdk.AccAddress([]byte("not-the-gov-account_")).String(), p))
	require.ErrorIs(t, err, types.ErrInvalidAuthority)
	bad := p
	bad.OwnerShare++
	_, err = f.msg.UpdateParams(f.ctx, types.NewMsgUpdateParams(f.authority, bad))
	require.ErrorIs(t, err, types.ErrInvalidParams)
	_, err = f.msg.UpdateParams(f.ctx, types.NewMsgUpdateParams(f.authority, p))
	require.NoError(t, err)
	got, err := f.k.GetParams(f.ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)
}
