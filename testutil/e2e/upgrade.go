package e2e

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// This file runs nodes through a software upgrade: a taod built with extra build tags (the binary
// that knows the upgrade), the real cosmovisor built by `make cosmovisor`, the cosmovisor layout
// of a node home, and the checks of a halt at the upgrade height.

var (
	taggedMu     sync.Mutex
	taggedBuilds = map[string]*taggedBuild{}
)

type taggedBuild struct {
	once sync.Once
	dir  string
	err  error
}

// TaggedBinary builds the binaries with `make build BUILD_TAGS=<tags>` (once per tags per test
// process, same version and commit stamps as Binary) and returns the path of cmd/<name>.
func TaggedBinary(t testing.TB, tags, name string) string {
	t.Helper()
	taggedMu.Lock()
	b := taggedBuilds[tags]
	if b == nil {
		b = &taggedBuild{}
		taggedBuilds[tags] = b
	}
	taggedMu.Unlock()
	b.once.Do(func() {
		b.dir, b.err = buildDirFor("tagged-" + strings.NewReplacer(" ", "_", ",", "_", "/", "_").Replace(tags))
		if b.err != nil {
			return
		}
		cmd := exec.Command("make", "-s", "build", "BUILDDIR="+b.dir, "BUILD_TAGS="+tags)
		cmd.Dir = RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("make build BUILD_TAGS=%s: %v\n%s", tags, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return filepath.Join(b.dir, name)
}

var (
	cosmovisorOnce sync.Once
	cosmovisorPath string
	cosmovisorErr  error
)

// Cosmovisor builds cosmovisor with `make cosmovisor` (once per test process; the version pinned
// in tools/cosmovisor) and returns its path.
func Cosmovisor(t testing.TB) string {
	t.Helper()
	cosmovisorOnce.Do(func() {
		dir, err := buildDirFor("cosmovisor")
		if err != nil {
			cosmovisorErr = err
			return
		}
		cmd := exec.Command("make", "-s", "cosmovisor", "BUILDDIR="+dir)
		cmd.Dir = RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			cosmovisorErr = fmt.Errorf("make cosmovisor: %v\n%s", err, out)
			return
		}
		cosmovisorPath = filepath.Join(dir, "cosmovisor")
	})
	if cosmovisorErr != nil {
		t.Fatal(cosmovisorErr)
	}
	return cosmovisorPath
}

// CosmovisorEnv is the environment the node runs cosmovisor with: the node's home, taod as the
// daemon, a restart with the new binary after the upgrade, no downloads (the new binary is placed
// in advance) and no data backup (a test home is thrown away).
func (n *Node) CosmovisorEnv() []string {
	return []string{
		"DAEMON_NAME=taod", "DAEMON_HOME=" + n.Home, "DAEMON_RESTART_AFTER_UPGRADE=true",
		"DAEMON_ALLOW_DOWNLOAD_BINARIES=false", "UNSAFE_SKIP_BACKUP=true",
	}
}

// LayoutCosmovisor places the binaries in the node home as cosmovisor expects them:
// cosmovisor/genesis/bin/taod (the binary the chain runs now) and
// cosmovisor/upgrades/<upgrade>/bin/taod (the one that knows the upgrade). The files are hard
// links (copies across file systems).
func (n *Node) LayoutCosmovisor(genesisBin, upgrade, upgradeBin string) {
	n.T.Helper()
	for dir, bin := range map[string]string{
		filepath.Join(n.Home, "cosmovisor", "genesis", "bin"):           genesisBin,
		filepath.Join(n.Home, "cosmovisor", "upgrades", upgrade, "bin"): upgradeBin,
	} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			n.T.Fatal(err)
		}
		if err := linkOrCopy(bin, filepath.Join(dir, "taod")); err != nil {
			n.T.Fatal(err)
		}
	}
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// StartCosmovisor launches the node as `cosmovisor run start ...` (same flags as Start) with
// CosmovisorEnv; the home must be laid out with LayoutCosmovisor. cosmovisor and the taod it runs
// share a process group of their own, which is stopped when the test ends: cosmovisor forwards
// only SIGTERM and SIGQUIT, and a taod it restarted after an upgrade would outlive it otherwise.
func (n *Node) StartCosmovisor(cosmovisor string) {
	n.T.Helper()
	f, err := os.Create(filepath.Join(n.Home, "node.log"))
	if err != nil {
		n.T.Fatal(err)
	}
	n.logFile = f
	n.cmd = exec.Command(cosmovisor, "run", "start", "--home", n.Home, "--api.enable", "--grpc.enable",
		"--minimum-gas-prices", "0.001rao")
	n.cmd.Env = append(os.Environ(), n.CosmovisorEnv()...)
	n.cmd.Stdout, n.cmd.Stderr = f, f
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := n.cmd.Start(); err != nil {
		n.T.Fatal(err)
	}
	pgid := n.cmd.Process.Pid
	done := make(chan struct{})
	n.done = done
	cmd := n.cmd
	go func() { _ = cmd.Wait(); close(done) }()
	n.T.Cleanup(n.Stop)
	// Runs before Stop (cleanups run last-registered first): SIGTERM to the group, then a bounded
	// wait for every process of it to be gone, then SIGKILL to whatever is left.
	n.T.Cleanup(func() { stopGroup(pgid, done) })
}

func stopGroup(pgid int, done <-chan struct{}) {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			if syscall.Kill(-pgid, 0) != nil { // the group is empty
				return
			}
		default:
		}
		time.Sleep(200 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
}

// Log returns the node's current log (node.log in its home) without terminal colour codes.
func (n *Node) Log() string {
	bz, err := os.ReadFile(filepath.Join(n.Home, "node.log"))
	if err != nil {
		return ""
	}
	return ansi.ReplaceAllString(string(bz), "")
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// UpgradeNeeded is the line x/upgrade logs when a binary without the upgrade's handler reaches the
// plan height, and stops.
func UpgradeNeeded(name string, height int64) string {
	return fmt.Sprintf("UPGRADE %q NEEDED at height: %d", name, height)
}

// CommittedRe matches CometBFT's log line for a committed block at height h.
func CommittedRe(h int64) *regexp.Regexp {
	return regexp.MustCompile(`committed state .*\bheight=` + strconv.FormatInt(h, 10) + `\b`)
}

// WaitLog waits until the node's log contains s, or fails the test after timeout.
func (n *Node) WaitLog(s string, timeout time.Duration) {
	n.T.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(n.Log(), s) {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	n.T.Fatalf("%s: %q not logged within %s", n.Home, s, timeout)
}

// UpgradeInfo reads data/upgrade-info.json, which x/upgrade writes when the node halts for an
// upgrade (and cosmovisor watches for).
func (n *Node) UpgradeInfo() (name string, height int64, err error) {
	bz, err := os.ReadFile(filepath.Join(n.Home, "data", "upgrade-info.json"))
	if err != nil {
		return "", 0, err
	}
	var info struct {
		Name   string `json:"name"`
		Height int64  `json:"height"`
	}
	if err := json.Unmarshal(bz, &info); err != nil {
		return "", 0, fmt.Errorf("upgrade-info.json %q: %w", bz, err)
	}
	return info.Name, info.Height, nil
}

// AppHeight is the last height the application committed (CometBFT's abci_info), which can be
// below the block store height: a block that failed to execute is stored but not committed.
func (n *Node) AppHeight() (int64, error) {
	var res struct {
		Response struct {
			LastBlockHeight string `json:"last_block_height"`
		} `json:"response"`
	}
	if err := n.RPCGet("abci_info", &res); err != nil {
		return 0, err
	}
	return strconv.ParseInt(res.Response.LastBlockHeight, 10, 64)
}

// StoreValue reads the raw value of key in the KV store called store with an ABCI store query
// (path /store/<store>/key) at the latest height. A store the node does not have is an error.
func (n *Node) StoreValue(store string, key []byte) ([]byte, error) {
	var res struct {
		Response struct {
			Code  uint32 `json:"code"`
			Log   string `json:"log"`
			Value []byte `json:"value"`
		} `json:"response"`
	}
	path := fmt.Sprintf("abci_query?path=%%22/store/%s/key%%22&data=0x%s", store, hex.EncodeToString(key))
	if err := n.RPCGet(path, &res); err != nil {
		return nil, err
	}
	if res.Response.Code != 0 {
		return nil, errors.New(res.Response.Log)
	}
	return res.Response.Value, nil
}
