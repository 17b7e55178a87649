package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/scoring"
	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

// ErrAnotherSigner is returned when the chain shows that some other process signs evaluations
// with this worker's hotkey on its subnet. The worker then stops submitting for the epoch rather
// than sign a second, different evaluation that would be equivocation evidence.
var ErrAnotherSigner = errors.New("chain: another signer is using this validator hotkey on this subnet")

// ErrEvaluationAbandoned is returned for an epoch whose journaled evaluation was given up earlier
// (see JournalAbandoned); nothing is signed or sent for it any more.
var ErrEvaluationAbandoned = errors.New("chain: evaluation for this epoch was abandoned")

// evaluationChain is what EvaluationSubmitter needs from a node; *Client implements it and tests
// replace it with a chain in memory.
type evaluationChain interface {
	ChainID() string
	KeyAddress(name string) (string, error)
	Nonce(ctx context.Context, netuid uint16, hotkey string) (uint64, error)
	Evaluation(ctx context.Context, netuid uint16, epoch uint64, hotkey string) (inteltypes.StoredEvaluation, bool, error)
	GetTx(ctx context.Context, hash string) (TxStatus, error)
	Account(ctx context.Context, addr string) (number, sequence uint64, err error)
	BroadcastSync(ctx context.Context, txBytes []byte) error
	WaitTx(ctx context.Context, hash string) (TxStatus, error)
	send(ctx context.Context, key string, msgs []sdk.Msg, beforeBroadcast func(SignedTx) error) (TxStatus, error)
}

var _ evaluationChain = (*Client)(nil)

// EvaluationSubmitter signs evaluations with a validator hotkey for one subnet and submits them in
// MsgSubmitEvaluation paid by a fee key. It signs at most one evaluation per epoch: the signed
// evaluation goes into the Journal before it is broadcast, and every later attempt for that epoch
// (a retry, a restart, a new tx after the fee payer's sequence moved) re-sends exactly that
// evaluation. The transaction around it is kept in the journal's PendingStore so that a restart
// rebroadcasts the same bytes while they can still land. It implements scoring.EvaluationSink.
type EvaluationSubmitter struct {
	chain      evaluationChain
	hotkey     *secp256k1.PrivKey
	pubkey     []byte
	addr       string
	feeKey     string
	journal    Journal
	store      PendingStore
	log        *slog.Logger
	maxRetries int
	poll       time.Duration
	// firstSigned is the first epoch this process signed for (valid when signedAny): from it on,
	// every evaluation of the hotkey the chain stores for the subnet must be one it journaled.
	firstSigned uint64
	signedAny   bool
}

var _ scoring.EvaluationSink = (*EvaluationSubmitter)(nil)

// NewEvaluationSubmitter returns a submitter signing with hotkey, paying fees with the keyring key
// feeKey, journaling in journal (whose hotkey must be hotkey's address). Hold the journal's
// SignerLock while it runs.
func NewEvaluationSubmitter(c *Client, hotkey *secp256k1.PrivKey, feeKey string, journal Journal, log *slog.Logger) (*EvaluationSubmitter, error) {
	s, err := newEvaluationSubmitter(c, hotkey, feeKey, journal, log)
	if err != nil {
		return nil, err
	}
	s.maxRetries, s.poll = c.cfg.MaxRetries, c.cfg.PollInterval
	return s, nil
}

func newEvaluationSubmitter(c evaluationChain, hotkey *secp256k1.PrivKey, feeKey string, journal Journal, log *slog.Logger) (*EvaluationSubmitter, error) {
	if hotkey == nil || feeKey == "" || journal.Dir == "" {
		return nil, errors.New("chain: evaluation submitter needs a hotkey, a fee key and a journal directory")
	}
	pub := hotkey.PubKey().(*secp256k1.PubKey)
	addr := auth.Address(pub)
	if journal.Hotkey != addr {
		return nil, fmt.Errorf("chain: journal %s is for hotkey %s, the signing key is %s", journal.Dir, journal.Hotkey, addr)
	}
	if _, err := c.KeyAddress(feeKey); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &EvaluationSubmitter{chain: c, hotkey: hotkey, pubkey: pub.Bytes(), addr: addr, feeKey: feeKey,
		journal: journal, store: journal.Pending(), log: log.With("netuid", journal.Netuid, "hotkey", addr),
		maxRetries: DefaultMaxRetries, poll: DefaultPollInterval}, nil
}

