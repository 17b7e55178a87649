package chain

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/taochain/taochain/inference/internal/atomicfile"
	"github.com/taochain/taochain/inference/scoring"
	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

// WeightsCommit is a commit this worker made and must reveal; the salt never leaves the worker's
// home until the reveal.
type WeightsCommit struct {
	// Netuid is the subnet.
	Netuid uint16 `json:"netuid"`
	// CommitEpoch is the epoch the commit was made in.
	CommitEpoch uint64 `json:"commit_epoch"`
	// RevealEpoch is the epoch the reveal must land in.
	RevealEpoch uint64 `json:"reveal_epoch"`
	// UIDs and Weights are the committed row.
	UIDs []uint32 `json:"uids"`
	// Weights are aligned with UIDs.
	Weights []uint32 `json:"weights"`
	// Salt is the secret appended to the payload.
	Salt []byte `json:"salt"`
	// Sent is true once MsgCommitWeights was included.
	Sent bool `json:"sent"`
}

// Committer runs commit-reveal for a validator hotkey (which signs and pays for both messages),
// keeping its commits in a JSON file so that a restart can still reveal them.
type Committer struct {
	client  *Client
	hotkey  string // keyring name
	address string
	path    string
	log     *slog.Logger
}

// NewCommitter returns a Committer for the keyring key hotkey, storing commits at path.
func NewCommitter(c *Client, hotkey, path string, log *slog.Logger) (*Committer, error) {
	addr, err := c.KeyAddress(hotkey)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Committer{client: c, hotkey: hotkey, address: addr, path: path, log: log}, nil
}

func (c *Committer) load() ([]WeightsCommit, error) {
	bz, err := os.ReadFile(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []WeightsCommit
	if err := json.Unmarshal(bz, &out); err != nil {
		return nil, fmt.Errorf("chain: commits file %s is corrupt: %w", c.path, err)
	}
	return out, nil
}

func (c *Committer) save(cs []WeightsCommit) error {
	bz, err := json.MarshalIndent(cs, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(c.path, bz)
}

// Commit commits ev's row, seen in epoch current, unless this worker already committed for
// (netuid, current). It returns the epoch the reveal is due in, as the chain set it: a commit that
// lands after current closed (the query phase ran into the epoch boundary, or inclusion took a few
// blocks) belongs to the epoch of its block, and its reveal is due revealPeriod epochs after that.
func (c *Committer) Commit(ctx context.Context, ev scoring.Evaluation, current, revealPeriod uint64) (uint64, error) {
	cs, err := c.load()
	if err != nil {
		return 0, err
	}
	period := max(revealPeriod, 1)
	for _, x := range cs {
		if x.Netuid == ev.Netuid && x.CommitEpoch == current && x.Sent {
			return x.RevealEpoch, nil
		}
	}
	wc := WeightsCommit{Netuid: ev.Netuid, CommitEpoch: current, RevealEpoch: current + period, Salt: make([]byte, 32)}
	if _, err := rand.Read(wc.Salt); err != nil {
		return 0, err
	}
	for i, uid := range ev.UIDs {
		wc.UIDs = append(wc.UIDs, uint32(uid))
		wc.Weights = append(wc.Weights, uint32(ev.Scores[i]))
	}
	hash := inteltypes.WeightsCommitHash(c.address, uint32(ev.Netuid), wc.UIDs, wc.Weights, 0, wc.Salt)
	st, err := c.client.Send(ctx, c.hotkey, &inteltypes.MsgCommitWeights{Hotkey: c.address, Netuid: uint32(ev.Netuid), CommitHash: hash})
	if err != nil && !errors.Is(err, inteltypes.ErrAlreadyCommitted) {
		return 0, err
	}
	if err != nil {
		return 0, nil // committed by an earlier run whose salt we no longer have: nothing to reveal
	}
	if reveal, err := CommitRevealEpoch(st); err != nil {
		c.log.Warn("commit response unreadable; assuming it landed in the epoch it was made for", "netuid", ev.Netuid, "epoch", current, "error", err)
	} else if reveal != wc.RevealEpoch {
		c.log.Info("commit landed in a later epoch", "netuid", ev.Netuid, "made_in", current, "height", st.Height, "reveal_epoch", reveal)
		wc.RevealEpoch = reveal
		wc.CommitEpoch = reveal - min(period, reveal)
	}
	wc.Sent = true
	kept := cs[:0]
	for _, x := range cs {
		if x.Netuid != ev.Netuid || x.CommitEpoch != wc.CommitEpoch {
			kept = append(kept, x)
		}
	}
	return wc.RevealEpoch, c.save(append(kept, wc))
}

// CommitRevealEpoch returns the reveal epoch the chain assigned to the MsgCommitWeights of st, a
// successful transaction whose only message is that commit.
func CommitRevealEpoch(st TxStatus) (uint64, error) {
	var res inteltypes.MsgCommitWeightsResponse
	if err := st.MsgResponse(0, &res); err != nil {
		return 0, err
	}
	if res.RevealEpoch == 0 {
		return 0, errors.New("chain: commit response without a reveal epoch")
	}
	return res.RevealEpoch, nil
}

// RevealDue reveals every stored commit of netuid whose reveal epoch is current and drops commits
// whose reveal epoch has passed. It returns the number revealed.
func (c *Committer) RevealDue(ctx context.Context, netuid uint16, current uint64) (int, error) {
	cs, err := c.load()
	if err != nil {
		return 0, err
	}
	revealed := 0
	var kept []WeightsCommit
	var firstErr error
	for _, x := range cs {
		switch {
		case x.Netuid != netuid || x.RevealEpoch > current:
			kept = append(kept, x)
			continue
		case x.RevealEpoch < current || !x.Sent:
			c.log.Warn("dropping a commit whose reveal epoch passed", "netuid", x.Netuid, "commit_epoch", x.CommitEpoch, "reveal_epoch", x.RevealEpoch)
			continue
		}
		_, err := c.client.Send(ctx, c.hotkey, &inteltypes.MsgRevealWeights{
			Hotkey: c.address, Netuid: uint32(netuid), Uids: x.UIDs, Weights: x.Weights, VersionKey: 0, Salt: x.Salt,
		})
		var txErr *TxError
		switch {
		case err == nil:
			revealed++
		case errors.As(err, &txErr):
			c.log.Warn("reveal rejected; dropping the commit", "netuid", netuid, "reveal_epoch", x.RevealEpoch, "error", err)
		default:
			kept = append(kept, x) // transport trouble: try again while the epoch lasts
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	if err := c.save(kept); err != nil {
		return revealed, err
	}
	return revealed, firstErr
}
