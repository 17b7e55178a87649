package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/testutil/e2e"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// explorer is a localnet started by scripts/localnet.sh exactly as `make localnet` does (node, demo
// subnet, miners, validator worker and taoscan), with a gRPC connection to its node.
type explorer struct {
	t      *testing.T
	url    string // taoscan's base URL, as localnet.sh printed it
	script *e2e.LocalnetScript
	conn   *grpc.ClientConn
	node   *e2e.Node // the localnet's node, for its RPC (only RPC is set)
}

var explorerURL = regexp.MustCompile(`taoscan explorer: (http://127\.0\.0\.1:[0-9]+)/`)

func startExplorer(t *testing.T) *explorer {
	t.Helper()
	l := e2e.StartLocalnetScript(t)
	ex := &explorer{t: t, script: l, node: &e2e.Node{T: t, RPC: l.RPC}}
	if !l.WaitOutput(2*time.Minute, func(out string) bool {
		if m := explorerURL.FindStringSubmatch(out); m != nil {
			ex.url = m[1]
		}
		return ex.url != ""
	}) {
		t.Fatalf("localnet.sh never printed the taoscan URL:\n%s", e2e.Tail(l.Output(), 3000))
	}
	// The chain's messages are gogoproto types (math.Int fields): the SDK's codec decodes them.
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry()).GRPCCodec()
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(l.GRPC), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(cdc)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ex.conn = conn
	return ex
}

// getJSON reads one of taoscan's JSON twins into v and returns the HTTP status (0 when taoscan
// does not answer).
func (ex *explorer) getJSON(path string, v any) int {
	ex.t.Helper()
	resp, err := http.Get(ex.url + path)
	if err != nil {
		return 0 // not listening yet: taoscan builds the app's codec before it serves
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			ex.t.Fatalf("GET %s: decoding: %v", path, err)
		}
	}
	return resp.StatusCode
}

// atHeight is a context for gRPC queries answered from the state at height h.
func atHeight(h int64) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), grpctypes.GRPCBlockHeightHeader, strconv.FormatInt(h, 10))
}

// tab is the browser tab a test drives; every call is bounded in time and fails the test with
// what it was doing.
type tab struct {
	t     *testing.T
	ctx   context.Context
	shots string
}

// browser starts headless Chromium (Debian's `chromium`, installed by scripts/install-test-deps.sh).
func browser(t *testing.T, shots string) *tab {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not found: scripts/install-test-deps.sh installs Debian's chromium (make test runs it)")
		}
		t.Skip("chromium not installed (apt-get install chromium, or run scripts/install-test-deps.sh as root)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1366, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	// The first Run starts the browser; it must not have a timeout (that would stop the browser).
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return &tab{t: t, ctx: bctx, shots: shots}
}

// with returns the tab for subtest t.
func (b *tab) with(t *testing.T) *tab { return &tab{t: t, ctx: b.ctx, shots: b.shots} }

func runFor[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	runFor(b, what, chromedp.Steps(steps...))
}

