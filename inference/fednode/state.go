package fednode

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/internal/atomicfile"
)

// StateFile is the privacy ledger's file name in the worker's home.
const StateFile = "federated_privacy.json"

// ledgerVersion is the version of the ledger's JSON shape.
const ledgerVersion = 1

// Release is one private release recorded in the ledger: what it cost and what it was for.
type Release struct {
	Epoch   uint64  `json:"epoch"`
	Netuid  uint16  `json:"netuid"`
	Hotkey  string  `json:"hotkey"`
	Epsilon float64 `json:"epsilon"`
	Delta   float64 `json:"delta"`
}

// ledger is the privacy state file: every release ever made from this home's text. The budget
// protects the text, not a hotkey or a subnet, so releases under any hotkey or subnet count.
type ledger struct {
	Version  int       `json:"version"`
	Releases []Release `json:"releases"`
	// BudgetEpsilon and BudgetDelta are the budget the miner ran with when it last wrote the
	// ledger, for readers such as `taoworker watch`; accounting uses the configured budget.
	BudgetEpsilon float64 `json:"budget_epsilon,omitempty"`
	BudgetDelta   float64 `json:"budget_delta,omitempty"`
}

// LedgerSummary is what a privacy ledger says about a home's text: the releases made from it,
// what they spent, and the budget its miner last ran with (0 if the ledger predates recording it).
type LedgerSummary struct {
	Releases                   int
	EpsilonSpent, DeltaSpent   float64
	BudgetEpsilon, BudgetDelta float64
	// LastEpoch is the epoch of the latest release (0: none).
	LastEpoch uint64
}

// ReadLedger summarizes the privacy ledger at path (a file, or a worker home holding StateFile).
// A home without a ledger has made no release.
func ReadLedger(path string) (LedgerSummary, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, StateFile)
	}
	var l ledger
	bz, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return LedgerSummary{}, nil
	case err != nil:
		return LedgerSummary{}, fmt.Errorf("fednode: privacy state: %w", err)
	}
	if err := json.Unmarshal(bz, &l); err != nil {
		return LedgerSummary{}, fmt.Errorf("fednode: privacy state %s: %w", path, err)
	}
	if l.Version != ledgerVersion {
		return LedgerSummary{}, fmt.Errorf("fednode: privacy state %s has version %d, this worker reads %d", path, l.Version, ledgerVersion)
	}
	s := LedgerSummary{Releases: len(l.Releases), BudgetEpsilon: l.BudgetEpsilon, BudgetDelta: l.BudgetDelta}
	s.EpsilonSpent, s.DeltaSpent = sum(l.Releases)
	for _, r := range l.Releases {
		s.LastEpoch = max(s.LastEpoch, r.Epoch)
	}
	return s, nil
}

// String is the summary as `taoworker watch` prints it.
func (s LedgerSummary) String() string {
	if s.BudgetEpsilon == 0 {
		return fmt.Sprintf("ε %g spent, δ %g, %d releases (last epoch %d)", s.EpsilonSpent, s.DeltaSpent, s.Releases, s.LastEpoch)
	}
	return fmt.Sprintf("ε %g of %g spent (%g left), δ %g of %g, %d releases (last epoch %d)", s.EpsilonSpent, s.BudgetEpsilon,
		max(s.BudgetEpsilon-s.EpsilonSpent, 0), s.DeltaSpent, s.BudgetDelta, s.Releases, s.LastEpoch)
}

// loadLedger reads the ledger at path (none yet: an empty one) and replays it into a new
// accountant with the given budget. A ledger that spent more than the budget is an error rather
// than an exhausted accountant, so that lowering the budget is noticed.
func loadLedger(path string, budgetEpsilon, budgetDelta float64) (ledger, *federated.Accountant, error) {
	acct, err := federated.NewAccountant(budgetEpsilon, budgetDelta)
	if err != nil {
		return ledger{}, nil, err
	}
	l := ledger{Version: ledgerVersion}
	bz, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return l, acct, nil
	case err != nil:
		return ledger{}, nil, fmt.Errorf("fednode: privacy state: %w", err)
	}
	if err := json.Unmarshal(bz, &l); err != nil {
		return ledger{}, nil, fmt.Errorf("fednode: privacy state %s: %w", path, err)
	}
	if l.Version != ledgerVersion {
		return ledger{}, nil, fmt.Errorf("fednode: privacy state %s has version %d, this worker reads %d", path, l.Version, ledgerVersion)
	}
	for i, r := range l.Releases {
		if err := acct.Spend(releasePrivacy(r)); err != nil {
			eps, delta := sum(l.Releases)
			return ledger{}, nil, fmt.Errorf("fednode: privacy state %s records ε %g and δ %g spent in %d releases, "+
				"more than the budget ε %g δ %g allows (release %d, epoch %d: %w); the text's privacy is spent: "+
				"raise the budget only if you accept the larger loss",
				path, eps, delta, len(l.Releases), budgetEpsilon, budgetDelta, i, r.Epoch, err)
		}
	}
	return l, acct, nil
}

// save writes the ledger atomically.
func (l ledger) save(path string) error {
	bz, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, append(bz, '\n')); err != nil {
		return fmt.Errorf("fednode: saving privacy state: %w", err)
	}
	return nil
}

// releasePrivacy is a Privacy charging what r cost; the clip and caps play no part in accounting.
func releasePrivacy(r Release) federated.Privacy {
	return federated.Privacy{Epsilon: r.Epsilon, Delta: r.Delta, Clip: 1, MaxEntries: 1, MaxTotal: 1}
}

func sum(rs []Release) (epsilon, delta float64) {
	for _, r := range rs {
		epsilon += r.Epsilon
		delta += r.Delta
	}
	return epsilon, delta
}
