package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// NetworkSize is the number of validators scripts/localnet-multi.sh creates.
const NetworkSize = 4

// Network is a 4-validator taochain on 127.0.0.1 prepared by scripts/localnet-multi.sh: one
// genesis with four gentxs of equal power, persistent peers, 1-second blocks. Node 0 holds the
// funded users (alice, bob, subnet-owner) as in the single-node localnet; every node holds its
// own "validator" key.
type Network struct {
	T        testing.TB
	Root     string
	ChainID  string
	BasePort int
	Nodes    []*Node
	restarts []int
}

// NewNetwork prepares a fresh 4-validator network (NO_START=1) on a free block of ports; no node
// runs yet.
func NewNetwork(t testing.TB) *Network {
	t.Helper()
	nw := &Network{
		T: t, Root: filepath.Join(t.TempDir(), "net"), ChainID: "taochain-e2e-multi-1",
		BasePort: freePortBlock(t, 10*NetworkSize), restarts: make([]int, NetworkSize),
	}
	bin := Binary(t, "taod")
	script := exec.Command(filepath.Join(RepoRoot(), "scripts", "localnet-multi.sh"))
	script.Env = append(os.Environ(), "TAOD="+bin, "LOCALNET_MULTI_HOME="+nw.Root, "CHAIN_ID="+nw.ChainID,
		"BASE_PORT="+strconv.Itoa(nw.BasePort), "NO_START=1")
	if out, err := script.CombinedOutput(); err != nil {
		t.Fatalf("localnet-multi.sh: %v\n%s", err, out)
	}
	for i := 0; i < NetworkSize; i++ {
		p := nw.BasePort + 10*i
		nw.Nodes = append(nw.Nodes, &Node{
			T: t, Bin: bin, Home: filepath.Join(nw.Root, fmt.Sprintf("node%d", i)), ChainID: nw.ChainID,
			P2P: p, RPC: p + 1, GRPC: p + 2, API: p + 3,
		})
	}
	return nw
}

// FreePortBlock returns a base port such that base..base+n-1 are all free on 127.0.0.1, for
// scripts that lay out their ports from one base (BASE_PORT).
func FreePortBlock(t testing.TB, n int) int {
	t.Helper()
	return freePortBlock(t, n)
}

// freePortBlock finds a base port such that base..base+n-1 are all free on 127.0.0.1. It searches
// 15000-29999: below the kernel's ephemeral range (32768+) and above FreePort's ports.
func freePortBlock(t testing.TB, n int) int {
	t.Helper()
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	for attempt := 0; attempt < 50; attempt++ {
		base := 15000 + 10*r.Intn(1500)
		ok := true
		for p := base; p < base+n && ok; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				break
			}
			_ = l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatalf("no block of %d free ports found on 127.0.0.1", n)
	return 0
}

// StartAll starts every node; each is stopped when the test ends.
func (nw *Network) StartAll() {
	nw.T.Helper()
	for _, n := range nw.Nodes {
		n.Start()
	}
}

// Kill ends node i at once with SIGKILL (no clean shutdown: the node must recover from its WAL
// and databases on restart) and waits for the process to be gone.
func (nw *Network) Kill(i int) {
	nw.T.Helper()
	n := nw.Nodes[i]
	if n.cmd == nil || n.cmd.Process == nil {
		nw.T.Fatalf("node%d is not running", i)
	}
	_ = n.cmd.Process.Kill()
	select {
	case <-n.done:
	case <-time.After(10 * time.Second):
		nw.T.Fatalf("node%d did not exit within 10s of SIGKILL", i)
	}
	if n.logFile != nil {
		_ = n.logFile.Close()
	}
	n.cmd = nil
}

// Restart starts node i again on its existing home. The previous log is kept as node.log.<k>.
func (nw *Network) Restart(i int) {
	nw.T.Helper()
	n := nw.Nodes[i]
	if n.cmd != nil {
		nw.T.Fatalf("node%d is still running", i)
	}
	nw.restarts[i]++
	old := filepath.Join(n.Home, "node.log")
	if err := os.Rename(old, old+"."+strconv.Itoa(nw.restarts[i])); err != nil && !os.IsNotExist(err) {
		nw.T.Fatal(err)
	}
	n.Start()
}

// Running reports whether node i has a live process.
func (nw *Network) Running(i int) bool {
	n := nw.Nodes[i]
	return n.cmd != nil && !n.Exited()
}

