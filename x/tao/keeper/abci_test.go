package keeper_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/taochain/taochain/x/tao/types"
)

func lastEmissionEvent(t *testing.T, ctx sdk.Context) *types.EventEmission {
	t.Helper()
	var found *types.EventEmission
	for _, ev := range ctx.EventManager().Events() {
		if ev.Type != "taochain.tao.v1.EventEmission" {
			continue
		}
		msg, err := sdk.ParseTypedEvent(abciEvent(ev))
		require.NoError(t, err)
		found = msg.(*types.EventEmission)
	}
	return found
}

func TestBeginBlockSplitsByStakeWithRemainder(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 3)
	f.subnets.set(2, 3)
	f.subnets.set(3, 0) // no stake: nothing
	f.subnets.set(4, 1)
	f.beginBlock(t)

	// 0.5 TAO: 10% security, 450_000_000 to subnets by stake 3:3:1.
	// floor shares 192857142, 192857142, 64285714 (sum 449999998); the remainder 2 goes to the
	// largest stake, tie between netuid 1 and 2 -> lowest netuid 1.
	requireIntEq(t, 50_000_000, f.bank.moduleBalance(authtypes.FeeCollectorName), "fee collector")
	requireIntEq(t, 192_857_144, f.pending(t, 1), "subnet 1")
	requireIntEq(t, 192_857_142, f.pending(t, 2), "subnet 2")
	requireIntEq(t, 0, f.pending(t, 3), "subnet 3")
	requireIntEq(t, 64_285_714, f.pending(t, 4), "subnet 4")
	requireIntEq(t, 450_000_000, f.bank.moduleBalance(types.ModuleName), "module account")
	requireIntEq(t, 500_000_000, f.bank.GetSupply(f.ctx, denom).Amount, "supply")
	_, err := f.keeper.PendingEmissions.Get(f.ctx, 3)
	require.Error(t, err, "a subnet without stake gets no entry")

	tot := f.totals(t)
	requireIntEq(t, 500_000_000, tot.Minted, "minted")
	requireIntEq(t, 50_000_000, tot.Security, "security")
	requireIntEq(t, 450_000_000, tot.Pending, "pending")

	ev := lastEmissionEvent(t, f.ctx)
	require.NotNil(t, ev)
	require.Equal(t, int64(100), ev.Height)
	requireIntEq(t, 500_000_000, ev.Minted, "event minted")
	requireIntEq(t, 50_000_000, ev.Security, "event security")
	requireIntEq(t, 0, ev.Unminted, "event unminted")
	requireIntEq(t, 500_000_000, ev.Issuance, "event issuance")
	require.Len(t, ev.Subnets, 3)
	require.Equal(t, []uint32{1, 2, 4}, []uint32{ev.Subnets[0].Netuid, ev.Subnets[1].Netuid, ev.Subnets[2].Netuid})

	// A second block accrues on top.
	f.beginBlock(t)
	requireIntEq(t, 2*192_857_144, f.pending(t, 1), "subnet 1 after two blocks")
	requireIntEq(t, 1_000_000_000, f.totals(t).Minted, "minted after two blocks")
}

func TestBeginBlockNoStakeMintsOnlySecurity(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 0)
	f.beginBlock(t)

	requireIntEq(t, 50_000_000, f.bank.GetSupply(f.ctx, denom).Amount, "only the security share is minted")
	requireIntEq(t, 50_000_000, f.bank.moduleBalance(authtypes.FeeCollectorName), "fee collector")
	requireIntEq(t, 0, f.bank.moduleBalance(types.ModuleName), "module account")
	tot := f.totals(t)
	requireIntEq(t, 50_000_000, tot.Minted, "minted")
	requireIntEq(t, 0, tot.Pending, "pending")
	ev := lastEmissionEvent(t, f.ctx)
	require.NotNil(t, ev)
	requireIntEq(t, 450_000_000, ev.Unminted, "unminted")
	require.Empty(t, ev.Subnets)
}

func TestBeginBlockNeverPassesCapNearGenesisSupply(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(7, 5)
	// A base emission large relative to the cap, so the halved emission (1000 >> 3 = 125) exceeds
	// the 123 rao left under the cap.
	p := types.DefaultParams()
	p.MaxSupply = math.NewInt(1000)
	p.BaseBlockEmission = math.NewInt(1000)
	require.NoError(t, f.keeper.Params.Set(f.ctx, p))
	f.bank.setSupply(denom, math.NewInt(877))
	f.beginBlock(t)

	// Only the 123 rao left under the cap are minted: 12 security (floor 12.3), 111 to subnet 7.
	requireIntEq(t, 1000, f.bank.GetSupply(f.ctx, denom).Amount, "supply")
	requireIntEq(t, 12, f.bank.moduleBalance(authtypes.FeeCollectorName), "fee collector")
	requireIntEq(t, 111, f.pending(t, 7), "subnet 7")
	requireIntEq(t, 123, f.totals(t).Minted, "minted")

	// At the cap nothing more is minted and no event is emitted.
	f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())
	for i := 0; i < 3; i++ {
		f.beginBlock(t)
	}
	requireIntEq(t, 1000, f.bank.GetSupply(f.ctx, denom).Amount, "supply after cap")
	requireIntEq(t, 123, f.totals(t).Minted, "minted after cap")
	require.Nil(t, lastEmissionEvent(t, f.ctx))
}

