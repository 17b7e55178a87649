package axon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/inference/protocol"
)

// Defaults for Config.
const (
	DefaultMaxBodyBytes   = 64 << 10
	DefaultMaxChars       = 8192
	DefaultMaxConcurrent  = 16
	DefaultRequestTimeout = 10 * time.Second
	DefaultHeaderTimeout  = 2 * time.Second
	DefaultBodyTimeout    = 2 * time.Second
	DefaultMaxReadsPerIP  = 4
	// DefaultMaxUpdateResponseBytes caps a federated update response: the largest update a peer
	// accepts by default plus the wire framing.
	DefaultMaxUpdateResponseBytes = 256<<10 + 512
)

// Fixed HTTP server limits.
const (
	idleTimeout    = 60 * time.Second
	maxHeaderBytes = 16 << 10
)

// Config configures a Server.
type Config struct {
	// Addr is the listen address, e.g. "0.0.0.0:8091" or "127.0.0.1:0" for an ephemeral port.
	Addr string
	// Model is the model served. Required.
	Model model.Model
	// Signer signs responses with the miner hotkey. Required.
	Signer *auth.Signer
	// Verifier authenticates requests; its Self must be Signer's address. Required.
	Verifier *auth.Verifier
	// MaxBodyBytes caps request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxChars caps prompt+candidates length and generation length in characters; 0 means
	// DefaultMaxChars.
	MaxChars int
	// MaxConcurrent caps tasks running at once; 0 means DefaultMaxConcurrent.
	MaxConcurrent int
	// RequestTimeout is each task's deadline for the model; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// HeaderTimeout bounds reading a request's headers; 0 means DefaultHeaderTimeout.
	HeaderTimeout time.Duration
	// BodyTimeout bounds reading a /v1/infer body once its headers are authenticated (408
	// beyond); 0 means DefaultBodyTimeout.
	BodyTimeout time.Duration
	// MaxReadsPerIP caps the /v1/infer requests from one client IP (IPv6: one /64) that are being
	// authenticated or having their body read at once (429 beyond); 0 means DefaultMaxReadsPerIP.
	MaxReadsPerIP int
	// Updates serves the miner's signed federated updates at protocol.FederatedUpdatePath; nil
	// serves 404 there (a subnet that is not federated).
	Updates UpdateSource
	// MaxUpdateResponseBytes caps an update response; a larger one is not sent (500). 0 means
	// DefaultMaxUpdateResponseBytes.
	MaxUpdateResponseBytes int
	// Registry receives the axon's metrics and is served at /metrics; nil means a fresh registry.
	Registry *prometheus.Registry
	// Logger receives one line per failed request; nil discards logs.
	Logger *slog.Logger
}

// UpdateSource holds the federated updates a miner has published (inference/fednode.Miner).
type UpdateSource interface {
	// FederatedUpdate returns the response body for epoch's update (the wire format of
	// inference/fednode) and whether the miner holds one. It must be safe for concurrent use.
	FederatedUpdate(epoch uint64) ([]byte, bool)
}

// Server is a running (or ready to run) axon.
type Server struct {
	cfg      Config
	listener net.Listener
	http     *http.Server
	slots    chan struct{}
	reads    *clientLimiter
	handler  http.Handler
	reading  prometheus.Gauge
	inFlight prometheus.Gauge
	rejected *prometheus.CounterVec
}

