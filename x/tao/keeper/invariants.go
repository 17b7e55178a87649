package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/tao/types"
)

// CheckInvariants verifies x/tao's accounting and returns a descriptive error for the first
// violation found:
//   - totals are non-negative and minted = security + pending + released + paid_out;
//   - totals.pending equals the sum of all subnets' pending emission, each positive;
//   - the module account holds at least pending + released of the mint denom;
//   - the supply of the mint denom does not exceed max_supply.
//
// It iterates every pending entry, so it is meant for tests, simulations and upgrades, not for
// every block. (x/crisis invariants are deprecated in SDK v0.53, hence a plain method.)
func (k Keeper) CheckInvariants(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	totals, err := k.GetTotals(ctx)
	if err != nil {
		return err
	}
	if err := totals.Validate(); err != nil {
		return fmt.Errorf("totals: %w", err)
	}
	sum := math.ZeroInt()
	err = k.PendingEmissions.Walk(ctx, nil, func(netuid uint16, amount math.Int) (bool, error) {
		if !amount.IsPositive() {
			return true, fmt.Errorf("pending emission of subnet %d is %s, want positive (zero entries are removed)", netuid, amount)
		}
		sum = sum.Add(amount)
		return false, nil
	})
	if err != nil {
		return err
	}
	if !sum.Equal(totals.Pending) {
		return fmt.Errorf("sum of pending emissions %s != totals.pending %s", sum, totals.Pending)
	}
	held := k.bankKeeper.GetBalance(ctx, k.authKeeper.GetModuleAddress(types.ModuleName), params.MintDenom).Amount
	if owed := totals.Pending.Add(totals.Released); held.LT(owed) {
		return fmt.Errorf("module account holds %s%s, less than pending + released = %s", held, params.MintDenom, owed)
	}
	if supply := k.Issuance(ctx, params); supply.GT(params.MaxSupply) {
		return fmt.Errorf("supply %s%s exceeds max_supply %s", supply, params.MintDenom, params.MaxSupply)
	}
	return nil
}
