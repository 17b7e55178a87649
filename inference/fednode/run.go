package fednode

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/taochain/taochain/inference/federated"
)

// Chain is what the epoch loop needs from the chain. The worker implements it over its chain
// client: CurrentEpoch from the subnet's epoch info, CommitModelUpdate by sending the hotkey's
// MsgCommitModelUpdate, ModelUpdateCommitments by joining the subnet's stored commitments with
// the metagraph's axons and incentives.
type Chain interface {
	// CurrentEpoch returns the subnet's current epoch number.
	CurrentEpoch(ctx context.Context) (uint64, error)
	// CommitModelUpdate commits the hash and size of the miner's update for epoch, signed by its
	// hotkey; it returns once the commitment is included or has failed.
	CommitModelUpdate(ctx context.Context, epoch uint64, hash [32]byte, size uint64) error
	// ModelUpdateCommitments returns every miner of the subnet that has committed an update: its
	// latest commitment (with the chain id, netuid, hotkey and height filled in), its axon's URL and
	// its incentive.
	ModelUpdateCommitments(ctx context.Context) ([]PeerInfo, error)
}

// ErrCommitFailedInBlock marks a commitment the chain executed in a block and refused: its fee is
// spent, and sending the same commitment again would spend another for the same answer, so Step
// gives the epoch's commitment up instead of retrying it.
var ErrCommitFailedInBlock = errors.New("fednode: the commitment failed in a block")

// loop is Step's state between calls.
type loop struct {
	attempted uint64                // last epoch Publish was tried for
	pending   *federated.Commitment // published, not yet committed
	// unsure is set once a commit of pending failed without the chain saying it was refused (a
	// timeout, a lost connection): the transaction may have been included all the same.
	unsure bool
}

// Step does one poll of the epoch loop: in a new epoch it publishes the epoch's update
// (Publish; an exhausted budget publishes nothing new, once per epoch) and commits it on chain,
// retrying a failed commit at the next Step of the same epoch; then it merges the peers' new
// commitments (MergePeers). Peers' updates are thus picked up within one poll of being committed.
// An update that is not committed — its commitment failed in a block (ErrCommitFailedInBlock), or
// its epoch ended first — is not lost: its entries go into the next update (carryOver). When a
// commit of it had failed without an answer, the chain's commitments are read first, so an update
// that was included after all is not published twice. With Config.NoPublish it only merges. It
// returns what failed; the next Step starts over.
func (m *Miner) Step(ctx context.Context, ch Chain) error {
	epoch, err := ch.CurrentEpoch(ctx)
	if err != nil {
		return fmt.Errorf("fednode: current epoch: %w", err)
	}
	var errs []error
	m.mu.Lock()
	st := &m.loop
	fresh := !m.cfg.NoPublish && epoch > m.lastEpoch && epoch > st.attempted
	var lost *federated.Commitment
	lostUnsure := false
	if fresh {
		lost, lostUnsure = st.pending, st.unsure
		st.attempted, st.pending, st.unsure = epoch, nil, false
	}
	m.mu.Unlock()
	// peers are the chain's commitments when giveUp has read them after this Step's commit
	// (peersRead): the end of Step then uses them rather than reading the chain again.
	var peers []PeerInfo
	peersRead := false
	if fresh {
		if lost != nil {
			// Given up before Publish, so that its entries go into this epoch's update. Its read of
			// the chain is not kept: this Step's commit comes after it, and the end of Step must see
			// whether that commit was included.
			m.giveUp(ctx, ch, *lost, lostUnsure, fmt.Sprintf("epoch %d ended before it was committed", lost.Epoch))
		}
		c, err := m.Publish(epoch)
		switch {
		case errors.Is(err, federated.ErrBudgetExhausted):
			m.cfg.Logger.Warn("federated update not published: privacy budget exhausted; serving the merged model still", "epoch", epoch, "error", err)
		case err != nil:
			errs = append(errs, err)
		default:
			m.mu.Lock()
			st.pending = &c
			m.mu.Unlock()
		}
	}
	m.mu.Lock()
	pending := st.pending
	m.mu.Unlock()
	if pending != nil && pending.Epoch == epoch {
		err := ch.CommitModelUpdate(ctx, pending.Epoch, pending.Hash, uint64(pending.Size))
		switch {
		case errors.Is(err, ErrCommitFailedInBlock):
			m.mu.Lock()
			unsure := st.unsure
			st.pending, st.unsure = nil, false
			m.mu.Unlock()
			peers, peersRead = m.giveUp(ctx, ch, *pending, unsure, "the chain refused its commitment in a block")
			errs = append(errs, fmt.Errorf("fednode: committing the update of epoch %d (given up; its entries go into the next update): %w", pending.Epoch, err))
		case err != nil:
			m.mu.Lock()
			st.unsure = true
			m.mu.Unlock()
			errs = append(errs, fmt.Errorf("fednode: committing the update of epoch %d (retried at the next poll): %w", pending.Epoch, err))
		default:
			m.mu.Lock()
			st.pending, st.unsure = nil, false
			m.mu.Unlock()
			m.settled(pending.Epoch)
			m.cfg.Logger.Info("federated update committed", "epoch", pending.Epoch, "hash", fmt.Sprintf("%x", pending.Hash[:8]), "size", pending.Size)
		}
	}
	var peersErr error
	if !peersRead {
		peers, peersErr = ch.ModelUpdateCommitments(ctx)
	}
	if peersErr != nil {
		errs = append(errs, fmt.Errorf("fednode: peers' commitments: %w", peersErr))
	} else {
		m.mu.Lock()
		var landed *federated.Commitment
		if st.pending != nil && st.unsure && holds(peers, m.hotkey, *st.pending) {
			// A commit that failed without an answer was included after all.
			landed, st.pending, st.unsure = st.pending, nil, false
		}
		m.mu.Unlock()
		if landed != nil {
			m.settled(landed.Epoch)
			m.cfg.Logger.Info("federated update committed (found on chain after a failed commit)", "epoch", landed.Epoch,
				"hash", fmt.Sprintf("%x", landed.Hash[:8]), "size", landed.Size)
		}
		if rep := m.MergePeers(ctx, peers); len(rep.Merged) > 0 || len(rep.Refused) > 0 {
			s := m.Status()
			m.cfg.Logger.Info("federated peers merged", "epoch", epoch, "merged", len(rep.Merged), "refused", len(rep.Refused),
				"peers", s.Peers, "privacy", s.Budget)
		}
	}
	return errors.Join(errs...)
}

