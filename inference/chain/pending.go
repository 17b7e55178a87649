package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/taochain/taochain/inference/internal/atomicfile"
)

// Pending is a signed submission that was (or was about to be) broadcast but is not known to be
// in a block yet. It is persisted before the broadcast.
type Pending struct {
	// Netuid and Epoch identify the evaluation.
	Netuid uint16 `json:"netuid"`
	// Epoch is the evaluated epoch.
	Epoch uint64 `json:"epoch"`
	// Nonce is the evaluation nonce inside the transaction.
	Nonce uint64 `json:"nonce"`
	// Signer is the fee payer address whose sequence the transaction consumes.
	Signer string `json:"signer"`
	// Sequence is the fee payer sequence the transaction was signed with.
	Sequence uint64 `json:"sequence"`
	// TxHash is the transaction hash (upper-case hex).
	TxHash string `json:"tx_hash"`
	// TxBytes is the signed transaction (base64 in JSON).
	TxBytes []byte `json:"tx_bytes"`
}

// Action is what to do with a pending submission found at start or after a failed wait.
type Action int

// Actions returned by Resume.
const (
	// ActionDone: the transaction is in a block and succeeded.
	ActionDone Action = iota
	// ActionRebroadcast: not in a block and the sequence is still free: send the same bytes again.
	ActionRebroadcast
	// ActionRebuild: not usable any more (failed in a block, or its sequence was consumed by
	// another transaction): check the chain for the evaluation, then build a new transaction.
	ActionRebuild
)

// String names the action for logs.
func (a Action) String() string {
	switch a {
	case ActionDone:
		return "done"
	case ActionRebroadcast:
		return "rebroadcast"
	default:
		return "rebuild"
	}
}

// Resume decides what to do with p given the chain's view of its hash and the fee payer's current
// account sequence.
func Resume(p Pending, tx TxStatus, accountSequence uint64) Action {
	switch {
	case tx.Found && tx.Code == 0:
		return ActionDone
	case tx.Found:
		return ActionRebuild
	case accountSequence == p.Sequence:
		return ActionRebroadcast
	default:
		return ActionRebuild
	}
}

// PendingStore persists at most one Pending as a JSON file, replaced atomically.
type PendingStore struct {
	// Path is the file, e.g. Journal.Pending: <home>/evaluations/<hotkey>/<netuid>/pending.json.
	Path string
}

// Load returns the stored submission; ok is false when there is none.
func (s PendingStore) Load() (p Pending, ok bool, err error) {
	bz, err := os.ReadFile(s.Path)
	if errors.Is(err, os.ErrNotExist) {
		return Pending{}, false, nil
	}
	if err != nil {
		return Pending{}, false, err
	}
	if err := json.Unmarshal(bz, &p); err != nil {
		return Pending{}, false, fmt.Errorf("chain: pending submission %s is corrupt: %w", s.Path, err)
	}
	if len(p.TxBytes) == 0 || p.TxHash != TxHash(p.TxBytes) {
		return Pending{}, false, fmt.Errorf("chain: pending submission %s: hash does not match its bytes", s.Path)
	}
	return p, true, nil
}

// Save writes p (temporary file, fsync, rename, fsync of the directory).
func (s PendingStore) Save(p Pending) error {
	bz, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.Path, bz)
}

// Clear removes the stored submission (no error when there is none).
func (s PendingStore) Clear() error {
	if err := os.Remove(s.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
