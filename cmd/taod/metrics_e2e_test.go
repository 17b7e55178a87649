package main_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	cmtp2p "github.com/cometbft/cometbft/p2p"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/viper"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/testutil/e2e"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
)

// TestNodeMetricsAndJSONLogs runs the real taod with `--log_format json` on a single-validator
// localnet (the demo subnet at tempo 10, validator-hot holding the permit): validator-hot's
// evaluation is accepted, an epoch pays it, a conflicting one is refused in a block and reported
// as an equivocation. Then both Prometheus endpoints (the API server's /metrics?format=prometheus
// and CometBFT's prometheus_listen_addr) must serve every taochain metric of
// docs/observability.md with those events in it, every metric named in docs/grafana-dashboard.json
// must be one the node exports, and node.log must be JSON lines, the epoch payout among them.
func TestNodeMetricsAndJSONLogs(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)
	started := time.Now()
	n.StartArgs = []string{"--log_format", "json"}
	n.Start()
	t.Setenv("DEMO_VALIDATOR", "1") // tempo 10 and the most stake on validator-hot
	n.RunScript("demo.sh")
	netuid := subnetID(t, n, "demo")
	hotAddr := n.Address("validator-hot")
	hotHex := strings.TrimSpace(string(n.CLI("keys", "export", "validator-hot", "--unarmored-hex", "--unsafe", "-y", "--keyring-backend", "test")))
	hotKey, err := hex.DecodeString(hotHex)
	if err != nil || len(hotKey) != 32 {
		t.Fatalf("exported validator-hot key %q: %v", hotHex, err)
	}
	hot := &secp256k1.PrivKey{Key: hotKey}
	waitPermit(t, n, netuid, hotAddr)
	uids := []uint32{uint32(neuronUID(t, n, netuid, n.Address("miner1-hot"))), uint32(neuronUID(t, n, netuid, n.Address("miner2-hot")))}
	uidList := strconv.Itoa(int(uids[0])) + "," + strconv.Itoa(int(uids[1]))

	// Weights set by the permitted hotkey are accepted; a miner's (no permit) are refused in a block.
	if res := deliverTx(t, n, "validator-hot", "intelligence", "set-weights", netuid, uidList, "65535,1000", "0"); res.Code != 0 {
		t.Fatalf("validator-hot's weights refused: %+v", res)
	}
	if res := deliverTx(t, n, "miner1-hot", "intelligence", "set-weights", netuid, uidList, "65535,1000", "0"); res.Code != intelligencetypes.ErrNoValidatorPermit.ABCICode() || res.Codespace != "intelligence" {
		t.Fatalf("miner1-hot's weights: %+v, want refused with no validator permit", res)
	}

	// An accepted evaluation (retried if the epoch turned while the tx was in flight) ...
	var a, b signedEvaluation
	var acceptedAt int64
	// The reason label is the registered error's description in snake_case; the refusals the
	// evaluations may meet here: a duplicate, or a wrong epoch when the epoch turned meanwhile.
	reasons := map[uint32]string{
		intelligencetypes.ErrDuplicateEvaluation.ABCICode(): "evaluation_already_submitted_for_this_epoch",
		intelligencetypes.ErrWrongEpoch.ABCICode():          "wrong_epoch",
	}
	refusals := map[string]float64{} // refused evaluations by reason label
	for attempt := 0; attempt < 3 && acceptedAt == 0; attempt++ {
		epoch := currentEpoch(t, n, netuid)
		nonce := uint64(2*attempt + 1)
		a = signEvaluation(t, hot, n.ChainID, netuid, epoch, uids, []uint32{65535, 1000}, nonce)
		b = signEvaluation(t, hot, n.ChainID, netuid, epoch, uids, []uint32{1, 1000}, nonce+1)
		res := deliverTx(t, n, "alice", "intelligence", "submit-evaluation", mustJSON(t, a.Evaluation), a.Signature)
		switch {
		case res.Code == 0:
			acceptedAt = res.Height
		case res.Codespace == "intelligence" && reasons[res.Code] == "wrong_epoch":
			refusals["wrong_epoch"]++
		default:
			t.Fatalf("evaluation refused: %+v", res)
		}
	}
	if acceptedAt == 0 {
		t.Fatal("no evaluation accepted in 3 epochs")
	}
	// ... a conflicting one for the same epoch, refused in a block ...
	refused := deliverTx(t, n, "alice", "intelligence", "submit-evaluation", mustJSON(t, b.Evaluation), b.Signature)
	if refused.Code == 0 || refused.Codespace != "intelligence" {
		t.Fatalf("conflicting evaluation not refused by x/intelligence in DeliverTx: %+v", refused)
	}
	// ... the next epoch (tempo 10) pays the miners the evaluation scored, and the pair is reported.
	n.WaitHeight(acceptedAt+12, 90*time.Second)
	wantReason := reasons[refused.Code]
	if wantReason == "" {
		t.Fatalf("conflicting evaluation refused for an unexpected reason: %+v", refused)
	}
	refusals[wantReason]++
	dir := t.TempDir()
	f1, f2 := filepath.Join(dir, "ev1.json"), filepath.Join(dir, "ev2.json")
	writeJSON(t, f1, a)
	writeJSON(t, f2, b)
	mustOK(t, n.Tx("bob", "slashing", "report-equivocation", f1, f2))

	cfg := viper.New()
	cfg.SetConfigFile(filepath.Join(n.Home, "config", "config.toml"))
	if err := cfg.ReadInConfig(); err != nil {
		t.Fatal(err)
	}
	endpoints := map[string]string{
		"api":   "http://127.0.0.1:" + strconv.Itoa(n.API) + "/metrics?format=prometheus",
		"comet": "http://" + cfg.GetString("instrumentation.prometheus_listen_addr") + "/metrics",
	}
	exported := map[string]bool{}
	for _, name := range []string{"api", "comet"} {
		series := scrape(t, endpoints[name])
		for _, s := range series {
			exported[s.name] = true
		}
		checks := []struct {
			name   string
			labels map[string]string
			min    float64
		}{
			{"intelligence_epoch_run", map[string]string{"netuid": netuid}, 2},
			{"intelligence_epoch_failed", map[string]string{"netuid": netuid}, 0},
			{"intelligence_weights_accepted", map[string]string{"netuid": netuid, "msg": "set"}, 1},
			{"intelligence_weights_refused", map[string]string{"codespace": "intelligence", "msg": "set", "reason": "no_validator_permit"}, 1},
			{"intelligence_epoch_duration_count", map[string]string{"netuid": netuid}, 2},
			{"intelligence_epoch_queue_length", nil, 0},
			{"intelligence_emission_distributed_rao", map[string]string{"netuid": netuid, "recipient": "owner"}, 1},
			{"intelligence_emission_distributed_rao", map[string]string{"netuid": netuid, "recipient": "miners"}, 1},
			{"intelligence_emission_distributed_rao", map[string]string{"netuid": netuid, "recipient": "validators"}, 1},
			{"intelligence_evaluations_accepted", map[string]string{"netuid": netuid}, 1},
			{"intelligence_evaluations_refused", map[string]string{"codespace": "intelligence", "reason": wantReason}, 1},
			{"tao_emission_minted_rao", map[string]string{"part": "subnets"}, 1},
			{"tao_emission_minted_rao", map[string]string{"part": "security"}, 1},
			{"tao_block_emission_rao", nil, 1},
			{"slashing_offences", map[string]string{"kind": "equivocation"}, 1},
			{"slashing_slashed_rao", map[string]string{"kind": "equivocation"}, 1},
			{"cometbft_consensus_height", nil, 2},
		}
		for _, c := range checks {
			v, ok := find(series, c.name, c.labels)
			if !ok || v < c.min {
				t.Errorf("%s endpoint: %s%v = %v (found %v), want ≥ %v", name, c.name, c.labels, v, ok, c.min)
			}
		}
		// Refusals carry no netuid (bounded labels), and nothing counted a simulation or CheckTx:
		// one accepted evaluation, and exactly the refusals the blocks hold.
		for _, s := range series {
			if s.name == "intelligence_evaluations_refused" && s.labels["netuid"] != "" {
				t.Errorf("%s endpoint: refused evaluations labelled by netuid: %v", name, s.labels)
			}
		}
		if v, _ := find(series, "intelligence_epoch_failed", nil); v != 0 {
			t.Errorf("%s endpoint: %v epochs failed", name, v)
		}
		if v, _ := find(series, "intelligence_evaluations_accepted", map[string]string{"netuid": netuid}); v != 1 {
			t.Errorf("%s endpoint: accepted evaluations = %v, want 1", name, v)
		}
		total, _ := find(series, "intelligence_evaluations_refused", nil)
		for reason, want := range refusals {
			total -= want
			if v, _ := find(series, "intelligence_evaluations_refused", map[string]string{"reason": reason}); v != want {
				t.Errorf("%s endpoint: refused evaluations (%s) = %v, want %v", name, reason, v, want)
			}
		}
		if total != 0 {
			t.Errorf("%s endpoint: %v refused evaluations more than the %v refused in blocks", name, total, refusals)
		}
	}
	t.Logf("accepted at height %d, refused (%s) at %d; %d metric names exported; scraped %s after the node started",
		acceptedAt, wantReason, refused.Height, len(exported), time.Since(started).Round(time.Second))

	// The dashboard names only metrics the node exports. CometBFT sets cometbft_p2p_peers only
	// once a peer connects, which a single node never sees: that one is checked against
	// CometBFT's own p2p metric definitions instead.
	cmtp2p.PrometheusMetrics("cometbft", "chain_id", n.ChainID).Peers.With("chain_id", n.ChainID).Set(0)
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "cometbft_p2p_peers" && !exported[f.GetName()] {
			exported[f.GetName()] = true
		}
	}
	names := dashboardMetrics(t, filepath.Join(e2e.RepoRoot(), "docs", "grafana-dashboard.json"))
	if len(names) < 10 {
		t.Fatalf("dashboard names only %d metrics: %v", len(names), names)
	}
	for _, name := range names {
		if !exported[name] {
			t.Errorf("docs/grafana-dashboard.json queries %s, which the node does not export", name)
		}
	}

	// node.log: every line a JSON object; the epoch payout among them, with its netuid.
	n.Stop()
	logFile, err := os.Open(filepath.Join(n.Home, "node.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	lines, epochLines := 0, 0
	sc := bufio.NewScanner(logFile)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		lines++
		var entry map[string]any
		if err := json.Unmarshal(line, &entry); err != nil {
			t.Fatalf("node.log line %d is not a JSON object: %v\n%s", lines, err, line)
		}
		if entry["message"] == "subnet epoch paid" {
			if entry["module"] != "x/intelligence" || strconv.FormatFloat(toFloat(entry["netuid"]), 'f', -1, 64) != netuid || entry["emission"] == nil {
				t.Errorf("epoch line without module x/intelligence, netuid %s and emission: %s", netuid, line)
			}
			epochLines++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if epochLines < 2 {
		t.Fatalf("%d JSON log lines, %d of them \"subnet epoch paid\"; want at least 2", lines, epochLines)
	}
	t.Logf("node.log: %d JSON lines, %d epoch payouts", lines, epochLines)
}

// deliveredTx is a tx's result in a block.
type deliveredTx struct {
	Code      uint32
	Codespace string
	Log       string
	Height    int64
}

// deliverTx broadcasts `taod tx args...` from key with a fixed gas limit (no simulation, so a
// message the chain refuses still reaches a block) and returns its result in the block; a refusal
// before inclusion fails the test. Waits at most 30 s.
func deliverTx(t *testing.T, n *e2e.Node, from string, args ...string) deliveredTx {
	t.Helper()
	full := append(append([]string{"tx"}, args...),
		"--from", from, "--keyring-backend", "test", "--chain-id", n.ChainID, "--node", n.RPCAddr(),
		"--gas", "600000", "--gas-prices", "0.001rao", "--yes", "--output", "json")
	var res e2e.TxResult
	if err := json.Unmarshal(n.CLI(full...), &res); err != nil {
		t.Fatal(err)
	}
	if res.Code != 0 {
		t.Fatalf("tx %v refused before a block: code %d: %s", args, res.Code, res.RawLog)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if out, err := n.TryCLI("q", "tx", res.TxHash, "--node", n.RPCAddr(), "--output", "json"); err == nil {
			var r struct {
				Code      uint32 `json:"code"`
				Codespace string `json:"codespace"`
				RawLog    string `json:"raw_log"`
				Height    string `json:"height"`
			}
			if err := json.Unmarshal(out, &r); err != nil {
				t.Fatalf("decoding tx %s: %v", res.TxHash, err)
			}
			h, err := strconv.ParseInt(r.Height, 10, 64)
			if err != nil {
				t.Fatalf("tx height %q: %v", r.Height, err)
			}
			return deliveredTx{Code: r.Code, Codespace: r.Codespace, Log: r.RawLog, Height: h}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("tx %s not included within 30s", res.TxHash)
	return deliveredTx{}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	bz, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(bz)
}

// series is one sample line of the Prometheus text format.
type series struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

// scrape reads a Prometheus text endpoint.
func scrape(t *testing.T, url string) []series {
	t.Helper()
	client := http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v %.200s", url, resp.StatusCode, err, body)
	}
	var out []series
	for _, line := range strings.Split(string(body), "\n") {
		m := sampleLine.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("%s: sample %q: %v", url, line, err)
		}
		s := series{name: m[1], labels: map[string]string{}, value: v}
		for _, p := range labelPair.FindAllStringSubmatch(m[2], -1) {
			s.labels[p[1]] = p[2]
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		t.Fatalf("%s served no samples", url)
	}
	return out
}

// find returns the sum of the samples of name whose labels include want.
func find(all []series, name string, want map[string]string) (float64, bool) {
	sum, found := 0.0, false
	for _, s := range all {
		if s.name != name {
			continue
		}
		match := true
		for k, v := range want {
			match = match && s.labels[k] == v
		}
		if match {
			sum += s.value
			found = true
		}
	}
	return sum, found
}

var (
	promSelectors = regexp.MustCompile(`\{[^}]*\}|\[[^\]]*\]|\$\{[^}]*\}|\$[a-zA-Z_]+|"[^"]*"`)
	promGrouping  = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promName      = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	promKeywords  = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true, "e": true, "inf": true, "nan": true}
)

// dashboardMetrics returns the metric names the dashboard's queries (every target's expr, in
// panels and rows) select: identifiers left after dropping label matchers, ranges, variables,
// grouping clauses and function names (identifiers followed by "(").
func dashboardMetrics(t *testing.T, path string) []string {
	t.Helper()
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		SchemaVersion int `json:"schemaVersion"`
		Panels        []dashboardPanel
		Templating    struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query any    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(bz, &dash); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if dash.SchemaVersion < 36 {
		t.Errorf("dashboard schemaVersion %d, want ≥ 36", dash.SchemaVersion)
	}
	hasDS := false
	for _, v := range dash.Templating.List {
		hasDS = hasDS || (v.Name == "DS_PROMETHEUS" && v.Type == "datasource" && v.Query == "prometheus")
	}
	if !hasDS {
		t.Error("dashboard has no datasource variable DS_PROMETHEUS of type prometheus")
	}
	set := map[string]bool{}
	var walk func([]dashboardPanel)
	walk = func(panels []dashboardPanel) {
		for _, p := range panels {
			walk(p.Panels)
			for _, target := range p.Targets {
				if target.Datasource.UID != "${DS_PROMETHEUS}" && p.Datasource.UID != "${DS_PROMETHEUS}" {
					t.Errorf("panel %q target %q does not use ${DS_PROMETHEUS}", p.Title, target.Expr)
				}
				expr := promGrouping.ReplaceAllString(promSelectors.ReplaceAllString(target.Expr, " "), " ")
				for _, loc := range promName.FindAllStringIndex(expr, -1) {
					word := expr[loc[0]:loc[1]]
					if strings.HasPrefix(strings.TrimSpace(expr[loc[1]:]), "(") || promKeywords[strings.ToLower(word)] {
						continue
					}
					set[word] = true
				}
			}
		}
	}
	walk(dash.Panels)
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

type dashboardPanel struct {
	Title      string `json:"title"`
	Datasource struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr       string `json:"expr"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
	} `json:"targets"`
	Panels []dashboardPanel `json:"panels"`
}

func toFloat(v any) float64 {
	f, _ := v.(float64)
	return f
}
