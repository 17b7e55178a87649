package keeper

import (
	"context"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/tao/types"
)

// The payout API for x/intelligence. A subnet epoch either calls PayPendingEmission to move the
// whole pending amount into its own module account in one step, or calls TakePendingEmission and
// then sends the released coins on in parts with SendReleasedToModule / SendReleasedToAccount.
// Released coins stay in the x/tao module account until sent; the totals track them, so
// minted = security + pending + released + paid_out always holds.

// TakePendingEmission zeroes subnet netuid's pending emission and returns it. The coins stay in
// the x/tao module account as "released" until the caller sends them with SendReleasedToModule or
// SendReleasedToAccount within the same transaction/block. Returns zero if nothing is pending.
func (k Keeper) TakePendingEmission(ctx context.Context, netuid uint16) (math.Int, error) {
	amount, err := k.PendingEmission(ctx, netuid)
	if err != nil || amount.IsZero() {
		return math.ZeroInt(), err
	}
	if err := k.PendingEmissions.Remove(ctx, netuid); err != nil {
		return math.ZeroInt(), err
	}
	totals, err := k.GetTotals(ctx)
	if err != nil {
		return math.ZeroInt(), err
	}
	if totals.Pending.LT(amount) {
		return math.ZeroInt(), types.ErrInvalidAmount.Wrapf(
			"pending emission %s of subnet %d exceeds total pending %s (corrupt totals)", amount, netuid, totals.Pending)
	}
	totals.Pending = totals.Pending.Sub(amount)
	totals.Released = totals.Released.Add(amount)
	if err := k.Totals.Set(ctx, totals); err != nil {
		return math.ZeroInt(), err
	}
	err = typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventPendingEmissionReleased{
		Netuid: uint32(netuid),
		Amount: amount,
	})
	return amount, err
}

// SendReleasedToModule sends amount of released emission from the x/tao module account to the
// module account recipientModule. amount must not exceed what was released and not yet sent.
func (k Keeper) SendReleasedToModule(ctx context.Context, recipientModule string, amount math.Int) error {
	return k.sendReleased(ctx, amount, func(coins sdk.Coins) error {
		return k.bankKeeper.SendCoinsFromModuleToModule(ctx, types.ModuleName, recipientModule, coins)
	})
}

// SendReleasedToAccount sends amount of released emission from the x/tao module account to the
// account recipient. amount must not exceed what was released and not yet sent.
func (k Keeper) SendReleasedToAccount(ctx context.Context, recipient sdk.AccAddress, amount math.Int) error {
	return k.sendReleased(ctx, amount, func(coins sdk.Coins) error {
		return k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, recipient, coins)
	})
}

// PayPendingEmission takes subnet netuid's pending emission and sends all of it to the module
// account recipientModule. It returns the amount paid (zero if nothing was pending).
func (k Keeper) PayPendingEmission(ctx context.Context, netuid uint16, recipientModule string) (math.Int, error) {
	amount, err := k.TakePendingEmission(ctx, netuid)
	if err != nil || amount.IsZero() {
		return amount, err
	}
	if err := k.SendReleasedToModule(ctx, recipientModule, amount); err != nil {
		return math.ZeroInt(), err
	}
	return amount, nil
}

func (k Keeper) sendReleased(ctx context.Context, amount math.Int, send func(sdk.Coins) error) error {
	if amount.IsNil() || amount.IsNegative() {
		return types.ErrInvalidAmount.Wrapf("amount %s: must be non-negative", amount)
	}
	if amount.IsZero() {
		return nil
	}
	totals, err := k.GetTotals(ctx)
	if err != nil {
		return err
	}
	if amount.GT(totals.Released) {
		return types.ErrInsufficientReleased.Wrapf("amount %s: at most %s was released by TakePendingEmission", amount, totals.Released)
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if err := send(sdk.NewCoins(sdk.NewCoin(params.MintDenom, amount))); err != nil {
		return err
	}
	totals.Released = totals.Released.Sub(amount)
	totals.PaidOut = totals.PaidOut.Add(amount)
	return k.Totals.Set(ctx, totals)
}