// WaitAllHeight waits until every running node has reached height h.
func (nw *Network) WaitAllHeight(h int64, timeout time.Duration) {
	nw.T.Helper()
	deadline := time.Now().Add(timeout)
	for i, n := range nw.Nodes {
		if !nw.Running(i) {
			continue
		}
		left := time.Until(deadline)
		if left <= 0 {
			nw.T.Fatalf("height %d not reached by every node within %s", h, timeout)
		}
		n.WaitHeight(h, left)
	}
}

// MaxHeight is the highest latest height among the running nodes.
func (nw *Network) MaxHeight() int64 {
	var m int64
	for i, n := range nw.Nodes {
		if nw.Running(i) {
			m = max(m, n.Height())
		}
	}
	return m
}

// rpcClient bounds every CometBFT RPC request and keeps connections open for concurrent callers
// (benchmarks broadcast from many goroutines).
var rpcClient = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
}

// RPCGet requests http://<host>:<rpc>/<path> from the node's CometBFT JSON-RPC server and
// decodes the "result" field into v.
func (n *Node) RPCGet(path string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s:%d/%s", n.host(), n.RPC, path), nil)
	if err != nil {
		return err
	}
	resp, err := rpcClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var envelope struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return fmt.Errorf("rpc %s: %v: %.300s", path, err, body)
	}
	if envelope.Error != nil {
		return fmt.Errorf("rpc %s: %s: %s", path, envelope.Error.Message, envelope.Error.Data)
	}
	return json.Unmarshal(envelope.Result, v)
}

// BlockHeader is the part of a CometBFT block header the tests compare. Equal headers compare
// equal with ==: Time is kept in UTC, without a monotonic reading.
type BlockHeader struct {
	Height  int64
	AppHash string    // state root after executing block Height-1
	Hash    string    // the block id hash: equal hashes mean identical headers
	Time    time.Time // the proposer's BFT time, which benchmarks difference into block intervals
}

// Header returns the committed block header at height h from this node's RPC /block endpoint.
func (n *Node) Header(h int64) (BlockHeader, error) {
	var res struct {
		BlockID struct {
			Hash string `json:"hash"`
		} `json:"block_id"`
		Block struct {
			Header struct {
				Height  string    `json:"height"`
				AppHash string    `json:"app_hash"`
				Time    time.Time `json:"time"`
			} `json:"header"`
		} `json:"block"`
	}
	if err := n.RPCGet("block?height="+strconv.FormatInt(h, 10), &res); err != nil {
		return BlockHeader{}, err
	}
	got, err := strconv.ParseInt(res.Block.Header.Height, 10, 64)
	if err != nil || got != h {
		return BlockHeader{}, fmt.Errorf("block at height %d: header says height %q", h, res.Block.Header.Height)
	}
	if res.Block.Header.AppHash == "" || res.BlockID.Hash == "" {
		return BlockHeader{}, fmt.Errorf("block at height %d: empty app hash or block hash", h)
	}
	hdr := res.Block.Header
	return BlockHeader{Height: h, AppHash: hdr.AppHash, Hash: res.BlockID.Hash, Time: hdr.Time.UTC()}, nil
}

// AppHashAfter returns the app hash after executing block h: the app_hash in the header of block
// h+1, so block h+1 must be committed on the node.
func (n *Node) AppHashAfter(h int64) (string, error) {
	hdr, err := n.Header(h + 1)
	if err != nil {
		return "", err
	}
	return hdr.AppHash, nil
}

// CheckSameState fails the test unless every running node has the same block hash and app hash
// at each of heights (each height must be committed on every running node).
func (nw *Network) CheckSameState(heights ...int64) {
	nw.T.Helper()
	for _, h := range heights {
		var want BlockHeader
		for i, n := range nw.Nodes {
			if !nw.Running(i) {
				continue
			}
			hdr, err := n.Header(h)
			if err != nil {
				nw.T.Fatalf("node%d: %v", i, err)
			}
			if want.Hash == "" {
				want = hdr
				continue
			}
			if hdr != want {
				nw.T.Fatalf("height %d: node%d has block %s app hash %s, another node has block %s app hash %s",
					h, i, hdr.Hash, hdr.AppHash, want.Hash, want.AppHash)
			}
		}
	}
}