// New validates cfg, binds cfg.Addr and returns a Server; call Serve to start answering.
func New(cfg Config) (*Server, error) {
	if cfg.Model == nil || cfg.Signer == nil || cfg.Verifier == nil {
		return nil, errors.New("axon: Model, Signer and Verifier are required")
	}
	if cfg.Verifier.Self() != cfg.Signer.Address() {
		return nil, fmt.Errorf("axon: verifier accepts requests for %s but responses are signed by %s", cfg.Verifier.Self(), cfg.Signer.Address())
	}
	if cfg.MaxBodyBytes < 0 || cfg.MaxChars < 0 || cfg.MaxConcurrent < 0 || cfg.RequestTimeout < 0 ||
		cfg.HeaderTimeout < 0 || cfg.BodyTimeout < 0 || cfg.MaxReadsPerIP < 0 || cfg.MaxUpdateResponseBytes < 0 {
		return nil, errors.New("axon: limits must not be negative")
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxChars == 0 {
		cfg.MaxChars = DefaultMaxChars
	}
	if cfg.MaxConcurrent == 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.HeaderTimeout == 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	if cfg.MaxReadsPerIP == 0 {
		cfg.MaxReadsPerIP = DefaultMaxReadsPerIP
	}
	if cfg.MaxUpdateResponseBytes == 0 {
		cfg.MaxUpdateResponseBytes = DefaultMaxUpdateResponseBytes
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:   cfg,
		slots: make(chan struct{}, cfg.MaxConcurrent),
		reads: &clientLimiter{limit: cfg.MaxReadsPerIP, busy: map[string]int{}},
	}
	handler, err := s.routes()
	if err != nil {
		return nil, err
	}
	s.handler = handler
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("axon: listen on %s: %w", cfg.Addr, err)
	}
	s.listener = ln
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.HeaderTimeout,
		// A backstop for bodies no handler reads (other paths, refused requests): /v1/infer sets
		// its own body deadline and clears it before the task runs.
		ReadTimeout:    cfg.HeaderTimeout + cfg.BodyTimeout,
		WriteTimeout:   cfg.BodyTimeout + cfg.RequestTimeout + 15*time.Second,
		IdleTimeout:    idleTimeout,
		MaxHeaderBytes: maxHeaderBytes,
	}
	return s, nil
}

// Addr returns the bound address (host:port), useful when Config.Addr had port 0.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// URL returns "http://" + Addr().
func (s *Server) URL() string { return "http://" + s.Addr() }

// Handler returns the axon's HTTP handler (for embedding in another server or tests).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests until Shutdown; it returns nil after a graceful shutdown.
func (s *Server) Serve() error {
	if err := s.http.Serve(s.listener); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("axon: serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting requests and waits for in-flight ones until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.http.Shutdown(ctx)
}

func (s *Server) routes() (http.Handler, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "taoworker", Subsystem: "axon", Name: "requests_total",
		Help: "Axon HTTP requests by path and status code.",
	}, []string{"path", "code"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "taoworker", Subsystem: "axon", Name: "request_duration_seconds",
		Help:    "Axon HTTP request latency by path.",
		Buckets: []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	}, []string{"path"})
	s.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: "taoworker", Subsystem: "axon", Name: "tasks_in_flight",
		Help: "Inference tasks currently running.",
	})
	s.reading = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: "taoworker", Subsystem: "axon", Name: "reads_in_flight",
		Help: "Inference requests being authenticated or having their body read (holding no task slot).",
	})
	s.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "taoworker", Subsystem: "axon", Name: "rejected_total",
		Help: "Requests refused before taking a task slot for being slow (slow_body, 408) or over their IP's limit (ip_limit, 429; inference and federated update requests).",
	}, []string{"reason"})
	for _, c := range []prometheus.Collector{requests, latency, s.inFlight, s.reading, s.rejected} {
		if err := s.cfg.Registry.Register(c); err != nil {
			return nil, fmt.Errorf("axon: registering metrics: %w", err)
		}
	}
	instrument := func(path string, h http.Handler) http.Handler {
		labels := prometheus.Labels{"path": path}
		return promhttp.InstrumentHandlerDuration(latency.MustCurryWith(labels),
			promhttp.InstrumentHandlerCounter(requests.MustCurryWith(labels), h))
	}
	mux := http.NewServeMux()
	mux.Handle(protocol.InferPath, instrument(protocol.InferPath, http.HandlerFunc(s.infer)))
	mux.Handle(protocol.HealthPath, instrument(protocol.HealthPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})))
	mux.Handle(protocol.FederatedUpdatePath, instrument(protocol.FederatedUpdatePath, http.HandlerFunc(s.federatedUpdate)))
	mux.Handle(protocol.MetricsPath, promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	return mux, nil
}

