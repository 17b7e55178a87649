package main_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/doctest"
	"github.com/taochain/taochain/testutil/e2e"
)

// TestGenesisCeremony runs the genesis ceremony of scripts/ceremony.sh for four homes on 127.0.0.1
// (`all` with NO_START=1: each operator's and the coordinator's step on its own home, files copied
// between them) and checks what it must refuse on the way: a genesis that does not match the
// published sha256 (operator-install), a duplicate gentx, a gentx of an operator the genesis does
// not fund, and a gentx signed for another chain-id (coordinator-collect). Then it starts the four
// nodes: every home holds the byte-identical published genesis, blocks are produced and agreed on,
// and the four gentx validators are the validator set with equal power.
func TestGenesisCeremony(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	bin := e2e.Binary(t, "taod")
	start := time.Now()
	dir := t.TempDir()
	const chainID = "taochain-e2e-ceremony-1"
	base := e2e.FreePortBlock(t, 10*e2e.NetworkSize)
	env := []string{"TAOD=" + bin, "CHAIN_ID=" + chainID, "BASE_PORT=" + strconv.Itoa(base), "NO_START=1"}

	// The one-machine command of docs/genesis-ceremony.md, run as written from a directory laid
	// out like the repository (scripts/), on this test's ports and chain-id.
	line := docCommand(t, "docs/genesis-ceremony.md", "NO_START=1 scripts/ceremony.sh all build/ceremony 4")
	root := filepath.Join(dir, "build", "ceremony")
	if err := os.Symlink(filepath.Join(e2e.RepoRoot(), "scripts"), filepath.Join(dir, "scripts")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", line)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	outBytes, err := cmd.CombinedOutput()
	out := string(outBytes)
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	t.Logf("ceremony for %d homes done in %s", e2e.NetworkSize, time.Since(start).Round(time.Second))
	m := regexp.MustCompile(`genesis sha256 ([0-9a-f]{64})`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("ceremony.sh all printed no genesis sha256:\n%s", out)
	}
	printed := m[1]
	wire := filepath.Join(root, "transfer")
	published := strings.Fields(string(readFile(t, filepath.Join(wire, "genesis.sha256"))))[0]
	if published != printed {
		t.Fatalf("published sha256 %s, printed %s", published, printed)
	}
	peers := strings.TrimSpace(string(readFile(t, filepath.Join(wire, "peers.txt"))))
	home := func(i int) string { return filepath.Join(root, fmt.Sprintf("node%d", i)) }

	// A genesis changed after publication (one balance raised) is refused and not installed.
	genesis := readFile(t, filepath.Join(wire, "genesis.json"))
	tampered := bytes.Replace(genesis, []byte(`"100000000000000"`), []byte(`"900000000000000"`), 1)
	if bytes.Equal(tampered, genesis) {
		t.Fatal("found no operator balance to tamper with in the genesis")
	}
	tamperedPath := filepath.Join(dir, "tampered-genesis.json")
	writeFile(t, tamperedPath, tampered)
	out, err = ceremony(env, "operator-install", home(3), tamperedPath, published, peers)
	mustRefuse(t, "operator-install of a tampered genesis", out, err, "checksum mismatch", published)

	// Every home holds the published genesis, byte for byte.
	for i := 0; i < e2e.NetworkSize; i++ {
		got := readFile(t, filepath.Join(home(i), "config", "genesis.json"))
		if sum := sha256.Sum256(got); hex.EncodeToString(sum[:]) != published || !bytes.Equal(got, genesis) {
			t.Fatalf("node%d genesis has sha256 %x, want the published %s", i, sum, published)
		}
	}

	// A second coordinator whose pre-genesis funds only node0..node2 judges three bad rounds.
	ops := strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(wire, "operators.txt")))), "\n")
	if len(ops) != e2e.NetworkSize {
		t.Fatalf("operators.txt has %d lines, want %d", len(ops), e2e.NetworkSize)
	}
	ops3 := filepath.Join(dir, "operators-0-2.txt")
	writeFile(t, ops3, []byte(strings.Join(ops[:3], "\n")+"\n"))
	coord := filepath.Join(dir, "coordinator2")
	if out, err := ceremony(env, "coordinator-start", coord, chainID, ops3); err != nil {
		t.Fatalf("coordinator-start: %v\n%s", err, out)
	}
	pre := readFile(t, filepath.Join(coord, "pre-genesis.json"))
	gentx := func(i int) string { return filepath.Join(wire, "gentx", fmt.Sprintf("gentx-node%d.json", i)) }
	round := func(name string, files map[string]string) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for dst, src := range files {
			writeFile(t, filepath.Join(d, dst), readFile(t, src))
		}
		return d
	}

	dup := round("gentx-duplicate", map[string]string{
		"gentx-node0.json": gentx(0), "gentx-node1.json": gentx(1), "gentx-node1-again.json": gentx(1),
	})
	out, err = ceremony(env, "coordinator-collect", coord, dup)
	mustRefuse(t, "coordinator-collect of a duplicate gentx", out, err, "duplicate gentx", "gentx-node1")

	unfunded := round("gentx-unfunded", map[string]string{
		"gentx-node0.json": gentx(0), "gentx-node1.json": gentx(1), "gentx-node3.json": gentx(3),
	})
	out, err = ceremony(env, "coordinator-collect", coord, unfunded)
	mustRefuse(t, "coordinator-collect of an unfunded operator's gentx", out, err, "is not funded",
		strings.Fields(ops[3])[0])

	// node2's operator signs a gentx with the wrong chain-id (taod itself does not check it).
	other := filepath.Join(dir, "gentx-node2-other-chain.json")
	if out, err := exec.Command(bin, "genesis", "gentx", "validator", "50000000000000rao",
		"--chain-id", "taochain-other-1", "--moniker", "node2", "--ip", "127.0.0.1",
		"--p2p-port", strconv.Itoa(base+20), "--output-document", other,
		"--keyring-backend", "test", "--home", home(2)).CombinedOutput(); err != nil {
		t.Fatalf("gentx for another chain-id: %v\n%s", err, out)
	}
	wrongChain := round("gentx-other-chain", map[string]string{
		"gentx-node0.json": gentx(0), "gentx-node1.json": gentx(1), "gentx-node2.json": other,
	})
	out, err = ceremony(env, "coordinator-collect", coord, wrongChain)
	mustRefuse(t, "coordinator-collect of a gentx for another chain-id", out, err,
		"is not signed for chain-id "+chainID, "node2")
	if got := readFile(t, filepath.Join(coord, "config", "genesis.json")); !bytes.Equal(got, pre) {
		t.Fatal("a refused coordinator-collect left gentxs in the coordinator's genesis")
	}
	t.Logf("refusals checked after %s", time.Since(start).Round(time.Second))

	// The four nodes start from the ceremony's homes and make blocks together.
	nw := &e2e.Network{T: t, Root: root, ChainID: chainID, BasePort: base}
	for i := 0; i < e2e.NetworkSize; i++ {
		p := base + 10*i
		nw.Nodes = append(nw.Nodes, &e2e.Node{
			T: t, Bin: bin, Home: home(i), ChainID: chainID, P2P: p, RPC: p + 1, GRPC: p + 2, API: p + 3,
		})
	}
	nw.StartAll()
	nw.WaitAllHeight(3, 120*time.Second)
	nw.CheckSameState(1, 2)

	// The validator set is the four gentx validators, each with the same power.
	var set struct {
		Validators []struct {
			PubKey struct {
				Key string `json:"key"`
			} `json:"pub_key"`
			VotingPower string `json:"voting_power"`
		} `json:"validators"`
	}
	nw.Nodes[0].QueryJSON(&set, "comet-validator-set")
	want := map[string]bool{}
	for i := 0; i < e2e.NetworkSize; i++ {
		m := regexp.MustCompile(`"pubkey":\{"@type":"/cosmos.crypto.ed25519.PubKey","key":"([^"]+)"`).
			FindSubmatch(readFile(t, gentx(i)))
		if m == nil {
			t.Fatalf("no consensus key in %s", gentx(i))
		}
		want[string(m[1])] = true
	}
	if len(set.Validators) != e2e.NetworkSize {
		t.Fatalf("validator set has %d validators, want %d: %+v", len(set.Validators), e2e.NetworkSize, set.Validators)
	}
	for _, v := range set.Validators {
		if !want[v.PubKey.Key] || v.VotingPower != set.Validators[0].VotingPower || v.VotingPower == "0" {
			t.Fatalf("validator set %+v: want the %d gentx consensus keys, each with the same power", set.Validators, e2e.NetworkSize)
		}
		delete(want, v.PubKey.Key)
	}
	t.Logf("height %d on all four nodes, %d validators of power %s, genesis %s; total %s",
		nw.MaxHeight(), len(set.Validators), set.Validators[0].VotingPower, published, time.Since(start).Round(time.Second))
}

