package e2e

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// AddStateSyncNode prepares a 5th, non-validator node that joins the network by state sync, the
// way docs/state-sync.md tells an operator to: `taod init`, the network's genesis, and the
// [statesync] settings (rpc_servers = the validators listed, trust_height/trust_hash = the block
// at trustHeight on the first of them, trust_period, a 5-second discovery) plus persistent peers to
// every validator, all set with `taod config set`. Ports are free ports on 127.0.0.1. The node is
// not started and is not added to nw.Nodes (it has no blocks below its snapshot, so the network's
// whole-history checks do not apply to it).
func (nw *Network) AddStateSyncNode(trustHeight int64, rpcServers ...int) *Node {
	nw.T.Helper()
	if len(rpcServers) < 2 {
		nw.T.Fatalf("state sync needs at least two RPC servers for the light client, got %v", rpcServers)
	}
	n := &Node{
		T: nw.T, Bin: nw.Nodes[0].Bin, Home: filepath.Join(nw.Root, "statesync"), ChainID: nw.ChainID,
		RPC: FreePort(nw.T), GRPC: FreePort(nw.T), API: FreePort(nw.T), P2P: FreePort(nw.T),
	}
	n.CLI("init", "statesync", "--chain-id", nw.ChainID, "--default-denom", "rao")
	genesis, err := os.ReadFile(filepath.Join(nw.Nodes[0].Home, "config", "genesis.json"))
	if err != nil {
		nw.T.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(n.Home, "config", "genesis.json"), genesis, 0o600); err != nil {
		nw.T.Fatal(err)
	}

	trusted, err := nw.Nodes[rpcServers[0]].Header(trustHeight)
	if err != nil {
		nw.T.Fatalf("trusted block: %v", err)
	}
	servers := make([]string, len(rpcServers))
	for i, v := range rpcServers {
		servers[i] = nw.Nodes[v].RPCAddr()
	}
	peers := make([]string, len(nw.Nodes))
	for i, v := range nw.Nodes {
		id := strings.TrimSpace(string(v.CLI("comet", "show-node-id")))
		peers[i] = fmt.Sprintf("%s@127.0.0.1:%d", id, v.P2P)
	}
	for _, kv := range [][2]string{
		{"statesync.enable", "true"},
		{"statesync.rpc_servers", strings.Join(servers, ",")},
		{"statesync.trust_height", strconv.FormatInt(trusted.Height, 10)},
		{"statesync.trust_hash", trusted.Hash},
		{"statesync.trust_period", "168h0m0s"},
		{"statesync.discovery_time", "5s"},
		{"p2p.persistent_peers", strings.Join(peers, ",")},
		{"p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", n.P2P)},
		{"p2p.addr_book_strict", "false"},
		{"p2p.allow_duplicate_ip", "true"},
		{"rpc.laddr", n.RPCAddr()},
		{"rpc.pprof_laddr", ""},
	} {
		n.CLI("config", "set", "config", kv[0], kv[1], "--skip-validate")
	}
	for _, kv := range [][2]string{
		{"minimum-gas-prices", "0.001rao"},
		{"grpc.address", fmt.Sprintf("127.0.0.1:%d", n.GRPC)},
		{"api.address", fmt.Sprintf("tcp://127.0.0.1:%d", n.API)},
	} {
		n.CLI("config", "set", "app", kv[0], kv[1])
	}
	for _, kv := range [][2]string{{"chain-id", nw.ChainID}, {"node", n.RPCAddr()}, {"keyring-backend", "test"}} {
		n.CLI("config", "set", "client", kv[0], kv[1])
	}
	return n
}

// SyncInfo is the part of CometBFT's /status sync_info the state-sync test reads.
type SyncInfo struct {
	Earliest   int64 // lowest block the node stores: above the snapshot height after a state sync
	Latest     int64
	CatchingUp bool
}

// SyncInfo reads the node's /status.
func (n *Node) SyncInfo() (SyncInfo, error) {
	var st struct {
		SyncInfo struct {
			Earliest   string `json:"earliest_block_height"`
			Latest     string `json:"latest_block_height"`
			CatchingUp bool   `json:"catching_up"`
		} `json:"sync_info"`
	}
	if err := n.RPCGet("status", &st); err != nil {
		return SyncInfo{}, err
	}
	e, err1 := strconv.ParseInt(st.SyncInfo.Earliest, 10, 64)
	l, err2 := strconv.ParseInt(st.SyncInfo.Latest, 10, 64)
	if err1 != nil || err2 != nil {
		return SyncInfo{}, fmt.Errorf("status heights %q %q", st.SyncInfo.Earliest, st.SyncInfo.Latest)
	}
	return SyncInfo{Earliest: e, Latest: l, CatchingUp: st.SyncInfo.CatchingUp}, nil
}

// WaitCaughtUp waits until the node reports it is no longer catching up and has reached height h.
func (n *Node) WaitCaughtUp(h int64, timeout time.Duration) SyncInfo {
	n.T.Helper()
	deadline := time.Now().Add(timeout)
	var last SyncInfo
	var lastErr error
	for time.Now().Before(deadline) {
		if n.Exited() {
			n.T.Fatalf("node exited before catching up to height %d", h)
		}
		last, lastErr = n.SyncInfo()
		if lastErr == nil && !last.CatchingUp && last.Latest >= h {
			return last
		}
		time.Sleep(500 * time.Millisecond)
	}
	n.T.Fatalf("not caught up to height %d within %s: %+v %v", h, timeout, last, lastErr)
	return last
}

// AppState returns the height and app hash (upper-case hex, as in block headers) of the last block
// the node's own application committed, from /abci_info.
func (n *Node) AppState() (int64, string, error) {
	var res struct {
		Response struct {
			Height  string `json:"last_block_height"`
			AppHash string `json:"last_block_app_hash"`
		} `json:"response"`
	}
	if err := n.RPCGet("abci_info", &res); err != nil {
		return 0, "", err
	}
	h, err := strconv.ParseInt(res.Response.Height, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("abci_info height %q", res.Response.Height)
	}
	hash, err := base64.StdEncoding.DecodeString(res.Response.AppHash)
	if err != nil {
		return 0, "", fmt.Errorf("abci_info app hash %q: %v", res.Response.AppHash, err)
	}
	return h, strings.ToUpper(hex.EncodeToString(hash)), nil
}

var (
	ansiRe             = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	snapshotRestoredRe = regexp.MustCompile(`Snapshot restored.*\bheight=(\d+)`)
)

// RestoredSnapshot reads the node's log for CometBFT's "Snapshot restored" line and returns the
// snapshot height and how many "Applied snapshot chunk" lines precede it; ok is false when the node
// did not restore a snapshot.
func (n *Node) RestoredSnapshot() (height int64, chunks int, ok bool) {
	n.T.Helper()
	bz, err := os.ReadFile(filepath.Join(n.Home, "node.log"))
	if err != nil {
		n.T.Fatal(err)
	}
	for _, line := range strings.Split(ansiRe.ReplaceAllString(string(bz), ""), "\n") {
		if strings.Contains(line, "Applied snapshot chunk") {
			chunks++
		}
		if m := snapshotRestoredRe.FindStringSubmatch(line); m != nil {
			h, err := strconv.ParseInt(m[1], 10, 64)
			if err != nil {
				n.T.Fatalf("snapshot height in %q: %v", line, err)
			}
			return h, chunks, true
		}
	}
	return 0, chunks, false
}
