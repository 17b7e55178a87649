package keeper_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/intelligence/keeper"
	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// federatedWorld is newWorld with the subnet federated.
func federatedWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.Federated = true })
	return w
}

// updateHash is the hash of a made-up update, distinct per label.
func updateHash(label string) []byte {
	h := sha256.Sum256([]byte(label))
	return h[:]
}

// currentEpoch is the epoch a message delivered now belongs to.
func (f *fixture) currentEpoch(t *testing.T, netuid uint16) uint64 {
	t.Helper()
	e, err := f.k.CurrentEpoch(f.ctx, netuid)
	require.NoError(t, err)
	return e
}

// nextEpoch runs blocks (EndBlock included) until netuid's epoch index grows by one.
func (f *fixture) nextEpoch(t *testing.T, netuid uint16) {
	t.Helper()
	start := f.currentEpoch(t, netuid)
	for i := 0; i < 1000; i++ {
		require.NoError(t, f.k.EndBlocker(f.ctx))
		f.setHeight(f.ctx.BlockHeight() + 1)
		if f.currentEpoch(t, netuid) > start {
			return
		}
	}
	t.Fatalf("subnet %d stayed in epoch %d for 1000 blocks", netuid, start)
}

// putNeuron registers a new hotkey (from seed) at uid of netuid, replacing any neuron there, and
// calls the hook x/subnet's registration calls.
func (f *fixture) putNeuron(t *testing.T, netuid, uid uint16, seed string) member {
	t.Helper()
	priv := secp256k1.GenPrivKeyFromSecret([]byte(seed))
	m := member{uid: uid, priv: priv, hotkey: sdk.AccAddress(priv.PubKey().Address()), coldkey: sdk.AccAddress([]byte("replacing-coldkey-01"))}
	_, err := f.sk.GetNeuron(f.ctx, netuid, uid)
	replaced := err == nil
	require.NoError(t, f.sk.Neurons.Set(f.ctx, collections.Join(netuid, uid), subnettypes.Neuron{
		Netuid: uint32(netuid), Uid: uint32(uid), Hotkey: m.hotkey.String(), Coldkey: m.coldkey.String(),
		Pubkey: priv.PubKey().Bytes(), RegisteredAt: f.ctx.BlockHeight(), Emission: math.ZeroInt(),
	}))
	require.NoError(t, f.k.Hooks().AfterNeuronRegistered(f.ctx, netuid, uid, replaced))
	return m
}

// commitMsg is a valid commitment of m for the current epoch.
func (w *world) commitMsg(t *testing.T, m member, label string) *types.MsgCommitModelUpdate {
	t.Helper()
	return &types.MsgCommitModelUpdate{
		Hotkey: m.hotkey.String(), Netuid: uint32(netuid), Epoch: w.f.currentEpoch(t, netuid),
		Hash: updateHash(label), Size_: 1000,
	}
}

// modelUpdates returns every stored commitment, in store order.
func (f *fixture) modelUpdates(t *testing.T) []types.ModelUpdateCommitment {
	t.Helper()
	it, err := f.k.ModelUpdates.Iterate(f.ctx, nil)
	require.NoError(t, err)
	all, err := it.Values()
	require.NoError(t, err)
	return all
}

