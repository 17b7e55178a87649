package main_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/taochain/taochain/cmd/taod/cmd"
	"github.com/taochain/taochain/testutil/doctest"
	"github.com/taochain/taochain/testutil/e2e"
)

// exampleSkips are the taochain Examples that cannot run against the docs localnet, with the
// reason; the test reports them. Keep it short: an Example that can be made to run should run.
var exampleSkips = map[string]string{
	"taod tx intelligence submit-evaluation": "needs an evaluation signed by a validator hotkey; only taoworker signs them " +
		"(TestWorkersRankMinersOnChain submits real ones)",
	"taod tx slashing report-equivocation": "needs two conflicting signed evaluations of one hotkey " +
		"(TestEquivocationSlashE2E reports a real equivocation)",
	"taod tx intelligence commit-weights": "needs a commit-reveal subnet; the demo subnet sets weights in the clear",
	"taod tx intelligence reveal-weights": "needs a commit made reveal_period epochs earlier on a commit-reveal subnet",
	"taod tx intelligence commit-model-update": "needs a federated subnet in its current epoch and the update a federated miner " +
		"publishes (TestFederatedMinersLearnOnChain commits real ones)",
}

// upstreamExamples are Examples of Cosmos SDK commands written as templates with placeholders other
// than <appd> (which marks the rest of the SDK's and ibc-go's templates); they are not commands.
var upstreamExamples = map[string]bool{
	"taod genesis bulk-add-genesis-account": true,
	"taod prune":                            true,
}

// docsEnv is the shared environment every documented command may assume (README.md, "Running the
// commands in these docs"): a `make localnet` chain with the demo subnet in build/localnet, the
// built binaries in build/, and `taod` meaning build/taod --home build/localnet.
type docsEnv struct {
	t      *testing.T
	node   *e2e.Node
	dir    string // working directory: build/taod, build/taoworker, build/localnet
	outDir string // every taod invocation's stdout, read for tx hashes after each block
	// taoscan is the URL of the explorer following the localnet, as `make localnet` starts it
	// (the docs read it as $TAOSCAN, default http://127.0.0.1:8080).
	taoscan string
}

// TestDocsCommandsRun runs every ```sh block of README.md, docs/*.md and x/*/README.md (in that
// order, see testutil/doctest for the convention) and every taochain cobra Example of taod against
// a live localnet prepared like `make localnet` with the demo subnet. Each must exit 0 within its
// time bound, and every transaction a block broadcasts must be included with code 0.
func TestDocsCommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	start := time.Now()
	blocks, err := doctest.Load(e2e.RepoRoot())
	if err != nil {
		t.Fatal(err)
	}
	examples, upstream := taodExamples(t)

	env := newDocsEnv(t)
	t.Logf("localnet with the demo subnet ready after %s", time.Since(start).Round(time.Second))

	var skipped []string
	ran := 0
	for _, b := range blocks {
		switch {
		case b.WriteFile != "":
			if err := os.WriteFile(filepath.Join(env.dir, b.WriteFile), []byte(b.Text), 0o600); err != nil {
				t.Fatal(err)
			}
		case b.Skip != "":
			skipped = append(skipped, fmt.Sprintf("%s: %s", b.Where(), b.Skip))
		case b.Runs():
			env.run(b.Where(), b.Text)
			ran++
		}
	}
	for _, ex := range examples {
		if reason, ok := exampleSkips[ex.path]; ok {
			skipped = append(skipped, fmt.Sprintf("Example of %s: %s", ex.path, reason))
			continue
		}
		env.run("Example of "+ex.path, ex.text)
		ran++
	}
	for path := range exampleSkips {
		if !hasExample(examples, path) {
			t.Errorf("exampleSkips names %q, which has no taochain Example: drop it", path)
		}
	}
	t.Logf("ran %d blocks and Examples in %s; %d upstream SDK/ibc-go Examples are templates, not run",
		ran, time.Since(start).Round(time.Second), upstream)
	t.Logf("skipped %d:\n  %s", len(skipped), strings.Join(skipped, "\n  "))
}

type example struct{ path, text string }

func hasExample(examples []example, path string) bool {
	for _, ex := range examples {
		if ex.path == path {
			return true
		}
	}
	return false
}

