// Package e2e runs the real taochain binaries for end-to-end tests: it builds them once per test
// process, prepares a node home with scripts/localnet.sh on free 127.0.0.1 ports, starts and stops
// the node, and runs CLI commands against it. Every wait is bounded.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// buildPrefix starts the name of every test process's build directory; its pid follows.
const buildPrefix = "taochain-e2e-build-"

var sweepOnce sync.Once

// buildDirFor returns (and creates) the directory <tmp>/taochain-e2e-build-<pid>/<kind> that
// holds this test process's binaries of one kind. A test process cannot remove its builds at exit
// (these packages have no TestMain), so the first call first removes the build directories of
// test processes that no longer run: about 600 MB each, they filled the disk after a few dozen
// runs.
func buildDirFor(kind string) (string, error) {
	sweepOnce.Do(removeStaleBuilds)
	dir := filepath.Join(os.TempDir(), buildPrefix+strconv.Itoa(os.Getpid()), kind)
	return dir, os.MkdirAll(dir, 0o755)
}

// Binary builds the binaries with `make build` (once per test process, so version and commit are
// stamped exactly as for users) and returns the path of cmd/<name>.
func Binary(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = buildDirFor("bin"); buildErr != nil {
			return
		}
		cmd := exec.Command("make", "-s", "build", "BUILDDIR="+buildDir)
		cmd.Dir = RepoRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("make build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, name)
}

// removeStaleBuilds removes the build directories whose test process has exited.
func removeStaleBuilds() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), buildPrefix+"*"))
	for _, dir := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(dir), buildPrefix))
		if err != nil || pid == os.Getpid() {
			continue
		}
		// Signal 0 only checks that the process exists.
		if err := syscall.Kill(pid, 0); err == nil || err == syscall.EPERM {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

// Ports FreePort hands out come from [freePortLow, freePortHigh): below the kernel's ephemeral
// range (32768+ here), where every outgoing connection takes its local port, and below
// FreePortBlock's range. A port the kernel picked for ":0" was ephemeral, and a CI run lost one to
// another test's client connection between FreePort's check and taod binding it ("bind: address
// already in use").
const (
	freePortLow  = 10000
	freePortHigh = 15000
)

var (
	handedOutMu sync.Mutex
	handedOut   = map[int]bool{} // ports FreePort returned in this process
)

// FreePort returns a currently unused TCP port on 127.0.0.1 that this process has not been given
// before. It is picked at random below the ephemeral range, so outgoing connections never take
// it and concurrent test processes rarely pick the same one.
func FreePort(t testing.TB) int {
	t.Helper()
	handedOutMu.Lock()
	defer handedOutMu.Unlock()
	r := rand.New(rand.NewSource(time.Now().UnixNano() + int64(os.Getpid())))
	for range 200 {
		p := freePortLow + r.Intn(freePortHigh-freePortLow)
		if handedOut[p] {
			continue
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		_ = l.Close()
		handedOut[p] = true
		return p
	}
	t.Fatalf("no free port in 127.0.0.1:%d-%d after 200 tries", freePortLow, freePortHigh-1)
	return 0
}

// Node is one taod process with its own home and ports.
type Node struct {
	T       testing.TB
	Bin     string
	Home    string
	ChainID string
	RPC     int
	GRPC    int
	API     int
	P2P     int
	// Host is the address the node's RPC listens on; empty means 127.0.0.1.
	Host string
	// Wrap is prepended to the start command (e.g. `ip netns exec <ns>`); it must exec the binary
	// so that the started process is taod itself.
	Wrap []string
	// StartArgs are appended to the start command (e.g. `--log_format json`).
	StartArgs []string
	cmd       *exec.Cmd
	logFile   *os.File
	done      chan struct{}
}

// NewLocalnet prepares a fresh single-validator home with scripts/localnet.sh (without starting it).
func NewLocalnet(t testing.TB) *Node {
	t.Helper()
	n := &Node{
		T: t, Bin: Binary(t, "taod"), Home: filepath.Join(t.TempDir(), "home"), ChainID: "taochain-e2e-1",
		RPC: FreePort(t), GRPC: FreePort(t), API: FreePort(t), P2P: FreePort(t),
	}
	script := exec.Command(filepath.Join(RepoRoot(), "scripts", "localnet.sh"))
	script.Env = append(os.Environ(),
		"TAOD="+n.Bin, "LOCALNET_HOME="+n.Home, "CHAIN_ID="+n.ChainID, "NO_START=1",
		"RPC_PORT="+strconv.Itoa(n.RPC), "GRPC_PORT="+strconv.Itoa(n.GRPC),
		"API_PORT="+strconv.Itoa(n.API), "P2P_PORT="+strconv.Itoa(n.P2P),
		"PROM_PORT="+strconv.Itoa(FreePort(t)),
	)
	if out, err := script.CombinedOutput(); err != nil {
		t.Fatalf("localnet.sh: %v\n%s", err, out)
	}
	return n
}

// RunScript runs scripts/<name> against this node (same env as localnet.sh) and returns its output.
func (n *Node) RunScript(name string) string {
	n.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(RepoRoot(), "scripts", name))
	cmd.Env = append(os.Environ(), "TAOD="+n.Bin, "LOCALNET_HOME="+n.Home, "CHAIN_ID="+n.ChainID,
		"RPC_PORT="+strconv.Itoa(n.RPC))
	out, err := cmd.CombinedOutput()
	if err != nil {
		n.T.Fatalf("%s: %v\n%s", name, err, out)
	}
	return string(out)
}

// Start launches the node in the background; it is killed when the test ends.
func (n *Node) Start() {
	n.T.Helper()
	logPath := filepath.Join(n.Home, "node.log")
	f, err := os.Create(logPath)
	if err != nil {
		n.T.Fatal(err)
	}
	n.logFile = f
	argv := append(append([]string{}, n.Wrap...), n.Bin, "start", "--home", n.Home, "--api.enable",
		"--grpc.enable", "--minimum-gas-prices", "0.001rao")
	argv = append(argv, n.StartArgs...)
	n.cmd = exec.Command(argv[0], argv[1:]...)
	n.cmd.Stdout, n.cmd.Stderr = f, f
	if err := n.cmd.Start(); err != nil {
		n.T.Fatal(err)
	}
	n.done = make(chan struct{})
	go func() { _ = n.cmd.Wait(); close(n.done) }()
	n.T.Cleanup(n.Stop)
}

// Stop sends SIGINT, waits up to 20 s for a clean exit, then kills the node.
func (n *Node) Stop() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	select {
	case <-n.done:
	default:
		_ = n.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-n.done:
		case <-time.After(20 * time.Second):
			_ = n.cmd.Process.Kill()
			<-n.done
		}
	}
	if n.logFile != nil {
		_ = n.logFile.Close()
	}
	if n.T.Failed() {
		if bz, err := os.ReadFile(filepath.Join(n.Home, "node.log")); err == nil {
			tail := bz
			if len(tail) > 4000 {
				tail = tail[len(tail)-4000:]
			}
			n.T.Logf("node log tail:\n%s", tail)
		}
	}
	n.cmd = nil
}

