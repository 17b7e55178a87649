package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
)

// TestRestartFromExportE2E restarts a real chain from `taod export --for-zero-height`, as
// docs/restart-from-export.md tells operators to: a single-node localnet with the demo subnet (tempo
// 10), an unbonding entry and a funded account; the node is stopped, its state exported for zero
// height, the genesis given a new chain id and genesis time, and a copy of the home reset with
// `taod comet unsafe-reset-all` starts the new chain from it. The new chain must produce blocks
// and keep the account's balance, the subnet, every neuron (registration heights shifted back by
// the halt height), the stake positions and the unbonding entry (completion shifted the same way),
// and run the subnet's first epoch at the height the export scheduled it.
func TestRestartFromExportE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	start := time.Now()
	n := e2e.NewLocalnet(t)
	n.Start()
	t.Setenv("DEMO_VALIDATOR", "1")
	n.RunScript("demo.sh")
	const netuid = "1"

	// A coldkey with an unbonding entry, and an account that only holds TAO.
	mustOK(t, n.Tx("alice", "subnet", "remove-stake", n.Address("validator-hot"), netuid, "1000000000"))
	n.CLI("keys", "add", "carol", "--keyring-backend", "test", "--output", "json")
	carol := n.Address("carol")
	mustOK(t, n.Tx("bob", "bank", "send", n.Address("bob"), carol, "1234567rao"))

	oldSubnets := querySubnets(t, n)
	oldNeurons := queryNeurons(t, n, netuid)
	oldStake := queryStake(t, n, n.Address("alice"))
	oldUnbonding := queryUnbonding(t, n, n.Address("alice"))
	oldCarol := balanceOf(t, n, carol)
	if len(oldUnbonding) != 1 || len(oldNeurons) != 4 || len(oldStake) == 0 {
		t.Fatalf("before the halt: %d unbonding entries, %d neurons, %d stake positions; want 1, 4, >0", len(oldUnbonding), len(oldNeurons), len(oldStake))
	}
	n.Stop()
	t.Logf("old chain stopped after %s", time.Since(start).Round(time.Second))

	// Export for zero height, then give the genesis a new chain id and genesis time.
	exported := filepath.Join(t.TempDir(), "exported.json")
	n.CLI("export", "--for-zero-height", "--output-document", exported)
	var genesis map[string]any
	readJSON(t, exported, &genesis)
	const newChainID = "taochain-e2e-restart-2"
	genesis["chain_id"] = newChainID
	genesis["genesis_time"] = time.Now().UTC().Format(time.RFC3339Nano)

	var appState struct {
		Subnet struct {
			Unbonding []struct {
				CompletionHeight string `json:"completion_height"`
			} `json:"unbonding"`
		} `json:"subnet"`
		Intelligence struct {
			LastEpochs []struct {
				Height string `json:"height"`
			} `json:"last_epochs"`
			Schedules []struct {
				Netuid          int    `json:"netuid"`
				NextEpochHeight string `json:"next_epoch_height"`
			} `json:"schedules"`
		} `json:"intelligence"`
	}
	raw, err := json.Marshal(genesis["app_state"])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &appState); err != nil {
		t.Fatal(err)
	}
	if len(appState.Subnet.Unbonding) != 1 || len(appState.Intelligence.Schedules) != 1 || len(appState.Intelligence.LastEpochs) != 1 {
		t.Fatalf("export holds %d unbonding entries, %d epoch schedules and %d last epochs, want 1 of each",
			len(appState.Subnet.Unbonding), len(appState.Intelligence.Schedules), len(appState.Intelligence.LastEpochs))
	}
	// The halt height is how far the unbonding completion moved.
	halt := atoi(t, oldUnbonding[0].CompletionHeight) - atoi(t, appState.Subnet.Unbonding[0].CompletionHeight)
	firstEpoch := atoi(t, appState.Intelligence.Schedules[0].NextEpochHeight)
	if halt <= 0 || firstEpoch < 1 || firstEpoch > 11 {
		t.Fatalf("halt height %d, first epoch of the new chain at %d (tempo 10: within 11 blocks)", halt, firstEpoch)
	}

	// A copy of the home, reset, with the new genesis: the validator keeps its keys.
	home := filepath.Join(t.TempDir(), "home")
	if out, err := exec.Command("cp", "-a", n.Home, home).CombinedOutput(); err != nil {
		t.Fatalf("copy home: %v\n%s", err, out)
	}
	restarted := &e2e.Node{T: t, Bin: n.Bin, Home: home, ChainID: newChainID, RPC: n.RPC, GRPC: n.GRPC, API: n.API, P2P: n.P2P}
	restarted.CLI("comet", "unsafe-reset-all")
	bz, err := json.MarshalIndent(genesis, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	genesisFile := filepath.Join(home, "config", "genesis.json")
	if err := os.WriteFile(genesisFile, bz, 0o600); err != nil {
		t.Fatal(err)
	}
	restarted.CLI("genesis", "validate", genesisFile)
	restarted.Start()
	restarted.WaitHeight(firstEpoch+1, 3*time.Minute)

	if got := balanceOf(t, restarted, carol); got != oldCarol {
		t.Fatalf("carol holds %s on the new chain, %s on the old one", got, oldCarol)
	}
	if got := querySubnets(t, restarted); len(got) != len(oldSubnets) || got[0] != oldSubnets[0] {
		t.Fatalf("subnets on the new chain %+v, on the old one %+v", got, oldSubnets)
	}
	neurons := queryNeurons(t, restarted, netuid)
	if len(neurons) != len(oldNeurons) {
		t.Fatalf("%d neurons on the new chain, %d on the old one", len(neurons), len(oldNeurons))
	}
	for i, nr := range neurons {
		o := oldNeurons[i]
		if nr.UID != o.UID || nr.Hotkey != o.Hotkey || atoi(t, nr.RegisteredAt) != atoi(t, o.RegisteredAt)-halt {
			t.Fatalf("neuron %d on the new chain %+v; on the old one %+v, halt %d", i, nr, o, halt)
		}
	}
	stake := queryStake(t, restarted, n.Address("alice"))
	if len(stake) != len(oldStake) {
		t.Fatalf("alice's stake positions on the new chain %+v, on the old one %+v", stake, oldStake)
	}
	for i := range stake {
		if stake[i].Hotkey != oldStake[i].Hotkey || stake[i].Netuid != oldStake[i].Netuid || stake[i].Shares != oldStake[i].Shares {
			t.Fatalf("stake position %d on the new chain %+v, on the old one %+v", i, stake[i], oldStake[i])
		}
	}
	unbonding := queryUnbonding(t, restarted, n.Address("alice"))
	if len(unbonding) != 1 || unbonding[0].Amount != oldUnbonding[0].Amount ||
		atoi(t, unbonding[0].CompletionHeight) != atoi(t, oldUnbonding[0].CompletionHeight)-halt {
		t.Fatalf("unbonding on the new chain %+v; on the old one %+v, halt %d", unbonding, oldUnbonding, halt)
	}
	// The epoch ran in block firstEpoch, not before: the last epoch one block earlier (in the
	// genesis state if firstEpoch is 1) is the old chain's, at a height <= 0 after the shift.
	lastEpochAt := func(height int64) int64 {
		var last struct {
			LastEpoch struct {
				Height string `json:"height"`
			} `json:"last_epoch"`
		}
		restarted.QueryJSON(&last, "intelligence", "last-epoch", netuid, "--height", strconv.FormatInt(height, 10))
		if last.LastEpoch.Height == "" {
			return 0 // the old chain's epoch in the halt block, shifted to 0, which proto JSON omits
		}
		return atoi(t, last.LastEpoch.Height)
	}
	// The genesis state's (block 0). Proto JSON omits a zero height: when the old chain's last
	// epoch ran in the halt block itself, it shifts to exactly 0 and the field is absent.
	before := int64(0)
	if h := appState.Intelligence.LastEpochs[0].Height; h != "" {
		before = atoi(t, h)
	}
	if firstEpoch > 1 {
		before = lastEpochAt(firstEpoch - 1)
	}
	if at := lastEpochAt(firstEpoch); before > 0 || at != firstEpoch {
		t.Fatalf("last epoch of subnet %s at height %d: %d, at height %d: %d; the export scheduled the first epoch at %d",
			netuid, firstEpoch-1, before, firstEpoch, at, firstEpoch)
	}
	t.Logf("halted at %d; the new chain ran its first epoch at %d as scheduled and is at %d; %s in all",
		halt, firstEpoch, restarted.Height(), time.Since(start).Round(time.Second))
}

