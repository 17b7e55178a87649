package model

import "context"

// Model is a language model that a miner serves: it scores how likely a continuation is after a
// prompt and generates text. Implementations must be safe for concurrent use.
type Model interface {
	// Name identifies the model (architecture and configuration) in axon responses and logs.
	Name() string
	// Score returns the natural-log probability of continuation given prompt, that is the sum of the
	// log-probabilities of the continuation's pieces (characters or tokens), each conditioned on the
	// prompt and the preceding pieces. It is 0 for an empty continuation and never positive.
	Score(ctx context.Context, prompt, continuation string) (logprob float64, err error)
	// Generate continues prompt with at most maxChars characters.
	Generate(ctx context.Context, prompt string, maxChars int) (string, error)
}

var (
	_ Model = (*NGram)(nil)
	_ Model = (*OpenAICompat)(nil)
)
