package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
)

// jsonUint decodes a protobuf JSON integer, which autocli prints as a number or (64-bit) a string.
type jsonUint uint64

func (u *jsonUint) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseUint(strings.Trim(string(b), `"`), 10, 64)
	*u = jsonUint(v)
	return err
}

type crCommit struct {
	Hotkey      string   `json:"hotkey"`
	CommitEpoch jsonUint `json:"commit_epoch"`
	RevealEpoch jsonUint `json:"reveal_epoch"`
	CommitBlock jsonUint `json:"commit_block"`
}

type crWeights struct {
	Weights struct {
		Uid     jsonUint `json:"uid"`
		Hotkey  string   `json:"hotkey"`
		Block   jsonUint `json:"block"`
		Source  string   `json:"source"`
		Weights []struct {
			Uid   jsonUint `json:"uid"`
			Value jsonUint `json:"value"`
		} `json:"weights"`
	} `json:"weights"`
}

type crEpochInfo struct {
	Height          jsonUint `json:"height"`
	CurrentEpoch    jsonUint `json:"current_epoch"`
	NextEpochHeight jsonUint `json:"next_epoch_height"`
	CommitReveal    bool     `json:"commit_reveal"`
	RevealPeriod    jsonUint `json:"reveal_period"`
}

// TestValidatorCommitsAndRevealsOnChain runs the real binaries on a subnet that requires
// commit-reveal (tempo 10, reveal_period 1), set up by the test itself: two `taoworker miner`
// processes (n-gram orders 1 and 5) and one `taoworker validator`. The validator's commit must show
// up as pending on chain, its reveal must produce a weight row of source REVEAL one epoch later,
// the incentive must then rank the order-5 miner above the order-1 miner, and the validator must
// never have sent an evaluation (MsgSubmitEvaluation) to the subnet.
func TestValidatorCommitsAndRevealsOnChain(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod and taoworker")
	}
	start := time.Now()
	n := e2e.NewLocalnet(t)
	n.Start()
	n.WaitHeight(2, 60*time.Second)
	tx := func(from string, args ...string) {
		t.Helper()
		if r := n.Tx(from, args...); r.Code != 0 {
			t.Fatalf("tx %v failed in the block: code %d: %s", args, r.Code, r.RawLog)
		}
	}

	// Subnet "cr", owned by subnet-owner, switched to commit-reveal in a single update (the
	// owner's hyperparameter updates are rate limited).
	tx("subnet-owner", "subnet", "register-subnet", "cr", "1000000000000")
	var subnets struct {
		Subnets []struct {
			Subnet struct {
				Netuid jsonUint `json:"netuid"`
				Name   string   `json:"name"`
			} `json:"subnet"`
		} `json:"subnets"`
	}
	n.QueryJSON(&subnets, "subnet", "subnets")
	netuid := ""
	for _, s := range subnets.Subnets {
		if s.Subnet.Name == "cr" {
			netuid = strconv.FormatUint(uint64(s.Subnet.Netuid), 10)
		}
	}
	if netuid == "" {
		t.Fatalf("subnet cr not found after registration: %+v", subnets)
	}
	var hp struct {
		Hyperparams map[string]json.RawMessage `json:"hyperparams"`
	}
	n.QueryJSON(&hp, "subnet", "hyperparameters", netuid)
	hp.Hyperparams["tempo"] = json.RawMessage(`"10"`)
	hp.Hyperparams["commit_reveal"] = json.RawMessage(`true`)
	hp.Hyperparams["reveal_period"] = json.RawMessage(`"1"`)
	hpJSON, err := json.Marshal(hp.Hyperparams)
	if err != nil {
		t.Fatal(err)
	}
	tx("subnet-owner", "subnet", "update-hyperparams", netuid, string(hpJSON))
	var info crEpochInfo
	n.QueryJSON(&info, "intelligence", "epoch-info", netuid)
	if !info.CommitReveal || info.RevealPeriod != 1 {
		t.Fatalf("epoch-info after the update: %+v, want commit_reveal with reveal_period 1", info)
	}

	// Hotkeys: two miners (registered by alice and bob) and a validator (registered, funded and
	// staked by the validator account, so it holds the permit from the next epoch on).
	hotkeys := []string{"cr-miner-o1", "cr-miner-o5", "cr-validator"}
	for _, k := range hotkeys {
		n.CLI("keys", "add", k, "--keyring-backend", "test", "--output", "json")
	}
	tx("alice", "subnet", "register", netuid, "cr-miner-o1", "100000000000")
	tx("bob", "subnet", "register", netuid, "cr-miner-o5", "100000000000")
	tx("validator", "subnet", "register", netuid, "cr-validator", "100000000000")
	addrs := map[string]string{}
	send := []string{"bank", "multi-send", "validator"}
	for _, k := range hotkeys {
		addrs[k] = n.Address(k)
		send = append(send, addrs[k])
	}
	tx("validator", append(send, "10000000000rao")...)
	vaddr := addrs["cr-validator"]
	tx("validator", "subnet", "add-stake", vaddr, netuid, "20000000000000")
	t.Logf("localnet + subnet %s (commit-reveal, tempo 10) ready after %s", netuid, time.Since(start).Round(time.Second))

	bin := e2e.Binary(t, "taoworker")
	common := []string{"--grpc", fmt.Sprintf("127.0.0.1:%d", n.GRPC), "--chain-id", n.ChainID, "--keyring-dir", n.Home,
		"--keyring-backend", "test", "--netuid", netuid, "--log-format", "json"}
	orders := map[string]int{"cr-miner-o1": 1, "cr-miner-o5": 5}
	var workers []*e2e.Worker
	for _, hk := range []string{"cr-miner-o1", "cr-miner-o5"} {
		args := append([]string{"miner"}, common...)
		args = append(args, "--hotkey", hk, "--order", strconv.Itoa(orders[hk]),
			"--listen", fmt.Sprintf("127.0.0.1:%d", e2e.FreePort(t)), "--metagraph-refresh", "2s",
			"--home", filepath.Join(t.TempDir(), hk))
		workers = append(workers, e2e.StartWorker(t, bin, hk, args...))
	}
	metrics := e2e.FreePort(t)
	vargs := append([]string{"validator"}, common...)
	vargs = append(vargs, "--hotkey", "cr-validator", "--tasks-per-miner", "256", "--timeout", "2s", "--epoch-budget", "4s",
		"--metrics-listen", fmt.Sprintf("127.0.0.1:%d", metrics), "--home", filepath.Join(t.TempDir(), "validator"))
	val := e2e.StartWorker(t, bin, "validator", vargs...)
	workers = append(workers, val)

	waitFor := e2e.Waiter{T: t, Start: start, Deadline: time.Now().Add(3 * time.Minute), Workers: &workers}.For

	// 1. A pending commit of the validator hotkey, revealable exactly reveal_period epochs later.
	var commit crCommit
	waitFor("a pending commit of cr-validator", func() bool {
		var res struct {
			Commits []crCommit `json:"commits"`
		}
		n.QueryJSON(&res, "intelligence", "commits", netuid, "--hotkey", vaddr)
		for _, c := range res.Commits {
			if c.Hotkey == vaddr {
				commit = c
				return true
			}
		}
		return false
	})
	if commit.RevealEpoch != commit.CommitEpoch+1 {
		t.Fatalf("commit %+v: reveal epoch is not commit epoch + reveal_period (1)", commit)
	}
	t.Logf("commit in epoch %d (block %d) pending after %s", commit.CommitEpoch, commit.CommitBlock, time.Since(start).Round(time.Second))

	// 2. The reveal: a weight row of source REVEAL for the validator's uid, favouring order 5.
	uids := map[string]uint64{}
	var meta struct {
		Neurons []metaNeuron `json:"neurons"`
	}
	n.QueryJSON(&meta, "subnet", "metagraph", netuid)
	for _, nr := range meta.Neurons {
		for k, a := range addrs {
			if nr.Hotkey == a {
				uids[k] = uint64(nr.UID)
			}
		}
	}
	if len(uids) != len(hotkeys) {
		t.Fatalf("uids found %v for hotkeys %v", uids, hotkeys)
	}
	var row crWeights
	waitFor("a revealed weight row of cr-validator", func() bool {
		out, err := n.TryCLI("q", "intelligence", "weights", netuid, strconv.FormatUint(uids["cr-validator"], 10),
			"--node", n.RPCAddr(), "--output", "json")
		if err != nil {
			if !strings.Contains(err.Error(), "NotFound") && !strings.Contains(err.Error(), "not found") {
				t.Fatalf("weights query: %v", err)
			}
			return false
		}
		if err := json.Unmarshal(out, &row); err != nil {
			t.Fatalf("decoding weights %q: %v", out, err)
		}
		return true
	})
	if row.Weights.Source != "WEIGHTS_SOURCE_REVEAL" || row.Weights.Hotkey != vaddr {
		t.Fatalf("validator weight row %+v, want source WEIGHTS_SOURCE_REVEAL by %s", row.Weights, vaddr)
	}
	w := map[uint64]uint64{}
	for _, e := range row.Weights.Weights {
		w[uint64(e.Uid)] = uint64(e.Value)
	}
	if w[uids["cr-miner-o5"]] <= w[uids["cr-miner-o1"]] {
		t.Fatalf("revealed weights %v: order-5 miner (uid %d) not above order-1 miner (uid %d)", w, uids["cr-miner-o5"], uids["cr-miner-o1"])
	}
	t.Logf("reveal at block %d after %s: weights %v", row.Weights.Block, time.Since(start).Round(time.Second), w)

	// 3. The epoch that closes the reveal epoch runs on those weights: incentive ranks the miners.
	n.QueryJSON(&info, "intelligence", "epoch-info", netuid)
	n.WaitHeight(int64(info.NextEpochHeight)+1, 60*time.Second)
	n.QueryJSON(&meta, "subnet", "metagraph", netuid)
	incentive := map[string]int{}
	for _, nr := range meta.Neurons {
		for k, a := range addrs {
			if nr.Hotkey == a {
				incentive[k] = nr.Incentive
			}
		}
		if nr.Hotkey == vaddr && !nr.ValidatorPermit {
			t.Errorf("cr-validator holds no validator permit")
		}
	}
	t.Logf("on-chain incentive: order 1 %d, order 5 %d", incentive["cr-miner-o1"], incentive["cr-miner-o5"])
	if incentive["cr-miner-o5"] <= incentive["cr-miner-o1"] {
		t.Fatalf("incentive not ranked by quality: order 1 %d, order 5 %d", incentive["cr-miner-o1"], incentive["cr-miner-o5"])
	}

	// 4. Never an evaluation: none stored for any epoch since the subnet was created, the worker
	// counted committed epochs and no submitted one.
	n.QueryJSON(&info, "intelligence", "epoch-info", netuid)
	for e := uint64(0); e <= uint64(info.CurrentEpoch); e++ {
		_, err := n.TryCLI("q", "intelligence", "evaluation", netuid, strconv.FormatUint(e, 10), vaddr,
			"--node", n.RPCAddr(), "--output", "json")
		if err == nil || !strings.Contains(err.Error(), "NotFound") {
			t.Fatalf("evaluation query for epoch %d: want NotFound, got %v", e, err)
		}
	}
	body := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", metrics))
	if c := metricValue(body, `taoworker_validator_epochs_total{outcome="committed"}`); c < 1 {
		t.Fatalf("taoworker_validator_epochs_total{outcome=\"committed\"} = %v, want ≥ 1", c)
	}
	if s := metricValue(body, `taoworker_validator_epochs_total{outcome="submitted"}`); s != 0 {
		t.Fatalf("validator counted %v submitted epochs on a commit-reveal subnet", s)
	}
	if c := val.CountLines("evaluation submitted"); c != 0 {
		t.Fatalf("validator logged %d evaluation submissions", c)
	}
	// Every reveal went through on its first try in its epoch, and every commit's reveal epoch was
	// read from the chain's answer.
	for _, bad := range []string{"reveal rejected", "reveal failed", "reveal too early", "commit response unreadable", "dropping a commit"} {
		if c := val.CountLines(bad); c != 0 {
			t.Fatalf("validator logged %q %d times:\n%s", bad, c, val.Log())
		}
	}

	for _, w := range workers {
		if err := w.Stop(); err != nil {
			t.Errorf("%s: %v", w.Name, err)
		}
	}
	t.Logf("total %s", time.Since(start).Round(time.Second))
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return string(body)
}

// metricValue returns the value of the Prometheus series (name and labels exactly), 0 if absent.
func metricValue(body, series string) float64 {
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return 0
}
