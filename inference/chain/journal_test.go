package chain

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJournalRoundTripAndPrune(t *testing.T) {
	f := newSubmitterFixture(t)
	j := f.journal
	if _, ok, err := j.Load(1); ok || err != nil {
		t.Fatalf("empty journal: ok %v err %v", ok, err)
	}
	if n, err := j.MaxNonce(); n != 0 || err != nil {
		t.Fatalf("empty journal: max nonce %d err %v", n, err)
	}
	for epoch := uint64(1); epoch <= 70; epoch++ {
		f.journalEntry(t, epoch, 100+epoch, JournalOnChain)
	}
	e, ok, err := j.Load(70)
	if err != nil || !ok || e.Nonce() != 170 || e.Status != JournalOnChain {
		t.Fatalf("loaded %+v ok %v err %v", e, ok, err)
	}
	if err := e.Signed.Evaluation.VerifySignature(f.chain.pubkey, e.Signed.Signature); err != nil {
		t.Fatalf("journaled signature: %v", err)
	}
	if err := j.Prune(70); err != nil {
		t.Fatal(err)
	}
	epochs, err := j.Epochs()
	if err != nil || len(epochs) != JournalEpochs || epochs[0] != 70-JournalEpochs+1 {
		t.Fatalf("after pruning: epochs %v err %v, want the last %d", epochs, err, JournalEpochs)
	}
	if n, _ := j.MaxNonce(); n != 170 {
		t.Fatalf("max nonce %d, want 170", n)
	}
	// No temporary file is left behind, and the pending store lives beside the entries.
	if _, err := os.Stat(j.path(70) + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temporary file left: %v", err)
	}
	if filepath.Dir(j.Pending().Path) != j.Dir {
		t.Fatalf("pending store %s outside the journal %s", j.Pending().Path, j.Dir)
	}
}

func TestJournalRefusesForeignEntries(t *testing.T) {
	f := newSubmitterFixture(t)
	f.journalEntry(t, 9, 1, JournalSigned)
	other := f.journal
	other.Netuid = 4
	if err := other.Save(f.journaled(t, 9)); err == nil {
		t.Fatal("journal of subnet 4 accepted an evaluation for subnet 3")
	}
	// An entry moved under another epoch's name is refused, not reinterpreted.
	if err := os.Rename(f.journal.path(9), f.journal.path(10)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.journal.Load(10); err == nil || !strings.Contains(err.Error(), "epoch 9") {
		t.Fatalf("misplaced entry: %v", err)
	}
}

func TestSignerLock(t *testing.T) {
	machine := t.TempDir()
	home1, home2 := t.TempDir(), t.TempDir()
	const hotkey = "tao1hotkey"
	first, err := LockSigner(NewJournal(home1, hotkey, 1), machine)
	if err != nil {
		t.Fatal(err)
	}
	// Same hotkey and subnet: refused, whether in the same home or another one on the machine.
	for name, home := range map[string]string{"same home": home1, "other home": home2} {
		_, err := LockSigner(NewJournal(home, hotkey, 1), machine)
		var locked *LockedError
		if !errors.As(err, &locked) {
			t.Fatalf("%s: second signer not refused: %v", name, err)
		}
		if locked.PID != os.Getpid() || locked.Hotkey != hotkey || locked.Netuid != 1 {
			t.Fatalf("%s: %+v", name, locked)
		}
		for _, want := range []string{hotkey, "subnet 1", locked.Path, "process"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("%s: message %q lacks %q", name, err, want)
			}
		}
	}
	// Another subnet, or another hotkey, runs beside it.
	for _, j := range []Journal{NewJournal(home1, hotkey, 2), NewJournal(home1, "tao1otherhotkey", 1)} {
		l, err := LockSigner(j, machine)
		if err != nil {
			t.Fatalf("hotkey %s subnet %d: %v", j.Hotkey, j.Netuid, err)
		}
		defer l.Release()
	}
	// Once released, the next signer takes over.
	first.Release()
	again, err := LockSigner(NewJournal(home2, hotkey, 1), machine)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.Release()
}