// docCommand returns the line of a ```sh block of the document (relative to the repository root)
// that starts with prefix, failing the test when there is none: the test runs the documented
// command, so the document cannot drift from it.
func docCommand(t *testing.T, doc, prefix string) string {
	t.Helper()
	blocks, err := doctest.Parse(doc, readFile(t, filepath.Join(e2e.RepoRoot(), doc)))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		for _, l := range strings.Split(b.Text, "\n") {
			if b.Shell() && strings.HasPrefix(l, prefix) {
				if i := strings.Index(l, " #"); i >= 0 {
					l = l[:i]
				}
				return strings.TrimSpace(l)
			}
		}
	}
	t.Fatalf("%s has no ```sh line starting with %q", doc, prefix)
	return ""
}

// ceremony runs scripts/ceremony.sh with args and env added to the test's environment, bounded in
// time, and returns its combined output.
func ceremony(env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(e2e.RepoRoot(), "scripts", "ceremony.sh"), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRefuse fails the test unless a ceremony step failed and its output names each of wants.
func mustRefuse(t *testing.T, what, out string, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s was accepted:\n%s", what, out)
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Fatalf("%s was refused (%v) without saying %q:\n%s", what, err, w, out)
		}
	}
	t.Logf("%s refused: %s", what, strings.TrimSpace(out))
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

func writeFile(t *testing.T, path string, bz []byte) {
	t.Helper()
	if err := os.WriteFile(path, bz, 0o600); err != nil {
		t.Fatal(err)
	}
}
