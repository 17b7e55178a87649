// Package chain is the worker's gRPC client for a taochain node: metagraph, hyperparameter,
// epoch-info and nonce queries; account numbers and sequences; transactions built and signed with
// the SDK TxConfig of app.MakeEncodingConfig and keys from a taod keyring; gas estimated by
// Simulate × adjustment; sync broadcast and a bounded wait for inclusion; the sequence tracked
// locally and refetched on ErrWrongSequence; bounded retries on typed errors.
//
// Evaluations (MsgSubmitEvaluation) go through EvaluationSubmitter, which persists the signed
// transaction before broadcasting it (PendingStore, a JSON file in the worker's home). After a
// restart the pending submission is resolved with Resume: if its hash is on chain it is done; if
// not and the fee payer's account sequence has not moved, the very same bytes are broadcast again
// (so it can never be included twice); otherwise it is rebuilt, after checking that the chain does
// not already hold an evaluation for that (netuid, epoch).
package chain
