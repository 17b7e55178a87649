package chain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/scoring"
	"github.com/taochain/taochain/testutil/e2e"
	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

// memChain is a node in memory that runs MsgSubmitEvaluation as x/intelligence does: signature,
// then the nonce (per netuid and hotkey), then the one-evaluation-per-epoch rule, in that order
// (or the duplicate check first with duplicateFirst). A failing message still lands in a block and
// consumes the fee payer's sequence, as a DeliverTx failure does: its evaluation is public.
type memChain struct {
	pubkey         []byte
	fee            string
	seq            uint64
	nonces         map[uint16]uint64
	stored         map[[2]uint64]inteltypes.StoredEvaluation
	txs            map[string]TxStatus
	signed         map[string]*inteltypes.MsgSubmitEvaluation // tx hash → message
	seqOf          map[string]uint64
	height         int64
	duplicateFirst bool
	// seen is every evaluation that reached the chain, in a block or not: the public record.
	seen []inteltypes.SignedEvaluation
	// beforeBroadcast runs after the tx is signed and the pending hook ran, before it is sent; an
	// error ends send there (a crash, or a refusal before any block).
	beforeBroadcast func(tx SignedTx) error
	// beforeSign runs when send starts (another signer acting meanwhile, or a crash before the
	// tx exists).
	beforeSign func() error
}

func newMemChain(pub []byte) *memChain {
	return &memChain{pubkey: pub, fee: "tao1feepayer", nonces: map[uint16]uint64{},
		stored: map[[2]uint64]inteltypes.StoredEvaluation{}, txs: map[string]TxStatus{},
		signed: map[string]*inteltypes.MsgSubmitEvaluation{}, seqOf: map[string]uint64{}, height: 100}
}

func (m *memChain) ChainID() string                                         { return "taochain-test-1" }
func (m *memChain) KeyAddress(string) (string, error)                       { return m.fee, nil }
func (m *memChain) Account(context.Context, string) (uint64, uint64, error) { return 1, m.seq, nil }

func (m *memChain) Nonce(_ context.Context, netuid uint16, _ string) (uint64, error) {
	return m.nonces[netuid], nil
}

func (m *memChain) Evaluation(_ context.Context, netuid uint16, epoch uint64, _ string) (inteltypes.StoredEvaluation, bool, error) {
	s, ok := m.stored[[2]uint64{uint64(netuid), epoch}]
	return s, ok, nil
}

func (m *memChain) GetTx(_ context.Context, hash string) (TxStatus, error) { return m.txs[hash], nil }

func (m *memChain) WaitTx(_ context.Context, hash string) (TxStatus, error) {
	st, ok := m.txs[hash]
	if !ok {
		return TxStatus{}, ErrInclusionTimeout
	}
	if st.Code != 0 {
		return st, &TxError{Stage: "deliver", TxHash: hash, Codespace: st.Codespace, Code: st.Code, Log: st.Log}
	}
	return st, nil
}

// BroadcastSync includes a tx signed earlier (by send) in the next block.
func (m *memChain) BroadcastSync(_ context.Context, txBytes []byte) error {
	hash := TxHash(txBytes)
	msg, ok := m.signed[hash]
	if !ok {
		return fmt.Errorf("memchain: unknown tx %s", hash)
	}
	if m.seqOf[hash] != m.seq {
		return &TxError{Stage: "check", TxHash: hash, Codespace: sdkerrors.RootCodespace, Code: sdkerrors.ErrWrongSequence.ABCICode()}
	}
	m.deliver(hash, msg)
	return nil
}

