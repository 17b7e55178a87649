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
}

// Step does one poll of the epoch loop: in a new epoch it publishes the epoch's update
// (Publish; an exhausted budget publishes nothing, once per epoch) and commits it on chain,
// retrying a failed commit at the next Step of the same epoch; then it merges the peers' new
// commitments (MergePeers). Peers' updates are thus picked up within one poll of being committed.
// With Config.NoPublish it only merges. It returns what failed; the next Step starts over.
func (m *Miner) Step(ctx context.Context, ch Chain) error {
	epoch, err := ch.CurrentEpoch(ctx)
	if err != nil {
		return fmt.Errorf("fednode: current epoch: %w", err)
	}
	var errs []error
	m.mu.Lock()
	st := &m.loop
	fresh := !m.cfg.NoPublish && epoch > m.lastEpoch && epoch > st.attempted
	m.mu.Unlock()
	if fresh {
		m.mu.Lock()
		st.attempted, st.pending = epoch, nil
		m.mu.Unlock()
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
			st.pending = nil
			m.mu.Unlock()
			errs = append(errs, fmt.Errorf("fednode: committing the update of epoch %d (given up for this epoch): %w", pending.Epoch, err))
		case err != nil:
			errs = append(errs, fmt.Errorf("fednode: committing the update of epoch %d (retried at the next poll): %w", pending.Epoch, err))
		default:
			m.mu.Lock()
			st.pending = nil
			m.mu.Unlock()
			m.cfg.Logger.Info("federated update committed", "epoch", pending.Epoch, "hash", fmt.Sprintf("%x", pending.Hash[:8]), "size", pending.Size)
		}
	}
	peers, err := ch.ModelUpdateCommitments(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("fednode: peers' commitments: %w", err))
	} else if rep := m.MergePeers(ctx, peers); len(rep.Merged) > 0 || len(rep.Refused) > 0 {
		s := m.Status()
		m.cfg.Logger.Info("federated peers merged", "epoch", epoch, "merged", len(rep.Merged), "refused", len(rep.Refused),
			"peers", s.Peers, "privacy", s.Budget)
	}
	return errors.Join(errs...)
}

// Run calls Step every poll until ctx ends, logging what fails; it returns nil when ctx ends.
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
			return nil
		case <-tick.C:
		}
	}
}
