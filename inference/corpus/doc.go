// Package corpus ships the worker's built-in English text corpus (embedded with go:embed) and the
// deterministic machinery validators use to evaluate miners on it: a fixed train/held-out split by
// paragraph and a seeded sampler of held-out windows (prompt, true continuation).
//
// Miners train their models on Train(); validators sample evaluation windows from HeldOut(), so a
// model is judged on text it did not see. The sampler derives every window position from SHA-256 of
// (seed, index), so two validators with the same seed and corpus draw the same windows regardless of
// Go version or platform. See README.md for the licence of the text.
package corpus
