package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// RegisteredColdkey returns the coldkey owning hotkey when hotkey holds a uid on netuid; found is
// false otherwise.
func (k Keeper) RegisteredColdkey(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (coldkey sdk.AccAddress, found bool, err error) {
	has, err := k.NeuronUIDs.Has(ctx, collections.Join(netuid, hotkey))
	if err != nil || !has {
		return nil, false, err
	}
	info, err := k.Hotkeys.Get(ctx, hotkey)
	if err != nil {
		return nil, false, err
	}
	coldkey, err = sdk.AccAddressFromBech32(info.Coldkey)
	if err != nil {
		return nil, false, err
	}
	return coldkey, true, nil
}

// ColdkeyPaidTxsUsed returns how many transactions of hotkey on netuid its coldkey paid in the
// current window, and the last height of that window.
func (k Keeper) ColdkeyPaidTxsUsed(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (used uint64, windowEnd int64, err error) {
	used, _, windowEnd, err = k.coldkeyPaidWindow(ctx, netuid, hotkey)
	return used, windowEnd, err
}

// coldkeyPaidWindow reads the subnet's current coldkey-paid window (its index and last height) and
// how many of hotkey's transactions its coldkey paid in it.
func (k Keeper) coldkeyPaidWindow(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (used uint64, window, windowEnd int64, err error) {
	s, err := k.GetSubnet(ctx, netuid)
	if err != nil {
		return 0, 0, 0, err
	}
	window, windowEnd = types.ColdkeyPaidWindow(height(ctx), s.Hyperparams.Tempo)
	v, err := k.ColdkeyPaidTxs.Get(ctx, collections.Join(netuid, hotkey))
	switch {
	case errors.Is(err, collections.ErrNotFound):
		return 0, window, windowEnd, nil
	case err != nil:
		return 0, 0, 0, err
	case v.K1() != window:
		return 0, window, windowEnd, nil
	}
	return v.K2(), window, windowEnd, nil
}

// UseColdkeyPaidTx checks that the coldkey owning hotkey (registered on netuid) may and can pay fee
// for one transaction of the hotkey, and counts that transaction; the caller then deducts the fee.
// Bounds: fee is rao only and at most types.MaxColdkeyPaidFee, and at most
// types.ColdkeyPaidTxsPerWindow transactions per window of tempo+1 blocks. Each refusal says what
// to do instead.
func (k Keeper) UseColdkeyPaidTx(ctx context.Context, netuid uint16, hotkey sdk.AccAddress, fee sdk.Coins) (sdk.AccAddress, error) {
	coldkey, found, err := k.RegisteredColdkey(ctx, netuid, hotkey)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, types.ErrNeuronNotFound.Wrapf("hotkey %s is not registered on subnet %d, so its coldkey does not pay its fees", hotkey, netuid)
	}
	amount := fee.AmountOf(k.denom)
	if len(fee) != 1 || fee[0].Denom != k.denom || amount.GT(math.NewInt(types.MaxColdkeyPaidFee)) {
		return nil, types.ErrColdkeyPaidFeeTooHigh.Wrapf("fee %s of hotkey %s: its coldkey %s pays fees of at most %d%s; lower the fee (gas price × gas) or fund the hotkey",
			fee, hotkey, coldkey, types.MaxColdkeyPaidFee, k.denom)
	}
	used, window, windowEnd, err := k.coldkeyPaidWindow(ctx, netuid, hotkey)
	if err != nil {
		return nil, err
	}
	if used >= types.ColdkeyPaidTxsPerWindow {
		return nil, types.ErrColdkeyPaidTxLimit.Wrapf("coldkey %s already paid %d transactions of hotkey %s on subnet %d in this window (at most %d per tempo+1 blocks); retry at height %d or fund the hotkey",
			coldkey, used, hotkey, netuid, types.ColdkeyPaidTxsPerWindow, windowEnd+1)
	}
	if have := k.bankKeeper.SpendableCoins(ctx, coldkey).AmountOf(k.denom); have.LT(amount) {
		return nil, types.ErrColdkeyCannotPay.Wrapf("coldkey %s owning hotkey %s has %s%s, fee needs %s%s; fund the coldkey or the hotkey",
			coldkey, hotkey, have, k.denom, amount, k.denom)
	}
	if err := k.ColdkeyPaidTxs.Set(ctx, collections.Join(netuid, hotkey), collections.Join(window, used+1)); err != nil {
		return nil, err
	}
	return coldkey, nil
}

// ensureAccount creates the auth account of addr if it has none, so a freshly registered hotkey
// can sign its own transactions (account number and sequence) before it ever holds TAO.
func (k Keeper) ensureAccount(ctx context.Context, addr sdk.AccAddress) {
	if !k.accountKeeper.HasAccount(ctx, addr) {
		k.accountKeeper.SetAccount(ctx, k.accountKeeper.NewAccountWithAddress(ctx, addr))
	}
}
