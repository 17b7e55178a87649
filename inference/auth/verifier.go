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

// VerifyRequest authenticates r, whose complete body is body, and records its nonce. Errors wrap
// the package's Err* values.
func (v *Verifier) VerifyRequest(r *http.Request, body []byte) (Caller, error) {
	h := r.Header
	pubHex, pub, err := parsePubKey(h.Get(HeaderHotkey))
	if err != nil {
		return Caller{}, err
	}
	target, nonce, ts, bodyHash := h.Get(HeaderTarget), h.Get(HeaderNonce), h.Get(HeaderTimestamp), h.Get(HeaderBodySHA256)
	for _, f := range [...]struct{ name, val string }{
		{HeaderTarget, target}, {HeaderNonce, nonce}, {HeaderTimestamp, ts}, {HeaderBodySHA256, bodyHash},
	} {
		if f.val == "" {
			return Caller{}, fmt.Errorf("%w: %s", ErrMissingHeader, f.name)
		}
	}
	if raw, err := hex.DecodeString(nonce); err != nil || len(raw) < nonceBytes || len(raw) > 2*nonceBytes {
		return Caller{}, fmt.Errorf("%w: %s must be %d to %d bytes in hex", ErrMalformed, HeaderNonce, nonceBytes, 2*nonceBytes)
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || strconv.FormatInt(ms, 10) != ts {
		return Caller{}, fmt.Errorf("%w: %s must be Unix milliseconds in decimal", ErrMalformed, HeaderTimestamp)
	}
	sig, err := parseSignature(h.Get(HeaderSignature))
	if err != nil {
		return Caller{}, err
	}

	now := v.now().UnixMilli()
	skew := v.skew.Milliseconds()
	if ms < now-skew || ms > now+skew {
		return Caller{}, fmt.Errorf("%w: timestamp %d is %d ms from now, allowed ±%d ms", ErrStale, ms, ms-now, skew)
	}
	if BodyHash(body) != bodyHash {
		return Caller{}, ErrBodyHash
	}
	if target != v.self {
		return Caller{}, fmt.Errorf("%w: %s, this axon is %s", ErrWrongTarget, target, v.self)
	}
	if !pub.VerifySignature(RequestBytes(r.Method, r.URL.RequestURI(), pubHex, target, nonce, ts, bodyHash), sig) {
		return Caller{}, ErrBadSignature
	}
	caller := Caller{Hotkey: Address(pub), PubKeyHex: pubHex, Nonce: nonce, Timestamp: time.UnixMilli(ms)}
	if !v.authorize(caller.Hotkey) {
		return Caller{}, fmt.Errorf("%w: %s holds no validator permit", ErrUnauthorized, caller.Hotkey)
	}
	if err := v.nonces.use(pubHex+"|"+nonce, ms+skew, now); err != nil {
		return Caller{}, err
	}
	return caller, nil
}

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