func TestCommitModelUpdate(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, w *world)
		msg     func(t *testing.T, w *world) *types.MsgCommitModelUpdate
		wantErr error
		// wantMsg names the part of the error that says what is allowed.
		wantMsg string
	}{
		{
			name: "ok",
			msg:  func(t *testing.T, w *world) *types.MsgCommitModelUpdate { return w.commitMsg(t, w.miners[0], "a") },
		},
		{
			name: "size at the limit",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Size_ = types.DefaultMaxModelUpdateBytes
				return msg
			},
		},
		{
			name: "a validator may share too",
			msg:  func(t *testing.T, w *world) *types.MsgCommitModelUpdate { return w.commitMsg(t, w.val, "v") },
		},
		{
			name: "bad hotkey address",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Hotkey = "nope"
				return msg
			},
			wantErr: sdkerrors.ErrInvalidAddress,
		},
		{
			name: "hash of 31 bytes",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Hash = msg.Hash[:31]
				return msg
			},
			wantErr: types.ErrInvalidModelUpdate, wantMsg: "hash has 31 bytes, want 32",
		},
		{
			name: "hash of 33 bytes",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Hash = append(msg.Hash, 0)
				return msg
			},
			wantErr: types.ErrInvalidModelUpdate, wantMsg: "hash has 33 bytes, want 32",
		},
		{
			name: "no hash",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Hash = nil
				return msg
			},
			wantErr: types.ErrInvalidModelUpdate, wantMsg: "hash has 0 bytes",
		},
		{
			name: "size 0",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Size_ = 0
				return msg
			},
			wantErr: types.ErrInvalidModelUpdate, wantMsg: "size 0",
		},
		{
			name: "size above max_model_update_bytes",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Size_ = types.DefaultMaxModelUpdateBytes + 1
				return msg
			},
			wantErr: types.ErrModelUpdateTooLarge, wantMsg: fmt.Sprintf("size %d bytes: at most max_model_update_bytes = %d", types.DefaultMaxModelUpdateBytes+1, types.DefaultMaxModelUpdateBytes),
		},
		{
			name: "max_model_update_bytes 0 refuses every update",
			setup: func(t *testing.T, w *world) {
				p := types.DefaultParams()
				p.MaxModelUpdateBytes = 0
				_, err := w.f.msg.UpdateParams(w.f.ctx, &types.MsgUpdateParams{Authority: w.f.authority, Params: p})
				require.NoError(t, err)
			},
			msg:     func(t *testing.T, w *world) *types.MsgCommitModelUpdate { return w.commitMsg(t, w.miners[0], "a") },
			wantErr: types.ErrModelUpdateTooLarge, wantMsg: "max_model_update_bytes is 0",
		},
		{
			name: "netuid above u16",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Netuid = 70000
				return msg
			},
			wantErr: types.ErrInvalidNetuid,
		},
		{
			name: "unknown subnet",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Netuid = 9
				return msg
			},
			wantErr: types.ErrInvalidNetuid,
		},
		{
			name: "subnet not federated",
			setup: func(t *testing.T, w *world) {
				w.f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.Federated = false })
			},
			msg:     func(t *testing.T, w *world) *types.MsgCommitModelUpdate { return w.commitMsg(t, w.miners[0], "a") },
			wantErr: types.ErrNotFederated, wantMsg: "switch federated on with MsgUpdateHyperparams",
		},
		{
			name: "hotkey not registered",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Hotkey = w.submitter.String()
				return msg
			},
			wantErr: types.ErrNotRegistered, wantMsg: "register it with MsgRegisterNeuron",
		},
		{
			name: "past epoch",
			setup: func(t *testing.T, w *world) {
				w.f.nextEpoch(t, netuid)
			},
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Epoch--
				return msg
			},
			wantErr: types.ErrWrongEpoch, wantMsg: "takes commitments for that epoch only",
		},
		{
			name: "future epoch",
			msg: func(t *testing.T, w *world) *types.MsgCommitModelUpdate {
				msg := w.commitMsg(t, w.miners[0], "a")
				msg.Epoch++
				return msg
			},
			wantErr: types.ErrWrongEpoch,
		},
		{
			name: "second commitment in the epoch",
			setup: func(t *testing.T, w *world) {
				_, err := w.f.msg.CommitModelUpdate(w.f.ctx, w.commitMsg(t, w.miners[0], "first"))
				require.NoError(t, err)
			},
			msg:     func(t *testing.T, w *world) *types.MsgCommitModelUpdate { return w.commitMsg(t, w.miners[0], "second") },
			wantErr: types.ErrModelUpdateCommitted, wantMsg: "the first commitment stands",
		},
		{
			name: "identical second commitment in the epoch",
			setup: func(t *testing.T, w *world) {
				_, err := w.f.msg.CommitModelUpdate(w.f.ctx, w.commitMsg(t, w.miners[0], "first"))
				require.NoError(t, err)
			},
			msg:     func(t *testing.T, w *world) *types.MsgCommitModelUpdate { return w.commitMsg(t, w.miners[0], "first") },
			wantErr: types.ErrModelUpdateCommitted,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := federatedWorld(t)
			f := w.f
			if tc.setup != nil {
				tc.setup(t, w)
			}
			msg := tc.msg(t, w)
			before := f.modelUpdates(t)
			f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())
			res, err := f.msg.CommitModelUpdate(f.ctx, msg)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Contains(t, err.Error(), tc.wantMsg)
				require.Equal(t, before, f.modelUpdates(t), "a refused commitment changes nothing")
				require.Empty(t, f.ctx.EventManager().Events())
				return
			}
			require.NoError(t, err)
			hotkey := sdk.MustAccAddressFromBech32(msg.Hotkey)
			n, err := f.sk.GetNeuronByHotkey(f.ctx, netuid, hotkey)
			require.NoError(t, err)
			require.Equal(t, n.Uid, res.Uid)
			want := types.ModelUpdateCommitment{
				Netuid: uint32(netuid), Uid: n.Uid, Hotkey: msg.Hotkey, Epoch: msg.Epoch,
				Hash: msg.Hash, Size_: msg.Size_, Height: f.ctx.BlockHeight(),
			}
			got, err := f.k.ModelUpdates.Get(f.ctx, collections.Join(netuid, uint16(n.Uid)))
			require.NoError(t, err)
			require.Equal(t, want, got)
			require.Len(t, f.modelUpdates(t), len(before)+1)

			// The query answers it, and the event says the same.
			q, err := f.q.ModelUpdateCommitment(f.ctx, &types.QueryModelUpdateCommitmentRequest{Netuid: uint32(netuid), Hotkey: msg.Hotkey})
			require.NoError(t, err)
			require.Equal(t, want, q.Commitment)
			events := f.ctx.EventManager().Events()
			require.Len(t, events, 1)
			ev, err := sdk.ParseTypedEvent(abci.Event(events[0]))
			require.NoError(t, err)
			require.Equal(t, &types.EventModelUpdateCommitted{
				Netuid: want.Netuid, Uid: want.Uid, Hotkey: want.Hotkey, Epoch: want.Epoch, Hash: want.Hash, Size_: want.Size_,
			}, ev)
		})
	}
}

