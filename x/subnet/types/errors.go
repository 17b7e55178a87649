package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of x/subnet. Codes are never renumbered.
var (
	ErrInvalidAuthority     = errorsmod.Register(ModuleName, 2, "invalid authority")
	ErrInvalidParams        = errorsmod.Register(ModuleName, 3, "invalid params")
	ErrInvalidAddress       = errorsmod.Register(ModuleName, 4, "invalid address")
	ErrSubnetNotFound       = errorsmod.Register(ModuleName, 5, "subnet not found")
	ErrNotSubnetOwner       = errorsmod.Register(ModuleName, 6, "not the subnet owner")
	ErrLockAboveLimit       = errorsmod.Register(ModuleName, 7, "subnet lock cost above the accepted maximum")
	ErrInsufficientFunds    = errorsmod.Register(ModuleName, 8, "insufficient funds")
	ErrSubnetLimitReached   = errorsmod.Register(ModuleName, 9, "subnet limit reached and every subnet is immune")
	ErrInvalidName          = errorsmod.Register(ModuleName, 10, "invalid subnet name")
	ErrInvalidHyperparams   = errorsmod.Register(ModuleName, 11, "invalid hyperparameters")
	ErrRateLimited          = errorsmod.Register(ModuleName, 12, "rate limited")
	ErrInvalidPubKey        = errorsmod.Register(ModuleName, 13, "invalid hotkey public key")
	ErrInvalidProof         = errorsmod.Register(ModuleName, 14, "invalid hotkey proof of possession")
	ErrPriceAboveLimit      = errorsmod.Register(ModuleName, 15, "registration price above the accepted maximum")
	ErrSubnetFull           = errorsmod.Register(ModuleName, 16, "subnet full and every neuron is immune")
	ErrHotkeyRegistered     = errorsmod.Register(ModuleName, 17, "hotkey already registered on subnet")
	ErrHotkeyOwnedByOther   = errorsmod.Register(ModuleName, 18, "hotkey owned by another coldkey")
	ErrNeuronNotFound       = errorsmod.Register(ModuleName, 19, "neuron not found")
	ErrInvalidAxon          = errorsmod.Register(ModuleName, 20, "invalid axon")
	ErrInvalidAmount        = errorsmod.Register(ModuleName, 21, "invalid amount")
	ErrStakeBelowMinimum    = errorsmod.Register(ModuleName, 22, "stake below minimum")
	ErrInsufficientStake    = errorsmod.Register(ModuleName, 23, "insufficient stake")
	ErrTooManyUnbonding     = errorsmod.Register(ModuleName, 24, "too many unbonding entries")
	ErrHotkeyNotFound       = errorsmod.Register(ModuleName, 25, "hotkey not found")
	ErrNotHotkeyOwner       = errorsmod.Register(ModuleName, 26, "not the hotkey owner")
	ErrTakeTooHigh          = errorsmod.Register(ModuleName, 27, "take above maximum")
	ErrInvalidFraction      = errorsmod.Register(ModuleName, 28, "invalid slash fraction")
	ErrInvariantBroken      = errorsmod.Register(ModuleName, 29, "module balance invariant broken")
	ErrInvalidGenesis       = errorsmod.Register(ModuleName, 30, "invalid genesis")
	ErrSameStakeDestination = errorsmod.Register(ModuleName, 31, "stake source and destination are the same")
	ErrSubnetDissolving     = errorsmod.Register(ModuleName, 32, "subnet is dissolving")
	ErrNoFreeNetuid         = errorsmod.Register(ModuleName, 33, "no free netuid")
	ErrMaxUIDsBelowNeurons  = errorsmod.Register(ModuleName, 34, "max_uids below the number of registered neurons")
	ErrTooManyRegistrations = errorsmod.Register(ModuleName, 35, "too many registrations on the subnet in this block")
	// ErrColdkeyPaidTxLimit: the hotkey used up its coldkey-paid transactions of this window.
	ErrColdkeyPaidTxLimit = errorsmod.Register(ModuleName, 36, "coldkey-paid transaction limit of the hotkey reached")
	// ErrColdkeyPaidFeeTooHigh: a coldkey pays only small fees of rao for its hotkey.
	ErrColdkeyPaidFeeTooHigh = errorsmod.Register(ModuleName, 37, "fee too high for the coldkey to pay")
	// ErrColdkeyCannotPay: neither the hotkey nor its coldkey can pay the fee.
	ErrColdkeyCannotPay = errorsmod.Register(ModuleName, 38, "neither the hotkey nor its coldkey can pay the fee")
)