// Hotkey returns the validator hotkey address.
func (s *EvaluationSubmitter) Hotkey() string { return s.addr }

// Journal returns the journal the submitter signs into.
func (s *EvaluationSubmitter) Journal() Journal { return s.journal }

// ResolvePending settles a transaction left by an earlier run or attempt: done, rebroadcast (same
// bytes) or dropped so that its journaled evaluation goes out in a new transaction, per Resume. A
// transaction that failed in a block settles its journal entry (see Submit). It returns the
// pending submission's (netuid, epoch) and whether its evaluation is known to be on chain. With
// nothing pending it returns found = false.
func (s *EvaluationSubmitter) ResolvePending(ctx context.Context) (p Pending, found, onChain bool, err error) {
	p, found, err = s.store.Load()
	if err != nil || !found {
		return p, found, false, err
	}
	st, err := s.chain.GetTx(ctx, p.TxHash)
	if err != nil {
		return p, true, false, err
	}
	_, seq, err := s.chain.Account(ctx, p.Signer)
	if err != nil {
		return p, true, false, err
	}
	action := Resume(p, st, seq)
	s.log.Info("pending evaluation found", "epoch", p.Epoch, "tx", p.TxHash,
		"sequence", p.Sequence, "account_sequence", seq, "action", action.String())
	switch {
	case action == ActionDone:
		return p, true, true, s.pendingSettled(ctx, p, nil)
	case action == ActionRebuild && st.Found:
		cause := &TxError{Stage: "deliver", TxHash: p.TxHash, Codespace: st.Codespace, Code: st.Code, Log: st.Log}
		return p, true, s.pendingSettled(ctx, p, cause) == nil, nil
	case action == ActionRebuild:
		return p, true, false, s.store.Clear()
	}
	if err := s.chain.BroadcastSync(ctx, p.TxBytes); err != nil {
		var txErr *TxError
		if errors.As(err, &txErr) {
			// The chain will never accept these bytes (e.g. the sequence moved meanwhile): the
			// journaled evaluation goes out in a new transaction.
			return p, true, false, s.store.Clear()
		}
		return p, true, false, err
	}
	if _, err := s.chain.WaitTx(ctx, p.TxHash); err != nil {
		var txErr *TxError
		if errors.As(err, &txErr) {
			return p, true, s.pendingSettled(ctx, p, err) == nil, nil
		}
		return p, true, false, err // still pending: keep the file
	}
	return p, true, true, s.pendingSettled(ctx, p, nil)
}

// pendingSettled records the outcome of the pending transaction p in its journal entry (if it
// has one: transactions from before the journal have none) and clears the pending file. cause is
// nil when the transaction succeeded. It returns nil when p's evaluation is on chain.
func (s *EvaluationSubmitter) pendingSettled(ctx context.Context, p Pending, cause error) error {
	if err := s.store.Clear(); err != nil {
		return err
	}
	if p.Netuid != s.journal.Netuid {
		return cause
	}
	e, ok, err := s.journal.Load(p.Epoch)
	if err != nil || !ok {
		return errors.Join(cause, err)
	}
	if cause == nil {
		return s.mark(e, JournalOnChain, "")
	}
	err = s.settle(ctx, e, cause)
	if err != nil && !errors.Is(err, ErrAnotherSigner) {
		s.log.Warn("pending evaluation failed in a block", "epoch", p.Epoch, "tx", p.TxHash, "error", err)
	}
	return err
}

