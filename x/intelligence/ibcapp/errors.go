package ibcapp

import errorsmod "cosmossdk.io/errors"

// Codespace is the error codespace of the intelligence IBC application.
const Codespace = "intelligence-ibc"

// Registered errors of the intelligence IBC application. Codes are never renumbered: the code ends
// up in error acknowledgements, which are committed to state.
var (
	ErrInvalidPacket          = errorsmod.Register(Codespace, 2, "invalid intelligence query packet")
	ErrUnknownSubnet          = errorsmod.Register(Codespace, 3, "unknown subnet")
	ErrInvalidK               = errorsmod.Register(Codespace, 4, "invalid k")
	ErrInvalidChannelOrdering = errorsmod.Register(Codespace, 5, "invalid channel ordering")
	ErrInvalidPort            = errorsmod.Register(Codespace, 6, "invalid port")
	ErrInvalidVersion         = errorsmod.Register(Codespace, 7, "invalid channel version")
	ErrChannelCloseRejected   = errorsmod.Register(Codespace, 8, "channel close rejected")
	ErrInvalidAcknowledgement = errorsmod.Register(Codespace, 9, "invalid intelligence acknowledgement")
	ErrQueryFailed            = errorsmod.Register(Codespace, 10, "query failed")
)
