package main_test

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/app/upgrades/testprobe"
	"github.com/taochain/taochain/testutil/e2e"
)

// TestSoftwareUpgradeLive upgrades the live 4-validator network from binary A (`make build`) to
// binary B (the same tree built with `-tags upgrade_e2e`, which also registers the test-only
// testprobe upgrade) through governance, as docs/upgrades.md tells operators to:
//
//   - nodes 0-2 run under the real cosmovisor (`make cosmovisor`), their homes laid out with A in
//     cosmovisor/genesis/bin and B in cosmovisor/upgrades/testprobe/bin;
//   - node 3 runs A directly (the manual path): the test waits for it to halt and starts B on the
//     same home itself.
//
// A MsgSoftwareUpgrade proposal passes with the votes of all four validators; every node halts at
// the plan height H without committing it (log and app height), writes data/upgrade-info.json,
// and continues with B, which adds the testprobe store and runs the handler in block H. Blocks
// and app hashes are equal on all nodes before and after H; every node answers that testprobe was
// applied at H, the same module versions as before, and the handler's record in the new store,
// which no node had before the upgrade.
func TestSoftwareUpgradeLive(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod and cosmovisor")
	}
	const name = testprobe.UpgradeName
	start := time.Now()
	cosmovisor := e2e.Cosmovisor(t)
	binB := e2e.TaggedBinary(t, "upgrade_e2e", "taod")
	nw := e2e.NewNetwork(t)
	binA := nw.Nodes[0].Bin
	t.Logf("binaries A and B, cosmovisor and the 4 homes ready after %s", time.Since(start).Round(time.Second))

	// A 20 s voting period (localnet-multi.sh sets 60 s), the same in all four genesis files.
	for _, n := range nw.Nodes {
		editGovGenesis(t, n, map[string]any{"voting_period": "20s", "expedited_voting_period": "10s"})
	}
	const manual = 3
	for i, n := range nw.Nodes {
		if i == manual {
			n.Start()
			continue
		}
		n.LayoutCosmovisor(binA, name, binB)
		n.StartCosmovisor(cosmovisor)
	}
	n0 := nw.Nodes[0]
	nw.WaitAllHeight(2, 120*time.Second)

	// Before: binary A has no testprobe store, and every node reports the same module versions.
	if _, err := n0.StoreValue(testprobe.StoreName, testprobe.UpgradeHeightPrefix.Bytes()); err == nil {
		t.Fatalf("binary A answers a query of the %s store before the upgrade", testprobe.StoreName)
	} else {
		t.Logf("before the upgrade, a query of the %s store: %v", testprobe.StoreName, err)
	}
	versionsBefore := moduleVersions(t, n0)

	// The proposal, with the full deposit so voting starts at once; H leaves room for the
	// submission, the votes and the voting period.
	var gov struct {
		Params struct {
			MinDeposit []struct {
				Denom  string `json:"denom"`
				Amount string `json:"amount"`
			} `json:"min_deposit"`
		} `json:"params"`
	}
	n0.QueryJSON(&gov, "gov", "params")
	if len(gov.Params.MinDeposit) != 1 {
		t.Fatalf("gov min_deposit: %+v", gov.Params.MinDeposit)
	}
	deposit := gov.Params.MinDeposit[0].Amount + gov.Params.MinDeposit[0].Denom
	submitAt := time.Now()
	h0 := n0.Height()
	upgradeHeight := h0 + 35
	H := strconv.FormatInt(upgradeHeight, 10)
	mustOK(t, n0.Tx("alice", "upgrade", "software-upgrade", name, "--upgrade-height", H, "--no-validate",
		"--title", "testprobe", "--summary", "Add the testprobe store", "--deposit", deposit))
	var props struct {
		Proposals []struct {
			ID string `json:"id"`
		} `json:"proposals"`
	}
	n0.QueryJSON(&props, "gov", "proposals")
	if len(props.Proposals) != 1 {
		t.Fatalf("proposals: %+v", props)
	}
	id := props.Proposals[0].ID
	// All four validators vote from their own homes; the votes are broadcast first and checked
	// after, so all of them land well inside the voting period.
	hashes := make([]string, len(nw.Nodes))
	for i, n := range nw.Nodes {
		hashes[i] = broadcast(t, n, "validator", "gov", "vote", id, "yes")
	}
	for i, n := range nw.Nodes {
		if res := waitTx(t, n, hashes[i]); res.Code != 0 {
			t.Fatalf("node%d's vote: code %d: %s", i, res.Code, res.RawLog)
		}
	}
	status := ""
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		if status = proposalStatus(t, n0, id); status != "PROPOSAL_STATUS_VOTING_PERIOD" {
			break
		}
	}
	if status != "PROPOSAL_STATUS_PASSED" {
		t.Fatalf("proposal %s ended as %s", id, status)
	}
	var plan struct {
		Plan struct {
			Name   string `json:"name"`
			Height string `json:"height"`
		} `json:"plan"`
	}
	n0.QueryJSON(&plan, "upgrade", "plan")
	passedAt := n0.Height()
	if plan.Plan.Name != name || plan.Plan.Height != H || passedAt >= upgradeHeight {
		t.Fatalf("plan %+v at height %d, want %s at %s", plan.Plan, passedAt, name, H)
	}
	t.Logf("proposal %s submitted at height %d, passed by height %d (%s); upgrade height %d",
		id, h0, passedAt, time.Since(submitAt).Round(time.Second), upgradeHeight)

	// Halt: every node logs UPGRADE NEEDED at H and writes upgrade-info.json.
	needed := e2e.UpgradeNeeded(name, upgradeHeight)
	for _, n := range nw.Nodes {
		n.WaitLog(needed, 120*time.Second)
	}
	haltAt := time.Now()
	for i, n := range nw.Nodes {
		if got, h, err := n.UpgradeInfo(); err != nil || got != name || h != upgradeHeight {
			t.Fatalf("node%d upgrade-info.json: %q at %d (%v), want %q at %d", i, got, h, err, name, upgradeHeight)
		}
	}
	// The manual path: node 3 is still up with A but stopped at H-1 (its block store may hold
	// block H, its application never committed it). Stop it and start B on the same home.
	m := nw.Nodes[manual]
	if h, err := m.AppHeight(); err != nil || h != upgradeHeight-1 {
		t.Fatalf("node%d (binary A) after the halt: app height %d (%v), want %d", manual, h, err, upgradeHeight-1)
	}
	logA := m.Log()
	m.Stop()
	m.Bin = binB
	nw.Restart(manual)

	// The chain goes on with B everywhere.
	after := upgradeHeight + 6
	nw.WaitAllHeight(after, 180*time.Second)
	t.Logf("all nodes halted at %d; %d reached %s after the halt", upgradeHeight, after, time.Since(haltAt).Round(time.Second))

	// No node committed H with A, and every node committed H with B after running the handler.
	committedH, committedBefore := e2e.CommittedRe(upgradeHeight), e2e.CommittedRe(upgradeHeight-1)
	handlerRan := "running upgrade handler"
	for i, n := range nw.Nodes {
		var withA, withB string
		if i == manual {
			withA, withB = logA, n.Log()
		} else {
			log := n.Log()
			cut := strings.Index(log, needed)
			withA, withB = log[:cut], log[cut:]
			if !strings.Contains(withB, "upgrade detected") {
				t.Errorf("node%d: cosmovisor did not log the upgrade it detected", i)
			}
		}
		if committedH.MatchString(withA) || !committedBefore.MatchString(withA) {
			t.Errorf("node%d: binary A's log (committed %d: %v, committed %d: %v)", i,
				upgradeHeight-1, committedBefore.MatchString(withA), upgradeHeight, committedH.MatchString(withA))
		}
		if !strings.Contains(withB, handlerRan) || !committedH.MatchString(withB) {
			t.Errorf("node%d: binary B did not run the handler and commit %d", i, upgradeHeight)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// Same blocks and app hashes everywhere before H, at H (whose header carries the state of H-1)
	// and after (H+1 carries the state the handler wrote).
	nw.CheckSameState(2, upgradeHeight-1, upgradeHeight, upgradeHeight+1, after)

	// Every node: testprobe applied at H, module versions unchanged, the handler's record in the
	// added store.
	for i, n := range nw.Nodes {
		var applied struct {
			Height string `json:"height"`
		}
		n.QueryJSON(&applied, "upgrade", "applied", name)
		if applied.Height != H {
			t.Fatalf("node%d: %s applied at %q, want %s", i, name, applied.Height, H)
		}
		versions := moduleVersions(t, n)
		if !equalVersions(versions, versionsBefore) {
			t.Fatalf("node%d: module versions after the upgrade %v, before %v", i, versions, versionsBefore)
		}
		v, err := n.StoreValue(testprobe.StoreName, testprobe.UpgradeHeightPrefix.Bytes())
		if err != nil || len(v) != 8 || int64(binary.BigEndian.Uint64(v)) != upgradeHeight {
			t.Fatalf("node%d: %s upgrade height %x (%v), want %d", i, testprobe.StoreName, v, err, upgradeHeight)
		}
		for _, mv := range versions {
			key := append(append([]byte{}, testprobe.ModuleVersionsPrefix.Bytes()...), mv.name...)
			v, err := n.StoreValue(testprobe.StoreName, key)
			if err != nil || len(v) != 8 || strconv.FormatUint(binary.BigEndian.Uint64(v), 10) != mv.version {
				t.Fatalf("node%d: %s version of %s %x (%v), want %s", i, testprobe.StoreName, mv.name, v, err, mv.version)
			}
		}
	}
	t.Logf("testprobe applied at %d on all 4 nodes (3 via cosmovisor, 1 by hand), %d module versions recorded; total %s",
		upgradeHeight, len(versionsBefore), time.Since(start).Round(time.Second))
}

type moduleVersion struct{ name, version string }

// moduleVersions reads `q upgrade module-versions` (sorted by module name).
func moduleVersions(t *testing.T, n *e2e.Node) []moduleVersion {
	t.Helper()
	var res struct {
		ModuleVersions []struct {
			Name    string          `json:"name"`
			Version json.RawMessage `json:"version"`
		} `json:"module_versions"`
	}
	n.QueryJSON(&res, "upgrade", "module-versions")
	if len(res.ModuleVersions) == 0 {
		t.Fatalf("no module versions")
	}
	out := make([]moduleVersion, 0, len(res.ModuleVersions))
	for _, mv := range res.ModuleVersions {
		v := strings.Trim(string(mv.Version), `"`)
		if v == "" { // version 0 (07-tendermint) is left out of the JSON
			v = "0"
		}
		out = append(out, moduleVersion{mv.Name, v})
	}
	return out
}

func equalVersions(a, b []moduleVersion) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// broadcast signs `taod tx args...` from key on node n and returns the hash once CheckTx accepted
// it, without waiting for a block.
func broadcast(t *testing.T, n *e2e.Node, from string, args ...string) string {
	t.Helper()
	full := append(append([]string{"tx"}, args...),
		"--from", from, "--keyring-backend", "test", "--chain-id", n.ChainID, "--node", n.RPCAddr(),
		"--gas", "auto", "--gas-adjustment", "1.5", "--gas-prices", "0.001rao", "--yes", "--output", "json")
	var res e2e.TxResult
	if err := json.Unmarshal(n.CLI(full...), &res); err != nil {
		t.Fatal(err)
	}
	if res.Code != 0 {
		t.Fatalf("tx %v rejected in CheckTx: code %d: %s", args, res.Code, res.RawLog)
	}
	return res.TxHash
}

// waitTx waits (bounded) for tx hash to be included and returns its result.
func waitTx(t *testing.T, n *e2e.Node, hash string) e2e.TxResult {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		out, err := n.TryCLI("q", "tx", hash, "--node", n.RPCAddr(), "--output", "json")
		if err != nil {
			continue
		}
		var res e2e.TxResult
		if err := json.Unmarshal(out, &res); err == nil {
			return res
		}
	}
	t.Fatalf("tx %s not included within 60s", hash)
	return e2e.TxResult{}
}
