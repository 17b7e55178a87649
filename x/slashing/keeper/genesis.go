package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/slashing/types"
)

// InitPoIGenesis loads the intelligence slashing state (the SDK part of the slashing genesis is
// loaded by the embedded SDK module).
func (k Keeper) InitPoIGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.PoIParams.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, o := range gs.Offences {
		hotkey := sdk.MustAccAddressFromBech32(o.Hotkey)
		if err := k.Offences.Set(ctx, o.Id, o); err != nil {
			return err
		}
		if err := k.OffencesByHotkey.Set(ctx, collections.Join(hotkey, o.Id)); err != nil {
			return err
		}
		if err := k.OffencesByNetuid.Set(ctx, collections.Join(uint16(o.Netuid), o.Id)); err != nil {
			return err
		}
		if o.Kind == types.OffenceKind_OFFENCE_KIND_EQUIVOCATION {
			if err := k.Equivocations.Set(ctx, collections.Join3(uint16(o.Netuid), o.Epoch, hotkey), o.Id); err != nil {
				return err
			}
		}
	}
	if err := k.NextOffenceID.Set(ctx, gs.NextOffenceId); err != nil {
		return err
	}
	for _, j := range gs.Jails {
		if err := k.Jails.Set(ctx, collections.Join(uint16(j.Netuid), sdk.MustAccAddressFromBech32(j.Hotkey)), j); err != nil {
			return err
		}
	}
	for _, t := range gs.Trackers {
		if err := k.Trackers.Set(ctx, collections.Join(uint16(t.Netuid), sdk.MustAccAddressFromBech32(t.Hotkey)), t); err != nil {
			return err
		}
	}
	return nil
}

// ExportPoIGenesis exports the intelligence slashing state.
func (k Keeper) ExportPoIGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.PoIParams.Get(ctx)
	if err != nil {
		return nil, err
	}
	next, err := k.NextOffenceID.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, NextOffenceId: max(next, 1)}
	if err := k.Offences.Walk(ctx, nil, func(_ uint64, o types.Offence) (bool, error) {
		gs.Offences = append(gs.Offences, o)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Jails.Walk(ctx, nil, func(_ collections.Pair[uint16, sdk.AccAddress], j types.Jail) (bool, error) {
		gs.Jails = append(gs.Jails, j)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Trackers.Walk(ctx, nil, func(_ collections.Pair[uint16, sdk.AccAddress], t types.NeuronTracker) (bool, error) {
		gs.Trackers = append(gs.Trackers, t)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