// TestModelUpdateOverwrittenEachEpoch: a miner's commitment of the next epoch replaces that of the
// last one, which it keeps as previous, so the store holds one record per uid (and at most two
// updates in it) however many epochs pass.
func TestModelUpdateOverwrittenEachEpoch(t *testing.T) {
	w := federatedWorld(t)
	f := w.f
	m := w.miners[1]
	var epochs []uint64
	var last *types.PriorModelUpdate
	for i := 0; i < 3; i++ {
		msg := w.commitMsg(t, m, fmt.Sprintf("epoch-%d", i))
		msg.Size_ = uint64(100 + i)
		_, err := f.msg.CommitModelUpdate(f.ctx, msg)
		require.NoError(t, err, "epoch %d", msg.Epoch)
		epochs = append(epochs, msg.Epoch)
		all := f.modelUpdates(t)
		require.Len(t, all, 1, "one record per uid")
		require.Equal(t, msg.Epoch, all[0].Epoch)
		require.Equal(t, updateHash(fmt.Sprintf("epoch-%d", i)), all[0].Hash)
		require.Equal(t, uint64(100+i), all[0].Size_)
		require.Equal(t, f.ctx.BlockHeight(), all[0].Height)
		require.Equal(t, last, all[0].Previous, "epoch %d keeps epoch %d's commitment and nothing older", msg.Epoch, msg.Epoch-1)
		last = &types.PriorModelUpdate{Epoch: msg.Epoch, Hash: msg.Hash, Size_: msg.Size_, Height: f.ctx.BlockHeight()}
		f.nextEpoch(t, netuid)
	}
	require.Equal(t, []uint64{epochs[0], epochs[0] + 1, epochs[0] + 2}, epochs)
}

