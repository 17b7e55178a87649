// Package keeper implements x/intelligence state: weight rows written by MsgSetWeights,
// MsgSubmitEvaluation and commit-reveal, the stored evaluations kept as equivocation evidence,
// and the subnet epochs that run Yuma consensus (package yuma) in EndBlock and pay each subnet's
// pending emission from x/tao to owners, miners and validators.
package keeper
