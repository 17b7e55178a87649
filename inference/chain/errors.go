package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
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
func (e *TxError) Is(target error) bool { return hasCode(target, e.Codespace, e.Code) }

// SimulationError is a transaction the chain refused while simulating it for gas: CheckTx would
// refuse it too. Codespace and Code identify the registered error, as in TxError; they come from
// the ABCI answer to the simulation (see Client.simulate), not from its text.
type SimulationError struct {
	// Codespace is the module codespace of the error.
	Codespace string
	// Code is the error code within Codespace.
	Code uint32
	// Log is the chain's error message.
	Log string
}

// Error implements error.
func (e *SimulationError) Error() string {
	return fmt.Sprintf("chain: tx rejected in simulation: %s/%d: %s", e.Codespace, e.Code, e.Log)
}

// Is reports whether e has the codespace and code of target (a registered *errorsmod.Error).
func (e *SimulationError) Is(target error) bool { return hasCode(target, e.Codespace, e.Code) }

// hasCode reports whether target is a registered error with this codespace and code. Two
// registered errors may share a description, never a (codespace, code) pair.
func hasCode(target error, codespace string, code uint32) bool {
	var c interface {
		Codespace() string
		ABCICode() uint32
	}
	return errors.As(target, &c) && c.Codespace() == codespace && c.ABCICode() == code
}

// simulatePath is the ABCI query path of baseapp's simulation. Unlike the tx service's Simulate,
// which flattens a refusal into a gRPC status of code Unknown with the error text only, its answer
// carries the refusal's ABCI codespace and code.
const simulatePath = "/app/simulate"

// simulateWrap is the context baseapp wraps a refused simulation in.
const simulateWrap = "failed to simulate tx: "

// SimulationResult reads baseapp's answer to an /app/simulate query: the gas used, or a
// *SimulationError carrying the refusal's codespace and code.
func SimulationResult(res *cmtservice.ABCIQueryResponse) (gasUsed uint64, err error) {
	if res.Code != 0 {
		return 0, &SimulationError{Codespace: res.Codespace, Code: res.Code, Log: strings.TrimPrefix(res.Log, simulateWrap)}
	}
	// The value is a JSON sdk.SimulationResponse; only its gas is needed, so the message responses
	// (Any values the worker's registry may not know) are not decoded.
	var sim struct {
		GasInfo struct {
			GasUsed json.Number `json:"gas_used"`
		} `json:"gas_info"`
	}
	if err := json.Unmarshal(res.Value, &sim); err != nil {
		return 0, fmt.Errorf("chain: decoding the simulation result: %w", err)
	}
	gas, err := strconv.ParseUint(sim.GasInfo.GasUsed.String(), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("chain: simulation result: gas used %q: %w", sim.GasInfo.GasUsed, err)
	}
	return gas, nil
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
