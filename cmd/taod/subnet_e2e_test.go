package main_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
)

// TestSubnetLifecycleAndEmission runs the real taod: a subnet owner creates a subnet, three miners
// and a validator register hotkeys held in the keyring (proof of possession signed by the hotkey), coldkeys stake
// on them, and x/tao's pending emission for the subnet grows block by block.
func TestSubnetLifecycleAndEmission(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)
	n.Start()
	// demo.sh starts while the node is still booting, exactly as make localnet runs it.

	// scripts/demo.sh (run by make localnet) creates subnet "demo" and registers three miners and
	// validator-hot with `taod tx subnet register`, which signs the proof of possession with each
	// keyring hotkey.
	out := n.RunScript("demo.sh")
	if !strings.Contains(out, "subnet 'demo' is netuid") {
		t.Fatalf("demo.sh output:\n%s", out)
	}
	var subnets struct {
		Subnets []struct {
			Subnet struct {
				Netuid int    `json:"netuid"`
				Name   string `json:"name"`
			} `json:"subnet"`
		} `json:"subnets"`
	}
	n.QueryJSON(&subnets, "subnet", "subnets")
	if len(subnets.Subnets) != 1 || subnets.Subnets[0].Subnet.Name != "demo" {
		t.Fatalf("subnets after registration: %+v", subnets)
	}
	netuid := strconv.Itoa(subnets.Subnets[0].Subnet.Netuid)

	var meta struct {
		Neurons []struct {
			UID    int    `json:"uid"`
			Hotkey string `json:"hotkey"`
		} `json:"neurons"`
	}
	n.QueryJSON(&meta, "subnet", "metagraph", netuid)
	want := map[string]bool{}
	for _, k := range []string{"miner1-hot", "miner2-hot", "miner3-hot", "validator-hot"} {
		want[n.Address(k)] = true
	}
	for i, nr := range meta.Neurons {
		if nr.UID != i || !want[nr.Hotkey] {
			t.Fatalf("metagraph neuron %d = %+v, want uids 0..3 held by the demo's hotkeys", i, nr)
		}
		delete(want, nr.Hotkey)
	}
	if len(want) != 0 {
		t.Fatalf("metagraph %+v misses %v", meta, want)
	}

	// A second coldkey delegates to miner2's hotkey through the CLI.
	hot2 := n.Address("miner2-hot")
	mustOK(t, n.Tx("bob", "subnet", "add-stake", hot2, netuid, "1000000000000"))
	var stake struct {
		Stakes []struct {
			Hotkey string `json:"hotkey"`
		} `json:"stakes"`
	}
	n.QueryJSON(&stake, "subnet", "stake-by-coldkey", n.Address("bob"))
	if len(stake.Stakes) != 1 || stake.Stakes[0].Hotkey != hot2 {
		t.Fatalf("bob's stake positions: %+v", stake)
	}

	first := pending(t, n, netuid)
	h := n.Height()
	n.WaitHeight(h+3, 60*time.Second)
	second := pending(t, n, netuid)
	if second <= first {
		t.Fatalf("pending emission did not grow: %d then %d", first, second)
	}
	// 0.5 TAO per block, 90% to subnets, one subnet with stake: ≥ 3 blocks × 0.45 TAO.
	if second-first < 3*450_000_000 {
		t.Fatalf("pending emission grew by %d rao over ≥3 blocks, want ≥ %d", second-first, 3*450_000_000)
	}
}

func mustOK(t *testing.T, res e2e.TxResult) {
	t.Helper()
	if res.Code != 0 {
		t.Fatalf("tx failed: code %d: %s", res.Code, res.RawLog)
	}
}

func pending(t *testing.T, n *e2e.Node, netuid string) int64 {
	t.Helper()
	var res struct {
		Pending struct {
			Amount string `json:"amount"`
		} `json:"pending_emission"`
	}
	out, err := n.TryCLI("q", "tao", "pending-emission", netuid, "--node", n.RPCAddr(), "--output", "json")
	if err != nil {
		t.Fatalf("pending-emission: %v", err)
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("pending-emission output %q: %v", out, err)
	}
	if res.Pending.Amount == "" { // nothing pending: a zero amount may be left out of the JSON
		return 0
	}
	v, err := strconv.ParseInt(res.Pending.Amount, 10, 64)
	if err != nil {
		t.Fatalf("pending amount %q: %v", res.Pending.Amount, err)
	}
	return v
}
