// Package validator is the validator worker's epoch loop: once per subnet epoch it reads the
// metagraph, draws secret tasks from held-out text (inference/scoring) and puts all of them to
// every miner concurrently with a deadline (inference/dendrite), scores the answers, averages each
// miner's epoch score into its score EMA (ScoreEMA, kept in a file so an epoch is averaged in once
// across restarts) and hands the EMAs as an evaluation to a scoring.EvaluationSink (the chain
// client), or commits and later reveals them on subnets that use commit-reveal. A miner that times
// out, answers garbage or signs wrongly scores 0 for the epoch; nothing a miner does stops the loop.
package validator
