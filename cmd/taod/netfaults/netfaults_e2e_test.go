// Package netfaults_test runs the 4-validator network through network faults, each node in its own
// Linux network namespace. It is a package of its own so that `go test -p 2 ./...` runs it beside
// cmd/taod's other end-to-end tests instead of after them.
package netfaults_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
	"github.com/taochain/taochain/testutil/netlab"
)

// faultReport is what TestNetworkFaultsInNamespaces measured, written to
// build/reports/network-faults.txt (which .ci/run prints) as well as to the test log.
type faultReport struct {
	t     *testing.T
	lines []string
}

func (r *faultReport) add(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	r.lines = append(r.lines, line)
	r.t.Log(line)
}

func (r *faultReport) write() {
	dir := filepath.Join(e2e.RepoRoot(), "build", "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.t.Logf("report: %v", err)
		return
	}
	body := strings.Join(r.lines, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "network-faults.txt"), []byte(body), 0o644); err != nil {
		r.t.Logf("report: %v", err)
	}
}

// TestNetworkFaultsInNamespaces runs the four validators each in its own Linux network namespace
// (own stack and address, veth into one bridge; testutil/netlab) and breaks the network between
// them: a 2|2 partition halts the chain and it resumes after healing without a fork; in a 3|1
// partition the three go on and the one catches up after healing; with every node-to-node packet
// delayed 200 ms ± 50 ms and 5% of them dropped the chain keeps committing; a validator paused with
// SIGSTOP for 60 s does not stop the others and catches up when resumed. Heights, block times and
// app hashes go to the log and to build/reports/network-faults.txt.
func TestNetworkFaultsInNamespaces(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	rep := &faultReport{t: t}
	defer rep.write()
	if err := netlab.Available(); err != nil {
		rep.add("SKIPPED: network namespaces are not available on this machine: %v", err)
		t.Skipf("network namespaces are not available on this machine: %v", err)
	}
	nw := e2e.NewNetwork(t)
	lab := netlab.New(t, e2e.NetworkSize)
	for i, n := range nw.Nodes {
		moveIntoLab(t, nw, lab, i)
		n.Host, n.Wrap = lab.IP(i), lab.Exec(i)
	}
	rep.add("network-faults: 4 validators in namespaces %s..%s on %s.0/24, 1 s target blocks", lab.NS(0), lab.NS(3), lab.IP(0)[:strings.LastIndex(lab.IP(0), ".")])
	nw.StartAll()
	nw.WaitAllHeight(3, 2*time.Minute)
	all := []int{0, 1, 2, 3}

	// Baseline: the undisturbed block interval on this machine.
	b0 := maxHeight(t, nw, all)
	time.Sleep(15 * time.Second)
	b1 := maxHeight(t, nw, all)
	if b1-b0 < 3 {
		t.Fatalf("undisturbed network: only %d blocks in 15 s", b1-b0)
	}
	// b1 is the highest height of any node; node 0, whose headers are read, may be a block behind.
	waitHeights(t, nw, []int{0}, b1, 30*time.Second, "node 0 reaching the undisturbed run's top height")
	base := blockIntervals(t, nw.Nodes[0], b0+1, b1)
	rep.add("undisturbed: heights %d → %d in 15 s; block interval p50 %.2f s, max %.2f s", b0, b1, pct(base, 50), pct(base, 100))

	// 2|2: neither half has more than 2/3 of the power.
	h0 := maxHeight(t, nw, all)
	lab.Partition([]int{0, 1}, []int{2, 3})
	time.Sleep(5 * time.Second) // a block whose votes were already out may still commit
	stall := maxHeight(t, nw, all)
	time.Sleep(15 * time.Second)
	if h := maxHeight(t, nw, all); h != stall {
		t.Fatalf("2|2 partition: the chain went from %d to %d while no side had 2/3 of the power", stall, h)
	}
	lab.Heal()
	healed := time.Now()
	waitHeights(t, nw, all, stall+1, 30*time.Second, "2|2 partition healed: blocks must resume within 30 s")
	resumed := time.Since(healed)
	waitHeights(t, nw, all, stall+3, time.Minute, "2|2 partition healed")
	nw.CheckSameState(h0, stall, stall+1, stall+2)
	rep.add("2|2 partition: at height %d, no block for 15 s (highest height stayed %d); healed → next block after %.1f s (target ≤ 30 s); heights %d..%d identical on all 4 (app hash after %d: %s)",
		h0, stall, resumed.Seconds(), h0, stall+2, stall+1, appHash(t, nw.Nodes[0], stall+1))

	// 3|1: the three keep 3/4 of the power.
	h1 := maxHeight(t, nw, all)
	lab.Partition([]int{0, 1, 2}, []int{3})
	start := time.Now()
	waitHeights(t, nw, []int{0, 1, 2}, h1+10, 90*time.Second, "3|1 partition: the three must keep committing")
	majority := time.Since(start)
	alone := height(t, nw.Nodes[3])
	if alone > h1+1 {
		t.Fatalf("3|1 partition: the isolated node reached %d (partition at %d)", alone, h1)
	}
	lab.Heal()
	healed = time.Now()
	target := maxHeight(t, nw, []int{0, 1, 2})
	waitHeights(t, nw, []int{3}, target, 90*time.Second, "3|1 partition healed: the isolated node must catch up")
	caught := time.Since(healed)
	nw.CheckSameState(h1, h1+5, h1+10, target)
	rep.add("3|1 partition: at height %d; the three made 10 blocks in %.1f s (%.2f s/block) while the fourth stayed at %d; healed → it reached %d after %.1f s; heights %d..%d identical on all 4",
		h1, majority.Seconds(), majority.Seconds()/10, alone, target, caught.Seconds(), h1, target)

	// 200 ms ± 50 ms on every node-to-node packet, 5% lost.
	h2 := maxHeight(t, nw, all)
	lab.Degrade(netlab.Impairment{Delay: 200 * time.Millisecond, Jitter: 50 * time.Millisecond, LossPercent: 5})
	time.Sleep(60 * time.Second)
	h3 := maxHeight(t, nw, all)
	st := lab.Restore()
	if h3-h2 < 10 {
		t.Fatalf("200ms±50ms delay, 5%% loss: only %d blocks in 60 s (from %d)", h3-h2, h2)
	}
	waitHeights(t, nw, all, h3+2, time.Minute, "after the degraded links are restored")
	times := blockIntervals(t, nw.Nodes[0], h2+1, h3)
	nw.CheckSameState(h2, (h2+h3)/2, h3)
	rep.add("delay 200ms±50ms + 5%% loss on every link for 60 s: heights %d → %d (%d blocks); block interval p50 %.2f s, p90 %.2f s, max %.2f s; %d packets delayed, %d dropped (%.1f%%); identical on all 4",
		h2, h3, h3-h2, pct(times, 50), pct(times, 90), pct(times, 100), st.Delayed, st.Dropped,
		100*float64(st.Dropped)/float64(max(1, st.Delayed+st.Dropped)))

	// A validator paused for 60 s.
	const paused = 1
	others := []int{0, 2, 3}
	h4 := maxHeight(t, nw, all)
	if err := nw.Nodes[paused].Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Second)
	h5 := maxHeight(t, nw, others)
	if err := nw.Nodes[paused].Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if h5-h4 < 10 {
		t.Fatalf("node%d paused: the others made only %d blocks in 60 s (from %d)", paused, h5-h4, h4)
	}
	resumedAt := time.Now()
	waitHeights(t, nw, []int{paused}, h5, 90*time.Second, "the paused validator must catch up after SIGCONT")
	back := time.Since(resumedAt)
	waitHeights(t, nw, all, h5+2, time.Minute, "after the pause")
	nw.CheckSameState(h4, h5, h5+1)
	rep.add("node%d paused (SIGSTOP) for 60 s at height %d: the other three reached %d (%.2f s/block); after SIGCONT it reached %d in %.1f s; identical on all 4 (app hash after %d: %s)",
		paused, h4, h5, 60/float64(h5-h4), h5, back.Seconds(), h5, appHash(t, nw.Nodes[0], h5))

	// No fork anywhere: every height of the run is identical on all four nodes. The highest node
	// may be a block or two ahead of the others, so all are first waited for up to its height.
	end := maxHeight(t, nw, all)
	waitHeights(t, nw, all, end, time.Minute, "every node at the highest height before the fork check")
	var hs []int64
	for h := int64(1); h <= end-1; h++ {
		hs = append(hs, h)
	}
	nw.CheckSameState(hs...)
	rep.add("no fork: blocks 1..%d have the same block hash and app hash on all 4 nodes", end-1)
}

