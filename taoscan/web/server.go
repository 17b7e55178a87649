package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/taoscan/store"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// Chain is the live state the pages read from the node over gRPC; taoscan/chain.Client implements
// it. Errors keep their gRPC status code so NotFound and InvalidArgument become 404 and 400 and
// anything else is shown as "node unavailable".
type Chain interface {
	// Issuance: bank supply of rao and the 21M cap (x/tao Query/Issuance).
	Issuance(ctx context.Context) (*taotypes.QueryIssuanceResponse, error)
	// CurrentEmission is the emission of the current block and its split (x/tao).
	CurrentEmission(ctx context.Context) (*taotypes.QueryCurrentEmissionResponse, error)
	// NextHalving is the issuance threshold of the next halving and its estimated height (x/tao).
	NextHalving(ctx context.Context) (*taotypes.QueryNextHalvingResponse, error)
	// Wallet: balance, spendable coins, stake positions and unbonding of a coldkey (x/subnet Query/Wallet).
	Wallet(ctx context.Context, coldkey string) (*subnettypes.QueryWalletResponse, error)
	// AllWeights: every weight row of a subnet (all pages): the neuron page's weights set and received.
	AllWeights(ctx context.Context, netuid uint16) ([]intelligencetypes.WeightsRow, error)
	// Proposals: governance proposals, newest first, at most limit (cosmos gov v1).
	Proposals(ctx context.Context, limit int) ([]*govv1.Proposal, error)
	// Proposal is one governance proposal by id.
	Proposal(ctx context.Context, id uint64) (*govv1.Proposal, error)
}

// Config is what New needs.
type Config struct {
	// Store is the indexed history; required.
	Store *store.Store
	// Chain is the live node; nil makes every live section "node unavailable".
	Chain Chain
	// ChainID is shown in the header.
	ChainID string
	// Logger receives internal errors and recovered panics; nil discards them.
	Logger *slog.Logger
	// Registry receives the request metrics; nil keeps them unregistered.
	Registry prometheus.Registerer
}

// Server serves taoscan's pages and their JSON twins.
type Server struct {
	store   *store.Store
	chain   Chain
	chainID string
	log     *slog.Logger
	pages   map[string]*template.Template
	mux     *http.ServeMux

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

//go:embed templates/*.html
var templateFS embed.FS

// liveTimeout bounds every call to the node so a hung node degrades a section instead of the
// whole page.
const liveTimeout = 5 * time.Second

// New checks the config, parses the templates and registers the metrics.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: Config.Store is required")
	}
	s := &Server{store: cfg.Store, chain: cfg.Chain, chainID: cfg.ChainID, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "taoscan", Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests served, by route pattern and status code.",
	}, []string{"route", "code"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "taoscan", Subsystem: "http", Name: "request_duration_seconds",
		Help:    "Time to serve an HTTP request, by route pattern and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "code"})
	if cfg.Registry != nil {
		for _, c := range []prometheus.Collector{s.requests, s.duration} {
			if err := cfg.Registry.Register(c); err != nil {
				return nil, fmt.Errorf("web: register metrics: %w", err)
			}
		}
	}
	s.routes()
	return s, nil
}

// Handler returns the HTTP handler of every page, API endpoint, /search and /healthz, with
// metrics and panic recovery around them. /metrics is not served here.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

func (s *Server) parseTemplates() error {
	funcs := template.FuncMap{
		"tao":     formatTAO,
		"frac":    formatU16,
		"short":   shortAddr,
		"join":    joinStrings,
		"timefmt": formatTime,
		"add":     func(a, b int) int { return a + b },
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("web: parse layout: %w", err)
	}
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		return fmt.Errorf("web: read templates: %w", err)
	}
	s.pages = make(map[string]*template.Template)
	for _, e := range entries {
		name := e.Name()
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name)
		if err != nil {
			return fmt.Errorf("web: parse %s: %w", name, err)
		}
		s.pages[name[:len(name)-len(".html")]] = t
	}
	return nil
}

// statusRecorder remembers the status code for the metrics and whether anything was written, so
// a recovered panic can still send an error page when nothing went out yet.
type statusRecorder struct {
	http.ResponseWriter
	code    int
	written bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.written {
		w.code = code
		w.written = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if !w.written {
		w.code = http.StatusOK
		w.written = true
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("taoscan web: panic in handler", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			if !rec.written {
				s.writeError(rec, r, &httpError{code: http.StatusInternalServerError,
					msg: "Internal error while rendering this page; it was logged."})
			} else {
				rec.code = http.StatusInternalServerError
			}
		}
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		code := strconv.Itoa(rec.code)
		s.requests.WithLabelValues(route, code).Inc()
		s.duration.WithLabelValues(route, code).Observe(time.Since(start).Seconds())
	}()
	s.mux.ServeHTTP(rec, r)
}

// httpError is an error with the status and the message a user sees.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &httpError{code: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &httpError{code: http.StatusNotFound, msg: fmt.Sprintf(format, args...)}
}

