package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/subnet/types"
)

type msgServer struct{ k Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/subnet Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

func parseNetuid(field string, n uint32) (uint16, error) {
	if n == uint32(types.ReservedNetuid) || n > uint32(types.MaxNetuid) {
		return 0, types.ErrSubnetNotFound.Wrapf("%s %d: netuids are 1..%d", field, n, types.MaxNetuid)
	}
	return uint16(n), nil
}

func parseAddr(field, s string) (sdk.AccAddress, error) {
	a, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		return nil, types.ErrInvalidAddress.Wrapf("%s %q: %s", field, s, err)
	}
	return a, nil
}

// msgFields parses a message's address and netuid fields in the order they are asked for and keeps
// the first error: fields after a bad one are not parsed, and the handler checks err once.
type msgFields struct{ err error }

// addr parses s, the message field named field, with parseAddr.
func (f *msgFields) addr(field, s string) sdk.AccAddress {
	if f.err != nil {
		return nil
	}
	var a sdk.AccAddress
	a, f.err = parseAddr(field, s)
	return a
}

// netuid parses n, the message field named field, with parseNetuid.
func (f *msgFields) netuid(field string, n uint32) uint16 {
	if f.err != nil {
		return 0
	}
	var netuid uint16
	netuid, f.err = parseNetuid(field, n)
	return netuid
}

// requireAuthority answers a message signed by anyone but the module authority (x/gov) with
// ErrInvalidAuthority.
func (m msgServer) requireAuthority(signer string) error {
	if signer != m.k.authority {
		return types.ErrInvalidAuthority.Wrapf("expected %s, got %s", m.k.authority, signer)
	}
	return nil
}

// RegisterSubnet implements types.MsgServer.
func (m msgServer) RegisterSubnet(ctx context.Context, msg *types.MsgRegisterSubnet) (*types.MsgRegisterSubnetResponse, error) {
	owner, err := parseAddr("owner", msg.Owner)
	if err != nil {
		return nil, err
	}
	if msg.MaxLock.IsNil() || !msg.MaxLock.IsPositive() {
		return nil, types.ErrInvalidAmount.Wrap("max_lock must be a positive rao amount")
	}
	netuid, lock, replaced, err := m.k.RegisterSubnet(ctx, owner, msg.Name, msg.MaxLock)
	if err != nil {
		return nil, err
	}
	return &types.MsgRegisterSubnetResponse{Netuid: uint32(netuid), Locked: lock, ReplacedNetuid: uint32(replaced)}, nil
}

// DissolveSubnet implements types.MsgServer.
func (m msgServer) DissolveSubnet(ctx context.Context, msg *types.MsgDissolveSubnet) (*types.MsgDissolveSubnetResponse, error) {
	var f msgFields
	owner, netuid := f.addr("owner", msg.Owner), f.netuid("netuid", msg.Netuid)
	if f.err != nil {
		return nil, f.err
	}
	if err := m.k.DissolveSubnet(ctx, owner, netuid); err != nil {
		return nil, err
	}
	return &types.MsgDissolveSubnetResponse{}, nil
}

// UpdateHyperparams implements types.MsgServer.
func (m msgServer) UpdateHyperparams(ctx context.Context, msg *types.MsgUpdateHyperparams) (*types.MsgUpdateHyperparamsResponse, error) {
	var f msgFields
	owner, netuid := f.addr("owner", msg.Owner), f.netuid("netuid", msg.Netuid)
	if f.err != nil {
		return nil, f.err
	}
	if err := m.k.UpdateHyperparams(ctx, owner, netuid, msg.Hyperparams); err != nil {
		return nil, err
	}
	return &types.MsgUpdateHyperparamsResponse{}, nil
}

