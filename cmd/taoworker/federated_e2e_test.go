package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/testutil/e2e"
)

// The federated scenario's shape: four honest miners, each on its own shard of the training
// split, a free-rider and a garbage publisher, all at order 5.
const (
	fedOrder = 5
	fedParts = 6 // each miner's text arrives in this many parts, one an epoch
	// Issue 19's targets for an honest miner's merged model on held-out text.
	targetMergedOverAlone   = 0.9
	targetMergedOverCentral = 1.05
)

// Roles of the scenario's miners.
const (
	roleHonest    = "honest"
	roleFreeRider = "free-rider"
	roleGarbage   = "garbage"
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

// fedMiner is one miner of the scenario and what the run measured of it.
type fedMiner struct {
	hotkey, role string
	parts        []string // its text, appended to its corpus file part by part
	corpus       string
	port         int
	worker       *e2e.Worker
	peers        int // publishers other than itself, whose updates it must merge

	address   string
	uid       int
	incentive int       // on chain at the end, of 65535
	sharing   []float64 // the validator's last sharing share of it, sampled once an epoch
	ema       float64   // the validator's score EMA of it at the end
	rebuilt   rebuiltLine
}

func (m *fedMiner) String() string {
	shares := make([]string, len(m.sharing))
	for i, s := range m.sharing {
		shares[i] = fmt.Sprintf("%.2f", s)
	}
	return fmt.Sprintf("%s (%s, uid %d): incentive %d, score EMA %.0f, sharing shares sampled once an epoch [%s], held-out cross-entropy served %.3f",
		m.hotkey, m.role, m.uid, m.incentive, m.ema, strings.Join(shares, " "), m.rebuilt.Merged)
}

// fedFigures is what one run of the scenario measured.
type fedFigures struct {
	miners  []*fedMiner
	central float64 // held-out cross-entropy of one model trained on the four honest texts
	// worstAlone and worstCentral are the largest, over honest miners, of merged/alone and of
	// merged/central; lead is the smallest honest incentive minus the largest dishonest one, as a
	// fraction of 65535.
	worstAlone, worstCentral, lead float64
	took                           time.Duration
}

// splitParts cuts text into n parts of (nearly) equal length in characters.
func splitParts(text string, n int) []string {
	r := []rune(text)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = string(r[len(r)*i/n : len(r)*(i+1)/n])
	}
	return parts
}

// junk returns n random printable ASCII characters: text a model learns nothing useful from.
func junk(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(' ' + rng.IntN('~'-' '+1))
	}
	return string(b)
}

// appendText appends s to the file at path.
func appendText(tb testing.TB, path, s string) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// epochInfo is the demo subnet's epoch as the node answers it.
type epochInfo struct {
	height, next, tempo int64
	current             uint64
}

func queryEpoch(n *e2e.Node) epochInfo {
	n.T.Helper()
	var res struct {
		Height          string `json:"height"`
		Tempo           string `json:"tempo"`
		CurrentEpoch    string `json:"current_epoch"`
		NextEpochHeight string `json:"next_epoch_height"`
	}
	n.QueryJSON(&res, "intelligence", "epoch-info", "1")
	h, _ := strconv.ParseInt(res.Height, 10, 64)
	next, _ := strconv.ParseInt(res.NextEpochHeight, 10, 64)
	tempo, _ := strconv.ParseInt(res.Tempo, 10, 64)
	cur, _ := strconv.ParseUint(res.CurrentEpoch, 10, 64)
	return epochInfo{height: h, next: next, tempo: tempo, current: cur}
}

