package main_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
)

// TestNetworkFaultTolerance runs four real validators of equal power (scripts/localnet-multi.sh):
// a subnet with a 10-block tempo gets miners, stake and a weight row; then one validator is killed
// with SIGKILL in the middle of an epoch. The other three (3/4 > 2/3 of the power) keep
// committing and run the epoch; the killed node is restarted after the epoch boundary, catches up,
// and reaches the same epoch result and metagraph at the epoch height as the others. Block hashes
// and app hashes are equal on all four nodes at heights before, during and after the outage.
func TestNetworkFaultTolerance(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	nw := e2e.NewNetwork(t)
	nw.StartAll()
	n0 := nw.Nodes[0]
	nw.WaitAllHeight(2, 90*time.Second)

	netuid := permittedSubnet(t, n0, "faults", "net-hot")
	mustOK(t, n0.Tx("net-hot1", "intelligence", "set-weights", netuid, "0,1,2", "10000,65535,30000", "1"))

	// Kill node 2 mid-epoch: at least 3 blocks before the next epoch block. On a loaded machine
	// the CLI calls can take longer than the margin; then the node is restarted, caught up and
	// the kill is tried again in the next epoch (at most 3 times).
	const victim = 2
	var epochHeight, before int64
	for attempt := 1; ; attempt++ {
		info := epochInfo(t, n0, netuid)
		if info.next-info.height < 6 {
			n0.WaitHeight(info.next+1, 60*time.Second)
			info = epochInfo(t, n0, netuid)
		}
		epochHeight = info.next
		before = nw.Nodes[victim].Height()
		nw.Kill(victim)
		if before+1 < epochHeight { // it may have committed one more block before the signal
			break
		}
		if attempt == 3 {
			t.Fatalf("node%d was killed at height %d, not before the epoch block %d, %d times", victim, before, epochHeight, attempt)
		}
		t.Logf("node%d killed at height %d, too close to the epoch block %d; restarting and trying again", victim, before, epochHeight)
		nw.Restart(victim)
		nw.WaitAllHeight(nw.MaxHeight()+1, 90*time.Second)
	}
	t.Logf("killed node%d at height %d; next epoch block %d", victim, before, epochHeight)

	// The other three keep committing, through the epoch block and beyond.
	nw.WaitAllHeight(max(before+5, epochHeight+2), 90*time.Second)
	down := nw.MaxHeight()

	// Restarted, the node catches up with the others.
	nw.Restart(victim)
	target := nw.MaxHeight() + 2
	nw.Nodes[victim].WaitHeight(target, 90*time.Second)
	nw.WaitAllHeight(target, 30*time.Second)
	t.Logf("node%d restarted at network height %d and caught up to %d", victim, down, target)

	// Same blocks and app hashes everywhere: before the kill, during the outage (including the
	// epoch block and the block whose header carries its app hash), and after the restart.
	nw.CheckSameState(2, before-1, before+1, epochHeight, epochHeight+1, down, target)

	// Same epoch results at the epoch height from the restarted node and from a node that never
	// stopped, and the epoch did run there.
	h := strconv.FormatInt(epochHeight, 10)
	for _, q := range [][]string{
		{"intelligence", "last-epoch", netuid},
		{"subnet", "metagraph", netuid},
		{"intelligence", "bonds", netuid, "0"},
	} {
		args := append(append([]string{"q"}, q...), "--height", h, "--output", "json")
		want := nw.Nodes[0].CLI(append(args, "--node", nw.Nodes[0].RPCAddr())...)
		got := nw.Nodes[victim].CLI(append(args, "--node", nw.Nodes[victim].RPCAddr())...)
		if !bytes.Equal(want, got) {
			t.Fatalf("%v at height %s differs:\nnode0: %s\nnode%d: %s", q, h, want, victim, got)
		}
	}
	var last struct {
		LastEpoch struct {
			Height   string `json:"height"`
			Emission string `json:"emission"`
		} `json:"last_epoch"`
	}
	nw.Nodes[victim].QueryJSON(&last, "intelligence", "last-epoch", netuid, "--height", h)
	if last.LastEpoch.Height != h {
		t.Fatalf("last epoch at height %s ran at %q, want the epoch block %s", h, last.LastEpoch.Height, h)
	}
	if em, err := strconv.ParseInt(last.LastEpoch.Emission, 10, 64); err != nil || em <= 0 {
		t.Fatalf("epoch at height %s paid emission %q, want > 0", h, last.LastEpoch.Emission)
	}
	// hot1's weight row put incentive on the miners it weighted.
	var meta struct {
		Neurons []struct {
			UID       int             `json:"uid"`
			Incentive json.RawMessage `json:"incentive"`
		} `json:"neurons"`
	}
	nw.Nodes[victim].QueryJSON(&meta, "subnet", "metagraph", netuid, "--height", h)
	incentives := 0
	for _, n := range meta.Neurons {
		if v := strings.Trim(string(n.Incentive), `"`); v != "" && v != "0" && v != "null" {
			incentives++
		}
	}
	if len(meta.Neurons) != 3 || incentives == 0 {
		t.Fatalf("metagraph at the epoch height: %+v (want 3 neurons, some with incentive)", meta.Neurons)
	}
}