func (m *memChain) send(ctx context.Context, _ string, msgs []sdk.Msg, hook func(SignedTx) error) (TxStatus, error) {
	if m.beforeSign != nil {
		if err := m.beforeSign(); err != nil {
			return TxStatus{}, err
		}
	}
	msg := msgs[0].(*inteltypes.MsgSubmitEvaluation)
	body, err := msg.Marshal()
	if err != nil {
		return TxStatus{}, err
	}
	tx := SignedTx{Bytes: append(body, byte(m.seq), byte(m.seq>>8)), Signer: m.fee, Sequence: m.seq}
	tx.Hash = TxHash(tx.Bytes)
	m.signed[tx.Hash], m.seqOf[tx.Hash] = msg, m.seq
	if hook != nil {
		if err := hook(tx); err != nil {
			return TxStatus{}, err
		}
	}
	if m.beforeBroadcast != nil {
		if err := m.beforeBroadcast(tx); err != nil {
			return TxStatus{}, err
		}
	}
	if err := m.BroadcastSync(ctx, tx.Bytes); err != nil {
		return TxStatus{}, err
	}
	return m.WaitTx(ctx, tx.Hash)
}

func (m *memChain) deliver(hash string, msg *inteltypes.MsgSubmitEvaluation) {
	m.height++
	m.seq++
	ev := msg.Evaluation
	m.seen = append(m.seen, inteltypes.SignedEvaluation{Evaluation: ev, Signature: msg.Signature})
	key := [2]uint64{uint64(ev.Netuid), ev.Epoch}
	fail := func(err error) {
		var coded interface {
			Codespace() string
			ABCICode() uint32
		}
		errors.As(err, &coded)
		m.txs[hash] = TxStatus{Found: true, Height: m.height, Codespace: coded.Codespace(), Code: coded.ABCICode(), Log: err.Error()}
	}
	if err := ev.VerifySignature(m.pubkey, msg.Signature); err != nil {
		fail(err)
		return
	}
	checks := []func() error{
		func() error {
			if ev.Nonce <= m.nonces[uint16(ev.Netuid)] {
				return inteltypes.ErrStaleNonce
			}
			return nil
		},
		func() error {
			if _, ok := m.stored[key]; ok {
				return inteltypes.ErrDuplicateEvaluation
			}
			return nil
		},
	}
	if m.duplicateFirst {
		checks[0], checks[1] = checks[1], checks[0]
	}
	for _, c := range checks {
		if err := c(); err != nil {
			fail(err)
			return
		}
	}
	m.stored[key] = inteltypes.NewStoredEvaluation(inteltypes.SignedEvaluation{Evaluation: ev, Signature: msg.Signature}, msg.Submitter, m.height)
	m.nonces[uint16(ev.Netuid)] = ev.Nonce
	m.txs[hash] = TxStatus{Found: true, Height: m.height}
}

// storeOther makes another signer's evaluation for (netuid, epoch) land, signed with key.
func (m *memChain) storeOther(t *testing.T, key *secp256k1.PrivKey, netuid uint16, epoch, nonce uint64, score uint32) {
	t.Helper()
	ev := inteltypes.Evaluation{ChainId: m.ChainID(), Netuid: uint32(netuid), Epoch: epoch, ValidatorHotkey: auth.Address(key.PubKey().(*secp256k1.PubKey)),
		Uids: []uint32{1}, Scores: []uint32{score}, TaskCommitment: bytes.Repeat([]byte{9}, 32), Nonce: nonce}
	sig, err := key.Sign(ev.SignBytes())
	if err != nil {
		t.Fatal(err)
	}
	m.height++
	signed := inteltypes.SignedEvaluation{Evaluation: ev, Signature: sig}
	m.stored[[2]uint64{uint64(netuid), epoch}] = inteltypes.NewStoredEvaluation(signed, "tao1other", m.height)
	m.nonces[netuid] = max(m.nonces[netuid], nonce)
	m.seen = append(m.seen, signed)
}

