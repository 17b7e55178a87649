package federated

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/model"
)

func testKey(name string) (*secp256k1.PrivKey, string) {
	k := secp256k1.GenPrivKeyFromSecret([]byte(name))
	return k, auth.Address(k.PubKey().(*secp256k1.PubKey))
}

func testUpdate(hotkey string, epoch uint64) Update {
	return Update{ChainID: "taochain-test", Netuid: 3, Epoch: epoch, Hotkey: hotkey, Order: 3,
		Entries: []Entry{{"a", 2}, {"ab", 1}, {"abc", 4}, {"é", 1}}}
}

// Train is FromCounts of the text's events, so an update carries exactly the model's sufficient
// statistics. What no text produces — keys longer than the order, empty keys, zero counts — must
// not change the model a peer rebuilds from merged counts.
func TestFromCountsIgnoresWhatNoTextCounts(t *testing.T) {
	text := corpus.Train()
	for _, order := range []int{1, 2, 3, 5} {
		a := model.Train(text, order)
		counts := model.CountEvents(text, order)
		counts.Add(model.Counts{"": 3, "zzzzzzz": 9, "Q": 0})
		b := model.FromCounts(order, counts)
		for _, probe := range []string{"The weather", "zq", corpus.HeldOut()[:300]} {
			if la, lb := a.LogProb("", probe), b.LogProb("", probe); la != lb {
				t.Fatalf("order %d %q: Train %v, FromCounts with invalid keys %v", order, probe, la, lb)
			}
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	_, hk := testKey("miner")
	u := testUpdate(hk, 7)
	bz := u.Encode()
	if c := CommitmentOf(u, 0); int(c.Size) != len(bz) || c.Hash != sha256.Sum256(bz) {
		t.Fatalf("commitment size %d, encoding %d bytes", c.Size, len(bz))
	}
	hash := func(u Update) [32]byte { return CommitmentOf(u, 0).Hash }
	got, err := Decode(bz, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if hash(got) != hash(u) || string(got.Encode()) != string(bz) || got.Epoch != 7 || len(got.Entries) != 4 {
		t.Fatalf("round trip changed the update: %+v", got)
	}
	other := u
	other.Epoch = 8
	if hash(other) == hash(u) || other.ContentHash() != u.ContentHash() {
		t.Fatal("the epoch must change the hash but not the content hash")
	}
}

func TestDecodeRejects(t *testing.T) {
	_, hk := testKey("miner")
	lim := DefaultLimits()
	enc := func(mut func(*Update)) []byte {
		u := testUpdate(hk, 1)
		mut(&u)
		return u.Encode()
	}
	good := enc(func(*Update) {})
	cases := []struct {
		name string
		bz   []byte
		lim  Limits
		want error
		msg  string
	}{
		{"too large", good, Limits{MaxBytes: 10, MaxEntries: 10, MaxCount: 10, MaxTotal: 100, MaxOrder: 5}, ErrTooLarge, "at most 10 allowed"},
		{"truncated", good[:len(good)-3], lim, ErrMalformed, "truncated"},
		{"trailing", append(append([]byte(nil), good...), 0), lim, ErrMalformed, "after the last entry"},
		{"unsorted", enc(func(u *Update) { u.Entries[0], u.Entries[1] = u.Entries[1], u.Entries[0] }), lim, ErrMalformed, "sorted"},
		{"duplicate", enc(func(u *Update) { u.Entries[1].Gram = "a" }), lim, ErrMalformed, "sorted"},
		{"zero count", enc(func(u *Update) { u.Entries[0].Count = 0 }), lim, ErrMalformed, "allowed 1..32"},
		{"over clip", enc(func(u *Update) { u.Entries[0].Count = 33 }), lim, ErrMalformed, "allowed 1..32"},
		{"gram too long", enc(func(u *Update) { u.Entries[2].Gram = "abcd" }), lim, ErrMalformed, "allowed 1..3"},
		{"bad utf8", enc(func(u *Update) { u.Entries[3].Gram = "\xff" }), lim, ErrMalformed, "UTF-8"},
		{"bad order", enc(func(u *Update) { u.Order = 0 }), lim, ErrMalformed, "order 0"},
		{"wrong domain", append([]byte{0, 0, 0, 1, 'x'}, good[4+len(UpdateDomain):]...), lim, ErrMalformed, "domain"},
		{"over total", good, Limits{MaxBytes: 1 << 20, MaxEntries: 10, MaxCount: 10, MaxTotal: 5, MaxOrder: 5}, ErrMalformed, "sum to more than 5"},
		{"too many entries", good, Limits{MaxBytes: 1 << 20, MaxEntries: 2, MaxCount: 10, MaxTotal: 100, MaxOrder: 5}, ErrMalformed, "at most 2 allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.bz, tc.lim)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
		})
	}
}

func TestSignVerify(t *testing.T) {
	key, hk := testKey("miner")
	otherKey, otherHK := testKey("other")
	lim := DefaultLimits()
	u := testUpdate(hk, 5)
	s, err := Sign(u, key)
	if err != nil {
		t.Fatal(err)
	}
	c := CommitmentOf(u, 10)
	if got, err := Verify(s, c, lim); err != nil || string(got.Encode()) != string(u.Encode()) {
		t.Fatalf("valid update: %v", err)
	}
	if _, err := Sign(u, otherKey); err == nil {
		t.Fatal("signed an update naming another hotkey")
	}

	flipped := s
	flipped.Bytes = append([]byte(nil), s.Bytes...)
	flipped.Bytes[len(flipped.Bytes)-1] ^= 1
	if _, err := Verify(flipped, c, lim); !errors.Is(err, ErrNotCommitted) {
		t.Fatalf("tampered bytes: %v", err)
	}
	badSig := s
	badSig.Signature = append([]byte(nil), s.Signature...)
	badSig.Signature[3] ^= 1
	if _, err := Verify(badSig, c, lim); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered signature: %v", err)
	}
	wrongKey := s
	wrongKey.PubKey = otherKey.PubKey().Bytes()
	if _, err := Verify(wrongKey, c, lim); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), otherHK) {
		t.Fatalf("another hotkey's public key: %v", err)
	}
	uncompressed := s
	uncompressed.PubKey = append([]byte{0x04}, s.PubKey[1:]...)
	if _, err := Verify(uncompressed, c, lim); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "compressed") {
		t.Fatalf("a key that is not a compressed secp256k1 key: %v", err)
	}
	// Replaying the signed epoch-5 update against an epoch-6 commitment of the same bytes.
	c6 := c
	c6.Epoch = 6
	if _, err := Verify(s, c6, lim); !errors.Is(err, ErrWrongEpoch) {
		t.Fatalf("replayed into epoch 6: %v", err)
	}
	// Copying: another miner commits the same bytes under its hotkey.
	cc := c
	cc.Hotkey = otherHK
	if _, err := Verify(s, cc, lim); !errors.Is(err, ErrWrongEpoch) {
		t.Fatalf("committed by another hotkey: %v", err)
	}
}