// TestModelUpdatePrevious: a commitment keeps the one it replaces only when the same hotkey made
// it for the epoch just before; both queries show it. A gap of an epoch, a new hotkey at the uid
// (through x/subnet's registration hook) and a leftover record of another hotkey (which an
// imported genesis may hold) each leave previous unset.
func TestModelUpdatePrevious(t *testing.T) {
	commit := func(t *testing.T, w *world, m member, label string) types.PriorModelUpdate {
		t.Helper()
		msg := w.commitMsg(t, m, label)
		_, err := w.f.msg.CommitModelUpdate(w.f.ctx, msg)
		require.NoError(t, err, label)
		return types.PriorModelUpdate{Epoch: msg.Epoch, Hash: msg.Hash, Size_: msg.Size_, Height: w.f.ctx.BlockHeight()}
	}
	tests := []struct {
		name string
		// run commits in some epochs and returns the hotkey whose record is checked and the
		// previous its latest commitment should hold.
		run func(t *testing.T, w *world) (member, *types.PriorModelUpdate)
	}{
		{
			name: "consecutive epochs keep the one before",
			run: func(t *testing.T, w *world) (member, *types.PriorModelUpdate) {
				first := commit(t, w, w.miners[0], "e0")
				w.f.nextEpoch(t, netuid)
				commit(t, w, w.miners[0], "e1")
				return w.miners[0], &first
			},
		},
		{
			name: "an epoch without a commitment drops it",
			run: func(t *testing.T, w *world) (member, *types.PriorModelUpdate) {
				commit(t, w, w.miners[0], "e0")
				w.f.nextEpoch(t, netuid)
				w.f.nextEpoch(t, netuid)
				commit(t, w, w.miners[0], "e2")
				return w.miners[0], nil
			},
		},
		{
			name: "a new hotkey at the uid starts without one",
			run: func(t *testing.T, w *world) (member, *types.PriorModelUpdate) {
				commit(t, w, w.miners[0], "old hotkey e0")
				w.f.nextEpoch(t, netuid)
				newcomer := w.f.putNeuron(t, netuid, w.miners[0].uid, "newcomer")
				commit(t, w, newcomer, "newcomer e1")
				return newcomer, nil
			},
		},
		{
			name: "another hotkey's leftover record is not kept",
			run: func(t *testing.T, w *world) (member, *types.PriorModelUpdate) {
				m := w.miners[0]
				stale := types.ModelUpdateCommitment{
					Netuid: uint32(netuid), Uid: uint32(m.uid), Hotkey: w.miners[1].hotkey.String(),
					Epoch: w.f.currentEpoch(t, netuid), Hash: updateHash("stale"), Size_: 5, Height: w.f.ctx.BlockHeight(),
				}
				require.NoError(t, w.f.k.ModelUpdates.Set(w.f.ctx, collections.Join(netuid, m.uid), stale))
				w.f.nextEpoch(t, netuid)
				commit(t, w, m, "e1")
				return m, nil
			},
		},
		{
			name: "a new hotkey's second epoch keeps its own first",
			run: func(t *testing.T, w *world) (member, *types.PriorModelUpdate) {
				commit(t, w, w.miners[0], "old hotkey e0")
				newcomer := w.f.putNeuron(t, netuid, w.miners[0].uid, "newcomer")
				first := commit(t, w, newcomer, "newcomer e0")
				w.f.nextEpoch(t, netuid)
				commit(t, w, newcomer, "newcomer e1")
				return newcomer, &first
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := federatedWorld(t)
			f := w.f
			m, want := tc.run(t, w)
			got, err := f.k.ModelUpdates.Get(f.ctx, collections.Join(netuid, m.uid))
			require.NoError(t, err)
			require.Equal(t, m.hotkey.String(), got.Hotkey)
			require.Equal(t, f.currentEpoch(t, netuid), got.Epoch)
			require.Equal(t, want, got.Previous)
			require.NoError(t, got.Validate(), "what the msg server stores passes genesis validation")

			one, err := f.q.ModelUpdateCommitment(f.ctx, &types.QueryModelUpdateCommitmentRequest{Netuid: uint32(netuid), Hotkey: m.hotkey.String()})
			require.NoError(t, err)
			require.Equal(t, got, one.Commitment)
			page, err := f.q.ModelUpdateCommitments(f.ctx, &types.QueryModelUpdateCommitmentsRequest{Netuid: uint32(netuid)})
			require.NoError(t, err)
			require.Contains(t, page.Commitments, got)
		})
	}
}