func TestBeginBlockDefaultParamsNearCap(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	// With default params the curve has halved the 0.5 TAO emission to zero long before the last
	// rao: 123 rao below the cap, k = 47 and 500000000 >> 47 = 0.
	f.bank.setSupply(denom, types.DefaultMaxSupply.SubRaw(123))
	for i := 0; i < 5; i++ {
		f.beginBlock(t)
	}
	require.True(t, f.bank.GetSupply(f.ctx, denom).Amount.Equal(types.DefaultMaxSupply.SubRaw(123)))
	require.True(t, f.totals(t).Minted.IsZero())

	// Far enough below the cap for a non-zero emission, it never exceeds the room left.
	f.bank.setSupply(denom, types.DefaultMaxSupply.Sub(types.DefaultBaseBlockEmission.MulRaw(3)))
	for i := 0; i < 200; i++ {
		f.beginBlock(t)
		require.True(t, f.bank.GetSupply(f.ctx, denom).Amount.LTE(types.DefaultMaxSupply))
	}
	require.True(t, f.totals(t).Minted.IsPositive())
}

func TestBeginBlockHalving(t *testing.T) {
	tests := []struct {
		name     string
		supply   math.Int
		wantMint int64
		wantK    uint32
	}{
		{"before first halving", types.DefaultMaxSupply.QuoRaw(2).SubRaw(1), 500_000_000, 0},
		{"at 10.5M", types.DefaultMaxSupply.QuoRaw(2), 250_000_000, 1},
		{"at 15.75M", types.DefaultMaxSupply.Sub(types.DefaultMaxSupply.QuoRaw(4)), 125_000_000, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.subnets.set(1, 1)
			f.bank.setSupply(denom, tc.supply)
			f.beginBlock(t)
			requireIntEq(t, tc.wantMint, f.totals(t).Minted, "minted")
			require.True(t, f.bank.GetSupply(f.ctx, denom).Amount.Equal(tc.supply.AddRaw(tc.wantMint)))
			ev := lastEmissionEvent(t, f.ctx)
			require.Equal(t, tc.wantK, ev.Halvings)
		})
	}
}

func TestBeginBlockFailureIsSkippedWithoutStateChange(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	f.bank.failMint = errors.New("mint disabled")
	require.NoError(t, f.keeper.BeginBlocker(f.ctx), "a failed emission must not halt the chain")
	require.True(t, f.bank.GetSupply(f.ctx, denom).Amount.IsZero())
	require.True(t, f.totals(t).Minted.IsZero())
	require.True(t, f.pending(t, 1).IsZero())

	f.bank.failMint = nil
	f.subnets.err = errors.New("subnet store unavailable")
	require.NoError(t, f.keeper.BeginBlocker(f.ctx))
	require.True(t, f.totals(t).Minted.IsZero())
	require.NoError(t, f.keeper.CheckInvariants(f.ctx))
}

func TestBeginBlockZeroBaseEmissionMintsNothing(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	p := types.DefaultParams()
	p.BaseBlockEmission = math.ZeroInt()
	require.NoError(t, f.keeper.Params.Set(f.ctx, p))
	f.beginBlock(t)
	require.True(t, f.bank.GetSupply(f.ctx, denom).Amount.IsZero())
	require.Nil(t, lastEmissionEvent(t, f.ctx))
}

func TestCheckInvariantsDetectsBrokenAccounting(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	f.beginBlock(t)
	require.NoError(t, f.keeper.CheckInvariants(f.ctx))

	// A pending entry that the totals do not account for.
	require.NoError(t, f.keeper.PendingEmissions.Set(f.ctx, 9, math.NewInt(5)))
	require.ErrorContains(t, f.keeper.CheckInvariants(f.ctx), "totals.pending")
	require.NoError(t, f.keeper.PendingEmissions.Remove(f.ctx, 9))

	// Coins leaving the module account behind the keeper's back.
	require.NoError(t, f.bank.SendCoinsFromModuleToModule(f.ctx, types.ModuleName, "thief",
		sdk.NewCoins(sdk.NewCoin(denom, math.NewInt(1)))))
	require.ErrorContains(t, f.keeper.CheckInvariants(f.ctx), "module account holds")
}