// moveIntoLab rewrites node i's config so that it listens on its lab address and dials its peers at
// theirs (scripts/localnet-multi.sh wrote 127.0.0.1 everywhere).
func moveIntoLab(t *testing.T, nw *e2e.Network, lab *netlab.Lab, i int) {
	t.Helper()
	home := nw.Nodes[i].Home
	for _, f := range []string{"config/config.toml", "config/app.toml", "config/client.toml"} {
		path := filepath.Join(home, f)
		bz, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s := string(bz)
		for j, peer := range nw.Nodes {
			s = strings.ReplaceAll(s, "@127.0.0.1:"+strconv.Itoa(peer.P2P), "@"+lab.IP(j)+":"+strconv.Itoa(peer.P2P))
		}
		s = strings.ReplaceAll(s, "127.0.0.1", lab.IP(i))
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// height is the node's latest height over RPC (0 if it does not answer).
func height(t *testing.T, n *e2e.Node) int64 {
	var st struct {
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if err := n.RPCGet("status", &st); err != nil {
		return 0
	}
	h, _ := strconv.ParseInt(st.SyncInfo.LatestBlockHeight, 10, 64)
	return h
}

func maxHeight(t *testing.T, nw *e2e.Network, nodes []int) int64 {
	var m int64
	for _, i := range nodes {
		m = max(m, height(t, nw.Nodes[i]))
	}
	return m
}

// waitHeights waits until every listed node has reached h.
func waitHeights(t *testing.T, nw *e2e.Network, nodes []int, h int64, timeout time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		behind := ""
		for _, i := range nodes {
			if got := height(t, nw.Nodes[i]); got < h {
				behind += fmt.Sprintf(" node%d at %d", i, got)
			}
		}
		if behind == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: height %d not reached within %s:%s", what, h, timeout, behind)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func appHash(t *testing.T, n *e2e.Node, h int64) string {
	t.Helper()
	hash, err := n.AppHashAfter(h)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

// blockIntervals returns the seconds between consecutive block times from..to (header times).
func blockIntervals(t *testing.T, n *e2e.Node, from, to int64) []float64 {
	t.Helper()
	var prev time.Time
	var out []float64
	for h := from - 1; h <= to; h++ {
		var res struct {
			Block struct {
				Header struct {
					Time time.Time `json:"time"`
				} `json:"header"`
			} `json:"block"`
		}
		if err := n.RPCGet("block?height="+strconv.FormatInt(h, 10), &res); err != nil {
			t.Fatal(err)
		}
		if !prev.IsZero() {
			out = append(out, res.Block.Header.Time.Sub(prev).Seconds())
		}
		prev = res.Block.Header.Time
	}
	sort.Float64s(out)
	return out
}

// pct is the p-th percentile (nearest rank) of sorted values.
func pct(sorted []float64, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted) + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}