// Signal sends sig to the running node process (e.g. SIGSTOP / SIGCONT to pause and resume it).
func (n *Node) Signal(sig os.Signal) error {
	if n.cmd == nil || n.cmd.Process == nil {
		return fmt.Errorf("node %s is not running", n.Home)
	}
	return n.cmd.Process.Signal(sig)
}

// Exited reports whether the node process has ended.
func (n *Node) Exited() bool {
	select {
	case <-n.done:
		return true
	default:
		return false
	}
}

// CLI runs `taod args...` against this node's home and returns stdout; it fails the test on error.
func (n *Node) CLI(args ...string) []byte {
	n.T.Helper()
	out, err := n.TryCLI(args...)
	if err != nil {
		n.T.Fatalf("taod %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// TryCLI runs `taod args...` and returns stdout, or an error holding stderr.
func (n *Node) TryCLI(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	full := append(append([]string{}, args...), "--home", n.Home)
	cmd := exec.CommandContext(ctx, n.Bin, full...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%v: %s%s", err, stderr.String(), stdout.String())
	}
	return stdout.Bytes(), nil
}

// Address returns the bech32 address of a key in the node's test keyring.
func (n *Node) Address(key string) string {
	return strings.TrimSpace(string(n.CLI("keys", "show", key, "-a", "--keyring-backend", "test")))
}

// Height returns the latest block height, or 0 when the node does not answer yet.
func (n *Node) Height() int64 {
	out, err := n.TryCLI("status", "--node", n.RPCAddr())
	if err != nil {
		return 0
	}
	var st struct {
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if json.Unmarshal(out, &st) != nil {
		return 0
	}
	h, _ := strconv.ParseInt(st.SyncInfo.LatestBlockHeight, 10, 64)
	return h
}

// RPCAddr is the node's CometBFT RPC address.
func (n *Node) RPCAddr() string { return fmt.Sprintf("tcp://%s:%d", n.host(), n.RPC) }

func (n *Node) host() string {
	if n.Host == "" {
		return "127.0.0.1"
	}
	return n.Host
}

// WaitHeight waits until the chain reaches height h or timeout passes.
func (n *Node) WaitHeight(h int64, timeout time.Duration) {
	n.T.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if n.Exited() {
			n.T.Fatalf("node exited before height %d", h)
		}
		if n.Height() >= h {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	n.T.Fatalf("height %d not reached within %s (at %d)", h, timeout, n.Height())
}

// TxResult is the part of a tx response the tests read.
type TxResult struct {
	Code   uint32 `json:"code"`
	RawLog string `json:"raw_log"`
	TxHash string `json:"txhash"`
	Height string `json:"height"`
}

// Tx signs and broadcasts `taod tx args...` from key, waits for inclusion and returns the result.
func (n *Node) Tx(from string, args ...string) TxResult {
	n.T.Helper()
	full := append(append([]string{"tx"}, args...),
		"--from", from, "--keyring-backend", "test", "--chain-id", n.ChainID, "--node", n.RPCAddr(),
		"--gas", "auto", "--gas-adjustment", "1.5", "--gas-prices", "0.001rao", "--yes", "--output", "json")
	out := n.CLI(full...)
	var res TxResult
	if err := json.Unmarshal(out, &res); err != nil {
		n.T.Fatalf("decoding tx response %q: %v", out, err)
	}
	if res.Code != 0 {
		n.T.Fatalf("tx %v rejected in CheckTx: code %d: %s", args, res.Code, res.RawLog)
	}
	// Wait (bounded) for the tx to be included and read its DeliverTx result.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := n.TryCLI("q", "tx", res.TxHash, "--node", n.RPCAddr(), "--output", "json")
		if err == nil {
			var included TxResult
			if err := json.Unmarshal(out, &included); err == nil {
				return included
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	n.T.Fatalf("tx %s not included within 30s", res.TxHash)
	return TxResult{}
}

// QueryJSON runs `taod q args... --output json` and decodes the result into v.
func (n *Node) QueryJSON(v any, args ...string) {
	n.T.Helper()
	full := append(append([]string{"q"}, args...), "--node", n.RPCAddr(), "--output", "json")
	out := n.CLI(full...)
	if err := json.Unmarshal(out, v); err != nil {
		n.T.Fatalf("decoding %v output %q: %v", args, out, err)
	}
}
