package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/taochain/taochain/x/tao/types"
)

func TestTakeAndPayPendingEmissionConserve(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	f.subnets.set(2, 1)
	f.beginBlock(t) // 225_000_000 pending each
	f.beginBlock(t) // 450_000_000 pending each

	// Take: pending zeroed, coins still held by x/tao as released.
	amt, err := f.keeper.TakePendingEmission(f.ctx, 1)
	require.NoError(t, err)
	requireIntEq(t, 450_000_000, amt, "taken")
	requireIntEq(t, 0, f.pending(t, 1), "pending after take")
	requireIntEq(t, 900_000_000, f.bank.moduleBalance(types.ModuleName), "module still holds taken coins")
	tot := f.totals(t)
	requireIntEq(t, 450_000_000, tot.Pending, "total pending")
	requireIntEq(t, 450_000_000, tot.Released, "released")
	require.NoError(t, f.keeper.CheckInvariants(f.ctx))

	// Taking again yields nothing.
	again, err := f.keeper.TakePendingEmission(f.ctx, 1)
	require.NoError(t, err)
	require.True(t, again.IsZero())

	// Send the released coins on in parts; more than released is refused.
	owner := sdk.AccAddress("subnet_owner________")
	require.NoError(t, f.keeper.SendReleasedToAccount(f.ctx, owner, math.NewInt(81_000_000)))
	require.NoError(t, f.keeper.SendReleasedToModule(f.ctx, "subnet", math.NewInt(369_000_000)))
	require.ErrorIs(t, f.keeper.SendReleasedToModule(f.ctx, "subnet", math.NewInt(1)), types.ErrInsufficientReleased)
	require.ErrorIs(t, f.keeper.SendReleasedToAccount(f.ctx, owner, math.NewInt(-1)), types.ErrInvalidAmount)
	requireIntEq(t, 81_000_000, f.bank.GetBalance(f.ctx, owner, denom).Amount, "owner")
	requireIntEq(t, 369_000_000, f.bank.moduleBalance("subnet"), "subnet module")
	require.NoError(t, f.keeper.CheckInvariants(f.ctx))

	// Pay: one step from pending to a module account.
	paid, err := f.keeper.PayPendingEmission(f.ctx, 2, "intelligence")
	require.NoError(t, err)
	requireIntEq(t, 450_000_000, paid, "paid")
	requireIntEq(t, 450_000_000, f.bank.moduleBalance("intelligence"), "intelligence module")
	requireIntEq(t, 0, f.bank.moduleBalance(types.ModuleName), "x/tao holds nothing")
	none, err := f.keeper.PayPendingEmission(f.ctx, 2, "intelligence")
	require.NoError(t, err)
	require.True(t, none.IsZero())

	// Conservation: every minted rao is accounted for and sits where the totals say.
	tot = f.totals(t)
	requireIntEq(t, 1_000_000_000, tot.Minted, "minted")
	requireIntEq(t, 100_000_000, tot.Security, "security")
	requireIntEq(t, 0, tot.Pending, "pending")
	requireIntEq(t, 0, tot.Released, "released")
	requireIntEq(t, 900_000_000, tot.PaidOut, "paid out")
	require.True(t, tot.Minted.Equal(tot.Security.Add(tot.Pending).Add(tot.Released).Add(tot.PaidOut)))
	require.True(t, f.bank.moduleBalance(authtypes.FeeCollectorName).Equal(tot.Security))
	require.NoError(t, f.keeper.CheckInvariants(f.ctx))
}

func TestPayPendingEmissionSurfacesSendFailure(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	f.beginBlock(t)

	// Coins drained behind the keeper's back make the send fail; in a real tx the error reverts
	// the whole message, here we check the error surfaces.
	require.NoError(t, f.bank.SendCoinsFromModuleToModule(f.ctx, types.ModuleName, "elsewhere",
		sdk.NewCoins(sdk.NewCoin(denom, f.bank.moduleBalance(types.ModuleName)))))
	_, err := f.keeper.PayPendingEmission(f.ctx, 1, "intelligence")
	require.ErrorContains(t, err, "insufficient funds")
}