// Submit implements scoring.EvaluationSink. If the journal holds an evaluation for (ev.Netuid,
// ev.Epoch), ev is ignored and that evaluation is sent again, unchanged; otherwise, unless the
// chain already stores an evaluation of the hotkey for the epoch or shows another signer, ev is
// signed with the next nonce, journaled, and sent. A rejection settles the epoch: if the chain
// stores exactly the journaled evaluation it is done; if it stores a different one, or the nonce
// was taken, another signer is at work: the error is logged, the epoch abandoned, and Submit
// returns ErrAnotherSigner. It never signs a second evaluation for an epoch.
func (s *EvaluationSubmitter) Submit(ctx context.Context, ev scoring.Evaluation) error {
	if ev.Netuid != s.journal.Netuid {
		return fmt.Errorf("chain: evaluation for subnet %d, this submitter signs for subnet %d", ev.Netuid, s.journal.Netuid)
	}
	return s.submit(ctx, ev.Epoch, &ev)
}

// Resubmit sends the evaluation journaled for (netuid, epoch) again, as Submit does; signed is
// false (and nothing is sent) when the worker never signed for that epoch. Signed is true with an
// error when the journal entry cannot be read: the worker must not sign for the epoch then.
func (s *EvaluationSubmitter) Resubmit(ctx context.Context, netuid uint16, epoch uint64) (signed bool, err error) {
	if netuid != s.journal.Netuid {
		return false, fmt.Errorf("chain: subnet %d, this submitter signs for subnet %d", netuid, s.journal.Netuid)
	}
	if _, ok, err := s.journal.Load(epoch); err != nil || !ok {
		return err != nil, err
	}
	return true, s.submit(ctx, epoch, nil)
}

// submit sends the journaled evaluation of epoch, signing ev first when there is none (ev nil:
// only resend).
func (s *EvaluationSubmitter) submit(ctx context.Context, epoch uint64, ev *scoring.Evaluation) error {
	log := s.log.With("epoch", epoch)
	var lastErr error
	for attempt := 0; attempt <= s.maxRetries; attempt++ {
		if attempt > 0 {
			log.Info("retrying evaluation submission", "attempt", attempt, "error", lastErr)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(s.poll):
			}
		}
		if _, _, _, err := s.ResolvePending(ctx); err != nil {
			lastErr = err
			continue
		}
		e, ok, err := s.journal.Load(epoch)
		if err != nil {
			return err // unreadable: what was signed is unknown, so nothing is signed
		}
		switch {
		case ok:
			if err := e.Signed.Evaluation.VerifySignature(s.pubkey, e.Signed.Signature); err != nil {
				return fmt.Errorf("chain: journal entry for epoch %d does not verify: %w", epoch, err)
			}
			if attempt == 0 && e.Status == JournalSigned {
				log.Info("sending the evaluation journaled for this epoch again", "nonce", e.Nonce())
			}
		case ev == nil:
			return nil
		default:
			var signed bool
			e, signed, err = s.sign(ctx, *ev)
			if err != nil {
				if errors.Is(err, ErrAnotherSigner) || ctx.Err() != nil {
					return err
				}
				lastErr = err
				continue
			}
			if !signed {
				return nil
			}
		}
		switch e.Status {
		case JournalOnChain:
			return nil
		case JournalAbandoned:
			return fmt.Errorf("%w: subnet %d epoch %d: %s", ErrEvaluationAbandoned, s.journal.Netuid, epoch, e.Reason)
		}
		err = s.broadcast(ctx, e)
		var txErr *TxError
		var simErr *SimulationError
		switch {
		case err == nil:
			if err := s.mark(e, JournalOnChain, ""); err != nil {
				return err
			}
			return s.store.Clear()
		case errors.Is(err, ErrInclusionTimeout):
			lastErr = err // keep the pending file; the next attempt resolves it
		case errors.As(err, &txErr), errors.As(err, &simErr):
			if cerr := s.store.Clear(); cerr != nil {
				return cerr
			}
			return s.settle(ctx, e, err)
		default:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			lastErr = err
		}
	}
	return fmt.Errorf("chain: evaluation for subnet %d epoch %d not submitted after %d attempts: %w",
		s.journal.Netuid, epoch, s.maxRetries+1, lastErr)
}

