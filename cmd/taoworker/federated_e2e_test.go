package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/testutil/e2e"
)

// rebuiltLine is the part of a federated miner's "federated model rebuilt" log line this test reads.
type rebuiltLine struct {
	Msg    string  `json:"msg"`
	Peers  int     `json:"peers"`
	Alone  float64 `json:"heldout_xent_alone"`
	Merged float64 `json:"heldout_xent_merged"`
}

// lastRebuild returns the miner's latest rebuild that holds the updates of at least peers others
// and weighs them (its merged model differs from its own), if any. Peers weigh nothing until the
// chain has given them incentive: the validator's first evaluations and the epoch after them.
func lastRebuild(w *e2e.Worker, peers int) (rebuiltLine, bool) {
	var last rebuiltLine
	found := false
	for _, l := range strings.Split(w.Log(), "\n") {
		var r rebuiltLine
		if json.Unmarshal([]byte(l), &r) == nil && r.Msg == "federated model rebuilt" && r.Peers >= peers && r.Merged != r.Alone {
			last, found = r, true
		}
	}
	return last, found
}

// TestFederatedMinersLearnOnChain runs the real binaries: a localnet whose demo subnet is
// federated (demo.sh with DEMO_FEDERATED=1), four `taoworker miner --federated` processes each
// training on a different private shard of the shipped corpus, and one `taoworker validator
// --federated`, whose scores give the miners the incentive their peers weigh them by. Each miner publishes its update at its
// axon and commits its hash on chain every epoch, fetches the others' from their axons, verifies
// them against the chain and serves the merged model. The test waits until every miner has merged
// all three peers with weight and checks, from the miners' own held-out reports, issue 19's
// targets: merged ≤ 0.9× alone, and within 5% of one model trained on all four shards; the chain
// holds one commitment per miner.
//
// The miners run with --no-privacy: under the default privacy budget a shard this small releases
// almost no grams (inference/federated's doc shows why), so the demo measures what sharing buys.
func TestFederatedMinersLearnOnChain(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod and taoworker")
	}
	start := time.Now()
	n := e2e.NewLocalnet(t)
	n.Start()
	t.Setenv("DEMO_VALIDATOR", "1")
	t.Setenv("DEMO_FEDERATED", "1")
	if out := n.RunScript("demo.sh"); !strings.Contains(out, "4 miners") {
		t.Fatalf("demo.sh did not set up a federated subnet of 4 miners:\n%s", out)
	}
	var hp struct {
		Hyperparams struct {
			Federated bool `json:"federated"`
		} `json:"hyperparams"`
	}
	n.QueryJSON(&hp, "subnet", "hyperparameters", "1")
	if !hp.Hyperparams.Federated {
		t.Fatal("demo.sh with DEMO_FEDERATED=1 left the subnet's federated hyperparameter off")
	}
	t.Logf("localnet + demo.sh ready after %s", time.Since(start).Round(time.Second))

	bin := e2e.Binary(t, "taoworker")
	common := []string{"--grpc", fmt.Sprintf("127.0.0.1:%d", n.GRPC), "--chain-id", n.ChainID, "--keyring-dir", n.Home,
		"--keyring-backend", "test", "--netuid", "1", "--log-format", "json"}
	var workers []*e2e.Worker
	vargs := append([]string{"validator"}, common...)
	vargs = append(vargs, "--hotkey", "validator-hot", "--tasks-per-miner", "64", "--timeout", "2s", "--epoch-budget", "6s",
		"--federated", "--home", filepath.Join(t.TempDir(), "validator"))
	workers = append(workers, e2e.StartWorker(t, bin, "validator", vargs...))

	const order = 5
	shards := federated.Shards(4)
	var miners []*e2e.Worker
	for i, shard := range shards {
		hk := fmt.Sprintf("miner%d-hot", i+1)
		home := filepath.Join(t.TempDir(), hk)
		if err := os.MkdirAll(home, 0o700); err != nil {
			t.Fatal(err)
		}
		text := filepath.Join(home, "private-shard.txt")
		if err := os.WriteFile(text, []byte(shard), 0o600); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"miner"}, common...)
		args = append(args, "--hotkey", hk, "--order", strconv.Itoa(order), "--corpus", text, "--federated", "--no-privacy",
			"--listen", fmt.Sprintf("127.0.0.1:%d", e2e.FreePort(t)), "--metagraph-refresh", "2s", "--home", home)
		w := e2e.StartWorker(t, bin, hk, args...)
		miners = append(miners, w)
		workers = append(workers, w)
	}

	wait := e2e.Waiter{T: t, Start: start, Deadline: time.Now().Add(6 * time.Minute), Workers: &workers}
	for _, m := range miners {
		wait.For(m.Name+" merging all three peers with weight", func() bool {
			_, ok := lastRebuild(m, len(miners)-1)
			return ok
		})
	}
	t.Logf("every miner merged its three peers, weighted by incentive, after %s", time.Since(start).Round(time.Second))
	// The yardstick: one model trained on all four shards together.
	all := model.Counts{}
	for _, shard := range shards {
		all.Add(model.CountEvents(shard, order))
	}
	central := federated.CrossEntropy(model.FromCounts(order, all), corpus.HeldOut())
	for _, m := range miners {
		r, _ := lastRebuild(m, len(miners)-1)
		ratio := r.Merged / r.Alone
		t.Logf("%s: held-out cross-entropy alone %.3f, merged %.3f nats/char (%.2fx alone, %.3fx central %.3f)",
			m.Name, r.Alone, r.Merged, ratio, r.Merged/central, central)
		if ratio > 0.9 {
			t.Errorf("%s: merged model at %.2fx its own on held-out text; issue 19 asks ≤ 0.9x", m.Name, ratio)
		}
		if r.Merged > 1.05*central {
			t.Errorf("%s: merged model at %.3fx the central one on held-out text; issue 19 asks ≤ 1.05x", m.Name, r.Merged/central)
		}
	}

	var commitments struct {
		Commitments []struct {
			Hotkey string `json:"hotkey"`
		} `json:"commitments"`
	}
	n.QueryJSON(&commitments, "intelligence", "model-updates", "1")
	committed := map[string]bool{}
	for _, c := range commitments.Commitments {
		committed[c.Hotkey] = true
	}
	for i := range shards {
		hk := fmt.Sprintf("miner%d-hot", i+1)
		if !committed[n.Address(hk)] {
			t.Errorf("%s has no model update commitment on chain; commitments: %+v", hk, commitments.Commitments)
		}
	}
	for _, w := range workers {
		if err := w.Stop(); err != nil {
			t.Errorf("%s: %v", w.Name, err)
		}
	}
	t.Logf("total %s", time.Since(start).Round(time.Second))
}
