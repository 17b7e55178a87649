// Package chain is the worker's gRPC client for a taochain node: metagraph, hyperparameter,
// epoch-info and nonce queries; account numbers and sequences; transactions built and signed with
// the SDK TxConfig of app.MakeEncodingConfig and keys from a taod keyring; gas estimated by the
// app's simulation × adjustment (simulated twice: the second time with the fee the first implies,
// so the fee's deduction and a coldkey's sponsorship are counted); sync broadcast and a bounded wait for inclusion; the sequence
// tracked locally and refetched on ErrWrongSequence; bounded retries on typed errors.
//
// Errors from the chain are typed by their ABCI codespace and code, never by their text: a
// refusal in CheckTx or in a block is a *TxError, one in simulation a *SimulationError, and
// errors.Is matches either against a registered error (sdkerrors.ErrWrongSequence,
// inteltypes.ErrStaleNonce, ...). Simulation goes through the ABCI query /app/simulate (asked over
// gRPC with the CometBFT service's ABCIQuery) because the tx service's Simulate returns a refusal
// as text only.
//
// Evaluations (MsgSubmitEvaluation) go through EvaluationSubmitter, which signs at most one
// evaluation per (netuid, epoch): the signed evaluation is written to a Journal in the worker's
// home (<home>/evaluations/<hotkey>/<netuid>/<epoch>.json, synced) before it is broadcast, and
// every later attempt for that epoch — a retry, a restart, a new transaction — sends exactly that
// evaluation again, so a hotkey never produces two different payloads for one epoch. Its nonce is
// one above both the chain's last nonce for (netuid, hotkey) and every journaled nonce. A stale
// nonce or a duplicate is settled against the evaluation the chain stores: the same one means
// done; anything else means another signer uses the hotkey, which is logged loudly and ends the
// epoch (ErrAnotherSigner), never a re-signed evaluation. SignerLock (flock on a file in the
// journal and one in the machine's temporary directory) keeps a second worker for the same
// hotkey and subnet from starting.
//
// The transaction around an evaluation is persisted before broadcasting it too (PendingStore,
// pending.json in the journal). After a restart the pending submission is resolved with Resume:
// if its hash is on chain it is done; if not and the fee payer's account sequence has not moved,
// the very same bytes are broadcast again (so it can never be included twice); otherwise the
// journaled evaluation goes out in a new transaction.
package chain
