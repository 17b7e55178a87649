// Package model holds the language models a taochain miner can serve and the Model interface the
// axon serves them through.
//
// Two implementations ship with the worker:
//
//   - NGram: a character n-gram model trained from text, smoothed with interpolated Kneser-Ney so
//     that every next-character distribution is a proper probability distribution over the training
//     alphabet plus one "unknown character" symbol. Its quality really grows with order and training
//     data, which makes it a useful baseline and test subject for Proof of Intelligence.
//   - OpenAICompat: an adapter that fronts any server speaking the OpenAI legacy /v1/completions API
//     with logprobs (llama.cpp server, vLLM, Ollama), so a miner can serve a real LLM.
//
// Log-probabilities are natural logarithms throughout. This package is off-chain code: it uses
// floating point and wall-clock time freely; anything sent to the chain is converted to integers by
// package scoring.
package model
