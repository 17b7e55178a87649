package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/queryutil"
	"github.com/taochain/taochain/x/internal/typedevent"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Miners of a federated subnet publish a model update at their axon every epoch and commit its
// sha256 hash and size here, so that peers can check what they download and validators can tell
// which miners shared. The chain keeps one record per uid, its latest commitment, and within it
// the commitment that one replaced when the same hotkey made it for the epoch just before
// (previous): validators score epoch E's updates in epoch E+1, after most miners have already
// committed E+1, and previous is where they find E's. State stays bounded by the number of neurons
// (at most two updates each), and the record goes when the uid changes hands (hooks.go). Records
// are keyed by uid rather than hotkey because x/subnet's hooks name the uid that was replaced, not
// the hotkey that left; each record names its hotkey.

// GetModelUpdate returns the latest model update commitment of (netuid, uid); found is false if
// there is none.
func (k Keeper) GetModelUpdate(ctx context.Context, netuid, uid uint16) (c types.ModelUpdateCommitment, found bool, err error) {
	c, err = k.ModelUpdates.Get(ctx, collections.Join(netuid, uid))
	if errors.Is(err, collections.ErrNotFound) {
		return types.ModelUpdateCommitment{}, false, nil
	}
	return c, err == nil, err
}

// CommitModelUpdate implements types.MsgServer. The checks that need no state come first, so a
// malformed commitment costs no reads.
func (m msgServer) CommitModelUpdate(ctx context.Context, msg *types.MsgCommitModelUpdate) (*types.MsgCommitModelUpdateResponse, error) {
	hotkey, err := parseAddr("hotkey", msg.Hotkey)
	if err != nil {
		return nil, err
	}
	if len(msg.Hash) != types.ModelUpdateHashSize {
		return nil, types.ErrInvalidModelUpdate.Wrapf("hash has %d bytes, want %d: sha256 of the update's canonical encoding", len(msg.Hash), types.ModelUpdateHashSize)
	}
	if msg.Size_ == 0 {
		return nil, types.ErrInvalidModelUpdate.Wrap("size 0: the update's canonical encoding is at least one byte")
	}
	if msg.Netuid > types.U16Max {
		return nil, types.ErrInvalidNetuid.Wrapf("netuid %d: must be at most %d", msg.Netuid, types.U16Max)
	}
	netuid := uint16(msg.Netuid)
	s, err := m.k.subnetKeeper.GetSubnet(ctx, netuid)
	if err != nil {
		return nil, types.ErrInvalidNetuid.Wrapf("subnet %d: %s", netuid, err)
	}
	if !s.Hyperparams.Federated {
		return nil, types.ErrNotFederated.Wrapf("subnet %d has federated off; only federated subnets take model updates (its owner can switch federated on with MsgUpdateHyperparams)", netuid)
	}
	n, err := m.k.subnetKeeper.GetNeuronByHotkey(ctx, netuid, hotkey)
	if errors.Is(err, subnettypes.ErrNeuronNotFound) {
		return nil, types.ErrNotRegistered.Wrapf("hotkey %s on subnet %d: only registered neurons commit model updates; register it with MsgRegisterNeuron first", hotkey, netuid)
	} else if err != nil {
		return nil, err
	}
	params, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Size_ > params.MaxModelUpdateBytes {
		if params.MaxModelUpdateBytes == 0 {
			return nil, types.ErrModelUpdateTooLarge.Wrap("max_model_update_bytes is 0: governance has not allowed model updates on this chain")
		}
		return nil, types.ErrModelUpdateTooLarge.Wrapf("size %d bytes: at most max_model_update_bytes = %d are allowed", msg.Size_, params.MaxModelUpdateBytes)
	}
	current, err := m.k.currentEpochOf(ctx, s)
	if err != nil {
		return nil, err
	}
	if msg.Epoch != current {
		return nil, types.ErrWrongEpoch.Wrapf("model update is for epoch %d; subnet %d is in epoch %d and takes commitments for that epoch only", msg.Epoch, netuid, current)
	}
	uid := uint16(n.Uid)
	prev, found, err := m.k.GetModelUpdate(ctx, netuid, uid)
	if err != nil {
		return nil, err
	}
	if found && prev.Hotkey == n.Hotkey && prev.Epoch == current {
		return nil, types.ErrModelUpdateCommitted.Wrapf("hotkey %s already committed to update %X (%d bytes) for subnet %d epoch %d at height %d; the first commitment stands, commit the next update in epoch %d",
			hotkey, prev.Hash, prev.Size_, netuid, current, prev.Height, current+1)
	}
	c := types.ModelUpdateCommitment{
		Netuid: uint32(netuid), Uid: n.Uid, Hotkey: n.Hotkey, Epoch: current,
		Hash: msg.Hash, Size_: msg.Size_, Height: sdk.UnwrapSDKContext(ctx).BlockHeight(),
	}
	// Only the epoch just before is worth keeping: validators score one epoch back. A record of an
	// older epoch, or another hotkey's left at the uid (hooks.go removes those), is dropped.
	if found && prev.Hotkey == n.Hotkey && prev.Epoch+1 == current {
		c.Previous = &types.PriorModelUpdate{Epoch: prev.Epoch, Hash: prev.Hash, Size_: prev.Size_, Height: prev.Height}
	}
	if err := m.k.ModelUpdates.Set(ctx, collections.Join(netuid, uid), c); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventModelUpdateCommitted{
		Netuid: c.Netuid, Uid: c.Uid, Hotkey: c.Hotkey, Epoch: c.Epoch, Hash: c.Hash, Size_: c.Size_,
	}); err != nil {
		return nil, err
	}
	return &types.MsgCommitModelUpdateResponse{Uid: n.Uid}, nil
}

