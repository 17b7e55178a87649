package types

import errorsmod "cosmossdk.io/errors"

// x/intelligence registered errors. Codes are assigned once and never reused.
var (
	// ErrInvalidParams is returned when parameters fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 2, "invalid params")
	// ErrInvalidAuthority is returned when MsgUpdateParams is not signed by the authority.
	ErrInvalidAuthority = errorsmod.Register(ModuleName, 3, "invalid authority")
	// ErrInvalidNetuid is returned for a netuid outside 0..65535 or of an unknown subnet.
	ErrInvalidNetuid = errorsmod.Register(ModuleName, 4, "invalid netuid")
	// ErrNotRegistered is returned when a hotkey has no uid on the subnet.
	ErrNotRegistered = errorsmod.Register(ModuleName, 5, "hotkey not registered on subnet")
	// ErrNoValidatorPermit is returned when a hotkey without a validator permit sets weights.
	ErrNoValidatorPermit = errorsmod.Register(ModuleName, 6, "no validator permit")
	// ErrRateLimited is returned when weights are set again before weights_rate_limit blocks.
	ErrRateLimited = errorsmod.Register(ModuleName, 7, "weights rate limited")
	// ErrInvalidWeights is returned for malformed weight rows (lengths, duplicates, unknown
	// uids, values above u16, too few weights, a weight above max_weight_limit).
	ErrInvalidWeights = errorsmod.Register(ModuleName, 8, "invalid weights")
	// ErrInvalidSignature is returned when an evaluation signature does not verify.
	ErrInvalidSignature = errorsmod.Register(ModuleName, 9, "invalid evaluation signature")
	// ErrWrongChainID is returned for an evaluation signed for another chain.
	ErrWrongChainID = errorsmod.Register(ModuleName, 10, "wrong chain id")
	// ErrWrongEpoch is returned for an evaluation outside the accepted epoch window.
	ErrWrongEpoch = errorsmod.Register(ModuleName, 11, "wrong epoch")
	// ErrStaleNonce is returned for an evaluation nonce not larger than the last accepted one.
	ErrStaleNonce = errorsmod.Register(ModuleName, 12, "stale nonce")
	// ErrDuplicateEvaluation is returned when the hotkey already has an evaluation for the
	// (netuid, epoch).
	ErrDuplicateEvaluation = errorsmod.Register(ModuleName, 13, "evaluation already submitted for this epoch")
	// ErrInvalidEvaluation is returned for malformed evaluations.
	ErrInvalidEvaluation = errorsmod.Register(ModuleName, 14, "invalid evaluation")
	// ErrCommitRevealEnabled is returned for direct weights on a commit-reveal subnet.
	ErrCommitRevealEnabled = errorsmod.Register(ModuleName, 15, "subnet uses commit-reveal")
	// ErrCommitRevealDisabled is returned for commits and reveals on a subnet without commit-reveal.
	ErrCommitRevealDisabled = errorsmod.Register(ModuleName, 16, "subnet does not use commit-reveal")
	// ErrAlreadyCommitted is returned for a second commit of a hotkey in one epoch.
	ErrAlreadyCommitted = errorsmod.Register(ModuleName, 17, "weights already committed in this epoch")
	// ErrNoCommit is returned for a reveal without any pending commit.
	ErrNoCommit = errorsmod.Register(ModuleName, 18, "no pending commit")
	// ErrRevealTooEarly is returned for a reveal before the commit's reveal epoch.
	ErrRevealTooEarly = errorsmod.Register(ModuleName, 19, "reveal too early")
	// ErrRevealTooLate is returned for a reveal after the commit's reveal epoch.
	ErrRevealTooLate = errorsmod.Register(ModuleName, 20, "reveal too late")
	// ErrCommitMismatch is returned when a reveal does not hash to the commit.
	ErrCommitMismatch = errorsmod.Register(ModuleName, 21, "reveal does not match commit")
	// ErrInvalidGenesis is returned when the genesis state is inconsistent.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 22, "invalid genesis")
	// ErrEpoch is returned when a subnet epoch cannot run (inconsistent state).
	ErrEpoch = errorsmod.Register(ModuleName, 23, "epoch failed")
	// ErrNotEquivocation is returned by VerifyEquivocation when two evaluations do not prove an
	// equivocation.
	ErrNotEquivocation = errorsmod.Register(ModuleName, 24, "not an equivocation")
	// ErrJailed is returned when a jailed hotkey sets, submits, commits or reveals weights.
	ErrJailed = errorsmod.Register(ModuleName, 25, "hotkey is jailed on this subnet")
	// ErrNotFederated is returned for a model update commitment on a subnet without federated on.
	ErrNotFederated = errorsmod.Register(ModuleName, 26, "subnet is not federated")
	// ErrInvalidModelUpdate is returned for a model update commitment whose hash is not 32 bytes
	// or whose size is 0.
	ErrInvalidModelUpdate = errorsmod.Register(ModuleName, 27, "invalid model update commitment")
	// ErrModelUpdateTooLarge is returned for a model update larger than max_model_update_bytes.
	ErrModelUpdateTooLarge = errorsmod.Register(ModuleName, 28, "model update too large")
	// ErrModelUpdateCommitted is returned for a second model update commitment of a hotkey in one
	// epoch; the first one stands.
	ErrModelUpdateCommitted = errorsmod.Register(ModuleName, 29, "model update already committed in this epoch")
)
