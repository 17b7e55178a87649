// Package dendrite is the validator-side axon client. It signs each task with the validator hotkey
// (package auth), sends it to a miner's axon, and accepts the answer only if it is a 200 response
// signed by the miner hotkey the metagraph lists for that uid, over this request's nonce, whose
// body is a well-formed protocol.InferResponse with a plausible result.
//
// ScoreAll evaluates many miners concurrently (bounded by Config.MaxConcurrent) on the same
// scoring.Tasks (prompt + shuffled candidates). Each request has its own timeout. A miner's tasks
// are asked in order and the first failure ends that miner's evaluation: any timeout, transport
// error, non-200 status, bad signature or garbage answer (including a null log-probability) is
// recorded in its scoring.Outcome and the miner scores 0. Failures are classified by the Err*
// values so the worker can log and count them.
package dendrite
