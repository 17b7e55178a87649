// Package simulation drives x/intelligence in the SDK simulator: randomized params, and message
// factories through the real msg server for the validators of x/subnet's simulated subnets (their
// hotkeys are simulation accounts): MsgSetWeights, MsgSubmitEvaluation signed by the hotkey for the
// current epoch, and MsgCommitWeights followed by MsgRevealWeights in the reveal epoch on
// commit-reveal subnets. Most messages are built to succeed; a few are built to fail and must fail
// with the expected error. MsgUpdateParams is proposed through x/gov.
package simulation
