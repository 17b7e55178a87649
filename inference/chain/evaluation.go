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

// EvaluationSubmitter signs evaluations with a validator hotkey and submits them in
// MsgSubmitEvaluation paid by a fee key, without losing or duplicating a submission across
// restarts (see the package documentation). It implements scoring.EvaluationSink.
type EvaluationSubmitter struct {
	client *Client
	hotkey *secp256k1.PrivKey
	addr   string
	feeKey string
	store  PendingStore
	log    *slog.Logger
	nonce  uint64 // largest nonce this process used
}

var _ scoring.EvaluationSink = (*EvaluationSubmitter)(nil)

// NewEvaluationSubmitter returns a submitter signing with hotkey, paying fees with the keyring key
// feeKey, persisting pending submissions in store.
func NewEvaluationSubmitter(c *Client, hotkey *secp256k1.PrivKey, feeKey string, store PendingStore, log *slog.Logger) (*EvaluationSubmitter, error) {
	if hotkey == nil || feeKey == "" || store.Path == "" {
		return nil, errors.New("chain: evaluation submitter needs a hotkey, a fee key and a pending-submission path")
	}
	if _, err := c.KeyAddress(feeKey); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &EvaluationSubmitter{client: c, hotkey: hotkey, addr: auth.Address(hotkey.PubKey().(*secp256k1.PubKey)),
		feeKey: feeKey, store: store, log: log}, nil
}

// Hotkey returns the validator hotkey address.
func (s *EvaluationSubmitter) Hotkey() string { return s.addr }

// ResolvePending settles a submission left by an earlier run or attempt: done, rebroadcast (same
// bytes) or dropped for a rebuild, per Resume. It returns the settled submission's (netuid, epoch)
// and whether it is known to be on chain. With nothing pending it returns found = false.
func (s *EvaluationSubmitter) ResolvePending(ctx context.Context) (p Pending, found, onChain bool, err error) {
	p, found, err = s.store.Load()
	if err != nil || !found {
		return p, found, false, err
	}
	st, err := s.client.GetTx(ctx, p.TxHash)
	if err != nil {
		return p, true, false, err
	}
	_, seq, err := s.client.Account(ctx, p.Signer)
	if err != nil {
		return p, true, false, err
	}
	action := Resume(p, st, seq)
	s.log.Info("pending evaluation found", "netuid", p.Netuid, "epoch", p.Epoch, "tx", p.TxHash,
		"sequence", p.Sequence, "account_sequence", seq, "action", action.String())
	switch action {
	case ActionDone:
		s.nonce = max(s.nonce, p.Nonce)
		return p, true, true, s.store.Clear()
	case ActionRebuild:
		return p, true, false, s.store.Clear()
	}
	if err := s.client.BroadcastSync(ctx, p.TxBytes); err != nil {
		var txErr *TxError
		if errors.As(err, &txErr) {
			// The chain will never accept these bytes (e.g. the sequence moved meanwhile): rebuild.
			return p, true, false, s.store.Clear()
		}
		return p, true, false, err
	}
	if _, err := s.client.WaitTx(ctx, p.TxHash); err != nil {
		var txErr *TxError
		if errors.As(err, &txErr) {
			return p, true, errors.Is(err, inteltypes.ErrDuplicateEvaluation), s.store.Clear()
		}
		return p, true, false, err // still pending: keep the file
	}
	s.nonce = max(s.nonce, p.Nonce)
	return p, true, true, s.store.Clear()
}

// Submit implements scoring.EvaluationSink: it submits ev unless the chain already holds this
// hotkey's evaluation for (ev.Netuid, ev.Epoch).
func (s *EvaluationSubmitter) Submit(ctx context.Context, ev scoring.Evaluation) error {
	if !ev.HasWeight() {
		return errors.New("chain: evaluation has no non-zero score; the chain would reject it")
	}
	var lastErr error
	for attempt := 0; attempt <= s.client.cfg.MaxRetries; attempt++ {
		if attempt > 0 {
			s.log.Info("retrying evaluation submission", "attempt", attempt, "error", lastErr)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(s.client.cfg.PollInterval):
			}
		}
		p, found, onChain, err := s.ResolvePending(ctx)
		if err != nil {
			lastErr = err
			continue
		}
		if found && onChain && p.Netuid == ev.Netuid && p.Epoch == ev.Epoch {
			return nil
		}
		has, err := s.client.HasEvaluation(ctx, ev.Netuid, ev.Epoch, s.addr)
		if err != nil {
			lastErr = err
			continue
		}
		if has {
			s.log.Info("evaluation already on chain; not submitting again", "netuid", ev.Netuid, "epoch", ev.Epoch)
			return nil
		}
		chainNonce, err := s.client.Nonce(ctx, s.addr)
		if err != nil {
			lastErr = err
			continue
		}
		nonce := max(chainNonce, s.nonce) + 1
		msg, err := s.message(ev, nonce)
		if err != nil {
			return err
		}
		_, err = s.client.send(ctx, s.feeKey, []sdk.Msg{msg}, func(tx SignedTx) error {
			return s.store.Save(Pending{Netuid: ev.Netuid, Epoch: ev.Epoch, Nonce: nonce, Signer: tx.Signer,
				Sequence: tx.Sequence, TxHash: tx.Hash, TxBytes: tx.Bytes})
		})
		var txErr *TxError
		var simErr *SimulationError
		switch {
		case err == nil:
			s.nonce = nonce
			return s.store.Clear()
		case errors.Is(err, ErrInclusionTimeout):
			lastErr = err // keep the pending file; the next attempt resolves it
			continue
		case errors.As(err, &txErr), errors.As(err, &simErr):
			if cerr := s.store.Clear(); cerr != nil {
				return cerr
			}
			switch {
			case errors.Is(err, inteltypes.ErrDuplicateEvaluation):
				return nil
			case errors.Is(err, inteltypes.ErrStaleNonce):
				s.nonce = max(s.nonce, nonce)
				lastErr = err
				continue
			}
			return err
		default:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			lastErr = err
		}
	}
	return fmt.Errorf("chain: evaluation for subnet %d epoch %d not submitted after %d attempts: %w",
		ev.Netuid, ev.Epoch, s.client.cfg.MaxRetries+1, lastErr)
}

// message builds and signs the MsgSubmitEvaluation for ev with nonce.
func (s *EvaluationSubmitter) message(ev scoring.Evaluation, nonce uint64) (*inteltypes.MsgSubmitEvaluation, error) {
	submitter, err := s.client.KeyAddress(s.feeKey)
	if err != nil {
		return nil, err
	}
	e := inteltypes.Evaluation{
		ChainId: s.client.ChainID(), Netuid: uint32(ev.Netuid), Epoch: ev.Epoch, ValidatorHotkey: s.addr,
		TaskCommitment: append([]byte(nil), ev.TaskCommitment[:]...), Nonce: nonce,
	}
	for i, uid := range ev.UIDs {
		e.Uids = append(e.Uids, uint32(uid))
		e.Scores = append(e.Scores, uint32(ev.Scores[i]))
	}
	sig, err := s.hotkey.Sign(e.SignBytes())
	if err != nil {
		return nil, fmt.Errorf("chain: signing evaluation: %w", err)
	}
	return &inteltypes.MsgSubmitEvaluation{Submitter: submitter, Evaluation: e, Signature: sig}, nil
}
