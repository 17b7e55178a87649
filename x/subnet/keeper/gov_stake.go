package keeper

import (
	"context"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// Read-only views of subnet stake for governance (x/gov counts subnet stake as voting power).

// IterateColdkeyStake calls cb for each of coldkey's stake positions, in (hotkey, netuid) order,
// with the rao value of its shares in the pool (rounded down, as a withdrawal would pay). Only
// positions with shares are visited: stake that is unbonding has already left its pool and is not
// included. The walk is a prefix scan of the coldkey's own positions, so its cost grows with the
// number of positions the coldkey holds, not with the number of pools.
func (k Keeper) IterateColdkeyStake(ctx context.Context, coldkey sdk.AccAddress,
	cb func(hotkey sdk.AccAddress, netuid uint16, value math.Int) (stop bool),
) error {
	rng := collections.NewPrefixedTripleRange[sdk.AccAddress, sdk.AccAddress, uint16](coldkey)
	return k.Shares.Walk(ctx, rng, func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint16], shares math.Int) (bool, error) {
		pool, err := k.GetPool(ctx, key.K2(), key.K3())
		if err != nil {
			return true, err
		}
		return cb(key.K2(), key.K3(), types.ValueOfShares(pool, shares)), nil
	})
}

// StakeValueByColdkey is the total rao value of coldkey's stake positions across all subnets
// (unbonding stake excluded).
func (k Keeper) StakeValueByColdkey(ctx context.Context, coldkey sdk.AccAddress) (math.Int, error) {
	total := math.ZeroInt()
	err := k.IterateColdkeyStake(ctx, coldkey, func(_ sdk.AccAddress, _ uint16, value math.Int) bool {
		total = total.Add(value)
		return false
	})
	return total, err
}

// TotalSubnetStake is the rao staked in all subnet pools (active and dissolving subnets), summed
// from the per-netuid totals; unbonding stake is not included.
func (k Keeper) TotalSubnetStake(ctx context.Context) (math.Int, error) {
	total := math.ZeroInt()
	err := k.SubnetStake.Walk(ctx, nil, func(_ uint16, stake math.Int) (bool, error) {
		total = total.Add(stake)
		return false, nil
	})
	return total, err
}
