package chain

import (
	"context"
	"fmt"

	sdkmath "cosmossdk.io/math"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// HotkeyFeeReserve is the balance, in rao, CheckHotkeyFees wants the paying account to hold: room
// for a few dozen hotkey transactions at the default gas price of 0.001rao.
const HotkeyFeeReserve = 10_000

// CheckHotkeyFees tells a worker at startup whether hotkey's own transactions on netuid (serving
// its axon, weights, commits, reveals, its own evaluations) can pay their fees. A hotkey registered
// on netuid needs no TAO: its coldkey pays its fees (bounded per epoch by the chain), so either the
// hotkey or its coldkey must hold HotkeyFeeReserve rao. An unregistered hotkey pays for itself. It
// returns nil, or an error that names the accounts, their balances and the exact fix.
func CheckHotkeyFees(ctx context.Context, conn grpc.ClientConnInterface, hotkey string, netuid uint16) error {
	reserve := sdkmath.NewInt(HotkeyFeeReserve)
	balance := func(addr string) (sdkmath.Int, error) {
		res, err := banktypes.NewQueryClient(conn).Balance(ctx, &banktypes.QueryBalanceRequest{Address: addr, Denom: app.BaseDenom})
		if err != nil {
			return sdkmath.Int{}, fmt.Errorf("chain: balance of %s: %w", addr, err)
		}
		if res.Balance == nil {
			return sdkmath.ZeroInt(), nil
		}
		return res.Balance.Amount, nil
	}
	hasAccount := true
	if _, err := authtypes.NewQueryClient(conn).Account(ctx, &authtypes.QueryAccountRequest{Address: hotkey}); status.Code(err) == codes.NotFound {
		hasAccount = false
	} else if err != nil {
		return fmt.Errorf("chain: account of hotkey %s: %w", hotkey, err)
	}
	hotBalance, err := balance(hotkey)
	if err != nil {
		return err
	}

	sq := subnettypes.NewQueryClient(conn)
	_, err = sq.NeuronByHotkey(ctx, &subnettypes.QueryNeuronByHotkeyRequest{Netuid: uint32(netuid), Hotkey: hotkey})
	if status.Code(err) == codes.NotFound {
		if hotBalance.GTE(reserve) {
			return nil
		}
		return fmt.Errorf("chain: hotkey %s is not registered on subnet %d, so it pays its own fees and holds %s%s (at least %d%s needed): register it with `taod tx subnet register-neuron %d <hotkey-pubkey-hex> <proof-hex> <max-burn> --from <coldkey>` (its coldkey then pays its fees), or fund it with `taod tx bank send <funded-key> %s %d%s`",
			hotkey, netuid, hotBalance, app.BaseDenom, HotkeyFeeReserve, app.BaseDenom, netuid, hotkey, 100*HotkeyFeeReserve, app.BaseDenom)
	}
	if err != nil {
		return fmt.Errorf("chain: neuron of hotkey %s on subnet %d: %w", hotkey, netuid, err)
	}
	info, err := sq.Hotkey(ctx, &subnettypes.QueryHotkeyRequest{Hotkey: hotkey})
	if err != nil {
		return fmt.Errorf("chain: owner of hotkey %s: %w", hotkey, err)
	}
	coldkey := info.Hotkey.Coldkey
	if !hasAccount {
		// Registered before registration created hotkey accounts: without an account the hotkey
		// cannot sign at all, whoever pays.
		return fmt.Errorf("chain: hotkey %s is registered on subnet %d but has no account on chain, so it cannot sign: send it any amount once, e.g. `taod tx bank send %s %s 1%s --from <coldkey>`",
			hotkey, netuid, coldkey, hotkey, app.BaseDenom)
	}
	if hotBalance.GTE(reserve) {
		return nil
	}
	coldBalance, err := balance(coldkey)
	if err != nil {
		return err
	}
	if coldBalance.GTE(reserve) {
		return nil
	}
	return fmt.Errorf("chain: coldkey %s owning hotkey %s has %s%s and the hotkey %s%s; its fees on subnet %d need at least %d%s in one of them: fund the coldkey with `taod tx bank send <funded-key> %s %d%s` (or the hotkey)",
		coldkey, hotkey, coldBalance, app.BaseDenom, hotBalance, app.BaseDenom, netuid, HotkeyFeeReserve, app.BaseDenom, coldkey, 100*HotkeyFeeReserve, app.BaseDenom)
}

// CheckKeyFees is CheckHotkeyFees for the local key named key (a hotkey, or an account that
// submits evaluations for one), over the client's connection.
func (c *Client) CheckKeyFees(ctx context.Context, key string, netuid uint16) error {
	addr, err := c.KeyAddress(key)
	if err != nil {
		return err
	}
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	return CheckHotkeyFees(ctx, c.conn, addr, netuid)
}