// get returns the status and body of GET url.
func get(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// runFederatedOnChain runs the federated scenario with the real binaries and returns what it
// measured; it fails tb only when the scenario cannot run (a process exits, a wait times out),
// not when a target is missed, which is the caller's to judge.
//
// A localnet's demo subnet is made federated (demo.sh with DEMO_VALIDATOR=1 DEMO_FEDERATED=1,
// miner1..4-hot) and two more miner hotkeys are registered with taod. Six `taoworker miner
// --federated --follow-corpus` processes run, each on a text file the test appends one part to
// per epoch (a miner that keeps collecting text): four honest miners on the four shards of the
// shipped training split (federated.Shards), a free-rider (--no-publish) on a copy of miner1's
// text, so its model is as good as an honest one's once merged, and a garbage publisher on random
// printable characters, whose updates are valid, signed and committed but useless. One
// `taoworker validator --federated` scores quality and sharing. Parts are appended in the middle
// of an epoch, so each is released at the next epoch's start; the last one's sharing score is
// in the validator's weights of the epoch after, and in the incentive one epoch later, when the
// run ends. Each miner's held-out cross-entropy comes from its own log; the validator's sharing
// shares from its metrics, sampled once an epoch.
//
// The miners run with --no-privacy: under the default privacy budget a shard this small releases
// almost no grams (inference/federated's doc shows why), so the scenario measures what sharing
// buys.
func runFederatedOnChain(tb testing.TB) fedFigures {
	// Built first (once per test process), so the run's time is the scenario's, not the compiler's.
	built := time.Now()
	bin := e2e.Binary(tb, "taoworker")
	if d := time.Since(built); d > time.Second {
		tb.Logf("taod and taoworker built in %s", d.Round(time.Second))
	}
	start := time.Now()
	n := e2e.NewLocalnet(tb)
	n.Start()
	tb.Setenv("DEMO_VALIDATOR", "1")
	tb.Setenv("DEMO_FEDERATED", "1")
	if out := n.RunScript("demo.sh"); !strings.Contains(out, "4 miners") {
		tb.Fatalf("demo.sh did not set up a federated subnet of 4 miners:\n%s", out)
	}
	var hp struct {
		Hyperparams struct {
			Federated bool `json:"federated"`
		} `json:"hyperparams"`
	}
	n.QueryJSON(&hp, "subnet", "hyperparameters", "1")
	if !hp.Hyperparams.Federated {
		tb.Fatal("demo.sh with DEMO_VALIDATOR=1 DEMO_FEDERATED=1 left the subnet's federated hyperparameter off")
	}
	// The free-rider and the garbage publisher are this scenario's, not the demo's.
	for _, hk := range []string{"miner5-hot", "miner6-hot"} {
		n.CLI("keys", "add", hk, "--keyring-backend", "test", "--output", "json")
		if res := n.Tx("alice", "subnet", "register", "1", hk, "100000000000"); res.Code != 0 {
			tb.Fatalf("registering %s: code %d: %s", hk, res.Code, res.RawLog)
		}
	}
	tb.Logf("localnet, demo.sh and 6 miner hotkeys ready after %s", time.Since(start).Round(time.Second))

	shards := federated.Shards(4)
	var miners []*fedMiner
	for i, s := range shards {
		miners = append(miners, &fedMiner{hotkey: fmt.Sprintf("miner%d-hot", i+1), role: roleHonest, parts: splitParts(s, fedParts), peers: 4})
	}
	rng := rand.New(rand.NewPCG(19, 6))
	garbage := make([]string, fedParts)
	for i, p := range miners[0].parts {
		garbage[i] = junk(rng, len([]rune(p)))
	}
	miners = append(miners,
		&fedMiner{hotkey: "miner5-hot", role: roleFreeRider, parts: miners[0].parts, peers: 5},
		&fedMiner{hotkey: "miner6-hot", role: roleGarbage, parts: garbage, peers: 4})

	common := []string{"--grpc", fmt.Sprintf("127.0.0.1:%d", n.GRPC), "--chain-id", n.ChainID, "--keyring-dir", n.Home,
		"--keyring-backend", "test", "--netuid", "1", "--log-format", "json"}
	var workers []*e2e.Worker
	metrics := e2e.FreePort(tb)
	vargs := append([]string{"validator"}, common...)
	vargs = append(vargs, "--hotkey", "validator-hot", "--tasks-per-miner", "64", "--timeout", "2s", "--epoch-budget", "6s",
		"--federated", "--metrics-listen", fmt.Sprintf("127.0.0.1:%d", metrics), "--home", filepath.Join(tb.TempDir(), "validator"))
	validator := e2e.StartWorker(tb, bin, "validator", vargs...)
	workers = append(workers, validator)
	for _, m := range miners {
		home := filepath.Join(tb.TempDir(), m.hotkey)
		if err := os.MkdirAll(home, 0o700); err != nil {
			tb.Fatal(err)
		}
		m.corpus = filepath.Join(home, "private-text.txt")
		appendText(tb, m.corpus, m.parts[0])
		m.port = e2e.FreePort(tb)
		m.address = n.Address(m.hotkey)
		args := append([]string{"miner"}, common...)
		args = append(args, "--hotkey", m.hotkey, "--order", strconv.Itoa(fedOrder), "--corpus", m.corpus, "--follow-corpus",
			"--federated", "--no-privacy", "--listen", fmt.Sprintf("127.0.0.1:%d", m.port), "--metagraph-refresh", "2s", "--home", home)
		if m.role == roleFreeRider {
			args = append(args, "--no-publish")
		}
		m.worker = e2e.StartWorker(tb, bin, m.hotkey, args...)
		workers = append(workers, m.worker)
	}

	wait := e2e.Waiter{T: tb, Start: start, Deadline: time.Now().Add(6 * time.Minute), Workers: &workers}
	for _, m := range miners {
		if m.role != roleFreeRider {
			wait.For(m.hotkey+"'s first update committed", func() bool { return m.worker.CountLines("federated update committed") > 0 })
		}
	}
	first := queryEpoch(n).current
	tb.Logf("every publisher committed its first part by epoch %d, after %s", first, time.Since(start).Round(time.Second))

	readMetagraph := func() { // each miner's uid and incentive
		var meta struct {
			Neurons []metaNeuron `json:"neurons"`
		}
		n.QueryJSON(&meta, "subnet", "metagraph", "1")
		for _, nr := range meta.Neurons {
			for _, m := range miners {
				if m.address == nr.Hotkey {
					m.uid, m.incentive = nr.UID, nr.Incentive
				}
			}
		}
	}
	readMetagraph()
	sampled := uint64(0)
	sample := func(epoch uint64) { // the validator's sharing share of every miner, once an epoch
		if epoch <= sampled {
			return
		}
		sampled = epoch
		code, body, err := get(fmt.Sprintf("http://127.0.0.1:%d/metrics", metrics))
		if err != nil || code != http.StatusOK {
			return
		}
		for _, m := range miners {
			m.sharing = append(m.sharing, metricValue(body, fmt.Sprintf(`taoworker_validator_miner_sharing_share{uid="%d"}`, m.uid)))
			m.ema = metricValue(body, fmt.Sprintf(`taoworker_validator_miner_score_ema{uid="%d"}`, m.uid))
		}
	}
	// Part p (1-based) is appended in the middle of epoch first+p−2, so it is released at the
	// start of epoch first+p−1.
	for p := 2; p <= fedParts; p++ {
		at := first + uint64(p) - 2
		wait.For(fmt.Sprintf("the middle of epoch %d, to append part %d", at, p), func() bool {
			e := queryEpoch(n)
			sample(e.current)
			return e.current > at || (e.current == at && e.height >= e.next-e.tempo/2)
		})
		for _, m := range miners {
			appendText(tb, m.corpus, m.parts[p-1])
		}
		tb.Logf("part %d of %d appended to every miner's text in epoch %d, after %s", p, fedParts, at, time.Since(start).Round(time.Second))
	}
	// The last part is released in epoch first+fedParts−1 and scored in the next; the incentive of
	// those weights is on chain once that epoch has closed.
	last := first + fedParts + 1
	wait.For(fmt.Sprintf("epoch %d, when the last part's sharing score is in the incentive", last), func() bool {
		e := queryEpoch(n)
		sample(e.current)
		return e.current >= last
	})
	for _, m := range miners {
		wait.For(fmt.Sprintf("%s merging its %d peers with weight", m.hotkey, m.peers), func() bool {
			_, ok := lastRebuild(m.worker, m.peers)
			return ok
		})
	}
	readMetagraph()
	sample(last + 1) // the EMA and shares the incentive came from
	tb.Logf("epoch %d reached after %s", last, time.Since(start).Round(time.Second))

	f := fedFigures{miners: miners}
	all := model.Counts{}
	for _, s := range shards {
		all.Add(model.CountEvents(s, fedOrder))
	}
	f.central = federated.CrossEntropy(model.FromCounts(fedOrder, all), corpus.HeldOut())
	minHonest, maxOther := 1<<31, -1
	for _, m := range miners {
		m.rebuilt, _ = lastRebuild(m.worker, m.peers)
		if m.role == roleHonest {
			f.worstAlone = max(f.worstAlone, m.rebuilt.Merged/m.rebuilt.Alone)
			f.worstCentral = max(f.worstCentral, m.rebuilt.Merged/f.central)
			minHonest = min(minHonest, m.incentive)
		} else {
			maxOther = max(maxOther, m.incentive)
		}
		tb.Logf("%s; alone %.3f (%.2fx), %.3fx central %.3f", m, m.rebuilt.Alone, m.rebuilt.Merged/m.rebuilt.Alone,
			m.rebuilt.Merged/f.central, f.central)
	}
	f.lead = float64(minHonest-maxOther) / 65535

	// The free-rider publishes nothing: no commitment on chain, and its axon says it holds no update.
	var commitments struct {
		Commitments []struct {
			Hotkey string `json:"hotkey"`
			Epoch  string `json:"epoch"`
		} `json:"commitments"`
	}
	n.QueryJSON(&commitments, "intelligence", "model-updates", "1")
	committed := map[string]string{}
	for _, c := range commitments.Commitments {
		committed[c.Hotkey] = c.Epoch
	}
	for _, m := range miners {
		epoch, ok := committed[m.address]
		switch {
		case m.role == roleFreeRider && ok:
			tb.Errorf("%s (--no-publish) holds a model update commitment on chain, for epoch %s", m.hotkey, epoch)
		case m.role != roleFreeRider && !ok:
			tb.Errorf("%s has no model update commitment on chain; commitments: %+v", m.hotkey, commitments.Commitments)
		}
		if m.role == roleFreeRider {
			code, body, err := get(fmt.Sprintf("http://127.0.0.1:%d/v1/federated/update?epoch=%d", m.port, first))
			if err != nil || code != http.StatusNotFound || !strings.Contains(body, "publishes no federated updates") {
				tb.Errorf("%s's axon answered an update request with %d %q (%v), want 404 saying it publishes none", m.hotkey, code, body, err)
			}
		}
	}
	for _, w := range workers {
		if err := w.Stop(); err != nil {
			tb.Errorf("%s: %v", w.Name, err)
		}
	}
	n.Stop()
	f.took = time.Since(start)
	return f
}

// TestFederatedMinersLearnOnChain runs the federated scenario (runFederatedOnChain) and checks
// issue 19's targets: every honest miner merged its peers through the chain and their axons and
// serves a model at most 0.9× its own text's held-out cross-entropy and within 5% of one model
// trained on all four honest texts, and every honest sharer's on-chain incentive is above both
// the free-rider's and the garbage publisher's.
func TestFederatedMinersLearnOnChain(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod and taoworker")
	}
	f := runFederatedOnChain(t)
	for _, m := range f.miners {
		if m.role != roleHonest {
			continue
		}
		if r := m.rebuilt.Merged / m.rebuilt.Alone; r > targetMergedOverAlone {
			t.Errorf("%s: merged model at %.2fx its own on held-out text; issue 19 asks ≤ %.2fx", m.hotkey, r, targetMergedOverAlone)
		}
		if r := m.rebuilt.Merged / f.central; r > targetMergedOverCentral {
			t.Errorf("%s: merged model at %.3fx the central one on held-out text; issue 19 asks ≤ %.2fx", m.hotkey, r, targetMergedOverCentral)
		}
	}
	if f.lead <= 0 {
		ranked := append([]*fedMiner(nil), f.miners...)
		sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].incentive > ranked[j].incentive })
		lines := make([]string, len(ranked))
		for i, m := range ranked {
			lines[i] = "  " + m.String()
		}
		t.Errorf("an honest sharer's incentive is not above every dishonest miner's (lead %.4f of 65535); issue 19 asks that a "+
			"free-rider and a garbage publisher rank below every honest sharer. By incentive:\n%s", f.lead, strings.Join(lines, "\n"))
	}
	t.Logf("merged/alone ≤ %.3f, merged/central ≤ %.3f, incentive lead %.4f; total %s",
		f.worstAlone, f.worstCentral, f.lead, f.took.Round(time.Second))
}

