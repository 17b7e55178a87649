// Package validator is the validator worker's epoch loop: once per subnet epoch it reads the
// metagraph, draws secret tasks from held-out text (inference/scoring), queries every miner
// concurrently with a deadline (inference/dendrite), scores the answers and hands the evaluation
// to a scoring.EvaluationSink (the chain client), or commits and later reveals it on subnets that
// use commit-reveal. A miner that times out, answers garbage or signs wrongly scores 0; nothing a
// miner does stops the loop.
package validator