// errorView is the view model of the error page and of an API error.
type errorView struct {
	Status  int    `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Query   string `json:"-"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		s.log.Error("taoscan web: internal error", "path", r.URL.Path, "err", err)
		he = &httpError{code: http.StatusInternalServerError, msg: "Internal error while reading the index; it was logged."}
	}
	v := errorView{Status: he.code, Error: http.StatusText(he.code), Message: he.msg, Query: r.URL.Query().Get("q")}
	if isAPI(r) {
		writeJSON(w, he.code, v)
		return
	}
	s.writeHTML(w, r, he.code, "error", http.StatusText(he.code), v)
}

func isAPI(r *http.Request) bool {
	return len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/"
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	// Compact, not indented: a full metagraph is megabytes and indenting is a second pass.
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"status":500,"error":"Internal Server Error","message":"encoding the response failed"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// layoutData wraps every page's view model with what the header shows.
type layoutData struct {
	Title         string
	ChainID       string
	IndexedHeight int64
	Query         string
	Page          any
}

func (s *Server) writeHTML(w http.ResponseWriter, r *http.Request, code int, page, title string, v any) {
	t := s.pages[page]
	if t == nil {
		panic("web: no template " + page)
	}
	if hv, ok := v.(htmlOnly); ok {
		hv.renderHTML()
	}
	// The header's height is best effort: a store error here must not hide the page's own result.
	h, _ := s.store.LastHeight(r.Context())
	data := layoutData{Title: title, ChainID: s.chainID, IndexedHeight: h, Query: r.URL.Query().Get("q"), Page: v}
	buf := bytes.NewBuffer(make([]byte, 0, 64<<10))
	if err := t.ExecuteTemplate(buf, "layout.html", data); err != nil {
		s.log.Error("taoscan web: template", "page", page, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	head, body, tail := buf.Bytes(), "", []byte(nil)
	if sp, ok := v.(splicer); ok {
		slot, b := sp.splice()
		if i := bytes.Index(head, []byte(slot)); i >= 0 {
			head, body, tail = head[:i], b, head[i+len(slot):]
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(body)+len(tail)))
	w.WriteHeader(code)
	_, _ = w.Write(head)
	_, _ = io.WriteString(w, body)
	_, _ = w.Write(tail)
}

// htmlOnly is a view model with parts only its HTML page shows (charts, pre-rendered rows,
// display strings): writeHTML builds them, so the /api twin does not pay for them.
type htmlOnly interface{ renderHTML() }

// splicer is a view model with a pre-rendered HTML body (every value in it escaped) that
// replaces the first occurrence of slot in the rendered page. The body goes to the client as
// is, so a multi-megabyte metagraph is not copied through the template engine.
type splicer interface{ splice() (slot, body string) }

// pageFunc builds a page's view model: the HTML page renders it, the /api twin serves it as JSON.
type pageFunc func(r *http.Request) (title string, view any, err error)

// page registers path and its /api twin.
func (s *Server) page(path, tmpl string, build pageFunc) {
	s.mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		title, v, err := build(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.writeHTML(w, r, statusOf(v), tmpl, title, v)
	})
	apiPath := "/api" + path
	if path == "/{$}" {
		apiPath = "/api/home"
	}
	s.mux.HandleFunc("GET "+apiPath, func(w http.ResponseWriter, r *http.Request) {
		_, v, err := build(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, statusOf(v), v)
	})
}

// statused is a view model whose page is served with a status other than 200 (a page that is
// only live state, rendered with "node unavailable").
type statused interface{ httpStatus() int }

func statusOf(v any) int {
	if sv, ok := v.(statused); ok {
		if c := sv.httpStatus(); c != 0 {
			return c
		}
	}
	return http.StatusOK
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.page("/{$}", "home", s.home)
	s.page("/subnets", "subnets", s.subnets)
	s.page("/subnet/{netuid}", "subnet", s.subnet)
	s.page("/subnet/{netuid}/neuron/{uid}", "neuron", s.neuron)
	s.page("/hotkey/{addr}", "hotkey", s.hotkey)
	s.page("/account/{addr}", "account", s.account)
	s.page("/blocks", "blocks", s.blocks)
	s.page("/block/{height}", "block", s.block)
	s.page("/tx/{hash}", "tx", s.tx)
	s.page("/proposals", "proposals", s.proposals)
	s.page("/proposal/{id}", "proposal", s.proposal)
	s.page("/offences", "offences", s.offences)
	s.mux.HandleFunc("GET /search", s.search)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, notFound("There is no page at %s. Pages: /subnets, /blocks, /proposals, /offences, or search for a height, subnet, tx hash or address.", r.URL.Path))
	})
}
