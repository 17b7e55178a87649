package federated

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/model"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// UpdateDomain separates update signatures from every other use of a hotkey key.
const UpdateDomain = "TAOCHAIN_FEDERATED_UPDATE_V1"

// SignatureSize is the size of a secp256k1 signature (r || s).
const SignatureSize = 64

// DefaultMaxUpdateBytes is the default size limit of an encoded update (what a peer downloads
// before it can check anything but the committed hash).
const DefaultMaxUpdateBytes = 256 << 10

// Errors returned by Decode, Verify and the validator; match them with errors.Is.
var (
	ErrTooLarge     = errors.New("federated: update too large")
	ErrMalformed    = errors.New("federated: malformed update")
	ErrBadSignature = errors.New("federated: bad signature")
	ErrNotCommitted = errors.New("federated: update does not match its commitment")
	ErrWrongEpoch   = errors.New("federated: update for another chain, subnet or epoch")
	ErrCopied       = errors.New("federated: copied update")
	ErrReplayed     = errors.New("federated: replayed update")
)

// Entry is one n-gram count delta: Gram is 1..order UTF-8 runes (history then predicted
// character, model.Counts' key) and Count how many more times it was seen since the previous
// update, after clipping and noise.
type Entry struct {
	Gram  string
	Count uint64
}

// Update is a miner's model update for one epoch: its n-gram count deltas since its previous
// update. Entries are sorted by Gram (bytewise) with no duplicates and non-zero counts, so every
// update has exactly one encoding.
type Update struct {
	ChainID string
	Netuid  uint16
	Epoch   uint64
	Hotkey  string // bech32 address of the publishing miner's hotkey
	Order   uint8  // n-gram order of the model the counts belong to
	Entries []Entry
}

// Limits bound what Decode accepts.
type Limits struct {
	MaxBytes   int    // encoded size
	MaxEntries int    // number of entries
	MaxCount   uint64 // largest count of one entry (the clip)
	MaxTotal   uint64 // largest sum of counts
	MaxOrder   int    // largest order (and so gram length in runes)
}

// DefaultLimits are the limits of the default privacy configuration.
func DefaultLimits() Limits {
	p := DefaultPrivacy()
	return LimitsOf(p, model.MaxOrder)
}

// LimitsOf returns the limits matching updates privatized with p for an order-n model.
func LimitsOf(p Privacy, order int) Limits {
	return Limits{MaxBytes: DefaultMaxUpdateBytes, MaxEntries: p.MaxEntries, MaxCount: p.Clip, MaxTotal: p.MaxTotal, MaxOrder: order}
}

// Encode returns the canonical bytes of u, which are what is hashed, committed and signed:
//
//	bytes(UpdateDomain) bytes(chain_id) u32(netuid) u64(epoch) bytes(hotkey) u32(order)
//	u32(len(entries)) { bytes(gram) u64(count) }...
//
// bytes(x) is a 4-byte big-endian length followed by x; integers are big-endian. Entries must be
// sorted and valid (see Validate); Encode does not check.
func (u Update) Encode() []byte {
	var w writer
	w.string(UpdateDomain)
	w.string(u.ChainID)
	w.u32(uint32(u.Netuid))
	w.u64(u.Epoch)
	w.string(u.Hotkey)
	w.u32(uint32(u.Order))
	w.entries(u.Entries)
	return w.buf
}

// ContentHash is sha256 of the order and entries only. Two updates with the same content hash
// carry the same counts whoever signed them and for whatever epoch: the validator uses it to
// find copied and replayed updates.
func (u Update) ContentHash() [32]byte {
	var w writer
	w.u32(uint32(u.Order))
	w.entries(u.Entries)
	return sha256.Sum256(w.buf)
}

// Counts returns the entries as model counts.
func (u Update) Counts() model.Counts {
	out := make(model.Counts, len(u.Entries))
	for _, e := range u.Entries {
		out[e.Gram] += e.Count
	}
	return out
}

