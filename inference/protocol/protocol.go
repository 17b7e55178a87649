package protocol

// HTTP paths served by an axon.
const (
	// InferPath accepts a signed POST with an InferRequest and answers with an InferResponse.
	InferPath = "/v1/infer"
	// HealthPath answers 200 "ok" while the axon is serving.
	HealthPath = "/healthz"
	// MetricsPath serves Prometheus metrics.
	MetricsPath = "/metrics"
)

// Task kinds.
const (
	// KindScore asks the miner for log P(Continuation | Prompt) under its model.
	KindScore = "score"
	// KindGenerate asks the miner to continue Prompt with at most MaxChars characters.
	KindGenerate = "generate"
)

// InferRequest is the body of POST /v1/infer.
type InferRequest struct {
	// Kind is KindScore (the default when empty) or KindGenerate.
	Kind string `json:"kind,omitempty"`
	// Prompt is the context given to the model.
	Prompt string `json:"prompt"`
	// Continuation is the text to score (KindScore only).
	Continuation string `json:"continuation,omitempty"`
	// MaxChars is the generation budget in characters (KindGenerate only).
	MaxChars int `json:"max_chars,omitempty"`
}

// InferResponse is the body of a successful /v1/infer answer.
type InferResponse struct {
	// Kind echoes the task kind.
	Kind string `json:"kind"`
	// Model is the serving model's name.
	Model string `json:"model"`
	// LogProb is the natural-log probability of the continuation (KindScore).
	LogProb float64 `json:"logprob"`
	// Chars is the number of characters (Unicode code points) scored or generated.
	Chars int `json:"chars"`
	// Completion is the generated text (KindGenerate).
	Completion string `json:"completion,omitempty"`
	// ElapsedMS is the model's time on the task in milliseconds, as measured by the miner.
	ElapsedMS int64 `json:"elapsed_ms"`
}

// ErrorResponse is the body of every non-200 /v1/infer answer.
type ErrorResponse struct {
	// Error says what was wrong.
	Error string `json:"error"`
}