// taodExamples walks taod's command tree. Examples written as `taod ...` are taochain's and are
// returned to run; upstream templates (<appd>, or listed in upstreamExamples) are counted. Any
// other Example fails the test: it would be neither runnable nor recognisably a template.
func taodExamples(t *testing.T) (run []example, upstream int) {
	t.Helper()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if ex := strings.TrimSpace(c.Example); ex != "" {
			switch {
			case strings.HasPrefix(ex, "taod "):
				run = append(run, example{c.CommandPath(), ex + "\n"})
			case strings.Contains(ex, "<appd>") || upstreamExamples[c.CommandPath()]:
				upstream++
			default:
				t.Errorf("Example of %s does not start with `taod `, so it cannot be run:\n%s", c.CommandPath(), ex)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cmd.NewRootCmd())
	sort.SliceStable(run, func(i, j int) bool { return run[i].path < run[j].path })
	return run, upstream
}

// newDocsEnv starts a localnet as `make localnet` does (scripts/localnet.sh, then scripts/demo.sh
// with the validator hotkey; no workers, whose transactions would race the docs') and lays out the
// working directory the docs assume.
func newDocsEnv(t *testing.T) *docsEnv {
	n := e2e.NewLocalnet(t)
	n.Start()
	t.Setenv("DEMO_VALIDATOR", "1")
	n.RunScript("demo.sh")
	// The docs assume the demo subnet has run its first epoch (README, "Commands in the docs"):
	// `q intelligence last-epoch 1` answers NotFound before it.
	deadline := time.Now().Add(90 * time.Second)
	for {
		if _, err := n.TryCLI("q", "intelligence", "last-epoch", "1"); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("demo subnet ran no epoch within 90s: %v", err)
		}
		time.Sleep(time.Second)
	}

	dir := t.TempDir()
	env := &docsEnv{t: t, node: n, dir: dir, outDir: filepath.Join(dir, ".doctest-out")}
	build := filepath.Join(dir, "build")
	for _, d := range []string{build, env.outDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(n.Home, filepath.Join(build, "localnet")); err != nil {
		t.Fatal(err)
	}
	for _, bin := range []string{"taoworker", "yumasim", "taoscan"} {
		if err := os.Symlink(e2e.Binary(t, bin), filepath.Join(build, bin)); err != nil {
			t.Fatal(err)
		}
	}
	// build/taod (also `taod` on PATH) runs the real binary on the localnet home and keeps a copy of
	// its stdout, so the test can check the transactions it broadcast.
	wrapper := fmt.Sprintf(`#!/usr/bin/env bash
set -o pipefail
"%s" --home "%s" "$@" | tee "$(mktemp "%s/out.XXXXXX")"
`, n.Bin, n.Home, env.outDir)
	if err := os.WriteFile(filepath.Join(build, "taod"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	// The explorer, as localnet.sh starts it; the docs' curl examples read it.
	port := e2e.FreePort(t)
	env.taoscan = fmt.Sprintf("http://127.0.0.1:%d", port)
	e2e.StartWorker(t, e2e.Binary(t, "taoscan"), "taoscan", "--node", n.RPCAddr(),
		"--grpc", fmt.Sprintf("127.0.0.1:%d", n.GRPC), "--chain-id", n.ChainID,
		"--db", filepath.Join(dir, "taoscan.db"), "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	return env
}

// yes answers every confirmation prompt with y, as a user running the docs would.
type yes struct{}

func (yes) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "y\n"[i%2]
	}
	return len(p) - len(p)%2, nil
}

// run runs script with bash -euo pipefail in the docs environment, bounded in time; it must exit 0
// and every transaction it broadcast must be included in a block with code 0.
func (e *docsEnv) run(where, script string) {
	e.t.Helper()
	entries, _ := os.ReadDir(e.outDir)
	for _, en := range entries {
		_ = os.Remove(filepath.Join(e.outDir, en.Name()))
	}
	prelude := fmt.Sprintf("export PATH=%q:\"$PATH\" TAOSCAN=%q\nT=\"build/taod --home build/localnet\"\n", filepath.Join(e.dir, "build"), e.taoscan)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", prelude+script)
	c.Dir = e.dir
	c.Stdin = yes{}
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	began := time.Now()
	err := c.Run()
	if err != nil {
		e.t.Errorf("%s failed (%v) after %s:\n%s\noutput:\n%s", where, err, time.Since(began).Round(time.Millisecond),
			script, e2e.Tail(out.String(), 3000))
		return
	}
	if msg := e.checkTxs(); msg != "" {
		e.t.Errorf("%s: %s\n%s\noutput:\n%s", where, msg, script, e2e.Tail(out.String(), 3000))
		return
	}
	e.t.Logf("ok %s (%s)", where, time.Since(began).Round(time.Millisecond))
}

// checkTxs waits (bounded) for every transaction hash the last block's taod calls printed and
// returns a description of the first one that was not included or failed, or "".
func (e *docsEnv) checkTxs() string {
	entries, err := os.ReadDir(e.outDir)
	if err != nil {
		return err.Error()
	}
	var hashes []string
	for _, en := range entries {
		bz, err := os.ReadFile(filepath.Join(e.outDir, en.Name()))
		if err != nil {
			return err.Error()
		}
		hashes = append(hashes, doctest.TxHashes(string(bz))...)
	}
	for _, h := range hashes {
		var res struct {
			TxResult struct {
				Code uint32 `json:"code"`
				Log  string `json:"log"`
			} `json:"tx_result"`
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			err := e.node.RPCGet("tx?hash=0x"+h, &res)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Sprintf("tx %s was not included within 30 s (rejected in CheckTx?): %v", h, err)
			}
			time.Sleep(500 * time.Millisecond)
		}
		if res.TxResult.Code != 0 {
			return fmt.Sprintf("tx %s failed with code %d: %s", h, res.TxResult.Code, res.TxResult.Log)
		}
	}
	return ""
}