// Validate checks the entries against lim: sorted strictly by Gram, valid UTF-8 of 1..Order runes,
// counts in [1, MaxCount] summing to at most MaxTotal, at most MaxEntries, and Order in
// [1, MaxOrder].
func (u Update) Validate(lim Limits) error {
	if u.Order < 1 || int(u.Order) > lim.MaxOrder {
		return fmt.Errorf("%w: order %d, allowed 1..%d", ErrMalformed, u.Order, lim.MaxOrder)
	}
	if len(u.Entries) > lim.MaxEntries {
		return fmt.Errorf("%w: %d entries, at most %d allowed", ErrMalformed, len(u.Entries), lim.MaxEntries)
	}
	var total uint64
	for i, e := range u.Entries {
		if !utf8.ValidString(e.Gram) {
			return fmt.Errorf("%w: entry %d: gram %q is not valid UTF-8", ErrMalformed, i, e.Gram)
		}
		if n := utf8.RuneCountInString(e.Gram); n < 1 || n > int(u.Order) {
			return fmt.Errorf("%w: entry %d: gram %q has %d characters, allowed 1..%d (the order)", ErrMalformed, i, e.Gram, n, u.Order)
		}
		if e.Count < 1 || e.Count > lim.MaxCount {
			return fmt.Errorf("%w: entry %d: gram %q count %d, allowed 1..%d (the clip)", ErrMalformed, i, e.Gram, e.Count, lim.MaxCount)
		}
		if total += e.Count; total > lim.MaxTotal {
			return fmt.Errorf("%w: counts sum to more than %d by entry %d; at most %d allowed", ErrMalformed, lim.MaxTotal, i, lim.MaxTotal)
		}
		if i > 0 && u.Entries[i-1].Gram >= e.Gram {
			return fmt.Errorf("%w: entry %d: gram %q not after %q; entries must be sorted bytewise without duplicates",
				ErrMalformed, i, e.Gram, u.Entries[i-1].Gram)
		}
	}
	return nil
}

// Decode parses canonical bytes into an update and validates it against lim. It refuses input
// longer than lim.MaxBytes before reading it, and input that does not re-encode to the same bytes.
func Decode(bz []byte, lim Limits) (Update, error) {
	if len(bz) > lim.MaxBytes {
		return Update{}, fmt.Errorf("%w: %d bytes, at most %d allowed", ErrTooLarge, len(bz), lim.MaxBytes)
	}
	r := reader{buf: bz}
	var u Update
	if d := r.string("domain"); r.err == nil && d != UpdateDomain {
		return Update{}, fmt.Errorf("%w: domain %q, want %q", ErrMalformed, d, UpdateDomain)
	}
	u.ChainID = r.string("chain id")
	netuid := r.u32("netuid")
	if r.err == nil && netuid > 0xffff {
		return Update{}, fmt.Errorf("%w: netuid %d, at most 65535 allowed", ErrMalformed, netuid)
	}
	u.Netuid = uint16(netuid)
	u.Epoch = r.u64("epoch")
	u.Hotkey = r.string("hotkey")
	order := r.u32("order")
	if r.err == nil && (order < 1 || int(order) > lim.MaxOrder) {
		return Update{}, fmt.Errorf("%w: order %d, allowed 1..%d", ErrMalformed, order, lim.MaxOrder)
	}
	u.Order = uint8(order)
	n := r.u32("entry count")
	if r.err == nil && int64(n) > int64(lim.MaxEntries) {
		return Update{}, fmt.Errorf("%w: %d entries, at most %d allowed", ErrMalformed, n, lim.MaxEntries)
	}
	for i := 0; r.err == nil && i < int(n); i++ {
		g := r.string("entry gram")
		c := r.u64("entry count")
		u.Entries = append(u.Entries, Entry{Gram: g, Count: c})
	}
	if r.err != nil {
		return Update{}, r.err
	}
	if len(r.buf) != 0 {
		return Update{}, fmt.Errorf("%w: %d bytes after the last entry", ErrMalformed, len(r.buf))
	}
	if err := u.Validate(lim); err != nil {
		return Update{}, err
	}
	return u, nil
}

// SignedUpdate is an update as published: its canonical bytes, the hotkey's compressed public
// key and its signature over those bytes.
type SignedUpdate struct {
	Bytes     []byte
	PubKey    []byte
	Signature []byte
}

// Sign encodes u and signs it with key as the SDK signs (ECDSA over sha256 of the bytes, 64-byte
// r||s with low s). u.Hotkey must be key's address.
func Sign(u Update, key *secp256k1.PrivKey) (SignedUpdate, error) {
	pub := key.PubKey().(*secp256k1.PubKey)
	if addr := auth.Address(pub); addr != u.Hotkey {
		return SignedUpdate{}, fmt.Errorf("federated: signing key is %s, the update's hotkey is %s", addr, u.Hotkey)
	}
	bz := u.Encode()
	sig, err := key.Sign(bz)
	if err != nil {
		return SignedUpdate{}, fmt.Errorf("federated: sign update: %w", err)
	}
	return SignedUpdate{Bytes: bz, PubKey: pub.Bytes(), Signature: sig}, nil
}

// Commitment is what a miner commits on chain for its update of an epoch: integers and a hash
// only. Height orders commitments (the earlier one wins when two carry the same content).
type Commitment struct {
	ChainID string
	Netuid  uint16
	Epoch   uint64
	Hotkey  string
	Hash    [32]byte
	Size    uint32
	Height  uint64
}

