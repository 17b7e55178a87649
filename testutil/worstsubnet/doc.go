// Package worstsubnet holds BenchmarkWorstSubnetEpoch: the most expensive subnet an owner can
// configure within x/subnet's hard limits, built through the real app's messages, and the time
// the block that runs its epoch takes against the 100 ms per-block target (issue 12).
package worstsubnet
