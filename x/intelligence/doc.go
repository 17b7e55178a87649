// Package intelligence is the x/intelligence module (Proof of Intelligence): validators write
// weight rows (MsgSetWeights, hotkey-signed evaluations with MsgSubmitEvaluation, or commit-reveal),
// and each subnet's epoch runs Yuma consensus in EndBlock and pays the subnet's pending emission.
// See README.md.
package intelligence
