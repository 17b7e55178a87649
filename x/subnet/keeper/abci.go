package keeper

import (
	"context"

	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// EndBlocker pays out matured unbonding entries and returns stake of dissolved subnets, each at
// most params.max_block_work entries per block. Each step runs in a cache context: a failure is
// logged and the step retried next block, never halting the chain.
func (k Keeper) EndBlocker(ctx context.Context) error {
	defer telemetry.ModuleMeasureSince(types.ModuleName, telemetry.Now(), telemetry.MetricKeyEndBlocker)
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	steps := []struct {
		name string
		run  func(context.Context, uint32) (uint32, error)
	}{
		{"unbonding", k.CompleteMatureUnbondings},
		{"dissolving", k.ProcessDissolving},
	}
	for _, s := range steps {
		cacheCtx, write := sdkCtx.CacheContext()
		if _, err := s.run(cacheCtx, p.MaxBlockWork); err != nil {
			k.Logger(ctx).Error("x/subnet end block step failed; retrying next block", "step", s.name, "err", err)
			continue
		}
		write()
	}
	return nil
}