// conflicts returns the pairs of public evaluations for one (netuid, epoch) whose signed content
// differs: what a reporter could turn into MsgReportEquivocation.
func (m *memChain) conflicts() []string {
	var out []string
	for i, a := range m.seen {
		for _, b := range m.seen[i+1:] {
			ea, eb := a.Evaluation, b.Evaluation
			if ea.Netuid == eb.Netuid && ea.Epoch == eb.Epoch && !bytes.Equal(ea.SignBytes(), eb.SignBytes()) {
				out = append(out, fmt.Sprintf("subnet %d epoch %d: nonces %d/%d scores %v/%v", ea.Netuid, ea.Epoch, ea.Nonce, eb.Nonce, ea.Scores, eb.Scores))
			}
		}
	}
	return out
}

type submitterFixture struct {
	key     *secp256k1.PrivKey
	chain   *memChain
	journal Journal
	logs    *e2e.Output
}

func newSubmitterFixture(t *testing.T) *submitterFixture {
	t.Helper()
	app.SetAddressPrefixes()
	key := secp256k1.GenPrivKey()
	pub := key.PubKey().(*secp256k1.PubKey)
	return &submitterFixture{key: key, chain: newMemChain(pub.Bytes()),
		journal: NewJournal(t.TempDir(), auth.Address(pub), 3), logs: &e2e.Output{}}
}

