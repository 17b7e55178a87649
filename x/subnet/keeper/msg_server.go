package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

type msgServer struct{ k Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/subnet Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

func parseAddr(field, s string) (sdk.AccAddress, error) {
	a, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		return nil, types.ErrInvalidAddress.Wrapf("%s %q: %s", field, s, err)
	}
	return a, nil
}

func parseNetuid(field string, n uint32) (uint16, error) {
	if n == uint32(types.ReservedNetuid) || n > uint32(types.MaxNetuid) {
		return 0, types.ErrSubnetNotFound.Wrapf("%s %d: netuids are 1..%d", field, n, types.MaxNetuid)
	}
	return uint16(n), nil
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
	owner, err := parseAddr("owner", msg.Owner)
	if err != nil {
		return nil, err
	}
	netuid, err := parseNetuid("netuid", msg.Netuid)
	if err != nil {
		return nil, err
	}
	if err := m.k.DissolveSubnet(ctx, owner, netuid); err != nil {
		return nil, err
	}
	return &types.MsgDissolveSubnetResponse{}, nil
}

// UpdateHyperparams implements types.MsgServer.
func (m msgServer) UpdateHyperparams(ctx context.Context, msg *types.MsgUpdateHyperparams) (*types.MsgUpdateHyperparamsResponse, error) {
	owner, err := parseAddr("owner", msg.Owner)
	if err != nil {
		return nil, err
	}
	netuid, err := parseNetuid("netuid", msg.Netuid)
	if err != nil {
		return nil, err
	}
	if err := m.k.UpdateHyperparams(ctx, owner, netuid, msg.Hyperparams); err != nil {
		return nil, err
	}
	return &types.MsgUpdateHyperparamsResponse{}, nil
}

// RegisterNeuron implements types.MsgServer.
func (m msgServer) RegisterNeuron(ctx context.Context, msg *types.MsgRegisterNeuron) (*types.MsgRegisterNeuronResponse, error) {
	coldkey, err := parseAddr("coldkey", msg.Coldkey)
	if err != nil {
		return nil, err
	}
	netuid, err := parseNetuid("netuid", msg.Netuid)
	if err != nil {
		return nil, err
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
	hotkey, err := parseAddr("hotkey", msg.Hotkey)
	if err != nil {
		return nil, err
	}
	netuid, err := parseNetuid("netuid", msg.Netuid)
	if err != nil {
		return nil, err
	}
	axon := types.AxonInfo{Host: msg.Host, Port: msg.Port, Protocol: msg.Protocol, Version: msg.Version}
	if err := m.k.ServeAxon(ctx, hotkey, netuid, axon); err != nil {
		return nil, err
	}
	return &types.MsgServeAxonResponse{}, nil
}

// AddStake implements types.MsgServer.
func (m msgServer) AddStake(ctx context.Context, msg *types.MsgAddStake) (*types.MsgAddStakeResponse, error) {
	coldkey, err := parseAddr("coldkey", msg.Coldkey)
	if err != nil {
		return nil, err
	}
	hotkey, err := parseAddr("hotkey", msg.Hotkey)
	if err != nil {
		return nil, err
	}
	netuid, err := parseNetuid("netuid", msg.Netuid)
	if err != nil {
		return nil, err
	}
	shares, err := m.k.AddStake(ctx, coldkey, hotkey, netuid, msg.Amount)
	if err != nil {
		return nil, err
	}
	return &types.MsgAddStakeResponse{Shares: shares}, nil
}

// RemoveStake implements types.MsgServer.
func (m msgServer) RemoveStake(ctx context.Context, msg *types.MsgRemoveStake) (*types.MsgRemoveStakeResponse, error) {
	coldkey, err := parseAddr("coldkey", msg.Coldkey)
	if err != nil {
		return nil, err
	}
	hotkey, err := parseAddr("hotkey", msg.Hotkey)
	if err != nil {
		return nil, err
	}
	netuid, err := parseNetuid("netuid", msg.Netuid)
	if err != nil {
		return nil, err
	}
	e, err := m.k.RemoveStake(ctx, coldkey, hotkey, netuid, msg.Amount)
	if err != nil {
		return nil, err
	}
	return &types.MsgRemoveStakeResponse{UnbondingId: e.Id, CompletionHeight: e.CompletionHeight, Amount: e.Amount}, nil
}

// MoveStake implements types.MsgServer.
func (m msgServer) MoveStake(ctx context.Context, msg *types.MsgMoveStake) (*types.MsgMoveStakeResponse, error) {
	coldkey, err := parseAddr("coldkey", msg.Coldkey)
	if err != nil {
		return nil, err
	}
	from, err := parseAddr("from_hotkey", msg.FromHotkey)
	if err != nil {
		return nil, err
	}
	to, err := parseAddr("to_hotkey", msg.ToHotkey)
	if err != nil {
		return nil, err
	}
	fromNetuid, err := parseNetuid("from_netuid", msg.FromNetuid)
	if err != nil {
		return nil, err
	}
	toNetuid, err := parseNetuid("to_netuid", msg.ToNetuid)
	if err != nil {
		return nil, err
	}
	shares, err := m.k.MoveStake(ctx, coldkey, from, fromNetuid, to, toNetuid, msg.Amount)
	if err != nil {
		return nil, err
	}
	return &types.MsgMoveStakeResponse{Shares: shares}, nil
}

// SetTake implements types.MsgServer.
func (m msgServer) SetTake(ctx context.Context, msg *types.MsgSetTake) (*types.MsgSetTakeResponse, error) {
	coldkey, err := parseAddr("coldkey", msg.Coldkey)
	if err != nil {
		return nil, err
	}
	hotkey, err := parseAddr("hotkey", msg.Hotkey)
	if err != nil {
		return nil, err
	}
	if err := m.k.SetTake(ctx, coldkey, hotkey, msg.Take); err != nil {
		return nil, err
	}
	return &types.MsgSetTakeResponse{}, nil
}

// UpdateParams implements types.MsgServer.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if msg.Authority != m.k.authority {
		return nil, types.ErrInvalidAuthority.Wrapf("expected %s, got %s", m.k.authority, msg.Authority)
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventParamsUpdated{Params: msg.Params}); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}