func (b *tab) open(url string) {
	b.t.Helper()
	b.do("open "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("#search")))
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(runFor(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

func (b *tab) attr(sel, name string) string {
	b.t.Helper()
	r := runFor(b, name+" of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if !r.Exists {
		b.t.Fatalf("%s has no attribute %s", sel, name)
	}
	return r.Value
}

func (b *tab) count(sel string) int {
	b.t.Helper()
	return runFor(b, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

func (b *tab) location() string {
	b.t.Helper()
	return runFor(b, "location", chromedp.Location())
}

// cellValues returns the data-value of every cell of column col in table#metagraph, top to bottom.
func (b *tab) cellValues(col string) []string {
	b.t.Helper()
	return runFor(b, "metagraph column "+col, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll('table#metagraph tbody tr td[data-col=%q]')).map(td => td.dataset.value)`, col)))
}

// shot saves a full-page screenshot of the current page as an artefact.
func (b *tab) shot(name string) {
	b.t.Helper()
	png := runFor(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestExplorerInBrowser runs `make localnet`'s whole system (scripts/localnet.sh on free ports),
// waits until taoscan has indexed epochs of the demo subnet, then drives headless Chromium through
// every page: the numbers shown are checked against the node's gRPC answers at the height the page
// was read at, the metagraph is sorted by clicking its headers, links are followed, search is used,
// and every page is saved as a screenshot in build/reports/taoscan/. Bad input in URLs and search
// answers a 4xx page, never a 500.
func TestExplorerInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test runs a localnet and a browser")
	}
	// A fresh directory: .ci/run takes screenshots in it as proof that this test ran.
	shots := filepath.Join(e2e.RepoRoot(), "build", "reports", "taoscan")
	if err := os.RemoveAll(shots); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	b := browser(t, shots)
	ex := startExplorer(t) // e2e.Binary's make build builds taoscan next to taod

	// Wait for two epochs of the demo subnet with a non-zero incentive in the indexed metagraph.
	var sub subnetPage
	deadline := time.Now().Add(4 * time.Minute)
	for {
		if ex.getJSON("/api/subnet/1", &sub) == http.StatusOK && len(sub.Epochs) >= 2 && sub.anyIncentive() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("taoscan did not index two epochs of subnet 1 with incentive in 4 minutes; /api/subnet/1: %+v\nlocalnet:\n%s\ntaoscan log:\n%s",
				sub, e2e.Tail(ex.script.Output(), 2000), ex.script.LogTail("taoscan.log", 3000))
		}
		time.Sleep(2 * time.Second)
	}
	t.Logf("indexed %d epochs of subnet 1, metagraph read at %d", len(sub.Epochs), sub.Subnet.UpdatedAt)

	t.Run("home", func(t *testing.T) { checkHome(b.with(t), ex) })
	t.Run("subnet", func(t *testing.T) { checkSubnet(b.with(t), ex) })
	t.Run("pages", func(t *testing.T) { checkPages(b.with(t), ex) })
	t.Run("search", func(t *testing.T) { checkSearch(b.with(t), ex) })
	t.Run("bad input", func(t *testing.T) { checkBadInput(b.with(t), ex) })
}

type subnetPage struct {
	Subnet struct {
		Netuid    uint16 `json:"netuid"`
		UpdatedAt int64  `json:"updated_at"`
	} `json:"subnet"`
	Epochs    []json.RawMessage `json:"epochs"`
	Metagraph []struct {
		UID       uint32 `json:"uid"`
		Incentive uint32 `json:"incentive"`
	} `json:"metagraph"`
}

func (p subnetPage) anyIncentive() bool {
	for _, n := range p.Metagraph {
		if n.Incentive > 0 {
			return true
		}
	}
	return false
}

func checkHome(b *tab, ex *explorer) {
	t := b.t
	b.open(ex.url + "/")
	b.do("supply chart", chromedp.WaitVisible(chromedp.CSS("svg#supply-chart")))
	h, err := strconv.ParseInt(strings.ReplaceAll(b.text("#height"), ",", ""), 10, 64)
	if err != nil {
		t.Fatalf("#height: %v", err)
	}
	supplyValue := b.attr("#supply", "data-value")
	b.shot("home")
	supply, err := banktypes.NewQueryClient(ex.conn).SupplyOf(atHeight(h), &banktypes.QuerySupplyOfRequest{Denom: "rao"})
	if err != nil {
		t.Fatal(err)
	}
	if supplyValue != supply.Amount.Amount.String() {
		t.Errorf("home #supply = %s rao at height %d, bank supply there = %s", supplyValue, h, supply.Amount.Amount)
	}
	if n := b.count("table#subnets tr[data-netuid]"); n < 1 {
		t.Error("home lists no subnet")
	}
	// Follow the newest block's link to its page and compare the hash with the node's.
	first := b.attr("table#blocks tr[data-height]", "data-height")
	b.do("block link", chromedp.Click(chromedp.CSS(fmt.Sprintf(`table#blocks tr[data-height="%s"] a`, first))),
		chromedp.WaitVisible(chromedp.CSS("#block-hash")))
	hash := b.text("#block-hash")
	b.shot("block")
	var blk struct {
		BlockID struct {
			Hash string `json:"hash"`
		} `json:"block_id"`
	}
	if err := ex.node.RPCGet("block?height="+first, &blk); err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(hash, blk.BlockID.Hash) {
		t.Errorf("block %s page hash %q, node says %q", first, hash, blk.BlockID.Hash)
	}
}

func checkSubnet(b *tab, ex *explorer) {
	t := b.t
	b.open(ex.url + "/subnet/1")
	b.do("subnet page", chromedp.WaitVisible(chromedp.CSS("table#metagraph")), chromedp.WaitVisible(chromedp.CSS("svg#emission-split")))
	b.shot("subnet")
	h, err := strconv.ParseInt(b.attr("#metagraph-height", "data-value"), 10, 64)
	if err != nil {
		t.Fatalf("#metagraph-height: %v", err)
	}
	q := subnettypes.NewQueryClient(ex.conn)
	mg, err := q.Metagraph(atHeight(h), &subnettypes.QueryMetagraphRequest{Netuid: 1})
	if err != nil {
		t.Fatal(err)
	}
	cols := []string{"uid", "stake", "incentive", "dividends", "emission", "trust", "consensus", "vtrust"}
	shown := map[string][]string{}
	for _, c := range cols {
		shown[c] = b.cellValues(c)
		if len(shown[c]) != len(mg.Neurons) {
			t.Fatalf("metagraph column %s has %d rows, the chain has %d neurons at height %d", c, len(shown[c]), len(mg.Neurons), h)
		}
	}
	for i, n := range mg.Neurons {
		want := []string{strconv.Itoa(int(n.Uid)), n.Stake.String(), strconv.Itoa(int(n.Incentive)), strconv.Itoa(int(n.Dividends)),
			n.Emission.String(), strconv.Itoa(int(n.Trust)), strconv.Itoa(int(n.Consensus)), strconv.Itoa(int(n.ValidatorTrust))}
		var got []string
		for _, c := range cols {
			got = append(got, shown[c][i])
		}
		if strings.Join(want, " ") != strings.Join(got, " ") {
			t.Errorf("uid %d at height %d: page %v %v, chain %v", n.Uid, h, cols, got, want)
		}
	}
	rp, err := q.RegistrationPrice(atHeight(h), &subnettypes.QueryRegistrationPriceRequest{Netuid: 1})
	if err != nil {
		t.Fatal(err)
	}
	if price := b.attr("#registration-price", "data-value"); price != rp.Price.String() {
		t.Errorf("#registration-price %s, chain %s at height %d", price, rp.Price, h)
	}
	if tempo := b.text(`table#hyperparams tr[data-param="tempo"] td`); tempo != strconv.FormatUint(mg.Hyperparams.Tempo, 10) {
		t.Errorf("hyperparams tempo %q, chain %d", tempo, mg.Hyperparams.Tempo)
	}

	// Sorting: by URL for three columns both ways, and by clicking the stake header twice.
	for _, col := range []string{"stake", "incentive", "emission"} {
		for _, order := range []string{"asc", "desc"} {
			b.open(fmt.Sprintf("%s/subnet/1?sort=%s&order=%s", ex.url, col, order))
			if vals := b.cellValues(col); len(vals) != len(mg.Neurons) || !sortedNonStrict(vals, order == "desc") {
				t.Errorf("sorted by %s %s: %v", col, order, vals)
			}
		}
	}
	b.open(ex.url + "/subnet/1")
	for i, desc := range []bool{false, true} {
		b.do("click the stake header", chromedp.Click(chromedp.CSS(`table#metagraph th[data-col="stake"] a`)),
			chromedp.WaitReady(chromedp.CSS("table#metagraph")))
		vals := b.cellValues("stake")
		if !sortedNonStrict(vals, desc) {
			t.Errorf("after %d clicks on the stake header (%s): stakes %v not sorted (desc=%v)", i+1, b.location(), vals, desc)
		}
	}

	// The best miner's neuron page: four charts and the weights it receives from the validator.
	b.open(ex.url + "/subnet/1?sort=incentive&order=desc")
	top := b.attr("table#metagraph tbody tr[data-uid]", "data-uid")
	b.do("neuron link", chromedp.Click(chromedp.CSS(fmt.Sprintf(`table#metagraph tr[data-uid="%s"] td[data-col="uid"] a`, top))),
		chromedp.WaitVisible(chromedp.CSS("svg#chart-incentive")))
	for _, c := range []string{"incentive", "dividends", "emission", "stake"} {
		b.do("chart "+c, chromedp.WaitVisible(chromedp.CSS("svg#chart-"+c)))
	}
	if !strings.HasSuffix(b.location(), "/subnet/1/neuron/"+top) {
		t.Errorf("the uid link of %s went to %s", top, b.location())
	}
	if n := b.count(`table#weights-received tbody tr td a[href^="/subnet/1/neuron/"]`); n == 0 {
		t.Errorf("neuron %s (top incentive) shows no weights received", top)
	}
	b.shot("neuron")

	// Its coldkey's account page: the balance equals the bank's.
	b.do("coldkey link", chromedp.Click(chromedp.CSS("#coldkey")), chromedp.WaitVisible(chromedp.CSS("#balance")))
	loc := b.location()
	addr := loc[strings.LastIndex(loc, "/")+1:]
	balance := b.attr("#balance", "data-value")
	b.do("earnings chart", chromedp.WaitReady(chromedp.CSS("svg#earnings-chart")), chromedp.WaitReady(chromedp.CSS("table#stakes")))
	b.shot("account")
	bal, err := banktypes.NewQueryClient(ex.conn).Balance(context.Background(), &banktypes.QueryBalanceRequest{Address: addr, Denom: "rao"})
	if err != nil {
		t.Fatal(err)
	}
	if balance != bal.Balance.Amount.String() {
		t.Errorf("account %s #balance %s, bank %s", addr, balance, bal.Balance.Amount)
	}

	// The hotkey link of the same row opens the hotkey page, which lists subnet 1.
	b.open(ex.url + "/subnet/1")
	b.do("hotkey link", chromedp.Click(chromedp.CSS(fmt.Sprintf(`table#metagraph tr[data-uid="%s"] td[data-col="hotkey"] a`, top))),
		chromedp.WaitReady(chromedp.CSS(`a[href="/subnet/1/neuron/`+top+`"]`)))
	if !strings.Contains(b.location(), "/hotkey/tao1") {
		t.Errorf("the hotkey link went to %s", b.location())
	}
	b.shot("hotkey")
}

// checkPages loads the list pages and a transaction from the home page.
func checkPages(b *tab, ex *explorer) {
	t := b.t
	for _, p := range []struct{ path, sel, name string }{
		{"/proposals", "table#proposals", "proposals"}, {"/offences", "table#offences", "offences"},
		{"/blocks", "table#blocks", "blocks"}, {"/subnets", "table#subnets", "subnets"},
	} {
		b.open(ex.url + p.path)
		b.do(p.name, chromedp.WaitReady(chromedp.CSS(p.sel)))
		b.shot(p.name)
	}
	b.open(ex.url + "/")
	b.do("tx link", chromedp.Click(chromedp.CSS(`table#txs tbody tr a[href^="/tx/"]`)), chromedp.WaitVisible(chromedp.CSS("#tx-hash")))
	hash, height := b.text("#tx-hash"), b.text("#tx-height")
	b.shot("tx")
	var tx struct {
		Height string `json:"height"`
	}
	if err := ex.node.RPCGet("tx?hash=0x"+hash, &tx); err != nil {
		t.Fatal(err)
	}
	if strings.ReplaceAll(height, ",", "") != tx.Height {
		t.Errorf("tx %s page height %q, node %s", hash, height, tx.Height)
	}
}

func sortedNonStrict(vals []string, desc bool) bool {
	for i := 1; i < len(vals); i++ {
		a, _ := new(big.Int).SetString(vals[i-1], 10)
		c, _ := new(big.Int).SetString(vals[i], 10)
		if a == nil || c == nil {
			return false
		}
		if r := a.Cmp(c); (desc && r < 0) || (!desc && r > 0) {
			return false
		}
	}
	return true
}

func checkSearch(b *tab, ex *explorer) {
	t := b.t
	for _, c := range []struct{ q, want string }{{"3", "/block/3"}, {"sn1", "/subnet/1"}} {
		b.open(ex.url + "/")
		b.do("search "+c.q, chromedp.SetValue(chromedp.CSS(`#search input[name="q"]`), c.q),
			chromedp.Submit(chromedp.CSS("#search")), chromedp.Sleep(500*time.Millisecond),
			chromedp.WaitReady(chromedp.CSS("#search")))
		if loc := b.location(); !strings.HasSuffix(loc, c.want) {
			t.Errorf("search %q went to %s, want …%s", c.q, loc, c.want)
		}
	}
	b.open(ex.url + "/search?q=%3Cscript%3E")
	if msg := b.text("#error"); msg == "" {
		t.Error("search for garbage shows no error message")
	}
	b.shot("search-error")
}

func checkBadInput(b *tab, ex *explorer) {
	t := b.t
	for path, want := range map[string]int{
		"/block/abc": 400, "/block/0": 400, "/block/999999999": 404, "/subnet/70000": 400, "/subnet/999": 404,
		"/subnet/1?sort=nope": 400, "/subnet/1/neuron/x": 400, "/subnet/1/neuron/4000": 404, "/tx/zz": 400,
		"/tx/" + strings.Repeat("AB", 32): 404, "/account/notanaddress": 400, "/hotkey/tao1xyz": 400,
		"/blocks?before=-1": 400, "/proposal/abc": 400, "/search?q=": 400, "/no/such/page": 404,
		"/api/block/abc": 400, "/api/subnet/999": 404,
	} {
		resp, err := http.Get(ex.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	b.open(ex.url + "/block/abc")
	if msg := b.text("#error"); msg == "" {
		t.Error("the 400 page for /block/abc shows no message")
	}
	b.shot("error")
}