// start is one worker process: a new submitter on the same journal and chain.
func (f *submitterFixture) start(t *testing.T) *EvaluationSubmitter {
	t.Helper()
	s, err := newEvaluationSubmitter(f.chain, f.key, "fee", f.journal, slog.New(slog.NewTextHandler(f.logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.maxRetries, s.poll = 2, 0
	return s
}

// journalEntry writes a journal entry for epoch with nonce, signed by the fixture's key.
func (f *submitterFixture) journalEntry(t *testing.T, epoch, nonce uint64, status string) {
	t.Helper()
	ev := inteltypes.Evaluation{ChainId: f.chain.ChainID(), Netuid: uint32(f.journal.Netuid), Epoch: epoch, ValidatorHotkey: f.journal.Hotkey,
		Uids: []uint32{1}, Scores: []uint32{1}, TaskCommitment: make([]byte, 32), Nonce: nonce}
	sig, err := f.key.Sign(ev.SignBytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.journal.Save(JournalEntry{Signed: inteltypes.SignedEvaluation{Evaluation: ev, Signature: sig}, Status: status}); err != nil {
		t.Fatal(err)
	}
}

func evaluation(epoch uint64, score uint16) scoring.Evaluation {
	return scoring.Evaluation{Netuid: 3, Epoch: epoch, UIDs: []uint16{1, 2}, Scores: []uint16{score, 7}, TaskCommitment: [32]byte{byte(score)}}
}

// journaled returns the journal entry of epoch, failing the test when there is none.
func (f *submitterFixture) journaled(t *testing.T, epoch uint64) JournalEntry {
	t.Helper()
	e, ok, err := f.journal.Load(epoch)
	if err != nil || !ok {
		t.Fatalf("journal entry of epoch %d: ok %v err %v", epoch, ok, err)
	}
	return e
}

// TestSubmitterCrashBeforeBroadcastResendsTheJournaledEvaluation: the worker dies after journaling
// its evaluation but before any transaction exists. The restarted worker scores again (different
// scores) and must send the journaled evaluation, signature and nonce unchanged.
func TestSubmitterCrashBeforeBroadcastResendsTheJournaledEvaluation(t *testing.T) {
	f := newSubmitterFixture(t)
	ctx, crash := context.WithCancel(context.Background())
	f.chain.beforeSign = func() error { crash(); return ctx.Err() }
	if err := f.start(t).Submit(ctx, evaluation(5, 100)); !errors.Is(err, context.Canceled) {
		t.Fatalf("crashed submit: %v", err)
	}
	first := f.journaled(t, 5)
	if first.Status != JournalSigned || len(f.chain.seen) != 0 {
		t.Fatalf("after the crash: status %s, %d evaluations public", first.Status, len(f.chain.seen))
	}

	f.chain.beforeSign = nil
	if err := f.start(t).Submit(context.Background(), evaluation(5, 999)); err != nil {
		t.Fatal(err)
	}
	stored := f.chain.stored[[2]uint64{3, 5}]
	if !stored.SameStatement(first.Signed.Evaluation) || !bytes.Equal(stored.Signed.Signature, first.Signed.Signature) {
		t.Fatalf("the restarted worker stored %v, journaled %v", stored.Signed.Evaluation, first.Signed.Evaluation)
	}
	if f.journaled(t, 5).Status != JournalOnChain {
		t.Fatal("journal entry not marked on chain")
	}
	if c := f.chain.conflicts(); len(c) != 0 {
		t.Fatalf("conflicting evaluations public: %v", c)
	}
}

// TestSubmitterCrashAfterPendingSaveRebroadcastsTheSameBytes: the worker dies after the signed
// transaction was written down but before it left. At restart ResolvePending sends those very
// bytes, and nothing is signed again.
func TestSubmitterCrashAfterPendingSaveRebroadcastsTheSameBytes(t *testing.T) {
	f := newSubmitterFixture(t)
	ctx, crash := context.WithCancel(context.Background())
	var crashed SignedTx
	f.chain.beforeBroadcast = func(tx SignedTx) error { crashed = tx; crash(); return ctx.Err() }
	if err := f.start(t).Submit(ctx, evaluation(5, 100)); !errors.Is(err, context.Canceled) {
		t.Fatalf("crashed submit: %v", err)
	}
	f.chain.beforeBroadcast = nil
	s := f.start(t)
	p, found, onChain, err := s.ResolvePending(context.Background())
	if err != nil || !found || !onChain || p.TxHash != crashed.Hash {
		t.Fatalf("resolve: %+v found %v on chain %v err %v", p, found, onChain, err)
	}
	if st := f.chain.txs[crashed.Hash]; !st.Found || st.Code != 0 {
		t.Fatalf("the pending bytes did not land: %+v", st)
	}
	signedTxs := len(f.chain.signed)
	if err := s.Submit(context.Background(), evaluation(5, 999)); err != nil {
		t.Fatal(err)
	}
	if len(f.chain.signed) != signedTxs || len(f.chain.seen) != 1 {
		t.Fatalf("a finished epoch was sent again: %d txs signed (was %d), %d evaluations public", len(f.chain.signed), signedTxs, len(f.chain.seen))
	}
	if f.journaled(t, 5).Status != JournalOnChain {
		t.Fatal("journal entry not marked on chain")
	}
}

// TestSubmitterLostPendingSettlesAsOnChain: the evaluation landed but the worker lost the pending
// file. Sending the journaled evaluation again is refused (stale nonce, or duplicate when the
// chain checks that first); the chain stores exactly the journaled evaluation, so the epoch is done.
func TestSubmitterLostPendingSettlesAsOnChain(t *testing.T) {
	for _, duplicateFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("duplicateFirst=%v", duplicateFirst), func(t *testing.T) {
			f := newSubmitterFixture(t)
			f.chain.duplicateFirst = duplicateFirst
			if err := f.start(t).Submit(context.Background(), evaluation(5, 100)); err != nil {
				t.Fatal(err)
			}
			e := f.journaled(t, 5)
			e.Status = JournalSigned // as if the worker died before recording the outcome
			if err := f.journal.Save(e); err != nil {
				t.Fatal(err)
			}
			if err := f.start(t).Submit(context.Background(), evaluation(5, 999)); err != nil {
				t.Fatalf("resend of a stored evaluation: %v", err)
			}
			if len(f.chain.seen) != 2 || f.journaled(t, 5).Status != JournalOnChain {
				t.Fatalf("%d evaluations public, status %s", len(f.chain.seen), f.journaled(t, 5).Status)
			}
			if c := f.chain.conflicts(); len(c) != 0 {
				t.Fatalf("conflicting evaluations public: %v", c)
			}
		})
	}
}

// TestSubmitterStaleNonceIsAnotherSigner: another signer takes the nonce between our nonce query
// and our transaction. The worker must not sign again with a larger nonce: it logs the other
// signer, abandons the epoch and never sends for it again.
func TestSubmitterStaleNonceIsAnotherSigner(t *testing.T) {
	f := newSubmitterFixture(t)
	f.chain.beforeSign = func() error { f.chain.nonces[3] = 40; return nil }
	err := f.start(t).Submit(context.Background(), evaluation(5, 100))
	if !errors.Is(err, ErrAnotherSigner) {
		t.Fatalf("submit after a stale nonce: %v", err)
	}
	f.chain.beforeSign = nil
	e := f.journaled(t, 5)
	if e.Status != JournalAbandoned || !strings.Contains(e.Reason, "not above the chain's last nonce 40") {
		t.Fatalf("journal entry %s: %s", e.Status, e.Reason)
	}
	if !strings.Contains(f.logs.String(), "ANOTHER SIGNER") {
		t.Fatalf("no loud error logged:\n%s", f.logs.String())
	}
	seen := len(f.chain.seen)
	for _, s := range []*EvaluationSubmitter{f.start(t), f.start(t)} {
		if err := s.Submit(context.Background(), evaluation(5, 300)); !errors.Is(err, ErrEvaluationAbandoned) {
			t.Fatalf("submit for an abandoned epoch: %v", err)
		}
		if signed, err := s.Resubmit(context.Background(), 3, 5); !signed || !errors.Is(err, ErrEvaluationAbandoned) {
			t.Fatalf("resubmit for an abandoned epoch: %v %v", signed, err)
		}
	}
	if len(f.chain.seen) != seen || !bytes.Equal(f.journaled(t, 5).Signed.Signature, e.Signed.Signature) {
		t.Fatal("an abandoned epoch was sent or signed again")
	}
	// The next epoch signs with a nonce above the other signer's.
	if err := f.start(t).Submit(context.Background(), evaluation(6, 100)); err != nil {
		t.Fatal(err)
	}
	if n := f.journaled(t, 6).Nonce(); n != 41 {
		t.Fatalf("next nonce %d, want 41", n)
	}
}

// TestSubmitterDuplicateOfAnotherSignersEvaluation: another instance's evaluation for the epoch
// lands first. The chain refuses ours as a duplicate; the stored one differs, so the worker logs
// the other instance and stops submitting for the epoch.
func TestSubmitterDuplicateOfAnotherSignersEvaluation(t *testing.T) {
	f := newSubmitterFixture(t)
	// An earlier evaluation of this worker at nonce 7, so ours (8) passes the nonce check and the
	// other instance's (2) is what the chain holds for epoch 5.
	f.journalEntry(t, 2, 7, JournalAbandoned)
	f.chain.beforeSign = func() error {
		f.chain.storeOther(t, f.key, 3, 5, 2, 60000)
		f.chain.beforeSign = nil
		return nil
	}
	err := f.start(t).Submit(context.Background(), evaluation(5, 100))
	if !errors.Is(err, ErrAnotherSigner) || !strings.Contains(err.Error(), "different evaluation") {
		t.Fatalf("submit after another instance's evaluation: %v", err)
	}
	if st := f.chain.txs; len(st) == 0 {
		t.Fatal("nothing was sent")
	}
	var last TxStatus
	for _, st := range f.chain.txs {
		if st.Height > last.Height {
			last = st
		}
	}
	if last.Code != inteltypes.ErrDuplicateEvaluation.ABCICode() {
		t.Fatalf("our tx failed with %d (%s), want a duplicate", last.Code, last.Log)
	}
	if e := f.journaled(t, 5); e.Status != JournalAbandoned || e.Nonce() != 8 {
		t.Fatalf("journal entry %s nonce %d", e.Status, e.Nonce())
	}
	if !strings.Contains(f.logs.String(), "ANOTHER SIGNER") {
		t.Fatalf("no loud error logged:\n%s", f.logs.String())
	}
}

// TestSubmitterStopsWhenThePreviousEpochIsNotItsOwn: after this worker signed once, an evaluation
// of its hotkey for the previous epoch that it never signed shows another signer: it signs nothing
// for the new epoch.
func TestSubmitterStopsWhenThePreviousEpochIsNotItsOwn(t *testing.T) {
	f := newSubmitterFixture(t)
	s := f.start(t)
	if err := s.Submit(context.Background(), evaluation(5, 100)); err != nil {
		t.Fatal(err)
	}
	f.chain.storeOther(t, f.key, 3, 6, 30, 123)
	seen := len(f.chain.seen)
	if err := s.Submit(context.Background(), evaluation(7, 100)); !errors.Is(err, ErrAnotherSigner) {
		t.Fatalf("submit after another signer's epoch: %v", err)
	}
	if _, ok, _ := f.journal.Load(7); ok || len(f.chain.seen) != seen {
		t.Fatal("signed or sent an evaluation with another signer at work")
	}
	// A fresh worker (e.g. its home was replaced) does not hold the chain's past against itself.
	if err := f.start(t).Submit(context.Background(), evaluation(7, 100)); err != nil {
		t.Fatalf("fresh worker: %v", err)
	}
}

// TestSubmitterRefusesAnUnreadableJournal: a journal entry that cannot be read or verified stops
// the epoch: the worker cannot know what it signed, so it signs nothing.
func TestSubmitterRefusesAnUnreadableJournal(t *testing.T) {
	f := newSubmitterFixture(t)
	if err := os.MkdirAll(f.journal.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.journal.path(5), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := f.start(t)
	if err := s.Submit(context.Background(), evaluation(5, 100)); err == nil {
		t.Fatal("signed over a corrupt journal entry")
	}
	if signed, err := s.Resubmit(context.Background(), 3, 5); !signed || err == nil {
		t.Fatalf("resubmit over a corrupt entry: signed %v err %v", signed, err)
	}
	// A well-formed entry whose signature does not verify (edited by hand) is refused too.
	if err := s.Submit(context.Background(), evaluation(6, 100)); err != nil {
		t.Fatal(err)
	}
	e := f.journaled(t, 6)
	e.Status = JournalSigned
	e.Signed.Evaluation.Scores[0]++
	if err := f.journal.Save(e); err != nil {
		t.Fatal(err)
	}
	if err := f.start(t).Submit(context.Background(), evaluation(6, 100)); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("tampered entry: %v", err)
	}
	if len(f.chain.seen) != 1 || len(f.chain.signed) != 1 {
		t.Fatalf("%d evaluations public, want only epoch 6's first", len(f.chain.seen))
	}
}

// TestSubmitterNeverSignsTwiceForAnEpoch: whatever the scores of later attempts, and across
// restarts, the evaluations signed for an epoch have exactly one signature, and every epoch's
// nonce is above the previous one's.
func TestSubmitterNeverSignsTwiceForAnEpoch(t *testing.T) {
	f := newSubmitterFixture(t)
	s := f.start(t)
	var last uint64
	for epoch := uint64(10); epoch < 14; epoch++ {
		for attempt := uint16(0); attempt < 3; attempt++ {
			if attempt == 2 {
				s = f.start(t) // restart
			}
			if err := s.Submit(context.Background(), evaluation(epoch, 100+attempt)); err != nil {
				t.Fatal(err)
			}
		}
		e := f.journaled(t, epoch)
		if e.Signed.Evaluation.Scores[0] != 100 || e.Nonce() <= last {
			t.Fatalf("epoch %d: journaled score %d nonce %d (previous nonce %d)", epoch, e.Signed.Evaluation.Scores[0], e.Nonce(), last)
		}
		last = e.Nonce()
	}
	if len(f.chain.seen) != 4 || len(f.chain.conflicts()) != 0 {
		t.Fatalf("%d evaluations public for 4 epochs; conflicts %v", len(f.chain.seen), f.chain.conflicts())
	}
}