type epochState struct {
	height int64 // height of the state answered from
	next   int64 // height whose EndBlock runs the subnet's next epoch
}

// permittedSubnet registers subnet name with tempo 10 (an epoch every 11 blocks) and no weights
// rate limit, registers three neurons <hot>1..<hot>3 (coldkeys alice, bob, subnet-owner), stakes
// on the first two from alice and bob, funds <hot>1 so it pays its own fees, and waits for the
// epoch that gives the permits: <hot>1 can set weights when it returns. It returns the netuid.
func permittedSubnet(t *testing.T, n0 *e2e.Node, name, hot string) string {
	t.Helper()
	mustOK(t, n0.Tx("subnet-owner", "subnet", "register-subnet", name, "1000000000000"))
	netuid := subnetID(t, n0, name)
	var hp struct {
		Hyperparams map[string]any `json:"hyperparams"`
	}
	n0.QueryJSON(&hp, "subnet", "hyperparameters", netuid)
	hp.Hyperparams["tempo"] = "10"
	hp.Hyperparams["weights_rate_limit"] = "0"
	hpJSON, err := json.Marshal(hp.Hyperparams)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, n0.Tx("subnet-owner", "subnet", "update-hyperparams", netuid, string(hpJSON)))
	for i, owner := range []string{"alice", "bob", "subnet-owner"} {
		key := hot + strconv.Itoa(i+1)
		n0.CLI("keys", "add", key, "--keyring-backend", "test", "--output", "json")
		mustOK(t, n0.Tx(owner, "subnet", "register", netuid, key, "100000000000"))
	}
	mustOK(t, n0.Tx("alice", "subnet", "add-stake", n0.Address(hot+"1"), netuid, "5000000000000"))
	mustOK(t, n0.Tx("bob", "subnet", "add-stake", n0.Address(hot+"2"), netuid, "1000000000000"))
	mustOK(t, n0.Tx("alice", "bank", "send", "alice", n0.Address(hot+"1"), "10000000000rao"))
	n0.WaitHeight(epochInfo(t, n0, netuid).next+1, 60*time.Second)
	return netuid
}

// epochInfo reads `q intelligence epoch-info netuid`.
func epochInfo(t *testing.T, n *e2e.Node, netuid string) epochState {
	t.Helper()
	var res struct {
		Height string `json:"height"`
		Next   string `json:"next_epoch_height"`
	}
	n.QueryJSON(&res, "intelligence", "epoch-info", netuid)
	var s epochState
	var err error
	if s.height, err = strconv.ParseInt(res.Height, 10, 64); err != nil {
		t.Fatalf("epoch-info height %q: %v", res.Height, err)
	}
	if s.next, err = strconv.ParseInt(res.Next, 10, 64); err != nil {
		t.Fatalf("epoch-info next_epoch_height %q: %v", res.Next, err)
	}
	return s
}

// subnetID returns the netuid of the subnet called name.
func subnetID(t *testing.T, n *e2e.Node, name string) string {
	t.Helper()
	var subnets struct {
		Subnets []struct {
			Subnet struct {
				Netuid int    `json:"netuid"`
				Name   string `json:"name"`
			} `json:"subnet"`
		} `json:"subnets"`
	}
	n.QueryJSON(&subnets, "subnet", "subnets")
	for _, s := range subnets.Subnets {
		if strings.EqualFold(s.Subnet.Name, name) {
			return strconv.Itoa(s.Subnet.Netuid)
		}
	}
	t.Fatalf("subnet %q not found: %+v", name, subnets)
	return ""
}
