package app

import (
	"errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	ibcante "github.com/cosmos/ibc-go/v10/modules/core/ante"
	ibckeeper "github.com/cosmos/ibc-go/v10/modules/core/keeper"
)

// HandlerOptions are the dependencies of taochain's ante handler.
type HandlerOptions struct {
	ante.HandlerOptions
	IBCKeeper *ibckeeper.Keeper
	// HotkeyFeeSponsor (x/subnet) lets a coldkey pay the fees of its registered hotkey's own
	// operations; see HotkeyFeeDecorator.
	HotkeyFeeSponsor HotkeyFeeSponsor
}

// NewAnteHandler returns the SDK's standard ante chain (fees, signatures, sequences) followed by
// IBC's redundant-relay filter, which refunds relayers nothing for packets already relayed. The
// SDK's fee deduction is wrapped by HotkeyFeeDecorator: a registered hotkey's own operations may be
// paid by its coldkey.
func NewAnteHandler(opts HandlerOptions) (sdk.AnteHandler, error) {
	switch {
	case opts.AccountKeeper == nil:
		return nil, errors.New("ante handler: account keeper is required")
	case opts.BankKeeper == nil:
		return nil, errors.New("ante handler: bank keeper is required")
	case opts.SignModeHandler == nil:
		return nil, errors.New("ante handler: sign mode handler is required")
	case opts.IBCKeeper == nil:
		return nil, errors.New("ante handler: IBC keeper is required")
	case opts.HotkeyFeeSponsor == nil:
		return nil, errors.New("ante handler: hotkey fee sponsor (x/subnet keeper) is required")
	}
	spendable, ok := opts.BankKeeper.(SpendableBank)
	if !ok {
		return nil, errors.New("ante handler: bank keeper must report spendable coins")
	}
	accounts, ok := opts.AccountKeeper.(AccountChecker)
	if !ok {
		return nil, errors.New("ante handler: account keeper must report whether an account exists (HasAccount)")
	}
	decorators := []sdk.AnteDecorator{
		ante.NewSetUpContextDecorator(),
		ante.NewExtensionOptionsDecorator(opts.ExtensionOptionChecker),
		ante.NewValidateBasicDecorator(),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(opts.AccountKeeper),
		ante.NewConsumeGasForTxSizeDecorator(opts.AccountKeeper),
		NewHotkeyFeeDecorator(
			ante.NewDeductFeeDecorator(opts.AccountKeeper, opts.BankKeeper, opts.FeegrantKeeper, opts.TxFeeChecker),
			accounts, spendable, opts.HotkeyFeeSponsor),
		ante.NewSetPubKeyDecorator(opts.AccountKeeper),
		ante.NewValidateSigCountDecorator(opts.AccountKeeper),
		ante.NewSigGasConsumeDecorator(opts.AccountKeeper, opts.SigGasConsumer),
		ante.NewSigVerificationDecorator(opts.AccountKeeper, opts.SignModeHandler),
		ante.NewIncrementSequenceDecorator(opts.AccountKeeper),
		ibcante.NewRedundantRelayDecorator(opts.IBCKeeper),
	}
	return sdk.ChainAnteDecorators(decorators...), nil
}
