package keeper

import (
	"context"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/tao/types"
)

// blockEmission is one block's emission and its split, computed from the current state.
type blockEmission struct {
	params     types.Params
	issuance   math.Int
	halvings   uint32
	emission   math.Int // capped by the room left under max_supply
	security   math.Int
	subnets    math.Int // the subnet part; minted only if totalStake > 0
	stakes     []types.SubnetStake
	totalStake math.Int
}

// computeBlockEmission computes what a block minted now would mint, without changing state.
func (k Keeper) computeBlockEmission(ctx context.Context) (blockEmission, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return blockEmission{}, err
	}
	issuance := k.Issuance(ctx, params)
	halvings, _ := types.Halvings(params.MaxSupply, issuance)
	emission := types.BlockEmission(params.BaseBlockEmission, params.MaxSupply, issuance)
	security, subnets := types.SplitSecurity(emission, params.SecurityShare)
	stakes, totalStake, err := k.subnetStakes(ctx)
	if err != nil {
		return blockEmission{}, err
	}
	return blockEmission{
		params:     params,
		issuance:   issuance,
		halvings:   halvings,
		emission:   emission,
		security:   security,
		subnets:    subnets,
		stakes:     stakes,
		totalStake: totalStake,
	}, nil
}

// BeginBlocker mints this block's emission. The work is bounded by the number of subnets. A
// failure while minting is logged and the block's emission skipped (its state changes are
// discarded) rather than halting the chain; only a missing SubnetKeeper (a wiring bug) is returned.
func (k Keeper) BeginBlocker(ctx context.Context) error {
	defer telemetry.ModuleMeasureSince(types.ModuleName, telemetry.Now(), telemetry.MetricKeyBeginBlocker)

	if _, ok := k.subnet.Get(); !ok {
		return types.ErrSubnetKeeperNotSet.Wrap("x/tao cannot split emission without x/subnet")
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	if err := k.MintBlockEmission(cacheCtx); err != nil {
		k.Logger(ctx).Error("block emission skipped", "height", sdkCtx.BlockHeight(), "err", err)
		return nil
	}
	write()
	return nil
}

// MintBlockEmission mints one block's emission: min(base / 2^k, max_supply - issuance). The
// security share goes to the fee collector; the rest is split among subnets by stake and added to
// their pending emission, held by the x/tao module account. If no subnet has stake, the subnet part
// is not minted at all. Emits EventEmission when anything is minted.
func (k Keeper) MintBlockEmission(ctx context.Context) error {
	be, err := k.computeBlockEmission(ctx)
	if err != nil {
		return err
	}
	if !be.emission.IsPositive() {
		return nil
	}

	allocations := types.SplitByStake(be.subnets, be.stakes)
	minted := be.security
	unminted := be.subnets
	if len(allocations) > 0 {
		minted = minted.Add(be.subnets)
		unminted = math.ZeroInt()
	}
	if !minted.IsPositive() {
		return nil
	}

	denom := be.params.MintDenom
	if err := k.bankKeeper.MintCoins(ctx, types.ModuleName, sdk.NewCoins(sdk.NewCoin(denom, minted))); err != nil {
		return err
	}
	if be.security.IsPositive() {
		err := k.bankKeeper.SendCoinsFromModuleToModule(ctx, types.ModuleName, k.feeCollectorName,
			sdk.NewCoins(sdk.NewCoin(denom, be.security)))
		if err != nil {
			return err
		}
	}

	subnetEvents := make([]types.PendingEmission, 0, len(allocations))
	for _, a := range allocations {
		if !a.Amount.IsPositive() {
			continue
		}
		prev, err := k.PendingEmission(ctx, a.Netuid)
		if err != nil {
			return err
		}
		if err := k.PendingEmissions.Set(ctx, a.Netuid, prev.Add(a.Amount)); err != nil {
			return err
		}
		subnetEvents = append(subnetEvents, types.PendingEmission{Netuid: uint32(a.Netuid), Amount: a.Amount})
	}

	totals, err := k.GetTotals(ctx)
	if err != nil {
		return err
	}
	totals.Minted = totals.Minted.Add(minted)
	totals.Security = totals.Security.Add(be.security)
	totals.Pending = totals.Pending.Add(minted.Sub(be.security))
	if err := k.Totals.Set(ctx, totals); err != nil {
		return err
	}

	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventEmission{
		Height:   sdk.UnwrapSDKContext(ctx).BlockHeight(),
		Minted:   minted,
		Security: be.security,
		Unminted: unminted,
		Halvings: be.halvings,
		Issuance: be.issuance.Add(minted),
		Subnets:  subnetEvents,
	}); err != nil {
		return err
	}
	observeMinted(ctx, be.security, minted.Sub(be.security))
	return nil
}