// sign signs ev with the next nonce and journals it (synced) before returning it. It signs
// nothing (signed = false) when the chain already stores an evaluation of the hotkey for the
// epoch, and returns ErrAnotherSigner when the chain stores one for the previous epoch that this
// worker did not sign.
func (s *EvaluationSubmitter) sign(ctx context.Context, ev scoring.Evaluation) (JournalEntry, bool, error) {
	log := s.log.With("epoch", ev.Epoch)
	if !ev.HasWeight() {
		return JournalEntry{}, false, errors.New("chain: evaluation has no non-zero score; the chain would reject it")
	}
	stored, found, err := s.chain.Evaluation(ctx, ev.Netuid, ev.Epoch, s.addr)
	if err != nil {
		return JournalEntry{}, false, err
	}
	if found {
		log.Warn("the chain already stores an evaluation of this hotkey for this epoch that this worker did not journal "+
			"(an earlier home, or another instance); not signing one", "nonce", stored.Signed.Evaluation.Nonce,
			"submitter", stored.Submitter, "height", stored.Height)
		return JournalEntry{}, false, nil
	}
	if err := s.checkPrevious(ctx, ev.Epoch); err != nil {
		return JournalEntry{}, false, err
	}
	chainNonce, err := s.chain.Nonce(ctx, ev.Netuid, s.addr)
	if err != nil {
		return JournalEntry{}, false, err
	}
	journalNonce, err := s.journal.MaxNonce()
	if err != nil {
		return JournalEntry{}, false, err
	}
	e := inteltypes.Evaluation{
		ChainId: s.chain.ChainID(), Netuid: uint32(ev.Netuid), Epoch: ev.Epoch, ValidatorHotkey: s.addr,
		TaskCommitment: append([]byte(nil), ev.TaskCommitment[:]...), Nonce: max(chainNonce, journalNonce) + 1,
	}
	for i, uid := range ev.UIDs {
		e.Uids = append(e.Uids, uint32(uid))
		e.Scores = append(e.Scores, uint32(ev.Scores[i]))
	}
	sig, err := s.hotkey.Sign(e.SignBytes())
	if err != nil {
		return JournalEntry{}, false, fmt.Errorf("chain: signing evaluation: %w", err)
	}
	entry := JournalEntry{Signed: inteltypes.SignedEvaluation{Evaluation: e, Signature: sig}, Status: JournalSigned}
	if err := s.journal.Save(entry); err != nil {
		return JournalEntry{}, false, fmt.Errorf("chain: journaling the evaluation (not sent): %w", err)
	}
	if !s.signedAny {
		s.firstSigned, s.signedAny = ev.Epoch, true
	}
	if err := s.journal.Prune(ev.Epoch); err != nil {
		log.Warn("pruning the evaluation journal", "error", err)
	}
	log.Info("evaluation signed and journaled", "nonce", e.Nonce, "chain_nonce", chainNonce)
	return entry, true, nil
}

// checkPrevious looks for another signer before signing for epoch: the chain must not store an
// evaluation of this hotkey for epoch-1 other than the one this worker journaled, nor any at all
// when this process was already signing by then.
func (s *EvaluationSubmitter) checkPrevious(ctx context.Context, epoch uint64) error {
	if epoch == 0 {
		return nil
	}
	prev := epoch - 1
	stored, found, err := s.chain.Evaluation(ctx, s.journal.Netuid, prev, s.addr)
	if err != nil || !found {
		return err
	}
	mine, ok, err := s.journal.Load(prev)
	if err != nil {
		return err
	}
	switch {
	case ok && stored.SameStatement(mine.Signed.Evaluation):
		return nil
	case !ok && (!s.signedAny || prev < s.firstSigned):
		return nil // before this worker's time (e.g. its home was replaced): not proof of anyone else
	}
	reason := fmt.Sprintf("the chain stores an evaluation of this hotkey for the previous epoch %d (nonce %d, submitted by %s at height %d) that this worker did not sign",
		prev, stored.Signed.Evaluation.Nonce, stored.Submitter, stored.Height)
	s.log.Error("ANOTHER SIGNER IS USING THIS VALIDATOR HOTKEY ON THIS SUBNET: not signing this epoch; stop the other instance",
		"epoch", epoch, "reason", reason)
	return fmt.Errorf("%w: hotkey %s subnet %d epoch %d: %s", ErrAnotherSigner, s.addr, s.journal.Netuid, epoch, reason)
}