// giveUp settles the update committed by c, whose commitment will not be sent again. If a commit
// of it failed without an answer (unsure), the chain is asked whether it holds c after all: then
// the update counts as committed. Otherwise its entries are carried into the next update; if the
// chain cannot be asked they are carried too, since a duplicate costs peers a few counts taken
// twice, a loss the whole update. It returns the chain's commitments and true when it read them.
func (m *Miner) giveUp(ctx context.Context, ch Chain, c federated.Commitment, unsure bool, why string) ([]PeerInfo, bool) {
	if !unsure {
		m.carryOver(c.Epoch, why)
		return nil, false
	}
	peers, err := ch.ModelUpdateCommitments(ctx)
	if err != nil {
		m.carryOver(c.Epoch, why+fmt.Sprintf("; whether an earlier commit was included is unknown (%v)", err))
		return nil, false
	}
	if holds(peers, m.hotkey, c) {
		m.settled(c.Epoch)
		m.cfg.Logger.Info("federated update committed (found on chain after a failed commit)", "epoch", c.Epoch,
			"hash", fmt.Sprintf("%x", c.Hash[:8]), "size", c.Size)
	} else {
		m.carryOver(c.Epoch, why)
	}
	return peers, true
}

// holds reports whether the chain's commitments hold c as hotkey's latest or previous one.
func holds(peers []PeerInfo, hotkey string, c federated.Commitment) bool {
	same := func(x federated.Commitment) bool { return x.Epoch == c.Epoch && x.Hash == c.Hash && x.Size == c.Size }
	for _, p := range peers {
		if p.Hotkey == hotkey && (same(p.Commitment) || p.Previous != nil && same(*p.Previous)) {
			return true
		}
	}
	return false
}

// Run calls Step every poll until ctx ends, logging what fails; it returns nil when ctx ends.
// Entries still waiting to be committed then are lost: the carry-over lives in memory only, and
// Run logs how many there are.
func (m *Miner) Run(ctx context.Context, ch Chain, poll time.Duration) error {
	if poll <= 0 {
		return fmt.Errorf("fednode: poll period %s must be positive", poll)
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		if err := m.Step(ctx, ch); err != nil && ctx.Err() == nil {
			m.cfg.Logger.Warn("federated step failed", "error", err)
		}
		select {
		case <-ctx.Done():
			m.logUncommitted()
			return nil
		case <-tick.C:
		}
	}
}

// logUncommitted warns of the released entries that no confirmed commitment holds: the carry-over
// and the updates whose commitment is not confirmed. They are not persisted, so a restart does not
// publish them again (the next update is made from all the text, charged as any release).
func (m *Miner) logUncommitted() {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.carry)
	for _, es := range m.unsettled {
		n += len(es)
	}
	if n > 0 {
		m.cfg.Logger.Warn("federated entries not committed are dropped at exit (the carry-over is kept in memory only)",
			"entries", n, "carried", len(m.carry), "updates_unconfirmed", len(m.unsettled))
	}
}
