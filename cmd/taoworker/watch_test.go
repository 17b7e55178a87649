package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taochain/taochain/inference/fednode"
)

// TestRenderLedgers: `taoworker watch --privacy-ledger` prints one line per federated miner: the
// budget its text has spent, nothing for a home that has released nothing yet, and the error for
// a ledger it cannot read.
func TestRenderLedgers(t *testing.T) {
	spent, fresh, damaged := t.TempDir(), t.TempDir(), t.TempDir()
	ledger := `{"version": 1, "releases": [
	  {"epoch": 7, "netuid": 1, "hotkey": "hk", "epsilon": 1, "delta": 1e-06},
	  {"epoch": 8, "netuid": 1, "hotkey": "hk", "epsilon": 1, "delta": 1e-06}],
	  "budget_epsilon": 10, "budget_delta": 1e-05}`
	if err := os.WriteFile(filepath.Join(spent, fednode.StateFile), []byte(ledger), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(damaged, fednode.StateFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	renderLedgers(&buf, []string{spent, fresh, damaged})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines:\n%s", buf.String())
	}
	for i, want := range []string{"ε 2 of 10 spent (8 left), δ 2e-06 of 1e-05, 2 releases (last epoch 8)",
		"ε 0 spent, δ 0, 0 releases", "privacy state"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d %q lacks %q", i, lines[i], want)
		}
	}
}
