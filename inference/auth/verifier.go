package auth

import (
	"container/heap"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Defaults for VerifierConfig.
const (
	DefaultMaxSkew   = 30 * time.Second
	DefaultMaxNonces = 100_000
)

// VerifierConfig configures a Verifier.
type VerifierConfig struct {
	// Self is the verifying miner's own hotkey address; requests must target it. Required.
	Self string
	// Authorize reports whether the caller's hotkey address may call this axon, typically
	// "holds a validator permit in this subnet" per a cached metagraph. Required.
	Authorize func(hotkey string) bool
	// MaxSkew is the largest accepted distance between a request's timestamp and the verifier's
	// clock, in either direction. Zero means DefaultMaxSkew.
	MaxSkew time.Duration
	// MaxNonces bounds the replay cache. Zero means DefaultMaxNonces.
	MaxNonces int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Caller is an authenticated request's origin.
type Caller struct {
	// Hotkey is the caller's bech32 hotkey address.
	Hotkey string
	// PubKeyHex is the caller's compressed public key in hex.
	PubKeyHex string
	// Nonce is the request nonce, to be echoed in the response signature.
	Nonce string
	// Timestamp is the signing time claimed (and signed) by the caller.
	Timestamp time.Time
}

// Verifier authenticates and authorizes incoming axon requests. It is safe for concurrent use.
type Verifier struct {
	self      string
	authorize func(string) bool
	skew      time.Duration
	now       func() time.Time
	nonces    *nonceCache
}

// NewVerifier validates cfg and returns a Verifier.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if cfg.Self == "" {
		return nil, errors.New("auth: verifier needs its own hotkey address (Self)")
	}
	if cfg.Authorize == nil {
		return nil, errors.New("auth: verifier needs an Authorize callback")
	}
	if cfg.MaxSkew < 0 || cfg.MaxNonces < 0 {
		return nil, fmt.Errorf("auth: MaxSkew (%s) and MaxNonces (%d) must not be negative", cfg.MaxSkew, cfg.MaxNonces)
	}
	v := &Verifier{self: cfg.Self, authorize: cfg.Authorize, skew: cfg.MaxSkew, now: cfg.Now}
	if v.skew == 0 {
		v.skew = DefaultMaxSkew
	}
	if v.now == nil {
		v.now = time.Now
	}
	limit := cfg.MaxNonces
	if limit == 0 {
		limit = DefaultMaxNonces
	}
	v.nonces = &nonceCache{limit: limit, seen: map[string]int64{}}
	return v, nil
}

// Self returns the hotkey address requests must target.
func (v *Verifier) Self() string { return v.self }

// VerifyRequest authenticates r, whose complete body is body, and records its nonce: VerifyHeaders
// followed by VerifyBody. Errors wrap the package's Err* values.
func (v *Verifier) VerifyRequest(r *http.Request, body []byte) (Caller, error) {
	p, err := v.VerifyHeaders(r)
	if err != nil {
		return Caller{}, err
	}
	return p.VerifyBody(body)
}

// Pending is a request whose headers VerifyHeaders accepted. It is authenticated only once
// VerifyBody accepts its body; obtain it from VerifyHeaders.
type Pending struct {
	v        *Verifier
	caller   Caller
	bodyHash string
	expiry   int64 // Unix ms after which the request's timestamp leaves the window
}

