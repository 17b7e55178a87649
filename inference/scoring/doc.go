// Package scoring turns what miners answered on a validator's evaluation windows into the u16
// scores of an evaluation (x/intelligence MsgSubmitEvaluation), and defines the EvaluationSink a
// chain client implements to submit it.
//
// # Formula
//
// For a window set W with continuations of c_w characters (Unicode code points), and miner i that
// answered every window with natural-log probabilities lp_{i,w} (finite, ≤ 0):
//
//	L_i = Σ_w lp_{i,w} / Σ_w c_w                       mean log-likelihood per character (nats)
//	s_i = round_half_away(65535 · exp(β · (L_i − L_max)))    L_max = max over successful miners
//
// so the best miner scores 65535 and every other miner the ratio of its per-character geometric-mean
// probability to the best one's, raised to the sharpness β (Config.Sharpness, default 1; larger
// values reward the leader more). A miner that failed any window (timeout, transport error, bad
// signature, malformed or impossible answer) scores 0, as does every miner when nobody succeeded.
// Miners with equal L get equal scores; the ranking breaks ties by ascending UID. Sums run in window
// order, so the same inputs always give the same scores.
//
// Floating point is fine here: this runs off-chain in the validator, and only the resulting
// integers are signed and sent to the chain.
package scoring
