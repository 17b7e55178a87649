package keeper

import (
	"context"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// InitGenesis validates gs and writes it to the store, rebuilding the indexes and per-subnet stake
// totals from the primary records.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	k.accountKeeper.GetModuleAccount(ctx, types.ModuleName)
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.LockState.Set(ctx, gs.LockState); err != nil {
		return err
	}
	for _, s := range gs.Subnets {
		if err := k.Subnets.Set(ctx, uint16(s.Netuid), s); err != nil {
			return err
		}
	}
	for _, n := range gs.DissolvingNetuids {
		if err := k.Dissolving.Set(ctx, uint16(n)); err != nil {
			return err
		}
	}
	for _, h := range gs.Hotkeys {
		if err := k.Hotkeys.Set(ctx, mustAddr(h.Hotkey), h); err != nil {
			return err
		}
	}
	for _, n := range gs.Neurons {
		if err := k.putNeuron(ctx, n); err != nil {
			return err
		}
	}
	for _, p := range gs.Pools {
		if err := k.Pools.Set(ctx, collections.Join(uint16(p.Netuid), mustAddr(p.Hotkey)), p); err != nil {
			return err
		}
		if err := k.addSubnetStake(ctx, uint16(p.Netuid), p.TotalStake); err != nil {
			return err
		}
	}
	for _, s := range gs.Shares {
		if err := k.setShares(ctx, mustAddr(s.Coldkey), mustAddr(s.Hotkey), uint16(s.Netuid), s.Shares); err != nil {
			return err
		}
	}
	for _, e := range gs.Unbonding {
		if err := k.setUnbonding(ctx, e); err != nil {
			return err
		}
	}
	return k.NextUnbondingID.Set(ctx, gs.NextUnbondingId)
}

// ExportGenesis reads the whole module state in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if gs.LockState, err = k.LockState.Get(ctx); err != nil {
		return nil, err
	}
	if gs.NextUnbondingId, err = k.NextUnbondingID.Peek(ctx); err != nil {
		return nil, err
	}
	if err := k.Subnets.Walk(ctx, nil, func(_ uint16, s types.Subnet) (bool, error) {
		gs.Subnets = append(gs.Subnets, s)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Dissolving.Walk(ctx, nil, func(n uint16) (bool, error) {
		gs.DissolvingNetuids = append(gs.DissolvingNetuids, uint32(n))
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Hotkeys.Walk(ctx, nil, func(_ sdk.AccAddress, h types.HotkeyInfo) (bool, error) {
		gs.Hotkeys = append(gs.Hotkeys, h)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Neurons.Walk(ctx, nil, func(_ collections.Pair[uint16, uint16], n types.Neuron) (bool, error) {
		n, err := k.withLastUpdate(ctx, n)
		gs.Neurons = append(gs.Neurons, n)
		return err != nil, err
	}); err != nil {
		return nil, err
	}
	if err := k.Pools.Walk(ctx, nil, func(_ collections.Pair[uint16, sdk.AccAddress], p types.StakePool) (bool, error) {
		gs.Pools = append(gs.Pools, p)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Shares.Walk(ctx, nil, func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint16], sh math.Int) (bool, error) {
		gs.Shares = append(gs.Shares, types.StakeShares{
			Coldkey: key.K1().String(), Hotkey: key.K2().String(), Netuid: uint32(key.K3()), Shares: sh,
		})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Unbondings.Walk(ctx, nil, func(_ uint64, e types.UnbondingEntry) (bool, error) {
		gs.Unbonding = append(gs.Unbonding, e)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
