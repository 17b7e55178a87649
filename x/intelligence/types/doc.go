// Package types holds the x/intelligence (Proof of Intelligence) state types, messages, params,
// errors, the interfaces the module needs from x/subnet and x/tao, and the pure helpers shared
// with off-chain workers: Evaluation.SignBytes (what a validator hotkey signs), WeightsCommitHash
// (commit-reveal), VerifyEquivocation (conflicting evaluations) and the epoch schedule
// (EpochIndex, IsEpochBlock, NextEpochHeight).
package types
