package app

import (
	"bytes"
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// HotkeyFeeSponsor is the part of x/subnet the hotkey fee decorator uses.
type HotkeyFeeSponsor interface {
	RegisteredColdkey(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (sdk.AccAddress, bool, error)
	UseColdkeyPaidTx(ctx context.Context, netuid uint16, hotkey sdk.AccAddress, fee sdk.Coins) (sdk.AccAddress, error)
}

// AccountChecker is the part of x/auth the hotkey fee decorator uses: whether an account exists,
// without decoding it (the SDK's fee decorator decodes it next anyway).
type AccountChecker interface {
	HasAccount(ctx context.Context, addr sdk.AccAddress) bool
}

// SpendableBank is the part of x/bank the hotkey fee decorator uses.
type SpendableBank interface {
	GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) sdk.Coin
}

// HotkeyFeeDecorator replaces the SDK's fee deduction so that a registered hotkey never needs TAO
// for its own operations: when a transaction's fee payer is a hotkey registered on a subnet, no fee
// granter is set, every message is one of the hotkey's own operations on that one subnet
// (MsgServeAxon, MsgSetWeights, MsgCommitWeights, MsgRevealWeights, MsgCommitModelUpdate, or
// MsgSubmitEvaluation that it submits for its own evaluation) and the hotkey cannot pay the fee itself, the coldkey owning
// the hotkey pays it, within the bounds of x/subnet Keeper.UseColdkeyPaidTx. Every other
// transaction (funded hotkeys included) goes through the SDK's DeductFeeDecorator unchanged.
type HotkeyFeeDecorator struct {
	deduct  ante.DeductFeeDecorator
	ak      AccountChecker
	bank    SpendableBank
	sponsor HotkeyFeeSponsor
}

// NewHotkeyFeeDecorator wraps deduct, the SDK fee decorator it replaces.
func NewHotkeyFeeDecorator(deduct ante.DeductFeeDecorator, ak AccountChecker, bank SpendableBank, sponsor HotkeyFeeSponsor) HotkeyFeeDecorator {
	return HotkeyFeeDecorator{deduct: deduct, ak: ak, bank: bank, sponsor: sponsor}
}

// AnteHandle implements sdk.AnteDecorator.
func (d HotkeyFeeDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	feeTx, ok := tx.(sdk.FeeTx)
	if !ok || len(feeTx.FeeGranter()) > 0 || feeTx.GetFee().IsZero() {
		return d.deduct.AnteHandle(ctx, tx, simulate, next)
	}
	hotkey := sdk.AccAddress(feeTx.FeePayer())
	netuid, ok := hotkeyOperation(feeTx.GetMsgs(), hotkey)
	if !ok {
		return d.deduct.AnteHandle(ctx, tx, simulate, next)
	}
	// A hotkey that can pay pays, registered or not: asking first spares the funded hotkey's
	// transactions the registration read.
	if d.canPay(ctx, hotkey, feeTx.GetFee()) {
		return d.deduct.AnteHandle(ctx, tx, simulate, next)
	}
	if _, registered, err := d.sponsor.RegisteredColdkey(ctx, netuid, hotkey); err != nil {
		return ctx, err
	} else if !registered {
		return d.deduct.AnteHandle(ctx, tx, simulate, next)
	}
	coldkey, err := d.sponsor.UseColdkeyPaidTx(ctx, netuid, hotkey, feeTx.GetFee())
	if err != nil {
		return ctx, err
	}
	// The SDK decorator checks the fee against the node's minimum gas prices, sets the priority,
	// deducts from the fee payer and emits the fee event; it sees the coldkey as that payer. The
	// rest of the chain sees the original transaction.
	return d.deduct.AnteHandle(ctx, coldkeyPaysTx{FeeTx: feeTx, payer: coldkey}, simulate,
		func(ctx sdk.Context, _ sdk.Tx, simulate bool) (sdk.Context, error) { return next(ctx, tx, simulate) })
}

// canPay reports whether the account addr exists and holds fee, with one balance read per fee
// denom rather than x/bank's SpendableCoins, which iterates every balance the account holds (on
// every evaluation and weights transaction, in CheckTx and in the block). The two agree because
// only vesting accounts have locked coins and taochain registers no vesting account type
// (TestNoVestingAccounts keeps it so).
func (d HotkeyFeeDecorator) canPay(ctx sdk.Context, addr sdk.AccAddress, fee sdk.Coins) bool {
	if !d.ak.HasAccount(ctx, addr) {
		return false
	}
	for _, c := range fee {
		if d.bank.GetBalance(ctx, addr, c.Denom).Amount.LT(c.Amount) {
			return false
		}
	}
	return true
}

// coldkeyPaysTx is a transaction whose fee payer is replaced by the coldkey.
type coldkeyPaysTx struct {
	sdk.FeeTx
	payer sdk.AccAddress
}

// FeePayer returns the coldkey.
func (t coldkeyPaysTx) FeePayer() []byte { return t.payer }

// hotkeyOperation returns the netuid when every message of msgs is an operation of hotkey itself
// on one subnet, signed by it: serving its axon, writing its own weights, or committing its own
// model update.
func hotkeyOperation(msgs []sdk.Msg, hotkey sdk.AccAddress) (uint16, bool) {
	if len(msgs) == 0 || len(hotkey) == 0 {
		return 0, false
	}
	var netuid uint32
	for i, msg := range msgs {
		var signer string
		var n uint32
		switch m := msg.(type) {
		case *subnettypes.MsgServeAxon:
			signer, n = m.Hotkey, m.Netuid
		case *intelligencetypes.MsgSetWeights:
			signer, n = m.Hotkey, m.Netuid
		case *intelligencetypes.MsgCommitWeights:
			signer, n = m.Hotkey, m.Netuid
		case *intelligencetypes.MsgRevealWeights:
			signer, n = m.Hotkey, m.Netuid
		case *intelligencetypes.MsgCommitModelUpdate:
			signer, n = m.Hotkey, m.Netuid
		case *intelligencetypes.MsgSubmitEvaluation:
			if m.Submitter != m.Evaluation.ValidatorHotkey {
				return 0, false // a relayer submitting someone's evaluation pays for itself
			}
			signer, n = m.Submitter, m.Evaluation.Netuid
		default:
			return 0, false
		}
		addr, err := sdk.AccAddressFromBech32(signer)
		if err != nil || !bytes.Equal(addr, hotkey) || n > uint32(subnettypes.MaxNetuid) {
			return 0, false
		}
		if i > 0 && n != netuid {
			return 0, false
		}
		netuid = n
	}
	return uint16(netuid), true
}