// broadcast sends e in a new MsgSubmitEvaluation transaction, saving the transaction in the
// pending store before it leaves.
func (s *EvaluationSubmitter) broadcast(ctx context.Context, e JournalEntry) error {
	submitter, err := s.chain.KeyAddress(s.feeKey)
	if err != nil {
		return err
	}
	_, err = s.chain.send(ctx, s.feeKey, []sdk.Msg{e.Msg(submitter)}, func(tx SignedTx) error {
		return s.store.Save(Pending{Netuid: s.journal.Netuid, Epoch: e.Epoch(), Nonce: e.Nonce(), Signer: tx.Signer,
			Sequence: tx.Sequence, TxHash: tx.Hash, TxBytes: tx.Bytes})
	})
	return err
}

// settle decides what a rejection of the journaled evaluation e means. A stale nonce or a
// duplicate: the chain is asked what it stores for the epoch; exactly e means done (nil);
// anything else means another signer, which is logged loudly, and e is abandoned
// (ErrAnotherSigner). An epoch outside the chain's window is abandoned too. Other errors are
// returned as they are, leaving e to be sent again.
func (s *EvaluationSubmitter) settle(ctx context.Context, e JournalEntry, cause error) error {
	epoch := e.Epoch()
	log := s.log.With("epoch", epoch, "nonce", e.Nonce())
	switch {
	case errors.Is(cause, inteltypes.ErrStaleNonce), errors.Is(cause, inteltypes.ErrDuplicateEvaluation):
	case errors.Is(cause, inteltypes.ErrWrongEpoch):
		log.Warn("the chain no longer accepts an evaluation for this epoch; giving it up", "error", cause)
		return errors.Join(cause, s.mark(e, JournalAbandoned, "epoch outside the chain's evaluation window"))
	default:
		return cause
	}
	stored, found, err := s.chain.Evaluation(ctx, s.journal.Netuid, epoch, s.addr)
	if err != nil {
		return fmt.Errorf("chain: asking for the stored evaluation after %v: %w", cause, err)
	}
	if found && stored.SameStatement(e.Signed.Evaluation) {
		log.Info("the chain already stores this evaluation", "height", stored.Height)
		return s.mark(e, JournalOnChain, "")
	}
	var reason string
	if found {
		reason = fmt.Sprintf("the chain stores a different evaluation of this hotkey for this epoch (nonce %d, submitted by %s at height %d): another instance signed with this hotkey",
			stored.Signed.Evaluation.Nonce, stored.Submitter, stored.Height)
	} else {
		last, err := s.chain.Nonce(ctx, s.journal.Netuid, s.addr)
		if err != nil {
			return fmt.Errorf("chain: asking for the nonce after %v: %w", cause, err)
		}
		reason = fmt.Sprintf("nonce %d is not above the chain's last nonce %d for this hotkey on this subnet: another signer is using this hotkey here "+
			"(or, on a chain whose nonces are per hotkey rather than per subnet, this hotkey's validator of another subnet)", e.Nonce(), last)
	}
	log.Error("ANOTHER SIGNER IS USING THIS VALIDATOR HOTKEY: not signing this epoch again; stop the other instance",
		"reason", reason, "error", cause)
	if err := s.mark(e, JournalAbandoned, reason); err != nil {
		return err
	}
	return fmt.Errorf("%w: hotkey %s subnet %d epoch %d: %s", ErrAnotherSigner, s.addr, s.journal.Netuid, epoch, reason)
}

// mark records a new status of e in the journal.
func (s *EvaluationSubmitter) mark(e JournalEntry, status, reason string) error {
	if e.Status == status {
		return nil
	}
	e.Status, e.Reason = status, reason
	return s.journal.Save(e)
}