// VerifyHeaders authenticates everything r's headers carry, without reading its body: form,
// timestamp window, target, the signature (which covers the claimed body hash), Authorize and that
// the nonce is not already used. A server calls it before spending time on the body, so a caller
// without a permitted key never gets that far. Errors wrap the package's Err* values.
func (v *Verifier) VerifyHeaders(r *http.Request) (Pending, error) {
	h := r.Header
	pubHex, pub, err := parsePubKey(h.Get(HeaderHotkey))
	if err != nil {
		return Pending{}, err
	}
	target, nonce, ts, bodyHash := h.Get(HeaderTarget), h.Get(HeaderNonce), h.Get(HeaderTimestamp), h.Get(HeaderBodySHA256)
	for _, f := range [...]struct{ name, val string }{
		{HeaderTarget, target}, {HeaderNonce, nonce}, {HeaderTimestamp, ts}, {HeaderBodySHA256, bodyHash},
	} {
		if f.val == "" {
			return Pending{}, fmt.Errorf("%w: %s", ErrMissingHeader, f.name)
		}
	}
	if raw, err := hex.DecodeString(nonce); err != nil || len(raw) < nonceBytes || len(raw) > 2*nonceBytes {
		return Pending{}, fmt.Errorf("%w: %s must be %d to %d bytes in hex", ErrMalformed, HeaderNonce, nonceBytes, 2*nonceBytes)
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || strconv.FormatInt(ms, 10) != ts {
		return Pending{}, fmt.Errorf("%w: %s must be Unix milliseconds in decimal", ErrMalformed, HeaderTimestamp)
	}
	sig, err := parseSignature(h.Get(HeaderSignature))
	if err != nil {
		return Pending{}, err
	}

	now := v.now().UnixMilli()
	skew := v.skew.Milliseconds()
	if ms < now-skew || ms > now+skew {
		return Pending{}, fmt.Errorf("%w: timestamp %d is %d ms from now, allowed ±%d ms", ErrStale, ms, ms-now, skew)
	}
	if target != v.self {
		return Pending{}, fmt.Errorf("%w: %s, this axon is %s", ErrWrongTarget, target, v.self)
	}
	if !pub.VerifySignature(RequestBytes(r.Method, r.URL.RequestURI(), pubHex, target, nonce, ts, bodyHash), sig) {
		return Pending{}, ErrBadSignature
	}
	caller := Caller{Hotkey: Address(pub), PubKeyHex: pubHex, Nonce: nonce, Timestamp: time.UnixMilli(ms)}
	if !v.authorize(caller.Hotkey) {
		return Pending{}, fmt.Errorf("%w: %s holds no validator permit", ErrUnauthorized, caller.Hotkey)
	}
	p := Pending{v: v, caller: caller, bodyHash: bodyHash, expiry: ms + skew}
	if v.nonces.used(p.nonceKey(), p.expiry) {
		return Pending{}, ErrReplay
	}
	return p, nil
}

// VerifyBody checks that body is the one the signature covers and records the nonce, so the
// request cannot be accepted again. Errors wrap the package's Err* values.
func (p Pending) VerifyBody(body []byte) (Caller, error) {
	if p.v == nil {
		return Caller{}, errors.New("auth: Pending not obtained from VerifyHeaders")
	}
	if BodyHash(body) != p.bodyHash {
		return Caller{}, ErrBodyHash
	}
	if err := p.v.nonces.use(p.nonceKey(), p.expiry, p.v.now().UnixMilli()); err != nil {
		return Caller{}, err
	}
	return p.caller, nil
}

func (p Pending) nonceKey() string { return p.caller.PubKeyHex + "|" + p.caller.Nonce }

// nonceCache remembers used (hotkey, nonce) pairs until their request can no longer pass the
// timestamp check, with at most limit entries.
type nonceCache struct {
	mu    sync.Mutex
	limit int
	seen  map[string]int64 // key → expiry (Unix ms)
	order expiryHeap
	// floor: every request whose expiry is ≤ floor is rejected, because its nonce may have been
	// evicted from a full cache.
	floor int64
}

// used reports whether use would refuse key now, without recording it.
func (c *nonceCache) used(key string, expiry int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, dup := c.seen[key]
	return dup || expiry <= c.floor
}

func (c *nonceCache) use(key string, expiry, now int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.order) > 0 && c.order[0].expiry < now {
		delete(c.seen, heap.Pop(&c.order).(entry).key)
	}
	if _, dup := c.seen[key]; dup {
		return ErrReplay
	}
	for len(c.seen) >= c.limit {
		e := heap.Pop(&c.order).(entry)
		delete(c.seen, e.key)
		c.floor = max(c.floor, e.expiry)
	}
	if expiry <= c.floor {
		return fmt.Errorf("%w: replay cache is full, request too close to expiry to be checked", ErrReplay)
	}
	c.seen[key] = expiry
	heap.Push(&c.order, entry{key: key, expiry: expiry})
	return nil
}

// size returns the number of remembered nonces.
func (c *nonceCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

type entry struct {
	key    string
	expiry int64
}

type expiryHeap []entry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expiry < h[j].expiry }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(entry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
