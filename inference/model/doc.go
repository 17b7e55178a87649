// Package model holds the language models a taochain miner can serve and the Model interface the
// axon serves them through.
//
// Two implementations ship with the worker:
//
//   - NGram: a character n-gram model trained from text, smoothed with interpolated Kneser-Ney so
//     that every next-character distribution is a proper probability distribution over the training
//     alphabet plus one "unknown character" symbol. Its quality really grows with order and training
//     data, which makes it a useful baseline and test subject for Proof of Intelligence.
//   - Model servers, so a miner can serve a real LLM: OpenAICompat (legacy /v1/completions with
//     echo and logprobs, as vLLM serves it: exact prompt scoring), LlamaCpp (llama.cpp's native
//     /completion with n_probs) and Chat (chat completions with top_logprobs); the last two score
//     from next-token distributions (scoreByNextTokens). Probe finds the shape a server speaks.
//
// Log-probabilities are natural logarithms throughout. This package is off-chain code: it uses
// floating point and wall-clock time freely; anything sent to the chain is converted to integers by
// package scoring.
package model
