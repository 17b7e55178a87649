package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/taochain/taochain/inference/internal/atomicfile"
	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

// JournalEpochs is how many epochs of signed evaluations a Journal keeps. The chain accepts an
// evaluation only within its evaluation window and x/slashing only judges recent epochs, so an
// older entry can no longer be sent nor matter as evidence.
const JournalEpochs = 64

// Journal statuses.
const (
	// JournalSigned: signed and written down; not known to be on chain yet.
	JournalSigned = "signed"
	// JournalOnChain: the chain stores exactly this evaluation.
	JournalOnChain = "on_chain"
	// JournalAbandoned: this worker stopped submitting for the epoch (another signer, or the
	// epoch left the chain's window). It is never signed again.
	JournalAbandoned = "abandoned"
)

// JournalEntry is the one evaluation a worker signed for (netuid, epoch), with what became of it.
type JournalEntry struct {
	// Signed is the evaluation and the hotkey's signature over its SignBytes.
	Signed inteltypes.SignedEvaluation `json:"signed"`
	// Status is JournalSigned, JournalOnChain or JournalAbandoned.
	Status string `json:"status"`
	// Reason says why an entry was abandoned.
	Reason string `json:"reason,omitempty"`
}

// Epoch is the evaluated epoch.
func (e JournalEntry) Epoch() uint64 { return e.Signed.Evaluation.Epoch }

// Nonce is the evaluation nonce.
func (e JournalEntry) Nonce() uint64 { return e.Signed.Evaluation.Nonce }

// Msg returns the MsgSubmitEvaluation carrying exactly this signed evaluation, paid by submitter.
func (e JournalEntry) Msg(submitter string) *inteltypes.MsgSubmitEvaluation {
	return &inteltypes.MsgSubmitEvaluation{Submitter: submitter, Evaluation: e.Signed.Evaluation, Signature: e.Signed.Signature}
}

// Journal is the signing journal of one validator hotkey on one subnet, a directory in the
// worker's home holding one JSON file per epoch (<epoch>.json), the pending transaction
// (pending.json) and the signer lock (lock). An evaluation is written here, atomically and
// synced, before it is broadcast; once an epoch has an entry the worker only ever re-sends that
// entry, so it never signs two different evaluations for one epoch, across retries and restarts.
type Journal struct {
	// Dir is <home>/evaluations/<hotkey>/<netuid>.
	Dir string
	// Hotkey is the validator hotkey address.
	Hotkey string
	// Netuid is the subnet.
	Netuid uint16
}

// NewJournal returns the journal of hotkey on netuid under the worker home.
func NewJournal(home, hotkey string, netuid uint16) Journal {
	return Journal{Dir: filepath.Join(home, "evaluations", hotkey, strconv.Itoa(int(netuid))), Hotkey: hotkey, Netuid: netuid}
}

// Pending returns the store of the transaction being broadcast for this hotkey and subnet.
func (j Journal) Pending() PendingStore {
	return PendingStore{Path: filepath.Join(j.Dir, "pending.json")}
}

func (j Journal) path(epoch uint64) string {
	return filepath.Join(j.Dir, strconv.FormatUint(epoch, 10)+".json")
}

// Load returns the entry of epoch; ok is false when the worker never signed for it. An entry that
// cannot be read, or that is not this hotkey's for this subnet and epoch, is an error: the worker
// cannot know what it signed, so it must not sign again.
func (j Journal) Load(epoch uint64) (e JournalEntry, ok bool, err error) {
	bz, err := os.ReadFile(j.path(epoch))
	if errors.Is(err, os.ErrNotExist) {
		return JournalEntry{}, false, nil
	}
	if err != nil {
		return JournalEntry{}, false, err
	}
	if err := json.Unmarshal(bz, &e); err != nil {
		return JournalEntry{}, false, fmt.Errorf("chain: journal entry %s is corrupt: %w", j.path(epoch), err)
	}
	ev := e.Signed.Evaluation
	if ev.Netuid != uint32(j.Netuid) || ev.Epoch != epoch || ev.ValidatorHotkey != j.Hotkey {
		return JournalEntry{}, false, fmt.Errorf("chain: journal entry %s is for hotkey %s subnet %d epoch %d",
			j.path(epoch), ev.ValidatorHotkey, ev.Netuid, ev.Epoch)
	}
	switch e.Status {
	case JournalSigned, JournalOnChain, JournalAbandoned:
	default:
		return JournalEntry{}, false, fmt.Errorf("chain: journal entry %s has status %q", j.path(epoch), e.Status)
	}
	return e, true, nil
}

// Save writes e (temporary file, fsync, rename, fsync of the directory), so that once Save
// returns the entry survives a crash.
func (j Journal) Save(e JournalEntry) error {
	ev := e.Signed.Evaluation
	if ev.Netuid != uint32(j.Netuid) || ev.ValidatorHotkey != j.Hotkey {
		return fmt.Errorf("chain: journal of %s on subnet %d cannot hold an evaluation of %s on subnet %d", j.Hotkey, j.Netuid, ev.ValidatorHotkey, ev.Netuid)
	}
	bz, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(j.path(ev.Epoch), bz)
}

// Epochs returns the journaled epochs, ascending.
func (j Journal) Epochs() ([]uint64, error) {
	des, err := os.ReadDir(j.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, de := range des {
		name, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || de.IsDir() {
			continue
		}
		if epoch, err := strconv.ParseUint(name, 10, 64); err == nil {
			out = append(out, epoch)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out, nil
}

// MaxNonce returns the largest nonce of any journaled evaluation (0 if none), whatever became of
// it: a new evaluation must use a larger one so that it never competes with one sent earlier.
// Unreadable entries are skipped here (their own epoch refuses to sign, see Load): at worst the
// new evaluation loses a nonce race to theirs, which is no conflict, as the epochs differ.
func (j Journal) MaxNonce() (uint64, error) {
	epochs, err := j.Epochs()
	if err != nil {
		return 0, err
	}
	var n uint64
	for _, epoch := range epochs {
		if e, ok, err := j.Load(epoch); err == nil && ok {
			n = max(n, e.Nonce())
		}
	}
	return n, nil
}

// Prune removes the entries of epochs JournalEpochs or more before latest.
func (j Journal) Prune(latest uint64) error {
	if latest < JournalEpochs {
		return nil
	}
	epochs, err := j.Epochs()
	if err != nil {
		return err
	}
	for _, epoch := range epochs {
		if epoch > latest-JournalEpochs {
			break
		}
		if err := os.Remove(j.path(epoch)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
