package keeper

import (
	"context"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/tao/types"
)

// InitGenesis validates gs and writes it to the store.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, pe := range gs.PendingEmissions {
		if err := k.PendingEmissions.Set(ctx, uint16(pe.Netuid), pe.Amount); err != nil {
			return err
		}
	}
	return k.Totals.Set(ctx, gs.Totals)
}

// ExportGenesis returns the module state as a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	pending := []types.PendingEmission{}
	err = k.PendingEmissions.Walk(ctx, nil, func(netuid uint16, amount math.Int) (bool, error) {
		pending = append(pending, types.PendingEmission{Netuid: uint32(netuid), Amount: amount})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	totals, err := k.GetTotals(ctx)
	if err != nil {
		return nil, err
	}
	return types.NewGenesisState(params, pending, totals), nil
}
