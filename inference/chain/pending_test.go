package chain

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

func TestResume(t *testing.T) {
	p := Pending{Sequence: 7}
	cases := []struct {
		name string
		tx   TxStatus
		seq  uint64
		want Action
	}{
		{"included and succeeded", TxStatus{Found: true}, 8, ActionDone},
		{"included and failed", TxStatus{Found: true, Code: 13, Codespace: "intelligence"}, 8, ActionRebuild},
		{"not included, sequence free", TxStatus{}, 7, ActionRebroadcast},
		{"not included, sequence used by another tx", TxStatus{}, 8, ActionRebuild},
		{"not included, chain behind (reset)", TxStatus{}, 3, ActionRebuild},
	}
	for _, tc := range cases {
		if got := Resume(p, tc.tx, tc.seq); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPendingStoreRoundTrip(t *testing.T) {
	s := PendingStore{Path: filepath.Join(t.TempDir(), "home", "pending-evaluation.json")}
	if _, ok, err := s.Load(); ok || err != nil {
		t.Fatalf("empty store: ok=%v err=%v", ok, err)
	}
	bz := []byte{1, 2, 3, 4}
	p := Pending{Netuid: 1, Epoch: 42, Nonce: 9, Signer: "tao1x", Sequence: 5, TxHash: TxHash(bz), TxBytes: bz}
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Load()
	if err != nil || !ok || got.Epoch != 42 || got.Sequence != 5 || string(got.TxBytes) != string(bz) || got.TxHash != p.TxHash {
		t.Fatalf("loaded %+v ok=%v err=%v", got, ok, err)
	}
	// A file whose hash does not match its bytes is refused rather than rebroadcast.
	p.TxBytes = []byte{9}
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Load(); err == nil {
		t.Fatal("tampered pending submission accepted")
	}
	if err := os.WriteFile(s.Path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Load(); err == nil {
		t.Fatal("corrupt file accepted")
	}
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if err := s.Clear(); err != nil {
		t.Fatalf("clearing twice: %v", err)
	}
	if _, ok, _ := s.Load(); ok {
		t.Fatal("cleared store still has a submission")
	}
}

func TestTxErrorMatchesRegisteredErrors(t *testing.T) {
	seq := &TxError{Stage: "check", Codespace: "sdk", Code: 32}
	if !errors.Is(seq, sdkerrors.ErrWrongSequence) || errors.Is(seq, sdkerrors.ErrOutOfGas) {
		t.Fatal("wrong sequence not recognised")
	}
	if r, refetch := retryable(seq); !r || !refetch {
		t.Fatal("wrong sequence must be retried after a refetch")
	}
	dup := &TxError{Stage: "deliver", Codespace: inteltypes.ModuleName, Code: 13}
	if !errors.Is(dup, inteltypes.ErrDuplicateEvaluation) {
		t.Fatal("duplicate evaluation not recognised")
	}
	if r, _ := retryable(dup); r {
		t.Fatal("a duplicate evaluation must not be retried")
	}
	if r, refetch := retryable(&TxError{Codespace: "sdk", Code: 11}); !r || refetch {
		t.Fatal("out of gas is retried with more gas")
	}
}
