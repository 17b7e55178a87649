package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// TestRegistrationCreatesHotkeyAccount: a freshly registered hotkey has an auth account (so it can
// sign) and no coins; registering it again on another subnet keeps that account.
func TestRegistrationCreatesHotkeyAccount(t *testing.T) {
	f := newFixture(t)
	netuid := f.registerSubnet(t, addr("owner"))
	h, coldkey := newHotkey("fresh"), addr("coldkey")
	require.False(t, f.ak.HasAccount(f.ctx, h.addr()))
	f.registerNeuron(t, coldkey, netuid, h)
	acc := f.ak.GetAccount(f.ctx, h.addr())
	require.NotNil(t, acc, "registration must create the hotkey's account")
	require.True(t, f.balance(h.addr()).IsZero())

	f.advance(1)
	second := f.registerSubnet(t, addr("owner2"))
	f.registerNeuron(t, coldkey, second, h)
	require.Equal(t, acc.GetAccountNumber(), f.ak.GetAccount(f.ctx, h.addr()).GetAccountNumber())
}

// TestUseColdkeyPaidTx covers the bounds of coldkey-paid hotkey transactions: registration, fee
// cap and denom, the per-window count and its reset, and a coldkey that cannot pay.
func TestUseColdkeyPaidTx(t *testing.T) {
	f := newFixture(t)
	netuid := f.registerSubnet(t, addr("owner"))
	h, coldkey := newHotkey("paid"), addr("coldkey")
	f.registerNeuron(t, coldkey, netuid, h)
	fee := sdk.NewCoins(sdk.NewInt64Coin(denom, 1000))

	_, err := f.k.UseColdkeyPaidTx(f.ctx, netuid, newHotkey("stranger").addr(), fee)
	require.ErrorIs(t, err, types.ErrNeuronNotFound)

	_, err = f.k.UseColdkeyPaidTx(f.ctx, netuid, h.addr(), fee)
	require.ErrorIs(t, err, types.ErrColdkeyCannotPay)
	require.ErrorContains(t, err, "coldkey "+coldkey.String()+" owning hotkey "+h.addr().String()+" has 0rao, fee needs 1000rao; fund the coldkey or the hotkey")

	f.fund(t, coldkey, 1_000_000_000)
	_, err = f.k.UseColdkeyPaidTx(f.ctx, netuid, h.addr(), sdk.NewCoins(sdk.NewInt64Coin(denom, types.MaxColdkeyPaidFee+1)))
	require.ErrorIs(t, err, types.ErrColdkeyPaidFeeTooHigh)
	_, err = f.k.UseColdkeyPaidTx(f.ctx, netuid, h.addr(), sdk.NewCoins(sdk.NewInt64Coin("other", 1)))
	require.ErrorIs(t, err, types.ErrColdkeyPaidFeeTooHigh)

	s, err := f.k.GetSubnet(f.ctx, netuid)
	require.NoError(t, err)
	tempo := s.Hyperparams.Tempo
	// Start at the first block of a window and use all of it.
	window, last := types.ColdkeyPaidWindow(f.ctx.BlockHeight(), tempo)
	f.setHeight(last + 1)
	for i := uint64(0); i < types.ColdkeyPaidTxsPerWindow; i++ {
		payer, err := f.k.UseColdkeyPaidTx(f.ctx, netuid, h.addr(), fee)
		require.NoError(t, err)
		require.Equal(t, coldkey, payer)
		f.advance(1)
	}
	used, end, err := f.k.ColdkeyPaidTxsUsed(f.ctx, netuid, h.addr())
	require.NoError(t, err)
	require.Equal(t, types.ColdkeyPaidTxsPerWindow, used)
	_, err = f.k.UseColdkeyPaidTx(f.ctx, netuid, h.addr(), fee)
	require.ErrorIs(t, err, types.ErrColdkeyPaidTxLimit)
	require.ErrorContains(t, err, "retry at height")

	// The next window starts with a fresh count.
	f.setHeight(end + 1)
	next, _ := types.ColdkeyPaidWindow(f.ctx.BlockHeight(), tempo)
	require.Equal(t, window+2, next)
	used, _, err = f.k.ColdkeyPaidTxsUsed(f.ctx, netuid, h.addr())
	require.NoError(t, err)
	require.Zero(t, used)
	_, err = f.k.UseColdkeyPaidTx(f.ctx, netuid, h.addr(), fee)
	require.NoError(t, err)
}

func TestColdkeyPaidWindow(t *testing.T) {
	for _, tc := range []struct {
		height, window, last int64
		tempo                uint64
	}{
		{0, 0, 10, 10}, {10, 0, 10, 10}, {11, 1, 21, 10}, {360, 0, 360, 360}, {361, 1, 721, 360}, {5, 5, 5, 0},
	} {
		w, l := types.ColdkeyPaidWindow(tc.height, tc.tempo)
		require.Equal(t, [2]int64{tc.window, tc.last}, [2]int64{w, l}, "height %d tempo %d", tc.height, tc.tempo)
	}
}
