package chain

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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

// SimulationError is a transaction the chain refused while simulating it for gas: CheckTx would
// refuse it too. The simulate endpoint answers with the error text only (gRPC code Unknown), so a
// registered error is recognised by its description, which the SDK's wrapping always puts last.
type SimulationError struct {
	// Log is the chain's error message.
	Log string
}

// Error implements error.
func (e *SimulationError) Error() string { return "chain: tx rejected in simulation: " + e.Log }

// Is reports whether the chain's message ends with the description of target (a registered
// *errorsmod.Error).
func (e *SimulationError) Is(target error) bool {
	var reg *errorsmod.Error
	if !errors.As(target, &reg) {
		return false
	}
	desc := reg.Error()
	return e.Log == desc || strings.HasSuffix(e.Log, ": "+desc)
}

// simulateSuffix is what the SDK appends to the error of a tx refused in simulation: the gas used
// and, for errors from the ante handler, the source location in brackets.
var simulateSuffix = regexp.MustCompile(`( \[[^\]]*\])?( with gas used: '\d+')?$`)

// simulationError turns a Simulate failure into a *SimulationError when the chain refused the tx
// (gRPC code Unknown), and returns other failures (transport, deadline) unchanged.
func simulationError(err error) error {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.Unknown {
		return err
	}
	return &SimulationError{Log: simulateSuffix.ReplaceAllString(st.Message(), "")}
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