// CommitmentOf returns the commitment of u made at height: sha256 of u's encoding and its length,
// which lets peers refuse oversized downloads before hashing.
func CommitmentOf(u Update, height uint64) Commitment {
	bz := u.Encode()
	return Commitment{ChainID: u.ChainID, Netuid: u.Netuid, Epoch: u.Epoch, Hotkey: u.Hotkey,
		Hash: sha256.Sum256(bz), Size: uint32(len(bz)), Height: height}
}

// Verify checks a fetched update against its on-chain commitment c, in the order a peer can
// afford: size against the commitment and lim before hashing, hash, decoding, that the update
// names the commitment's chain, subnet, epoch and hotkey, that the public key is the hotkey's and
// that the signature verifies. It returns the decoded update.
func Verify(s SignedUpdate, c Commitment, lim Limits) (Update, error) {
	if len(s.Bytes) > lim.MaxBytes {
		return Update{}, fmt.Errorf("%w: %d bytes, at most %d allowed", ErrTooLarge, len(s.Bytes), lim.MaxBytes)
	}
	if len(s.Bytes) != int(c.Size) {
		return Update{}, fmt.Errorf("%w: %d bytes, committed size %d", ErrNotCommitted, len(s.Bytes), c.Size)
	}
	if h := sha256.Sum256(s.Bytes); h != c.Hash {
		return Update{}, fmt.Errorf("%w: sha256 %x, committed %x", ErrNotCommitted, h[:8], c.Hash[:8])
	}
	u, err := Decode(s.Bytes, lim)
	if err != nil {
		return Update{}, err
	}
	if u.ChainID != c.ChainID || u.Netuid != c.Netuid || u.Epoch != c.Epoch || u.Hotkey != c.Hotkey {
		return Update{}, fmt.Errorf("%w: update is for (%s, subnet %d, epoch %d, %s), commitment for (%s, subnet %d, epoch %d, %s)",
			ErrWrongEpoch, u.ChainID, u.Netuid, u.Epoch, u.Hotkey, c.ChainID, c.Netuid, c.Epoch, c.Hotkey)
	}
	pk, err := subnettypes.HotkeyPubKey(s.PubKey)
	if err != nil {
		return Update{}, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	if addr := auth.Address(pk); addr != u.Hotkey {
		return Update{}, fmt.Errorf("%w: public key belongs to %s, not to hotkey %s", ErrBadSignature, addr, u.Hotkey)
	}
	if len(s.Signature) != SignatureSize {
		return Update{}, fmt.Errorf("%w: signature has %d bytes, want %d (r||s)", ErrBadSignature, len(s.Signature), SignatureSize)
	}
	if !pk.VerifySignature(s.Bytes, s.Signature) {
		return Update{}, fmt.Errorf("%w: signature does not verify over hotkey %s's update for subnet %d epoch %d",
			ErrBadSignature, u.Hotkey, u.Netuid, u.Epoch)
	}
	return u, nil
}

// SortEntries sorts entries by Gram, merging duplicates and dropping zero counts.
func SortEntries(es []Entry) []Entry {
	sort.Slice(es, func(i, j int) bool { return es[i].Gram < es[j].Gram })
	out := es[:0]
	for _, e := range es {
		if e.Count == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Gram == e.Gram {
			out[n-1].Count += e.Count
			continue
		}
		out = append(out, e)
	}
	return out
}

// writer builds the length-prefixed canonical encoding.
type writer struct{ buf []byte }

func (w *writer) string(s string) {
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(len(s)))
	w.buf = append(w.buf, s...)
}

func (w *writer) u32(v uint32) { w.buf = binary.BigEndian.AppendUint32(w.buf, v) }

func (w *writer) u64(v uint64) { w.buf = binary.BigEndian.AppendUint64(w.buf, v) }

func (w *writer) entries(es []Entry) {
	w.u32(uint32(len(es)))
	for _, e := range es {
		w.string(e.Gram)
		w.u64(e.Count)
	}
}

// reader parses the canonical encoding, keeping the first error.
type reader struct {
	buf []byte
	err error
}

func (r *reader) take(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.buf) {
		r.err = fmt.Errorf("%w: truncated at %s: need %d bytes, %d left", ErrMalformed, what, n, len(r.buf))
		return nil
	}
	b := r.buf[:n]
	r.buf = r.buf[n:]
	return b
}

func (r *reader) u32(what string) uint32 {
	b := r.take(4, what)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func (r *reader) u64(what string) uint64 {
	b := r.take(8, what)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func (r *reader) string(what string) string {
	n := r.u32(what + " length")
	if r.err != nil {
		return ""
	}
	if int64(n) > int64(len(r.buf)) {
		r.err = fmt.Errorf("%w: truncated at %s: length %d, %d bytes left", ErrMalformed, what, n, len(r.buf))
		return ""
	}
	return string(r.take(int(n), what))
}