type subnetSummary struct {
	Netuid int    `json:"netuid"`
	Name   string `json:"name"`
	Owner  string `json:"owner"`
}

func querySubnets(t *testing.T, n *e2e.Node) []subnetSummary {
	t.Helper()
	var res struct {
		Subnets []struct {
			Subnet subnetSummary `json:"subnet"`
		} `json:"subnets"`
	}
	n.QueryJSON(&res, "subnet", "subnets")
	out := make([]subnetSummary, len(res.Subnets))
	for i, s := range res.Subnets {
		out[i] = s.Subnet
	}
	return out
}

type neuronSummary struct {
	UID          int    `json:"uid"`
	Hotkey       string `json:"hotkey"`
	RegisteredAt string `json:"registered_at"`
}

func queryNeurons(t *testing.T, n *e2e.Node, netuid string) []neuronSummary {
	t.Helper()
	var res struct {
		Neurons []neuronSummary `json:"neurons"`
	}
	n.QueryJSON(&res, "subnet", "metagraph", netuid)
	return res.Neurons
}

type stakeSummary struct {
	Hotkey string `json:"hotkey"`
	Netuid int    `json:"netuid"`
	Shares string `json:"shares"`
}

func queryStake(t *testing.T, n *e2e.Node, coldkey string) []stakeSummary {
	t.Helper()
	var res struct {
		Stakes []stakeSummary `json:"stakes"`
	}
	n.QueryJSON(&res, "subnet", "stake-by-coldkey", coldkey)
	return res.Stakes
}

type unbondingSummary struct {
	Amount           string `json:"amount"`
	CompletionHeight string `json:"completion_height"`
}

func queryUnbonding(t *testing.T, n *e2e.Node, coldkey string) []unbondingSummary {
	t.Helper()
	var res struct {
		Entries []unbondingSummary `json:"entries"`
	}
	n.QueryJSON(&res, "subnet", "unbonding", coldkey)
	return res.Entries
}

func balanceOf(t *testing.T, n *e2e.Node, addr string) string {
	t.Helper()
	var res struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	n.QueryJSON(&res, "bank", "balance", addr, "rao")
	return res.Balance.Amount
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(bz, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("height %q: %v", s, err)
	}
	return v
}
