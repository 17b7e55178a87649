package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// LocalnetScript is scripts/localnet.sh running as `make localnet` runs it (node, demo subnet,
// miners, validator worker, live summary and the taoscan explorer), on free 127.0.0.1 ports and in
// its own home, in its own process group so that a test can check nothing it started outlives it.
// Tests that watch the whole system from outside use it; NewLocalnet only prepares a home.
type LocalnetScript struct {
	T testing.TB
	// Home is the script's LOCALNET_HOME: node.log, taoscan.log and the workers' logs/ are in it.
	Home string
	// RPC and GRPC are the node's CometBFT RPC and gRPC ports.
	RPC, GRPC int
	// ScanURL is taoscan's base URL, http://127.0.0.1:<TAOSCAN_PORT>/.
	ScanURL string

	cmd    *exec.Cmd
	out    Output
	exited chan struct{} // closed when the script has exited; err is then its exit error
	err    error
}

// localnetMinerPorts is how many consecutive ports from MINER_PORT the demo's miners listen on:
// three for the plain demo, four for the federated one (scripts/demo-workers.sh).
const localnetMinerPorts = 4

// StartLocalnetScript builds the binaries (e2e.Binary: taod, taoscan and taoworker next to it),
// then starts scripts/localnet.sh with TAOD, LOCALNET_HOME, CHAIN_ID=taochain-e2e-1 and every port
// it uses set to free ones; env (e.g. "FEDERATED=1") is added last, so it can override any of
// them. When the test ends the script gets SIGINT, as from Ctrl-C, and 30 s to exit, then whatever
// is left of its process group is killed.
func StartLocalnetScript(t testing.TB, env ...string) *LocalnetScript {
	t.Helper()
	bin := Binary(t, "taod")
	l := &LocalnetScript{
		T: t, Home: filepath.Join(t.TempDir(), "home"), RPC: FreePort(t), GRPC: FreePort(t),
		exited: make(chan struct{}),
	}
	port := func() string { return strconv.Itoa(FreePort(t)) }
	scanPort := port()
	l.ScanURL = "http://127.0.0.1:" + scanPort + "/"
	l.cmd = exec.Command(filepath.Join(RepoRoot(), "scripts", "localnet.sh"))
	l.cmd.Env = append(append(os.Environ(), "TAOD="+bin, "LOCALNET_HOME="+l.Home, "CHAIN_ID=taochain-e2e-1",
		"RPC_PORT="+strconv.Itoa(l.RPC), "GRPC_PORT="+strconv.Itoa(l.GRPC), "API_PORT="+port(),
		"P2P_PORT="+port(), "PROM_PORT="+port(),
		"MINER_PORT="+strconv.Itoa(FreePortBlock(t, localnetMinerPorts)),
		"VALIDATOR_METRICS_PORT="+port(), "TAOSCAN_PORT="+scanPort), env...)
	l.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	l.cmd.Stdout, l.cmd.Stderr = &l.out, &l.out
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { l.err = l.cmd.Wait(); close(l.exited) }()
	pgid := l.cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(-pgid, syscall.SIGINT)
		select {
		case <-l.exited:
		case <-time.After(30 * time.Second):
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	})
	return l
}

// Output returns everything the script has printed so far (stdout and stderr).
func (l *LocalnetScript) Output() string { return l.out.String() }

// LogTail returns the last n bytes of the file name in the script's home (e.g. node.log,
// taoscan.log), or the error reading it, for failure messages.
func (l *LocalnetScript) LogTail(name string, n int) string {
	bz, err := os.ReadFile(filepath.Join(l.Home, name))
	if err != nil {
		return err.Error()
	}
	return Tail(string(bz), n)
}

// WaitOutput polls the script's output every 2 s until ok accepts it or timeout passes; it fails
// the test if the script exits first, and returns whether ok accepted it.
func (l *LocalnetScript) WaitOutput(timeout time.Duration, ok func(out string) bool) bool {
	l.T.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		select {
		case <-l.exited:
			l.T.Fatalf("localnet.sh exited early (%v):\n%s", l.err, l.out.String())
		case <-time.After(2 * time.Second):
		}
		if ok(l.out.String()) {
			return true
		}
	}
	return false
}

// Interrupt sends SIGINT, as Ctrl-C does, and checks that the script forwards it: it exits within
// 60 s and no process it started is left 20 s later.
func (l *LocalnetScript) Interrupt() {
	t := l.T
	t.Helper()
	if err := l.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-l.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("localnet.sh did not exit within 60 s of SIGINT:\n%s", Tail(l.out.String(), 2000))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		// Signal 0 to the group: ESRCH once no process of the group is left.
		if err := syscall.Kill(-l.cmd.Process.Pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("processes started by localnet.sh are still running 20 s after it exited")
		case <-time.After(200 * time.Millisecond):
		}
	}
}
