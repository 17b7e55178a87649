package types

import errorsmod "cosmossdk.io/errors"

// x/tao registered errors. Codes are assigned once and never reused.
var (
	// ErrInvalidParams is returned when parameters fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 2, "invalid params")
	// ErrInvalidAuthority is returned when a MsgUpdateParams is not signed by the module authority.
	ErrInvalidAuthority = errorsmod.Register(ModuleName, 3, "invalid authority")
	// ErrInvalidNetuid is returned for a netuid outside 0..65535.
	ErrInvalidNetuid = errorsmod.Register(ModuleName, 4, "invalid netuid")
	// ErrInsufficientReleased is returned when a caller tries to send more released emission than
	// it has taken with TakePendingEmission.
	ErrInsufficientReleased = errorsmod.Register(ModuleName, 5, "insufficient released emission")
	// ErrInvalidAmount is returned for a negative or otherwise invalid amount.
	ErrInvalidAmount = errorsmod.Register(ModuleName, 6, "invalid amount")
	// ErrInvalidGenesis is returned when the genesis state is inconsistent.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 7, "invalid genesis")
	// ErrSubnetKeeperNotSet is returned when the keeper is used before a SubnetKeeper was wired.
	ErrSubnetKeeperNotSet = errorsmod.Register(ModuleName, 8, "subnet keeper not set")
)
