package main_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
)

// TestLocalnetRunsTheWholeSystem runs scripts/localnet.sh exactly as `make localnet` does (on free
// ports): chain, demo subnet, three miners of orders 1/3/5, a validator worker, the live summary and
// the taoscan explorer. It waits until the summary shows the incentive ranking the miners by
// quality and the explorer answers at the URL the script printed, then sends the script SIGINT and
// checks that the node, every worker and the explorer have exited.
func TestLocalnetRunsTheWholeSystem(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod and taoworker")
	}
	bin := e2e.Binary(t, "taod")
	home := filepath.Join(t.TempDir(), "home")
	port := func() string { return strconv.Itoa(e2e.FreePort(t)) }
	minerBase := e2e.FreePort(t)
	e2e.Binary(t, "taoscan") // built next to taod by the same make build
	scanPort := port()
	cmd := exec.Command(filepath.Join(e2e.RepoRoot(), "scripts", "localnet.sh"))
	cmd.Env = append(os.Environ(), "TAOD="+bin, "LOCALNET_HOME="+home, "CHAIN_ID=taochain-e2e-1",
		"RPC_PORT="+port(), "GRPC_PORT="+port(), "API_PORT="+port(), "P2P_PORT="+port(), "PROM_PORT="+port(),
		"MINER_PORT="+strconv.Itoa(minerBase), "VALIDATOR_METRICS_PORT="+port(), "TAOSCAN_PORT="+scanPort)
	// Its own process group, so the test can check that nothing the script started outlives it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out e2e.Output
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pgid := cmd.Process.Pid
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })

	deadline := time.Now().Add(4 * time.Minute)
	var ranked []float64
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("localnet.sh exited early (%v):\n%s", err, out.String())
		case <-time.After(2 * time.Second):
		}
		if inc, ok := lastIncentives(out.String(), "miner1-hot", "miner2-hot", "miner3-hot"); ok &&
			inc[2] > inc[1] && inc[1] > inc[0] {
			ranked = inc
			break
		}
	}
	if ranked == nil {
		t.Fatalf("the live summary never ranked miner3 > miner2 > miner1 within 4 minutes:\n%s\nnode log tail:\n%s",
			e2e.Tail(out.String(), 3000), e2e.Tail(localnetReadFile(filepath.Join(home, "node.log")), 2000))
	}
	t.Logf("live summary incentives: miner1 %.4f, miner2 %.4f, miner3 %.4f", ranked[0], ranked[1], ranked[2])

	url := "http://127.0.0.1:" + scanPort + "/"
	if !strings.Contains(out.String(), "taoscan explorer: "+url) {
		t.Fatalf("localnet.sh did not print the explorer's URL %s:\n%s", url, e2e.Tail(out.String(), 2000))
	}
	resp, err := http.Get(url + "healthz")
	if err != nil {
		t.Fatalf("taoscan at %s: %v\n%s", url, err, e2e.Tail(localnetReadFile(filepath.Join(home, "taoscan.log")), 2000))
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("taoscan %shealthz: %s", url, resp.Status)
	}

	// Ctrl-C: the script forwards SIGINT to the workers and the node and exits.
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("localnet.sh did not exit within 60 s of SIGINT:\n%s", e2e.Tail(out.String(), 2000))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		// Signal 0 to the group: ESRCH once no process of the group is left.
		if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("processes started by localnet.sh are still running 20 s after it exited")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// lastIncentives returns the incentive column of the named neurons from the last summary table
// that lists all of them.
func lastIncentives(summary string, names ...string) ([]float64, bool) {
	blocks := strings.Split(summary, "\nheight ")
	for i := len(blocks) - 1; i >= 0; i-- {
		found := make([]float64, len(names))
		seen := 0
		for _, line := range strings.Split(blocks[i], "\n") {
			f := strings.Fields(line)
			// uid neuron role stake incentive dividends trust last-epoch earned
			if len(f) != 9 {
				continue
			}
			for j, n := range names {
				if f[1] == n {
					v, err := strconv.ParseFloat(f[4], 64)
					if err != nil {
						return nil, false
					}
					found[j] = v
					seen++
				}
			}
		}
		if seen == len(names) {
			return found, true
		}
	}
	return nil, false
}

func localnetReadFile(path string) string {
	bz, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(bz)
}
