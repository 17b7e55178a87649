// Package busychain holds BenchmarkBusyChain: the real app in-process with 64 subnets of 256 uids,
// 64 validators on each setting a full weight row every tempo, epochs staggered by netuid as the
// chain schedules them, run for over 1,000 blocks; it reports EndBlock and whole-block times
// (p50, p99, max) and the process's memory against issue 18's targets. The app stores its state
// as a node does with the default app.toml (goleveldb on disk, default pruning, IAVL cache and
// inter-block cache), so reads cost what they cost on a node and memory is the app's own.
package busychain
