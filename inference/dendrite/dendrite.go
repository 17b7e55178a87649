package dendrite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/protocol"
	"github.com/taochain/taochain/inference/scoring"
)

// Defaults for Config.
const (
	DefaultTimeout          = 12 * time.Second
	DefaultMaxConcurrent    = 64
	DefaultMaxResponseBytes = 64 << 10
)

// Failure classes; every error from Infer wraps exactly one of them.
var (
	ErrTimeout      = errors.New("dendrite: miner timed out")
	ErrTransport    = errors.New("dendrite: transport error")
	ErrStatus       = errors.New("dendrite: miner returned an error status")
	ErrBadSignature = errors.New("dendrite: response signature invalid")
	ErrGarbage      = errors.New("dendrite: malformed response")
)

// Config configures a Client.
type Config struct {
	// Signer signs requests with the validator hotkey. Required.
	Signer *auth.Signer
	// HTTPClient sends requests; nil means a client with no overall timeout (Timeout applies per
	// request) and sane transport defaults.
	HTTPClient *http.Client
	// Timeout bounds each request; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxConcurrent bounds miners queried at once by ScoreAll; 0 means DefaultMaxConcurrent.
	MaxConcurrent int
	// MaxResponseBytes caps a response body; 0 means DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// Now is the clock used for request timestamps; nil means time.Now.
	Now func() time.Time
}

// Client queries miner axons. It is safe for concurrent use.
type Client struct {
	cfg Config
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.Signer == nil {
		return nil, errors.New("dendrite: Signer is required")
	}
	if cfg.Timeout < 0 || cfg.MaxConcurrent < 0 || cfg.MaxResponseBytes < 0 {
		return nil, errors.New("dendrite: limits must not be negative")
	}
	if cfg.HTTPClient == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = 4
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxConcurrent == 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	if cfg.MaxResponseBytes == 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg}, nil
}

// Infer sends one signed task to miner and returns its verified answer.
func (c *Client) Infer(ctx context.Context, miner metagraph.Miner, task protocol.InferRequest) (protocol.InferResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	body, err := json.Marshal(task)
	if err != nil {
		return protocol.InferResponse{}, fmt.Errorf("dendrite: encoding task: %w", err)
	}
	url := strings.TrimRight(miner.Endpoint, "/") + protocol.InferPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return protocol.InferResponse{}, fmt.Errorf("%w: uid %d endpoint %q: %v", ErrTransport, miner.UID, miner.Endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	nonce, err := c.cfg.Signer.SignRequest(req, body, miner.Hotkey, c.cfg.Now())
	if err != nil {
		return protocol.InferResponse{}, err
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return protocol.InferResponse{}, c.transportErr(ctx, miner, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxResponseBytes+1))
	if err != nil {
		return protocol.InferResponse{}, c.transportErr(ctx, miner, err)
	}
	if int64(len(raw)) > c.cfg.MaxResponseBytes {
		return protocol.InferResponse{}, fmt.Errorf("%w: uid %d response larger than %d bytes", ErrGarbage, miner.UID, c.cfg.MaxResponseBytes)
	}
	if resp.StatusCode != http.StatusOK {
		var e protocol.ErrorResponse
		_ = json.Unmarshal(raw, &e)
		return protocol.InferResponse{}, fmt.Errorf("%w: uid %d: %s: %.200s", ErrStatus, miner.UID, resp.Status, e.Error)
	}
	if err := auth.VerifyResponse(resp.Header, raw, nonce, miner.Hotkey); err != nil {
		return protocol.InferResponse{}, fmt.Errorf("%w: uid %d: %v", ErrBadSignature, miner.UID, err)
	}
	var out protocol.InferResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return protocol.InferResponse{}, fmt.Errorf("%w: uid %d: %v", ErrGarbage, miner.UID, err)
	}
	// encoding/json decodes null as 0 (certainty); a missing number must not look like one.
	var nulls struct {
		LogProbs []*float64 `json:"logprobs"`
	}
	if err := json.Unmarshal(raw, &nulls); err == nil {
		for i, lp := range nulls.LogProbs {
			if lp == nil {
				return protocol.InferResponse{}, fmt.Errorf("%w: uid %d: log-probability %d is null", ErrGarbage, miner.UID, i)
			}
		}
	}
	if msg := check(task, out); msg != "" {
		return protocol.InferResponse{}, fmt.Errorf("%w: uid %d: %s", ErrGarbage, miner.UID, msg)
	}
	return out, nil
}

func (c *Client) transportErr(ctx context.Context, miner metagraph.Miner, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: uid %d after %s", ErrTimeout, miner.UID, c.cfg.Timeout)
	}
	return fmt.Errorf("%w: uid %d: %v", ErrTransport, miner.UID, err)
}

// check returns what is implausible about an answer to task, or "".
func check(task protocol.InferRequest, out protocol.InferResponse) string {
	kind := task.Kind
	if kind == "" {
		kind = protocol.KindScore
	}
	if out.Kind != kind {
		return fmt.Sprintf("answered kind %q to a %q task", out.Kind, kind)
	}
	switch kind {
	case protocol.KindScore:
		if len(out.LogProbs) != len(task.Candidates) {
			return fmt.Sprintf("%d log-probabilities for %d candidates", len(out.LogProbs), len(task.Candidates))
		}
		for i, lp := range out.LogProbs {
			if math.IsNaN(lp) || math.IsInf(lp, 0) || lp > 0 {
				return fmt.Sprintf("log-probability %v of candidate %d is not a finite value ≤ 0", lp, i)
			}
		}
		want := 0
		for _, c := range task.Candidates {
			want += utf8.RuneCountInString(c)
		}
		if out.Chars != want {
			return fmt.Sprintf("scored %d characters, the candidates have %d", out.Chars, want)
		}
	case protocol.KindGenerate:
		if n := utf8.RuneCountInString(out.Completion); n > task.MaxChars || n != out.Chars || !utf8.ValidString(out.Completion) {
			return fmt.Sprintf("completion of %d characters (claimed %d) for a budget of %d", n, out.Chars, task.MaxChars)
		}
	}
	return ""
}

// ScoreAll asks every miner, concurrently, for the log-probability of each task's candidates and
// returns one outcome per miner, in the order of miners. The first failed task ends a miner's
// outcome with its error (score 0). It returns when every miner has answered every task, failed,
// or ctx ended (remaining miners then fail with ctx's error).
func (c *Client) ScoreAll(ctx context.Context, miners []metagraph.Miner, tasks []scoring.Task) []scoring.Outcome {
	out := make([]scoring.Outcome, len(miners))
	slots := make(chan struct{}, c.cfg.MaxConcurrent)
	var wg sync.WaitGroup
	for i, m := range miners {
		out[i] = scoring.Outcome{UID: m.UID, Hotkey: m.Hotkey}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				out[i].Err = ctx.Err()
				return
			}
			o := &out[i]
			o.LogProbs = make([][]float64, 0, len(tasks))
			for _, t := range tasks {
				resp, err := c.Infer(ctx, m, protocol.InferRequest{Kind: protocol.KindScore, Prompt: t.Prompt, Candidates: t.Candidates})
				if err != nil {
					o.Err = err
					return
				}
				o.Model = resp.Model
				o.LogProbs = append(o.LogProbs, resp.LogProbs)
			}
		}()
	}
	wg.Wait()
	return out
}
