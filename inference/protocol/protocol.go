package protocol

// HTTP paths served by an axon.
const (
	// InferPath accepts a signed POST with an InferRequest and answers with an InferResponse.
	InferPath = "/v1/infer"
	// HealthPath answers 200 "ok" while the axon is serving.
	HealthPath = "/healthz"
	// MetricsPath serves Prometheus metrics.
	MetricsPath = "/metrics"
	// FederatedUpdatePath serves, to a GET with ?epoch=N, the miner's signed model update of epoch N
	// on a federated subnet (the wire format is inference/fednode's); 404 when it holds none.
	FederatedUpdatePath = "/v1/federated/update"
)

// Task kinds.
const (
	// KindScore asks the miner for log P(candidate | Prompt) of every candidate. The validator hides
	// the true continuation among decoys, so the miner cannot tell which answer is checked (see
	// inference/scoring).
	KindScore = "score"
	// KindGenerate asks the miner to continue Prompt with at most MaxChars characters.
	KindGenerate = "generate"
)

// MaxCandidates is the largest number of candidates a score task may carry.
const MaxCandidates = 64

// InferRequest is the body of POST /v1/infer.
type InferRequest struct {
	// Kind is KindScore (the default when empty) or KindGenerate.
	Kind string `json:"kind,omitempty"`
	// Prompt is the context given to the model.
	Prompt string `json:"prompt"`
	// Candidates are the continuations to score (KindScore only), 1..MaxCandidates non-empty strings.
	Candidates []string `json:"candidates,omitempty"`
	// MaxChars is the generation budget in characters (KindGenerate only).
	MaxChars int `json:"max_chars,omitempty"`
}

// InferResponse is the body of a successful /v1/infer answer.
type InferResponse struct {
	// Kind echoes the task kind.
	Kind string `json:"kind"`
	// Model is the serving model's name.
	Model string `json:"model"`
	// LogProbs holds the natural-log probability of each candidate given the prompt, in request
	// order (KindScore).
	LogProbs []float64 `json:"logprobs,omitempty"`
	// Chars is the number of characters (Unicode code points) scored (all candidates) or generated.
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
