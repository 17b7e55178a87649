package types

import errorsmod "cosmossdk.io/errors"

// Errors of the intelligence offences. They share the "slashing" codespace with the SDK's
// x/slashing errors (codes 2-9) and start at 100 so the two sets cannot collide.
var (
	// ErrInvalidParams is returned for params out of range.
	ErrInvalidParams = errorsmod.Register(ModuleName, 100, "invalid intelligence slashing params")
	// ErrInvalidAuthority is returned when MsgUpdateParams is not sent by the authority.
	ErrInvalidAuthority = errorsmod.Register(ModuleName, 101, "invalid authority")
	// ErrInvalidEvidence is returned when two evaluations do not prove an equivocation.
	ErrInvalidEvidence = errorsmod.Register(ModuleName, 102, "invalid equivocation evidence")
	// ErrUnknownHotkey is returned when the accused hotkey was never registered.
	ErrUnknownHotkey = errorsmod.Register(ModuleName, 103, "unknown hotkey")
	// ErrAlreadyReported is returned when an equivocation was already punished.
	ErrAlreadyReported = errorsmod.Register(ModuleName, 104, "equivocation already reported")
	// ErrInvalidGenesis is returned for an inconsistent genesis state.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 105, "invalid intelligence slashing genesis")
	// ErrWrongChain is returned for evidence signed for another chain.
	ErrWrongChain = errorsmod.Register(ModuleName, 106, "evidence is for another chain")
	// ErrUnknownSubnet is returned for evidence about a subnet that does not exist.
	ErrUnknownSubnet = errorsmod.Register(ModuleName, 107, "unknown subnet")
	// ErrFutureEpoch is returned for evidence about an epoch that has not started.
	ErrFutureEpoch = errorsmod.Register(ModuleName, 108, "evidence epoch has not started")
	// ErrEvidenceTooOld is returned for evidence about an epoch older than the evidence retention.
	ErrEvidenceTooOld = errorsmod.Register(ModuleName, 109, "evidence too old")
	// ErrNoPermitInEpoch is returned for evidence about an epoch in which the hotkey had no
	// accepted evaluation, i.e. did not act as a permitted validator.
	ErrNoPermitInEpoch = errorsmod.Register(ModuleName, 110, "hotkey did not validate in that epoch")
)