// TestModelUpdateClearedWithItsNeuron: a replaced uid loses its commitment (the new hotkey starts
// without one and may commit in the same epoch), others keep theirs; a freed uid's commitment is
// hidden until the uid is registered again; and a dissolved subnet loses them all.
func TestModelUpdateClearedWithItsNeuron(t *testing.T) {
	w := federatedWorld(t)
	f := w.f
	for i, m := range w.miners {
		_, err := f.msg.CommitModelUpdate(f.ctx, w.commitMsg(t, m, fmt.Sprintf("miner-%d", i)))
		require.NoError(t, err)
	}
	require.Len(t, f.modelUpdates(t), 3)

	// A new hotkey takes miners[0]'s uid, as x/subnet's registration does.
	victim := w.miners[0]
	newcomer := f.putNeuron(t, netuid, victim.uid, "replacement-hotkey")

	all := f.modelUpdates(t)
	require.Len(t, all, 2)
	for _, c := range all {
		require.NotEqual(t, victim.hotkey.String(), c.Hotkey)
	}
	_, err := f.q.ModelUpdateCommitment(f.ctx, &types.QueryModelUpdateCommitmentRequest{Netuid: uint32(netuid), Hotkey: victim.hotkey.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "the replaced hotkey is no longer registered: %v", err)
	_, err = f.q.ModelUpdateCommitment(f.ctx, &types.QueryModelUpdateCommitmentRequest{Netuid: uint32(netuid), Hotkey: newcomer.hotkey.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "the newcomer has not committed: %v", err)
	_, err = f.msg.CommitModelUpdate(f.ctx, w.commitMsg(t, newcomer, "newcomer"))
	require.NoError(t, err, "the newcomer commits in the epoch its predecessor already did")
	require.Len(t, f.modelUpdates(t), 3)

	// x/slashing frees miners[1]'s uid (x/subnet DeregisterNeuron, no hook): the record is kept,
	// bounded by the uid, but no query shows it and the hotkey cannot commit; the next registration
	// at the uid removes it.
	freed := w.miners[1]
	require.NoError(t, f.sk.Neurons.Remove(f.ctx, collections.Join(netuid, freed.uid)))
	_, err = f.q.ModelUpdateCommitment(f.ctx, &types.QueryModelUpdateCommitmentRequest{Netuid: uint32(netuid), Hotkey: freed.hotkey.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "%v", err)
	page, err := f.q.ModelUpdateCommitments(f.ctx, &types.QueryModelUpdateCommitmentsRequest{Netuid: uint32(netuid), Pagination: &query.PageRequest{CountTotal: true}})
	require.NoError(t, err)
	require.Len(t, page.Commitments, 2)
	require.Equal(t, uint64(2), page.Pagination.Total)
	for _, c := range page.Commitments {
		require.NotEqual(t, freed.hotkey.String(), c.Hotkey)
	}
	f.nextEpoch(t, netuid)
	_, err = f.msg.CommitModelUpdate(f.ctx, w.commitMsg(t, freed, "after deregistration"))
	require.ErrorIs(t, err, types.ErrNotRegistered)
	f.putNeuron(t, netuid, freed.uid, "registered-at-freed-uid")
	_, found, err := f.k.GetModelUpdate(f.ctx, netuid, freed.uid)
	require.NoError(t, err)
	require.False(t, found, "the registration at the freed uid removed its record")

	require.NoError(t, f.k.Hooks().AfterSubnetDissolved(f.ctx, netuid))
	require.Empty(t, f.modelUpdates(t))
}

// TestModelUpdateQueries: NotFound for every kind of absence, InvalidArgument for bad requests,
// and pages of a subnet's commitments in uid order that only ever read that subnet.
func TestModelUpdateQueries(t *testing.T) {
	w := federatedWorld(t)
	f := w.f
	// A second federated subnet whose commitments must never show up in subnet 1's pages.
	f.addSubnet(t, 2, w.owner, testHyperparams())
	f.setHyperparams(t, 2, func(hp *subnettypes.Hyperparameters) { hp.Federated = true })
	other := f.addNeuron(t, 2, 0, false, 0)
	epoch2, err := f.k.CurrentEpoch(f.ctx, 2)
	require.NoError(t, err)
	_, err = f.msg.CommitModelUpdate(f.ctx, &types.MsgCommitModelUpdate{Hotkey: other.hotkey.String(), Netuid: 2, Epoch: epoch2, Hash: updateHash("other"), Size_: 7})
	require.NoError(t, err)

	_, err = f.q.ModelUpdateCommitment(f.ctx, &types.QueryModelUpdateCommitmentRequest{Netuid: uint32(netuid), Hotkey: w.miners[0].hotkey.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "registered, never committed: %v", err)
	require.Contains(t, err.Error(), "has no model update commitment")
	_, err = f.q.ModelUpdateCommitment(f.ctx, &types.QueryModelUpdateCommitmentRequest{Netuid: uint32(netuid), Hotkey: w.submitter.String()})
	require.Equal(t, codes.NotFound, status.Code(err), "not registered: %v", err)
	_, err = f.q.ModelUpdateCommitment(f.ctx, &types.QueryModelUpdateCommitmentRequest{Netuid: 1, Hotkey: "nope"})
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = f.q.ModelUpdateCommitment(f.ctx, nil)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = f.q.ModelUpdateCommitments(f.ctx, &types.QueryModelUpdateCommitmentsRequest{Netuid: 70000})
	require.Equal(t, codes.InvalidArgument, status.Code(err))

	res, err := f.q.ModelUpdateCommitments(f.ctx, &types.QueryModelUpdateCommitmentsRequest{Netuid: uint32(netuid)})
	require.NoError(t, err)
	require.Empty(t, res.Commitments)

	// Commit from uids 4, 0, 2 (out of order) and page through them two at a time.
	for _, m := range []member{w.miners[2], w.val, w.miners[0]} {
		_, err := f.msg.CommitModelUpdate(f.ctx, w.commitMsg(t, m, m.hotkey.String()))
		require.NoError(t, err)
	}
	var uids []uint32
	var key []byte
	for pages := 0; ; pages++ {
		require.Less(t, pages, 3)
		res, err := f.q.ModelUpdateCommitments(f.ctx, &types.QueryModelUpdateCommitmentsRequest{
			Netuid: uint32(netuid), Pagination: &query.PageRequest{Key: key, Limit: 2, CountTotal: pages == 0},
		})
		require.NoError(t, err)
		require.LessOrEqual(t, len(res.Commitments), 2)
		if pages == 0 {
			require.Equal(t, uint64(3), res.Pagination.Total, "subnet 2's commitment is not counted")
		}
		for _, c := range res.Commitments {
			require.Equal(t, uint32(netuid), c.Netuid)
			require.Equal(t, updateHash(c.Hotkey), c.Hash)
			uids = append(uids, c.Uid)
		}
		if key = res.Pagination.NextKey; key == nil {
			break
		}
	}
	require.Equal(t, []uint32{0, 2, 4}, uids)

	res, err = f.q.ModelUpdateCommitments(f.ctx, &types.QueryModelUpdateCommitmentsRequest{Netuid: 2})
	require.NoError(t, err)
	require.Len(t, res.Commitments, 1)
	require.Equal(t, other.hotkey.String(), res.Commitments[0].Hotkey)
}

// TestModelUpdateGenesis: commitments survive export and import (through JSON), their heights move
// with a zero-height restart, and a malformed one is refused.
func TestModelUpdateGenesis(t *testing.T) {
	w := federatedWorld(t)
	f := w.f
	// Two epochs of commitments: miners 0 and 1 carry their first one as previous, miner 2, which
	// committed only in the first epoch, carries none.
	for i, m := range w.miners {
		_, err := f.msg.CommitModelUpdate(f.ctx, w.commitMsg(t, m, fmt.Sprintf("miner-%d", i)))
		require.NoError(t, err)
	}
	f.nextEpoch(t, netuid)
	for i, m := range w.miners[:2] {
		_, err := f.msg.CommitModelUpdate(f.ctx, w.commitMsg(t, m, fmt.Sprintf("miner-%d-next", i)))
		require.NoError(t, err)
	}
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, gs.ModelUpdates, 3)
	withPrevious := 0
	for _, c := range gs.ModelUpdates {
		if c.Previous != nil {
			withPrevious++
		}
	}
	require.Equal(t, 2, withPrevious)
	require.NoError(t, gs.Validate())
	bz, err := f.cdc.MarshalJSON(gs)
	require.NoError(t, err)
	var imported types.GenesisState
	require.NoError(t, f.cdc.UnmarshalJSON(bz, &imported))
	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, &imported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs.ModelUpdates, again.ModelUpdates)
	require.Equal(t, f.modelUpdates(t), g.modelUpdates(t))

	shifted := *gs
	shifted.ModelUpdates = append([]types.ModelUpdateCommitment(nil), gs.ModelUpdates...)
	halt := f.ctx.BlockHeight()
	keeper.ShiftHeights(&shifted, halt)
	for i, c := range shifted.ModelUpdates {
		orig := gs.ModelUpdates[i]
		require.Equal(t, orig.Height-halt, c.Height)
		if orig.Previous == nil {
			require.Nil(t, c.Previous)
			continue
		}
		require.Equal(t, orig.Previous.Height-halt, c.Previous.Height, "previous moves with its record")
		require.Less(t, c.Previous.Height, int64(0), "previous was accepted before the halt")
		require.Equal(t, orig.Previous.Epoch, c.Previous.Epoch, "epoch indexes are kept")
		require.Equal(t, orig.Previous.Hash, c.Previous.Hash)
	}
	require.NoError(t, shifted.Validate())

	good := gs.ModelUpdates[0]
	require.NotNil(t, good.Previous)
	for name, edit := range map[string]func(c *types.ModelUpdateCommitment){
		"netuid above u16":            func(c *types.ModelUpdateCommitment) { c.Netuid = 70000 },
		"uid above u16":               func(c *types.ModelUpdateCommitment) { c.Uid = 70000 },
		"bad hotkey":                  func(c *types.ModelUpdateCommitment) { c.Hotkey = "nope" },
		"short hash":                  func(c *types.ModelUpdateCommitment) { c.Hash = c.Hash[:16] },
		"size 0":                      func(c *types.ModelUpdateCommitment) { c.Size_ = 0 },
		"previous short hash":         func(c *types.ModelUpdateCommitment) { c.Previous.Hash = c.Previous.Hash[:31] },
		"previous no hash":            func(c *types.ModelUpdateCommitment) { c.Previous.Hash = nil },
		"previous size 0":             func(c *types.ModelUpdateCommitment) { c.Previous.Size_ = 0 },
		"previous for the same epoch": func(c *types.ModelUpdateCommitment) { c.Previous.Epoch = c.Epoch },
		"previous for a later epoch":  func(c *types.ModelUpdateCommitment) { c.Previous.Epoch = c.Epoch + 1 },
		"previous two epochs back":    func(c *types.ModelUpdateCommitment) { c.Previous.Epoch = c.Epoch - 2 },
		"previous at epoch 0's record": func(c *types.ModelUpdateCommitment) {
			c.Epoch, c.Previous.Epoch = 0, 0
		},
		"previous in the same block": func(c *types.ModelUpdateCommitment) { c.Previous.Height = c.Height },
		"previous after its record":  func(c *types.ModelUpdateCommitment) { c.Previous.Height = c.Height + 1 },
	} {
		bad := good
		bad.Hash = bytes.Clone(good.Hash)
		prev := *good.Previous
		prev.Hash = bytes.Clone(good.Previous.Hash)
		bad.Previous = &prev
		edit(&bad)
		g := types.DefaultGenesisState()
		g.ModelUpdates = []types.ModelUpdateCommitment{bad}
		err := g.Validate()
		require.ErrorIs(t, err, types.ErrInvalidGenesis, name)
		if strings.HasPrefix(name, "previous") {
			require.Contains(t, err.Error(), "previous", name)
		}
	}
	sameUID := gs.ModelUpdates[1]
	sameUID.Uid = good.Uid
	sameHotkey := gs.ModelUpdates[1]
	sameHotkey.Hotkey = good.Hotkey
	for name, dup := range map[string]types.ModelUpdateCommitment{"same uid": sameUID, "same hotkey": sameHotkey} {
		g := types.DefaultGenesisState()
		g.ModelUpdates = []types.ModelUpdateCommitment{good, dup}
		err := g.Validate()
		require.ErrorIs(t, err, types.ErrInvalidGenesis, name)
		require.Contains(t, err.Error(), "duplicate", name)
	}
}

func TestMaxModelUpdateBytesParam(t *testing.T) {
	p := types.DefaultParams()
	require.Equal(t, uint64(262144), p.MaxModelUpdateBytes)
	for _, v := range []uint64{0, 1, types.MaxModelUpdateBytesLimit} {
		p.MaxModelUpdateBytes = v
		require.NoError(t, p.Validate(), v)
	}
	p.MaxModelUpdateBytes = types.MaxModelUpdateBytesLimit + 1
	require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
}