// infer handles POST /v1/infer.
func (s *Server) infer(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.fail(w, r, "", http.StatusMethodNotAllowed, "method must be POST")
		return
	}
	caller, body, ok := s.admit(w, r)
	if !ok {
		return
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		s.fail(w, r, caller.Nonce, http.StatusServiceUnavailable, "axon busy, retry later")
		return
	}
	s.inFlight.Inc()
	defer s.inFlight.Dec()

	var task protocol.InferRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&task); err != nil || dec.More() {
		s.fail(w, r, caller.Nonce, http.StatusBadRequest, "body must be one JSON InferRequest object")
		return
	}
	if task.Kind == "" {
		task.Kind = protocol.KindScore
	}
	if msg := s.validate(task); msg != "" {
		s.fail(w, r, caller.Nonce, http.StatusBadRequest, msg)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	var err error
	start := time.Now()
	resp := protocol.InferResponse{Kind: task.Kind, Model: s.cfg.Model.Name()}
	switch task.Kind {
	case protocol.KindScore:
		resp.LogProbs = make([]float64, len(task.Candidates))
		for i, c := range task.Candidates {
			if resp.LogProbs[i], err = s.cfg.Model.Score(ctx, task.Prompt, c); err != nil {
				break
			}
			resp.Chars += utf8.RuneCountInString(c)
		}
	case protocol.KindGenerate:
		resp.Completion, err = s.cfg.Model.Generate(ctx, task.Prompt, task.MaxChars)
		resp.Chars = utf8.RuneCountInString(resp.Completion)
	}
	resp.ElapsedMS = time.Since(start).Milliseconds()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			s.fail(w, r, caller.Nonce, http.StatusGatewayTimeout, "model timed out")
			return
		}
		s.fail(w, r, caller.Nonce, http.StatusInternalServerError, "model failed: "+err.Error())
		return
	}
	s.write(w, caller.Nonce, http.StatusOK, resp)
}

// federatedUpdate handles GET /v1/federated/update?epoch=N: the miner's signed update of epoch N,
// unauthenticated (see the package comment) but under the /v1/infer per-IP limit.
func (s *Server) federatedUpdate(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.fail(w, r, "", http.StatusMethodNotAllowed, "method must be GET")
		return
	}
	client := clientKey(r.RemoteAddr)
	if !s.reads.acquire(client) {
		s.rejected.WithLabelValues("ip_limit").Inc()
		s.refuse(w, r, http.StatusTooManyRequests, fmt.Sprintf("more than %d requests from %s being served at once", s.cfg.MaxReadsPerIP, client))
		return
	}
	defer s.reads.release(client)
	if s.cfg.Updates == nil {
		s.fail(w, r, "", http.StatusNotFound, "this axon publishes no federated updates")
		return
	}
	q := r.URL.Query()
	epoch, err := strconv.ParseUint(q.Get("epoch"), 10, 64)
	if err != nil || len(q) != 1 || len(q["epoch"]) != 1 {
		s.fail(w, r, "", http.StatusBadRequest, "want exactly one query parameter epoch, a decimal uint64")
		return
	}
	body, ok := s.cfg.Updates.FederatedUpdate(epoch)
	if !ok {
		s.fail(w, r, "", http.StatusNotFound, fmt.Sprintf("no update held for epoch %d", epoch))
		return
	}
	if len(body) > s.cfg.MaxUpdateResponseBytes {
		s.fail(w, r, "", http.StatusInternalServerError,
			fmt.Sprintf("update of epoch %d has %d bytes, more than the %d this axon sends", epoch, len(body), s.cfg.MaxUpdateResponseBytes))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// admit does the work before a request may take a task slot, cheapest first: the client's IP
// limit, the headers' authentication, reading the body under BodyTimeout and checking it against
// the signed hash. A caller without a permitted key never gets its body read, and a slow one is
// cut off without ever holding a slot. On failure admit has written the response.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) (auth.Caller, []byte, bool) {
	client := clientKey(r.RemoteAddr)
	if !s.reads.acquire(client) {
		s.rejected.WithLabelValues("ip_limit").Inc()
		s.refuse(w, r, http.StatusTooManyRequests, fmt.Sprintf("more than %d requests from %s being read at once", s.cfg.MaxReadsPerIP, client))
		return auth.Caller{}, nil, false
	}
	defer s.reads.release(client)
	s.reading.Inc()
	defer s.reading.Dec()

	pending, err := s.cfg.Verifier.VerifyHeaders(r)
	if err != nil {
		s.refuse(w, r, authStatus(err), err.Error())
		return auth.Caller{}, nil, false
	}
	if r.ContentLength > s.cfg.MaxBodyBytes {
		s.refuse(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", s.cfg.MaxBodyBytes))
		return auth.Caller{}, nil, false
	}
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout)); err != nil {
		s.refuse(w, r, http.StatusInternalServerError, "setting read deadline: "+err.Error())
		return auth.Caller{}, nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	// Once the body is read, net/http watches the connection in the background and would cancel
	// the task's context when the deadline passes.
	_ = rc.SetReadDeadline(time.Time{})
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			s.refuse(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", s.cfg.MaxBodyBytes))
		case errors.Is(err, os.ErrDeadlineExceeded):
			s.rejected.WithLabelValues("slow_body").Inc()
			s.refuse(w, r, http.StatusRequestTimeout, fmt.Sprintf("body not received within %s", s.cfg.BodyTimeout))
		default:
			s.refuse(w, r, http.StatusBadRequest, "reading body: "+err.Error())
		}
		return auth.Caller{}, nil, false
	}
	caller, err := pending.VerifyBody(body)
	if err != nil {
		s.refuse(w, r, authStatus(err), err.Error())
		return auth.Caller{}, nil, false
	}
	return caller, body, true
}

