package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/subnet/types"
)

// TestWalletQuery drives the msg server (registration, stake, unstake) and checks the wallet
// overview of the coldkey against the state those messages left.
func TestWalletQuery(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	cold := addr("owner-cold") // owns hotkeys a (netuid n1) and b (netuid n2)
	f.addStake(t, cold, e.a.addr(), e.n1, 4*tao)
	f.addStake(t, cold, e.b.addr(), e.n2, 2*tao)
	_, err := f.msg.RemoveStake(f.ctx, &types.MsgRemoveStake{Coldkey: cold.String(), Hotkey: e.a.addr().String(), Netuid: uint32(e.n1), Amount: math.NewInt(tao)})
	require.NoError(t, err)
	f.fund(t, cold, 7)

	w, err := f.q.Wallet(f.ctx, &types.QueryWalletRequest{Coldkey: cold.String()})
	require.NoError(t, err)
	require.Equal(t, cold.String(), w.Coldkey)
	requireInt(t, f.balance(cold), w.Balance.Amount)
	requireInt(t, math.NewInt(7), w.Balance.Amount, "everything but the extra 7 rao was staked or burnt")
	require.Equal(t, denom, w.Balance.Denom)
	requireInt(t, w.Balance.Amount, w.Spendable.AmountOf(denom))

	require.Len(t, w.Stakes, 2)
	requireInt(t, f.stakeValue(t, cold, e.a.addr(), e.n1), math.NewInt(3*tao))
	requireInt(t, math.NewInt(5*tao), w.TotalStake)
	byHotkey := map[string]types.Stake{}
	for _, s := range w.Stakes {
		byHotkey[s.Hotkey] = s
	}
	requireInt(t, math.NewInt(3*tao), byHotkey[e.a.addr().String()].Amount)
	require.Equal(t, uint32(e.n2), byHotkey[e.b.addr().String()].Netuid)

	require.Len(t, w.Unbonding, 1)
	requireInt(t, math.NewInt(tao), w.Unbonding[0].Amount)
	requireInt(t, math.NewInt(tao), w.TotalUnbonding)
	require.Equal(t, e.a.addr().String(), w.Unbonding[0].Hotkey)

	owned := []string{}
	for _, h := range w.OwnedHotkeys {
		require.Equal(t, cold.String(), h.Coldkey)
		owned = append(owned, h.Hotkey)
	}
	require.ElementsMatch(t, []string{e.a.addr().String(), e.b.addr().String()}, owned)
	require.False(t, w.StakesTruncated || w.UnbondingTruncated || w.OwnedHotkeysTruncated)

	// A limit cuts each list and says so.
	w1, err := f.q.Wallet(f.ctx, &types.QueryWalletRequest{Coldkey: cold.String(), Limit: 1})
	require.NoError(t, err)
	require.Len(t, w1.Stakes, 1)
	require.True(t, w1.StakesTruncated)
	require.Len(t, w1.OwnedHotkeys, 1)
	require.True(t, w1.OwnedHotkeysTruncated)
	require.False(t, w1.UnbondingTruncated)

	// A coldkey with nothing gets empty lists and zero totals, not an error.
	empty, err := f.q.Wallet(f.ctx, &types.QueryWalletRequest{Coldkey: addr("nobody").String()})
	require.NoError(t, err)
	require.Empty(t, empty.Stakes)
	require.Empty(t, empty.OwnedHotkeys)
	requireInt(t, math.ZeroInt(), empty.TotalStake)

	_, err = f.q.Wallet(f.ctx, &types.QueryWalletRequest{Coldkey: "bad"})
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = f.q.Wallet(f.ctx, &types.QueryWalletRequest{Coldkey: cold.String(), Limit: 1001})
	require.Equal(t, codes.InvalidArgument, status.Code(err))
}
