// Package scoring builds a validator's evaluation tasks from held-out text, turns what miners
// answered into the u16 scores of an evaluation (x/intelligence MsgSubmitEvaluation), and defines
// the EvaluationSink a chain client implements to submit it.
//
// # Why candidates
//
// Asking a miner for log P(continuation | prompt) of a continuation it is shown lets a lying miner
// claim any number (0 = "certain"). Instead each task shows the prompt and K candidate
// continuations: the true one and K−1 decoys of the same length cut from other places of the
// held-out text, shuffled with a secret per-epoch seed. The miner returns log P(candidate | prompt)
// for every candidate without knowing which is true, and the validator scores the log-probability
// of the true continuation renormalised over the candidates (log-softmax). That is the log score of
// a proper scoring rule: a miner maximises its expected score by reporting what its model really
// believes, and a better language model (one that uses the prompt better) scores higher. Claiming
// the same value for every candidate gives exactly log(1/K), chance.
//
// # Formula
//
// For tasks t = 1..T with K_t candidates and true candidate a_t, and miner i answering lp_{i,t,k}
// (finite, ≤ 0):
//
//	q_{i,t} = exp(lp_{i,t,a_t}) / Σ_k exp(lp_{i,t,k})                  belief in the true candidate
//	g_{i,t} = log((1−ε)·q_{i,t} + ε/K_t) − log(1/K_t)                  gain over chance, nats
//	G_i     = Σ_t g_{i,t} / T                                          mean gain per task
//	s_i     = round(65535 · (G_i / G_max)^β)  if G_i > 0, else 0        G_max = max over miners
//
// ε (Config.Floor, default 0.05) mixes in a little of the uniform distribution so that one
// confidently wrong answer costs at most log(ε) instead of −∞; the rule stays proper up to that
// floor. β (Config.Sharpness, default 1) makes the ranking sharper when larger. A miner at or below
// chance scores 0: a constant or random liar earns nothing, and so does a model that ignores the
// prompt (a unigram model cannot tell the true continuation from decoys drawn from the same text).
// A miner that failed any task (timeout, transport error, bad signature, malformed, missing, NaN,
// infinite or positive log-probabilities) scores 0, as does every miner when nobody is above chance.
// Sums run in task order, so the same inputs always give the same scores.
//
// Floating point is fine here: this runs off-chain in the validator, and only the resulting
// integers are signed and sent to the chain.
package scoring
