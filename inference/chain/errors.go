package chain

import (
	"errors"
	"fmt"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
)

// TxError is a transaction rejected by the chain, in CheckTx or when executed in a block. Codespace
// and Code identify the registered error (for example "sdk"/32 is ErrWrongSequence).
type TxError struct {
	// Stage is "check" (rejected by CheckTx, not in a block) or "deliver" (in a block, failed).
	Stage string
	// TxHash is the transaction hash (upper-case hex).
	TxHash string
	// Codespace is the module codespace of the error.
	Codespace string
	// Code is the error code within Codespace.
	Code uint32
	// Log is the chain's error message.
	Log string
}

// Error implements error.
func (e *TxError) Error() string {
	return fmt.Sprintf("chain: tx %s failed in %s: %s/%d: %s", e.TxHash, e.Stage, e.Codespace, e.Code, e.Log)
}

// Is reports whether e has the codespace and code of target (a registered *errorsmod.Error).
func (e *TxError) Is(target error) bool {
	type coded interface {
		Codespace() string
		ABCICode() uint32
	}
	var c coded
	if errors.As(target, &c) {
		return c.Codespace() == e.Codespace && c.ABCICode() == e.Code
	}
	return false
}

// retryable reports whether a CheckTx rejection is worth another try, and whether the account
// sequence must be refetched first.
func retryable(err error) (retry, refetch bool) {
	switch {
	case errors.Is(err, sdkerrors.ErrWrongSequence):
		return true, true
	case errors.Is(err, sdkerrors.ErrOutOfGas), errors.Is(err, sdkerrors.ErrMempoolIsFull):
		return true, false
	}
	return false, false
}

// ErrInclusionTimeout is returned when a broadcast transaction was not found in a block in time;
// it may still be included later.
var ErrInclusionTimeout = errors.New("chain: transaction not included in time")