// Re-signing someone else's counts, or one's own old counts, under a fresh header verifies, so
// Accept catches it by content: the earlier commitment keeps the credit.
func TestAcceptCopyAndReplay(t *testing.T) {
	keyA, a := testKey("a")
	keyB, b := testKey("b")
	lim := DefaultLimits()
	seen := map[[32]byte]uint64{}
	sub := func(key *secp256k1.PrivKey, hk string, epoch uint64, entries []Entry, height uint64) Submission {
		u := Update{ChainID: "taochain-test", Netuid: 3, Epoch: epoch, Hotkey: hk, Order: 3, Entries: entries}
		s, err := Sign(u, key)
		if err != nil {
			t.Fatal(err)
		}
		c := CommitmentOf(u, height)
		return Submission{Hotkey: hk, Commitment: &c, Update: &s}
	}
	e1 := testUpdate(a, 1).Entries
	acc, rej := Accept(1, "taochain-test", 3, 3, lim, []Submission{sub(keyB, b, 1, e1, 12), sub(keyA, a, 1, e1, 11)}, seen)
	if _, ok := acc[a]; !ok || !errors.Is(rej[b], ErrCopied) {
		t.Fatalf("epoch 1: accepted %v rejected %v; want a accepted and b's copy rejected", acc, rej)
	}
	other := []Entry{{"b", 1}}
	acc, rej = Accept(2, "taochain-test", 3, 3, lim, []Submission{sub(keyA, a, 2, e1, 21), sub(keyB, b, 2, other, 22), {Hotkey: "c"}}, seen)
	if !errors.Is(rej[a], ErrReplayed) || !errors.Is(rej["c"], ErrMissing) {
		t.Fatalf("epoch 2: rejected %v; want a's replay and c's missing update rejected", rej)
	}
	if _, ok := acc[b]; !ok {
		t.Fatalf("epoch 2: b's fresh update rejected: %v", rej[b])
	}
}

func TestMergeWeights(t *testing.T) {
	w := Weights([]float64{4, 2, 0, -1, 1})
	if w[0] != 1 || w[1] != 1 || w[2] != 0 || w[3] != 0 || w[4] != 0.5 {
		t.Fatalf("weights %v, want [1 1 0 0 0.5] (median of 4, 2, 1 is 2)", w)
	}
	own := model.Counts{"a": 1}
	got := Merge(own, []Peer{{Hotkey: "p", Counts: model.Counts{"a": 4, "b": 1}, Incentive: 2},
		{Hotkey: "q", Counts: model.Counts{"b": 4, "c": 1}, Incentive: 1}, {Hotkey: "r", Counts: model.Counts{"d": 9}}})
	// Median incentive 1.5: p weighs 1, q 2/3 (b: 4·2/3 rounds to 3), r nothing.
	want := model.Counts{"a": 5, "b": 4, "c": 1}
	if len(got) != len(want) {
		t.Fatalf("merged %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("merged %v, want %v", got, want)
		}
	}
	if own["b"] != 0 {
		t.Fatal("Merge modified the miner's own counts")
	}
}

// FuzzDecode: Decode never panics, and what it accepts is canonical (re-encodes to the input) and
// valid.
func FuzzDecode(f *testing.F) {
	_, hk := testKey("miner")
	f.Add(testUpdate(hk, 1).Encode())
	f.Add([]byte{})
	f.Add(Update{Order: 1}.Encode())
	lim := Limits{MaxBytes: 4096, MaxEntries: 64, MaxCount: 32, MaxTotal: 256, MaxOrder: 5}
	f.Fuzz(func(t *testing.T, bz []byte) {
		u, err := Decode(bz, lim)
		if err != nil {
			return
		}
		if string(u.Encode()) != string(bz) {
			t.Fatalf("accepted a non-canonical encoding of %+v", u)
		}
		if err := u.Validate(lim); err != nil {
			t.Fatalf("accepted an invalid update: %v", err)
		}
	})
}
