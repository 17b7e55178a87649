package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
)

// API names a request shape a model server is asked to score with.
type API string

// The request shapes, and auto, which tries them in this order.
const (
	APIAuto            API = "auto"
	APICompletionsEcho API = "completions-echo"
	APILlamaCpp        API = "llamacpp"
	APIChat            API = "chat"
)

// probeOrder is the order auto tries the shapes in: exact prompt scoring first.
var probeOrder = []API{APICompletionsEcho, APILlamaCpp, APIChat}

// ParseAPI checks a --model-api value.
func ParseAPI(s string) (API, error) {
	switch a := API(s); a {
	case APIAuto, APICompletionsEcho, APILlamaCpp, APIChat:
		return a, nil
	case "":
		return APIAuto, nil
	}
	return "", fmt.Errorf("want auto, completions-echo, llamacpp or chat, not %q", s)
}

// ServerConfig says how to reach a model server.
type ServerConfig struct {
	// BaseURL is the server root, e.g. "http://127.0.0.1:8000" (no /v1).
	BaseURL string
	// Model is the model name sent upstream (ignored by llama.cpp).
	Model string
	// APIKey, when set, is sent as a bearer token.
	APIKey string
	// Client performs the requests; nil means a client with a 60 s timeout.
	Client *http.Client
}

// NewServerModel returns the Model that asks the server with the given (not auto) request shape.
func NewServerModel(cfg ServerConfig, api API) (Model, error) {
	switch api {
	case APICompletionsEcho:
		return &OpenAICompat{BaseURL: cfg.BaseURL, Model: cfg.Model, APIKey: cfg.APIKey, Client: cfg.Client}, nil
	case APILlamaCpp:
		return &LlamaCpp{BaseURL: cfg.BaseURL, APIKey: cfg.APIKey, Client: cfg.Client}, nil
	case APIChat:
		return &Chat{BaseURL: cfg.BaseURL, Model: cfg.Model, APIKey: cfg.APIKey, Client: cfg.Client}, nil
	}
	return nil, fmt.Errorf("model: request shape %q: want completions-echo, llamacpp or chat", api)
}

// The probe's scoring request: a continuation any language model finds likely, and one it finds
// unlikely.
const (
	ProbePrompt      = "The capital of France is"
	ProbeLikely      = " Paris"
	ProbeImplausible = " qzxv#"
)

// ProbeResult is what a successful probe found.
type ProbeResult struct {
	// API is the request shape that worked.
	API API
	// Model is the Model using it.
	Model Model
	// Likely and Implausible are the log-probabilities of ProbeLikely and ProbeImplausible after
	// ProbePrompt.
	Likely, Implausible float64
}

// Probe checks that the server answers a scoring request correctly with the given request shape,
// or with the first of completions-echo, llamacpp and chat that does when api is auto: both probe
// continuations must get finite, non-positive log-probabilities that differ (a server that
// ignores the text gives them the same). The error lists why each shape failed.
func Probe(ctx context.Context, cfg ServerConfig, api API) (ProbeResult, error) {
	shapes := []API{api}
	if api == APIAuto {
		shapes = probeOrder
	}
	var failures []string
	for _, shape := range shapes {
		m, err := NewServerModel(cfg, shape)
		if err != nil {
			return ProbeResult{}, err
		}
		res, err := probeModel(ctx, m)
		if err == nil {
			res.API = shape
			return res, nil
		}
		if ctx.Err() != nil {
			return ProbeResult{}, ctx.Err()
		}
		failures = append(failures, fmt.Sprintf("%s: %v", shape, err))
	}
	return ProbeResult{}, errors.New(strings.Join(failures, "; "))
}

func probeModel(ctx context.Context, m Model) (ProbeResult, error) {
	res := ProbeResult{Model: m}
	var err error
	if res.Likely, err = m.Score(ctx, ProbePrompt, ProbeLikely); err != nil {
		return res, err
	}
	if res.Implausible, err = m.Score(ctx, ProbePrompt, ProbeImplausible); err != nil {
		return res, err
	}
	for _, v := range []float64{res.Likely, res.Implausible} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v > 0 {
			return res, fmt.Errorf("invalid log-probability %v", v)
		}
	}
	if res.Likely == res.Implausible {
		return res, fmt.Errorf("%q and %q got the same log-probability %v: the server does not score the text", ProbeLikely, ProbeImplausible, res.Likely)
	}
	return res, nil
}