// RegisterNeuron implements types.MsgServer.
func (m msgServer) RegisterNeuron(ctx context.Context, msg *types.MsgRegisterNeuron) (*types.MsgRegisterNeuronResponse, error) {
	var f msgFields
	coldkey, netuid := f.addr("coldkey", msg.Coldkey), f.netuid("netuid", msg.Netuid)
	if f.err != nil {
		return nil, f.err
	}
	if msg.MaxBurn.IsNil() || msg.MaxBurn.IsNegative() {
		return nil, types.ErrInvalidAmount.Wrap("max_burn must be a non-negative rao amount")
	}
	n, burned, replaced, err := m.k.RegisterNeuron(ctx, coldkey, netuid, msg.HotkeyPubkey, msg.Proof, msg.MaxBurn)
	if err != nil {
		return nil, err
	}
	return &types.MsgRegisterNeuronResponse{Uid: n.Uid, Hotkey: n.Hotkey, Burned: burned, ReplacedHotkey: replaced}, nil
}

// ServeAxon implements types.MsgServer.
func (m msgServer) ServeAxon(ctx context.Context, msg *types.MsgServeAxon) (*types.MsgServeAxonResponse, error) {
	var f msgFields
	hotkey, netuid := f.addr("hotkey", msg.Hotkey), f.netuid("netuid", msg.Netuid)
	if f.err != nil {
		return nil, f.err
	}
	axon := types.AxonInfo{Host: msg.Host, Port: msg.Port, Protocol: msg.Protocol, Version: msg.Version}
	if err := m.k.ServeAxon(ctx, hotkey, netuid, axon); err != nil {
		return nil, err
	}
	return &types.MsgServeAxonResponse{}, nil
}

// AddStake implements types.MsgServer.
func (m msgServer) AddStake(ctx context.Context, msg *types.MsgAddStake) (*types.MsgAddStakeResponse, error) {
	var f msgFields
	coldkey, hotkey, netuid := f.addr("coldkey", msg.Coldkey), f.addr("hotkey", msg.Hotkey), f.netuid("netuid", msg.Netuid)
	if f.err != nil {
		return nil, f.err
	}
	shares, err := m.k.AddStake(ctx, coldkey, hotkey, netuid, msg.Amount)
	if err != nil {
		return nil, err
	}
	return &types.MsgAddStakeResponse{Shares: shares}, nil
}

// RemoveStake implements types.MsgServer.
func (m msgServer) RemoveStake(ctx context.Context, msg *types.MsgRemoveStake) (*types.MsgRemoveStakeResponse, error) {
	var f msgFields
	coldkey, hotkey, netuid := f.addr("coldkey", msg.Coldkey), f.addr("hotkey", msg.Hotkey), f.netuid("netuid", msg.Netuid)
	if f.err != nil {
		return nil, f.err
	}
	e, err := m.k.RemoveStake(ctx, coldkey, hotkey, netuid, msg.Amount)
	if err != nil {
		return nil, err
	}
	return &types.MsgRemoveStakeResponse{UnbondingId: e.Id, CompletionHeight: e.CompletionHeight, Amount: e.Amount}, nil
}

// MoveStake implements types.MsgServer.
func (m msgServer) MoveStake(ctx context.Context, msg *types.MsgMoveStake) (*types.MsgMoveStakeResponse, error) {
	var f msgFields
	coldkey := f.addr("coldkey", msg.Coldkey)
	from, to := f.addr("from_hotkey", msg.FromHotkey), f.addr("to_hotkey", msg.ToHotkey)
	fromNetuid, toNetuid := f.netuid("from_netuid", msg.FromNetuid), f.netuid("to_netuid", msg.ToNetuid)
	if f.err != nil {
		return nil, f.err
	}
	shares, err := m.k.MoveStake(ctx, coldkey, from, fromNetuid, to, toNetuid, msg.Amount)
	if err != nil {
		return nil, err
	}
	return &types.MsgMoveStakeResponse{Shares: shares}, nil
}

// SetTake implements types.MsgServer.
func (m msgServer) SetTake(ctx context.Context, msg *types.MsgSetTake) (*types.MsgSetTakeResponse, error) {
	var f msgFields
	coldkey, hotkey := f.addr("coldkey", msg.Coldkey), f.addr("hotkey", msg.Hotkey)
	if f.err != nil {
		return nil, f.err
	}
	if err := m.k.SetTake(ctx, coldkey, hotkey, msg.Take); err != nil {
		return nil, err
	}
	return &types.MsgSetTakeResponse{}, nil
}

// UpdateParams implements types.MsgServer.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := m.requireAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventParamsUpdated{Params: msg.Params}); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}