// BenchmarkFederatedOnChain runs the federated scenario once per iteration (155 s on 2 cores under
// a load average of 7, after building the binaries once) and reports, across iterations, the worst of issue 19's figures next to their targets:
// the largest honest merged/alone and merged/central held-out cross-entropy ratios, and the
// smallest lead of an honest sharer's on-chain incentive over the best dishonest miner's (a
// fraction of the maximum; the target is any lead above 0).
func BenchmarkFederatedOnChain(b *testing.B) {
	if testing.Short() {
		b.Skip("end-to-end benchmark builds and runs taod and taoworker")
	}
	worstAlone, worstCentral, lead, took := 0.0, 0.0, 1.0, 0.0
	for b.Loop() {
		f := runFederatedOnChain(b)
		worstAlone, worstCentral = max(worstAlone, f.worstAlone), max(worstCentral, f.worstCentral)
		lead, took = min(lead, f.lead), max(took, f.took.Seconds())
	}
	b.ReportMetric(worstAlone, "merged/alone")
	b.ReportMetric(targetMergedOverAlone, "target-merged/alone")
	b.ReportMetric(worstCentral, "merged/central")
	b.ReportMetric(targetMergedOverCentral, "target-merged/central")
	b.ReportMetric(lead, "incentive-lead")
	b.ReportMetric(0, "target-incentive-lead")
	b.ReportMetric(took, "run-s")
}