// authStatus maps a verification error to its HTTP status.
func authStatus(err error) int {
	switch {
	case errors.Is(err, auth.ErrUnauthorized):
		return http.StatusForbidden
	case errors.Is(err, auth.ErrReplay):
		return http.StatusConflict
	}
	return http.StatusUnauthorized
}

// refuse writes an unsigned error response to a request that was not authenticated and closes the
// connection after it, so its unread body is not waited for.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	w.Header().Set("Connection", "close")
	s.fail(w, r, "", status, msg)
}

// clientLimiter counts the requests of each client being admitted.
type clientLimiter struct {
	mu    sync.Mutex
	limit int
	busy  map[string]int // client key → requests being admitted; no zero entries
}

func (l *clientLimiter) acquire(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy[client] >= l.limit {
		return false
	}
	l.busy[client]++
	return true
}

func (l *clientLimiter) release(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy[client]--; l.busy[client] <= 0 {
		delete(l.busy, client)
	}
}

// clientKey is the IP of remoteAddr, or its /64 for IPv6, where one host usually holds the whole
// prefix.
func clientKey(remoteAddr string) string {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	ip := ap.Addr().Unmap()
	if ip.Is6() {
		return netip.PrefixFrom(ip, 64).Masked().String()
	}
	return ip.String()
}

// validate returns what is wrong with task, or "".
func (s *Server) validate(task protocol.InferRequest) string {
	if !utf8.ValidString(task.Prompt) {
		return "prompt must be valid UTF-8"
	}
	chars := utf8.RuneCountInString(task.Prompt)
	for _, c := range task.Candidates {
		if c == "" || !utf8.ValidString(c) {
			return "candidates must be non-empty valid UTF-8"
		}
		chars += utf8.RuneCountInString(c)
	}
	if chars > s.cfg.MaxChars {
		return fmt.Sprintf("prompt and candidates have %d characters, at most %d allowed", chars, s.cfg.MaxChars)
	}
	switch task.Kind {
	case protocol.KindScore:
		if len(task.Candidates) == 0 || len(task.Candidates) > protocol.MaxCandidates || task.MaxChars != 0 {
			return fmt.Sprintf("score task needs 1..%d candidates and no max_chars", protocol.MaxCandidates)
		}
	case protocol.KindGenerate:
		if len(task.Candidates) != 0 || task.MaxChars <= 0 || task.MaxChars > s.cfg.MaxChars {
			return fmt.Sprintf("generate task needs max_chars in [1, %d] and no candidates", s.cfg.MaxChars)
		}
	default:
		return fmt.Sprintf("unknown task kind %q (want %q or %q)", task.Kind, protocol.KindScore, protocol.KindGenerate)
	}
	return ""
}

// fail writes an error response, signed when the request was authenticated (nonce != "").
func (s *Server) fail(w http.ResponseWriter, r *http.Request, nonce string, status int, msg string) {
	s.cfg.Logger.Info("axon request failed", "path", r.URL.Path, "remote", r.RemoteAddr, "status", status, "error", msg)
	s.write(w, nonce, status, protocol.ErrorResponse{Error: msg})
}

func (s *Server) write(w http.ResponseWriter, nonce string, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"encoding response"}`)
	}
	body = append(body, '\n')
	if nonce != "" {
		if err := s.cfg.Signer.SignResponse(w.Header(), nonce, body); err != nil {
			s.cfg.Logger.Error("axon cannot sign response", "error", err)
			status, body = http.StatusInternalServerError, []byte(`{"error":"signing response"}`+"\n")
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