// ModelUpdateCommitment implements types.QueryServer. The hotkey is resolved to its uid: a hotkey
// that is not registered on the subnet, or whose uid holds no commitment of its own, is NotFound.
func (q queryServer) ModelUpdateCommitment(ctx context.Context, req *types.QueryModelUpdateCommitmentRequest) (*types.QueryModelUpdateCommitmentResponse, error) {
	netuid, hotkey, err := requestHotkey(req)
	if err != nil {
		return nil, err
	}
	n, err := q.k.subnetKeeper.GetNeuronByHotkey(ctx, netuid, hotkey)
	if errors.Is(err, subnettypes.ErrNeuronNotFound) {
		return nil, status.Errorf(codes.NotFound, "hotkey %s is not registered on subnet %d", hotkey, netuid)
	} else if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	c, found, err := q.k.GetModelUpdate(ctx, netuid, uint16(n.Uid))
	if err == nil && found && c.Hotkey != n.Hotkey {
		found = false
	}
	if err := lookupStatus(found, err, "hotkey %s (uid %d) has no model update commitment on subnet %d", hotkey, n.Uid, netuid); err != nil {
		return nil, err
	}
	return &types.QueryModelUpdateCommitmentResponse{Commitment: c}, nil
}

// ModelUpdateCommitments implements types.QueryServer: one page of a subnet's commitments by
// ascending uid, read as a range of the subnet's prefix. A uid that x/slashing freed keeps its
// record until the uid is registered again (x/subnet calls no hook when it frees one, as for weight
// rows); the subnet's occupied-uid set, one read, leaves such records out.
func (q queryServer) ModelUpdateCommitments(ctx context.Context, req *types.QueryModelUpdateCommitmentsRequest) (*types.QueryModelUpdateCommitmentsResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return nil, err
	}
	occupied, err := q.k.subnetKeeper.OccupiedUIDs(ctx, netuid)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	cs, page, err := query.CollectionFilteredPaginate(ctx, q.k.ModelUpdates, req.Pagination,
		func(key collections.Pair[uint16, uint16], _ types.ModelUpdateCommitment) (bool, error) {
			return occupied.Has(uint32(key.K2())), nil
		},
		func(_ collections.Pair[uint16, uint16], c types.ModelUpdateCommitment) (types.ModelUpdateCommitment, error) {
			return c, nil
		},
		query.WithCollectionPaginationPairPrefix[uint16, uint16](netuid))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryModelUpdateCommitmentsResponse{Commitments: cs, Pagination: page}, nil
}
