package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cosmossdk.io/math"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/html"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/taochain/taochain/taoscan/store"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// addr is a deterministic taochain address for test key i.
func addr(i int) string {
	b := bytes.Repeat([]byte{byte(i)}, 20)
	b[0] = byte(i >> 8)
	s, err := bech32.ConvertAndEncode(addressPrefix, b)
	if err != nil {
		panic(err)
	}
	return s
}

func hashOf(i int) string { return fmt.Sprintf("%064X", i) }

// Fixture: 30 blocks; subnet 1 ("alpha") with 12 neurons and epochs at 10, 20, 30; subnet 2
// empty; a tx at block 5; an offence at block 15.
const (
	fixtureBlocks  = 30
	fixtureNeurons = 12
)

var (
	ownerAddr  = addr(200)
	unknownTao = addr(250) // valid, never seen
	stakes     = []string{"9", "10", "100", "5", "10", "0", "123456789012", "7", "10", "99", "1000", "2"}
)

func fixtureNeuron(i int, epoch uint64) store.Neuron {
	return store.Neuron{
		Netuid: 1, UID: uint32(i), Hotkey: addr(i), Coldkey: addr(100 + i%3),
		Stake:          stakes[i],
		Rank:           uint32(i * 100),
		Trust:          uint32((i * 37) % 5 * 1000),
		Consensus:      uint32((i * 13) % 12 * 10),
		Incentive:      uint32((11 - i) * 500),
		Dividends:      uint32(i % 4 * 100),
		ValidatorTrust: uint32(i % 3 * 20000),
		Emission:       fmt.Sprint((i*i*31%97)*1000 + int(epoch)),
		Active:         i%2 == 0,
		// ties on purpose: validator_permit on 0, 3, 6, 9
		ValidatorPermit: i%3 == 0,
		LastUpdate:      int64(10 - i%4),
		RegisteredAt:    1,
		Axon:            fmt.Sprintf("10.0.0.%d:%d", (i*5)%12, 8000+i),
	}
}

const hyperJSON = `{"tempo":"10","max_uids":64,"commit_reveal":false,"min_burn":"1000","alpha_high":58982}`

func fillStore(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for h := int64(1); h <= fixtureBlocks; h++ {
		d := store.BlockData{Block: store.Block{Height: h, Hash: hashOf(int(h)), Time: base.Add(time.Duration(h) * 6 * time.Second),
			Proposer: "ABCDEF0123456789ABCDEF0123456789ABCDEF01", Minted: "1000000000", Issuance: fmt.Sprint(h * 1_000_000_000)}}
		if h == 1 {
			d.Subnets = []store.Subnet{
				{Netuid: 1, Name: "alpha", Owner: ownerAddr, CreatedAt: 1, Locked: "100000000000", Hyperparams: hyperJSON, Tempo: 10,
					Neurons: fixtureNeurons, RegistrationPrice: "1500000000", LastEpochEmission: "0", UpdatedAt: 1},
				{Netuid: 2, Name: "beta", Owner: ownerAddr, CreatedAt: 1, Locked: "1", Hyperparams: `{}`, Tempo: 20,
					RegistrationPrice: "1", LastEpochEmission: "0", UpdatedAt: 1},
			}
			ns := make([]store.Neuron, fixtureNeurons)
			for i := range ns {
				ns[i] = fixtureNeuron(i, 0)
			}
			d.Metagraphs = map[uint16][]store.Neuron{1: ns}
		}
		if h == 5 {
			d.Block.NumTxs = 1
			d.Txs = []store.Tx{{Hash: hashOf(5000), Height: 5, Index: 0, Code: 0, Signer: addr(100),
				Messages: []string{"/taochain.subnet.v1.MsgAddStake"}, Fee: "100rao", GasWanted: 200000, GasUsed: 100000,
				Memo: "<b>hi</b>", Addresses: []string{addr(100), addr(0)}}}
		}
		if h%10 == 0 {
			ep := uint64(h / 10)
			d.Epochs = []store.Epoch{{Netuid: 1, Epoch: ep, Height: h, Emission: "10000", OwnerEmission: "1800",
				MinerEmission: fmt.Sprint(4000 + ep), ValidatorEmission: "3000", TakeEmission: fmt.Sprint(1200 - ep), Neurons: fixtureNeurons}}
			ns := make([]store.Neuron, fixtureNeurons)
			for i := range ns {
				ns[i] = fixtureNeuron(i, ep)
				d.History = append(d.History, store.NeuronEpoch{Neuron: ns[i], Epoch: ep, Height: h})
			}
			d.Metagraphs = map[uint16][]store.Neuron{1: ns}
			sub := store.Subnet{Netuid: 1, Name: "alpha", Owner: ownerAddr, CreatedAt: 1, Locked: "100000000000", Hyperparams: hyperJSON,
				Tempo: 10, Neurons: fixtureNeurons, RegistrationPrice: "1500000000", LastEpochEmission: "10000", UpdatedAt: h}
			d.Subnets = []store.Subnet{sub}
		}
		if h == 15 {
			d.Offences = []store.Offence{{ID: 1, Kind: "OFFENCE_KIND_EQUIVOCATION", Netuid: 1, Hotkey: addr(3), Epoch: 1, Height: 15,
				EvidenceHash: strings.Repeat("ab", 32), Slashed: "5000", Reward: "1000", Burned: "4000"},
				// A hotkey known only from its offence (it holds no neuron): search still sends it to its hotkey page.
				{ID: 2, Kind: "OFFENCE_KIND_LIVENESS", Netuid: 2, Hotkey: addr(30), Epoch: 1, Height: 15,
					EvidenceHash: strings.Repeat("cd", 32), Slashed: "0", Reward: "0", Burned: "0"}}
		}
		if err := st.WriteBlock(ctx, d); err != nil {
			t.Fatalf("write block %d: %v", h, err)
		}
	}
}

// fakeChain is an in-memory node. err, when set, is what every call returns (the node is down).
type fakeChain struct {
	err         error
	walletErr   error
	panicWallet bool
}

func (f *fakeChain) Issuance(context.Context) (*taotypes.QueryIssuanceResponse, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &taotypes.QueryIssuanceResponse{Denom: "rao", Issuance: math.NewInt(30_000_000_001), MaxSupply: math.NewInt(21_000_000_000_000_000),
		Remaining: math.NewInt(21_000_000_000_000_000 - 30_000_000_001)}, nil
}

func (f *fakeChain) CurrentEmission(context.Context) (*taotypes.QueryCurrentEmissionResponse, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &taotypes.QueryCurrentEmissionResponse{Height: 30, Issuance: math.NewInt(30_000_000_001), Emission: math.NewInt(1_000_000_000),
		Security: math.ZeroInt(), Subnets: math.ZeroInt(), TotalSubnetStake: math.ZeroInt()}, nil
}

func (f *fakeChain) NextHalving(context.Context) (*taotypes.QueryNextHalvingResponse, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &taotypes.QueryNextHalvingResponse{Threshold: math.NewInt(10_500_000_000_000_000), Issuance: math.NewInt(30_000_000_001),
		BlocksRemaining: 10_499_970, EstimatedHeight: 10_500_000}, nil
}

func (f *fakeChain) Wallet(_ context.Context, coldkey string) (*subnettypes.QueryWalletResponse, error) {
	if f.panicWallet {
		panic("wallet exploded")
	}
	if f.err != nil {
		return nil, f.err
	}
	if f.walletErr != nil {
		return nil, f.walletErr
	}
	return &subnettypes.QueryWalletResponse{Coldkey: coldkey, Balance: sdk.NewCoin("rao", math.NewInt(7_123_456_789)),
		TotalStake: math.NewInt(42), TotalUnbonding: math.NewInt(3),
		Stakes:    []subnettypes.Stake{{Coldkey: coldkey, Hotkey: addr(0), Netuid: 1, Shares: math.NewInt(40), Amount: math.NewInt(42)}},
		Unbonding: []subnettypes.UnbondingEntry{{Id: 9, Coldkey: coldkey, Hotkey: addr(0), Netuid: 1, Amount: math.NewInt(3), CreationHeight: 20, CompletionHeight: 40}},
	}, nil
}

func (f *fakeChain) AllWeights(_ context.Context, netuid uint16) ([]intelligencetypes.WeightsRow, error) {
	if f.err != nil {
		return nil, f.err
	}
	if netuid != 1 {
		return nil, nil
	}
	return []intelligencetypes.WeightsRow{
		{Netuid: 1, Uid: 6, Hotkey: addr(6), Block: 26, Weights: []intelligencetypes.WeightEntry{{Uid: 1, Value: 65535}}},
		{Netuid: 1, Uid: 0, Hotkey: addr(0), Block: 25, Weights: []intelligencetypes.WeightEntry{{Uid: 1, Value: 40000}, {Uid: 2, Value: 25535}}},
	}, nil
}

func testProposal(id uint64) *govv1.Proposal {
	submit := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	return &govv1.Proposal{Id: id, Title: fmt.Sprintf("Raise tempo %d", id), Summary: "why not", Status: govv1.StatusVotingPeriod,
		Proposer: addr(100), SubmitTime: &submit, Messages: []*codectypes.Any{{TypeUrl: "/taochain.subnet.v1.MsgUpdateParams"}},
		FinalTallyResult: &govv1.TallyResult{YesCount: "5", NoCount: "1", AbstainCount: "0", NoWithVetoCount: "0"},
		TotalDeposit:     sdk.NewCoins(sdk.NewCoin("rao", math.NewInt(1000)))}
}

func (f *fakeChain) Proposals(_ context.Context, limit int) ([]*govv1.Proposal, error) {
	if f.err != nil {
		return nil, f.err
	}
	return []*govv1.Proposal{testProposal(2), testProposal(1)}, nil
}

func (f *fakeChain) Proposal(_ context.Context, id uint64) (*govv1.Proposal, error) {
	if f.err != nil {
		return nil, f.err
	}
	if id == 1 || id == 2 {
		return testProposal(id), nil
	}
	return nil, status.Errorf(codes.NotFound, "proposal %d doesn't exist", id)
}

var (
	sharedOnce  sync.Once
	sharedStore *store.Store
	sharedErr   error
)

// testStore is one filled in-memory store shared by the tests (they only read it).
func testStore(t testing.TB) *store.Store {
	t.Helper()
	sharedOnce.Do(func() {
		sharedStore, sharedErr = store.Open(context.Background(), ":memory:")
		if sharedErr == nil {
			fillStore(t, sharedStore)
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedStore
}

type testServer struct {
	h    http.Handler
	reg  *prometheus.Registry
	logs *bytes.Buffer
}

func newTestServer(t testing.TB, chain Chain) *testServer {
	t.Helper()
	reg := prometheus.NewRegistry()
	logs := &bytes.Buffer{}
	s, err := New(Config{Store: testStore(t), Chain: chain, ChainID: "taochain-test-1", Registry: reg,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{h: s.Handler(), reg: reg, logs: logs}
}

type response struct {
	code int
	body string
	hdr  http.Header
}

func (ts *testServer) get(t testing.TB, path string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	return response{code: rec.Code, body: rec.Body.String(), hdr: rec.Header()}
}

// ---- HTML helpers ----

var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// checkWellFormed walks the tokens and requires every end tag to close the innermost open
// element, nothing left open, and no id used twice: stricter than a browser, so a template
// that forgets a </td> fails here.
func checkWellFormed(t *testing.T, path, body string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(body))
	var stack []string
	ids := map[string]bool{}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatalf("%s: tokenizer: %v", path, z.Err())
			}
			if len(stack) != 0 {
				t.Fatalf("%s: unclosed elements at end: %v", path, stack)
			}
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			for _, a := range tok.Attr {
				if a.Key == "id" {
					if ids[a.Val] {
						t.Fatalf("%s: id %q used twice", path, a.Val)
					}
					ids[a.Val] = true
				}
			}
			if tt == html.StartTagToken && !voidElements[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			tok := z.Token()
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Fatalf("%s: </%s> closes %v", path, tok.Data, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func parseDoc(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// findAll returns the elements for which match is true, in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byID(n *html.Node, id string) *html.Node {
	r := findAll(n, func(e *html.Node) bool { v, _ := attr(e, "id"); return v == id })
	if len(r) == 0 {
		return nil
	}
	return r[0]
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// ---- tests ----

// TestRoutes serves every page and its JSON twin and checks the DOM contract of each.
func TestRoutes(t *testing.T) {
	ts := newTestServer(t, &fakeChain{})
	cases := []struct {
		path string
		api  string
		ids  []string // element ids the page must have
		rows string   // a CSS-like "table#x tr[data-y]" check: table id and row attribute
		want int      // minimum rows
	}{
		{"/", "/api/home", []string{"height", "supply", "supply-cap", "block-emission", "next-halving", "subnets", "blocks", "txs", "supply-chart"}, "blocks data-height", 20},
		{"/subnets", "/api/subnets", []string{"subnets"}, "subnets data-netuid", 2},
		{"/subnet/1", "/api/subnet/1", []string{"netuid", "owner", "registration-price", "hyperparams", "emission-split", "metagraph"}, "metagraph data-uid", fixtureNeurons},
		{"/subnet/2", "/api/subnet/2", []string{"netuid", "owner", "registration-price", "hyperparams", "emission-split", "metagraph"}, "", 0},
		{"/subnet/1/neuron/1", "/api/subnet/1/neuron/1", []string{"hotkey", "coldkey", "chart-incentive", "chart-dividends", "chart-emission", "chart-stake", "weights-set", "weights-received"}, "weights-received data-uid", 2},
		{"/subnet/1/neuron/0", "/api/subnet/1/neuron/0", []string{"weights-set"}, "weights-set data-uid", 2},
		{"/hotkey/" + addr(3), "/api/hotkey/" + addr(3), []string{"hotkey", "neurons", "offences", "txs"}, "offences data-id", 1},
		{"/account/" + addr(100), "/api/account/" + addr(100), []string{"balance", "stakes", "unbonding", "earnings-chart", "neurons", "txs"}, "neurons data-uid", 4},
		{"/blocks", "/api/blocks", []string{"blocks"}, "blocks data-height", 30},
		{"/blocks?before=11", "/api/blocks?before=11", []string{"blocks"}, "blocks data-height", 10},
		{"/block/5", "/api/block/5", []string{"block-height", "block-hash", "txs"}, "txs data-hash", 1},
		{"/tx/" + hashOf(5000), "/api/tx/" + hashOf(5000), []string{"tx-hash", "tx-height", "tx-code"}, "", 0},
		{"/tx/" + strings.ToLower(hashOf(5000)), "/api/tx/" + strings.ToLower(hashOf(5000)), []string{"tx-hash"}, "", 0},
		{"/proposals", "/api/proposals", []string{"proposals"}, "proposals data-id", 2},
		{"/proposal/2", "/api/proposal/2", []string{"proposal-id", "tally"}, "", 0},
		{"/offences", "/api/offences", []string{"offences"}, "offences data-id", 1},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			r := ts.get(t, c.path)
			if r.code != http.StatusOK {
				t.Fatalf("GET %s = %d\n%s", c.path, r.code, r.body)
			}
			if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("content type %q", ct)
			}
			checkWellFormed(t, c.path, r.body)
			doc := parseDoc(t, r.body)
			for _, id := range append([]string{"search", "indexed-height"}, c.ids...) {
				if byID(doc, id) == nil {
					t.Errorf("%s: no element #%s", c.path, id)
				}
			}
			if q := findAll(byID(doc, "search"), func(n *html.Node) bool { v, _ := attr(n, "name"); return n.Data == "input" && v == "q" }); len(q) != 1 {
				t.Errorf("%s: search form has no input[name=q]", c.path)
			}
			if got := text(byID(doc, "indexed-height")); got != fmt.Sprint(fixtureBlocks) {
				t.Errorf("%s: indexed height %q", c.path, got)
			}
			if c.rows != "" {
				f := strings.Fields(c.rows)
				rows := findAll(byID(doc, f[0]), func(n *html.Node) bool { _, ok := attr(n, f[1]); return n.Data == "tr" && ok })
				if len(rows) < c.want {
					t.Errorf("%s: table#%s has %d rows with %s, want >= %d", c.path, f[0], len(rows), f[1], c.want)
				}
			}
			j := ts.get(t, c.api)
			if j.code != http.StatusOK || !strings.HasPrefix(j.hdr.Get("Content-Type"), "application/json") {
				t.Fatalf("GET %s = %d %s\n%s", c.api, j.code, j.hdr.Get("Content-Type"), j.body)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(j.body), &m); err != nil || len(m) == 0 {
				t.Fatalf("%s: not a JSON object: %v\n%s", c.api, err, j.body)
			}
		})
	}
}

// TestPageValues checks the numbers the lead's browser tests read.
func TestPageValues(t *testing.T) {
	ts := newTestServer(t, &fakeChain{})
	doc := parseDoc(t, ts.get(t, "/").body)
	checks := []struct{ id, dataValue, text string }{
		{"supply", "30000000001", "30.000000001"},
		{"supply-cap", "21000000000000000", "21000000.000000000"},
		{"block-emission", "1000000000", "1.000000000"},
		{"next-halving", "10500000", ""},
	}
	for _, c := range checks {
		n := byID(doc, c.id)
		if v, _ := attr(n, "data-value"); v != c.dataValue {
			t.Errorf("#%s data-value %q, want %q", c.id, v, c.dataValue)
		}
		if c.text != "" && text(n) != c.text {
			t.Errorf("#%s text %q, want %q", c.id, text(n), c.text)
		}
	}
	if got := text(byID(doc, "height")); got != "30" {
		t.Errorf("#height %q", got)
	}
	// Subnets ranked by emission: alpha (10000) before beta (0).
	rows := findAll(byID(doc, "subnets"), func(n *html.Node) bool { _, ok := attr(n, "data-netuid"); return ok })
	if len(rows) != 2 {
		t.Fatalf("%d subnet rows", len(rows))
	}
	if v, _ := attr(rows[0], "data-netuid"); v != "1" {
		t.Errorf("first subnet %s, want 1", v)
	}
	// The supply chart has a line through the sampled points.
	if len(findAll(byID(doc, "supply-chart"), func(n *html.Node) bool { return n.Data == "polyline" })) != 1 {
		t.Error("supply chart has no line")
	}

	subBody := ts.get(t, "/subnet/1").body
	if strings.Contains(subBody, "taoscan-rows-slot") {
		t.Error("the metagraph rows were not spliced into the page")
	}
	sub := parseDoc(t, subBody)
	if got := text(byID(sub, "netuid")); got != "1" {
		t.Errorf("#netuid %q", got)
	}
	if v, _ := attr(byID(sub, "owner"), "href"); v != "/account/"+ownerAddr {
		t.Errorf("#owner href %q", v)
	}
	if v, _ := attr(byID(sub, "registration-price"), "data-value"); v != "1500000000" {
		t.Errorf("#registration-price %q", v)
	}
	params := map[string]string{}
	for _, tr := range findAll(byID(sub, "hyperparams"), func(n *html.Node) bool { _, ok := attr(n, "data-param"); return ok }) {
		name, _ := attr(tr, "data-param")
		cells := findAll(tr, func(n *html.Node) bool { return n.Data == "td" || n.Data == "th" })
		params[name] = text(cells[1])
	}
	want := map[string]string{"tempo": "10", "max_uids": "64", "commit_reveal": "false", "min_burn": "1000", "alpha_high": "58982"}
	if fmt.Sprint(params) != fmt.Sprint(want) {
		t.Errorf("hyperparams %v, want %v", params, want)
	}
	if n := len(findAll(byID(sub, "emission-split"), func(n *html.Node) bool { return n.Data == "rect" })); n < 12 {
		t.Errorf("emission split has %d rects, want 3 epochs x 4 parts + legend", n)
	}
	// Hotkey and coldkey cells link to their pages; u16 and amounts carry raw values.
	row := findAll(byID(sub, "metagraph"), func(n *html.Node) bool { v, _ := attr(n, "data-uid"); return v == "6" })[0]
	cell := func(col string) *html.Node {
		return findAll(row, func(n *html.Node) bool { v, _ := attr(n, "data-col"); return n.Data == "td" && v == col })[0]
	}
	if v, _ := attr(cell("stake"), "data-value"); v != "123456789012" {
		t.Errorf("stake data-value %q", v)
	}
	if got := strings.TrimSpace(text(cell("stake"))); got != "123.456789012" {
		t.Errorf("stake text %q", got)
	}
	if v, _ := attr(cell("incentive"), "data-value"); v != fmt.Sprint((11-6)*500) {
		t.Errorf("incentive data-value %q", v)
	}
	if got := text(cell("incentive")); got != "0.0381" { // 2500/65535
		t.Errorf("incentive text %q", got)
	}
	if got := text(cell("role")); got != "validator" {
		t.Errorf("role %q", got)
	}
	if got := text(cell("updated")); got != fmt.Sprint(fixtureBlocks-(10-6%4)) {
		t.Errorf("updated %q", got)
	}
	links := findAll(cell("hotkey"), func(n *html.Node) bool { return n.Data == "a" })
	if h, _ := attr(links[0], "href"); h != "/hotkey/"+addr(6) {
		t.Errorf("hotkey link %q", h)
	}
	if ti, _ := attr(links[0], "title"); ti != addr(6) || !strings.Contains(text(links[0]), "…") {
		t.Errorf("hotkey cell should be shortened with the full address in title: %q %q", ti, text(links[0]))
	}
	links = findAll(cell("coldkey"), func(n *html.Node) bool { return n.Data == "a" })
	if h, _ := attr(links[0], "href"); h != "/account/"+addr(100) {
		t.Errorf("coldkey link %q", h)
	}

	acct := parseDoc(t, ts.get(t, "/account/"+addr(100)).body)
	if v, _ := attr(byID(acct, "balance"), "data-value"); v != "7123456789" {
		t.Errorf("#balance %q", v)
	}
	if rows := findAll(byID(acct, "txs"), func(n *html.Node) bool { v, _ := attr(n, "data-hash"); return v == hashOf(5000) }); len(rows) != 1 {
		t.Errorf("the account's tx is not listed (%d rows)", len(rows))
	}
	if n := len(findAll(byID(acct, "earnings-chart"), func(n *html.Node) bool { return n.Data == "polyline" })); n != 1 {
		t.Errorf("earnings chart lines %d", n)
	}
	blk := parseDoc(t, ts.get(t, "/block/5").body)
	if text(byID(blk, "block-height")) != "5" || text(byID(blk, "block-hash")) != hashOf(5) {
		t.Errorf("block page: %q %q", text(byID(blk, "block-height")), text(byID(blk, "block-hash")))
	}
	txr := ts.get(t, "/tx/"+strings.ToLower(hashOf(5000)))
	tx := parseDoc(t, txr.body)
	if text(byID(tx, "tx-hash")) != hashOf(5000) || text(byID(tx, "tx-height")) != "5" || text(byID(tx, "tx-code")) != "0" {
		t.Errorf("tx page: %q %q %q", text(byID(tx, "tx-hash")), text(byID(tx, "tx-height")), text(byID(tx, "tx-code")))
	}
	if strings.Contains(txr.body, "<b>hi</b>") {
		t.Error("memo is not escaped")
	}
	neu := parseDoc(t, ts.get(t, "/subnet/1/neuron/1").body)
	recv := findAll(byID(neu, "weights-received"), func(n *html.Node) bool { _, ok := attr(n, "data-uid"); return ok })
	var from []string
	for _, r := range recv {
		v, _ := attr(r, "data-uid")
		from = append(from, v)
	}
	if fmt.Sprint(from) != "[0 6]" {
		t.Errorf("weights received from %v, want [0 6]", from)
	}
	for _, id := range []string{"chart-incentive", "chart-dividends", "chart-emission", "chart-stake"} {
		if len(findAll(byID(neu, id), func(n *html.Node) bool { return n.Data == "polyline" })) != 1 {
			t.Errorf("#%s has no line (3 epochs of history)", id)
		}
	}
	// The blocks page pages: 30 blocks in pages of 50 is one page; before=11 lists 10..1.
	bl := parseDoc(t, ts.get(t, "/blocks?before=11").body)
	rowsB := findAll(byID(bl, "blocks"), func(n *html.Node) bool { _, ok := attr(n, "data-height"); return ok })
	if first, _ := attr(rowsB[0], "data-height"); first != "10" || len(rowsB) != 10 {
		t.Errorf("before=11: first %s, %d rows", first, len(rowsB))
	}
}

// numericCols are compared as integers; the others as text (role and active sort as their text
// too: "miner" < "validator", "false" < "true").
var numericCols = map[string]bool{"uid": true, "stake": true, "vtrust": true, "trust": true, "consensus": true,
	"incentive": true, "dividends": true, "emission": true, "updated": true}

// TestMetagraphSort sorts by every column both ways and checks the rows' data-value order,
// with ties by uid ascending; the JSON twin must list the same uids in the same order.
func TestMetagraphSort(t *testing.T) {
	ts := newTestServer(t, &fakeChain{})
	for _, col := range metaCols {
		for _, order := range []string{"asc", "desc"} {
			q := "?sort=" + col + "&order=" + order
			r := ts.get(t, "/subnet/1"+q)
			if r.code != 200 {
				t.Fatalf("%s: %d", q, r.code)
			}
			doc := parseDoc(t, r.body)
			th := findAll(byID(doc, "metagraph"), func(n *html.Node) bool { v, _ := attr(n, "data-col"); return n.Data == "th" && v == col })
			if len(th) != 1 || len(findAll(th[0], func(n *html.Node) bool { return n.Data == "a" })) != 1 {
				t.Fatalf("%s: no th[data-col=%s] with a sort link", q, col)
			}
			rows := findAll(byID(doc, "metagraph"), func(n *html.Node) bool { _, ok := attr(n, "data-uid"); return n.Data == "tr" && ok })
			if len(rows) != fixtureNeurons {
				t.Fatalf("%s: %d rows", q, len(rows))
			}
			var uids []string
			type kv struct {
				v   string
				uid int64
			}
			var vals []kv
			for _, row := range rows {
				uid, _ := attr(row, "data-uid")
				uids = append(uids, uid)
				cells := findAll(row, func(n *html.Node) bool { v, _ := attr(n, "data-col"); return n.Data == "td" && v == col })
				if len(cells) != 1 {
					t.Fatalf("%s: row %s has %d cells for %s", q, uid, len(cells), col)
				}
				v, ok := attr(cells[0], "data-value")
				if !ok {
					t.Fatalf("%s: cell without data-value", q)
				}
				u, _ := new(big.Int).SetString(uid, 10)
				vals = append(vals, kv{v, u.Int64()})
			}
			distinct := map[string]bool{}
			for i := 1; i < len(vals); i++ {
				a, b := vals[i-1], vals[i]
				var c int
				if numericCols[col] {
					x, ok1 := new(big.Int).SetString(a.v, 10)
					y, ok2 := new(big.Int).SetString(b.v, 10)
					if !ok1 || !ok2 {
						t.Fatalf("%s: non-numeric data-value %q %q", q, a.v, b.v)
					}
					c = x.Cmp(y)
				} else {
					c = strings.Compare(a.v, b.v)
				}
				if order == "desc" {
					c = -c
				}
				if c > 0 || (c == 0 && a.uid >= b.uid) {
					t.Fatalf("%s: rows out of order: (%s, uid %d) before (%s, uid %d)", q, a.v, a.uid, b.v, b.uid)
				}
				distinct[a.v] = true
			}
			if len(distinct) < 2 {
				t.Fatalf("%s: the fixture should have distinct values in %s", q, col)
			}
			var api struct {
				Sort      string `json:"sort"`
				Order     string `json:"order"`
				Metagraph []struct {
					UID uint32 `json:"uid"`
				} `json:"metagraph"`
			}
			if err := json.Unmarshal([]byte(ts.get(t, "/api/subnet/1"+q).body), &api); err != nil {
				t.Fatal(err)
			}
			var apiUIDs []string
			for _, n := range api.Metagraph {
				apiUIDs = append(apiUIDs, fmt.Sprint(n.UID))
			}
			if api.Sort != col || api.Order != order || !slices.Equal(apiUIDs, uids) {
				t.Fatalf("%s: JSON twin %s/%s %v, HTML %v", q, api.Sort, api.Order, apiUIDs, uids)
			}
		}
	}
	// The stake order is numeric: 123456789012 > 1000 > 100 > 99 > 10 x3 (by uid) > 9 ...
	doc := parseDoc(t, ts.get(t, "/subnet/1?sort=stake&order=desc").body)
	var got []string
	for _, row := range findAll(byID(doc, "metagraph"), func(n *html.Node) bool { _, ok := attr(n, "data-uid"); return n.Data == "tr" && ok }) {
		v, _ := attr(row, "data-uid")
		got = append(got, v)
	}
	if want := "[6 10 2 9 1 4 8 0 7 3 11 5]"; fmt.Sprint(got) != want {
		t.Errorf("stake desc uids %v, want %s", got, want)
	}
}

// TestBadInput: malformed input is 400, unknown is 404, each with a message that says what was
// wrong; the HTML page has h1#error and the search box, the API a JSON error.
func TestBadInput(t *testing.T) {
	ts := newTestServer(t, &fakeChain{})
	cases := []struct {
		path string
		code int
		msg  string
	}{
		{"/subnet/abc", 400, "0 to 65535"},
		{"/subnet/65536", 400, "0 to 65535"},
		{"/subnet/-1", 400, "whole number"},
		{"/subnet/01x", 400, "netuid"},
		{"/subnet/99", 404, "Subnet 99"},
		{"/subnet/1?sort=foo", 400, "sort by one of uid"},
		{"/subnet/1?order=up", 400, "asc or desc"},
		{"/subnet/1?sort=uid&sort=stake", 400, "at most once"},
		{"/subnet/1/neuron/x", 400, "uid"},
		{"/subnet/1/neuron/4294967296", 400, "4294967295"},
		{"/subnet/1/neuron/4096", 404, "no neuron with uid 4096"},
		{"/subnet/x/neuron/1", 400, "netuid"},
		{"/subnet/9/neuron/1", 404, "Subnet 9"},
		{"/block/0", 400, "at least 1"},
		{"/block/abc", 400, "block height"},
		{"/block/1e3", 400, "block height"},
		{"/block/99999999999999999999999", 400, "block height"},
		{"/block/31", 404, "heights 1 to 30"},
		{"/tx/xyz", 400, "64 hexadecimal"},
		{"/tx/" + strings.Repeat("g", 64), 400, "0-9 and a-f"},
		{"/tx/" + hashOf(77), 404, "No indexed transaction"},
		{"/hotkey/notanaddress", 400, "bech32"},
		{"/hotkey/" + mustBech32("cosmos"), 400, `prefix "cosmos"`},
		{"/account/" + strings.TrimSuffix(addr(1), "x") + "q", 400, "Bad address"},
		{"/account/tao1", 400, "Bad address"},
		{"/blocks?before=x", 400, "?before"},
		{"/blocks?before=0", 400, "at least 1"},
		{"/offences?before=-5", 400, "offence id"},
		{"/proposal/0", 400, "at least 1"},
		{"/proposal/abc", 400, "proposal id"},
		{"/proposal/99", 404, "proposal 99"},
		{"/nope", 404, "no page at /nope"},
	}
	for _, c := range cases {
		for _, p := range []string{c.path, "/api" + c.path} {
			if p == "/api/nope" {
				continue
			}
			r := ts.get(t, p)
			if r.code != c.code {
				t.Errorf("GET %s = %d, want %d\n%s", p, r.code, c.code, r.body)
				continue
			}
			if strings.HasPrefix(p, "/api/") {
				var e errorView
				if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Status != c.code || !strings.Contains(e.Message, c.msg) {
					t.Errorf("GET %s: JSON error %+v (%v), want message containing %q", p, e, err, c.msg)
				}
				continue
			}
			doc := parseDoc(t, r.body)
			if byID(doc, "error") == nil || byID(doc, "search") == nil {
				t.Errorf("GET %s: error page without h1#error or the search form", p)
			}
			if !strings.Contains(html.UnescapeString(r.body), c.msg) {
				t.Errorf("GET %s: message does not contain %q:\n%s", p, c.msg, text(doc))
			}
		}
	}
	// Malformed input never reaches the log as an internal error.
	if strings.Contains(ts.logs.String(), "internal error") {
		t.Errorf("user input logged as internal error:\n%s", ts.logs)
	}
}

func mustBech32(prefix string) string {
	s, err := bech32.ConvertAndEncode(prefix, bytes.Repeat([]byte{7}, 20))
	if err != nil {
		panic(err)
	}
	return s
}

// TestSearch: each kind of query redirects (303) to its page; unknown things are 404, bad 400.
func TestSearch(t *testing.T) {
	ts := newTestServer(t, &fakeChain{})
	cases := []struct {
		q    string
		code int
		to   string
	}{
		{"7", 303, "/block/7"},
		{" 30 ", 303, "/block/30"},
		{"31", 404, ""},
		{"0", 400, ""},
		{"sn1", 303, "/subnet/1"},
		{"SN 2", 303, "/subnet/2"},
		{"subnet 1", 303, "/subnet/1"},
		{"netuid 1", 303, "/subnet/1"},
		{"sn99", 404, ""},
		{"sn70000", 400, ""},
		{hashOf(5000), 303, "/tx/" + hashOf(5000)},
		{strings.ToLower(hashOf(5000)), 303, "/tx/" + hashOf(5000)},
		{hashOf(1), 404, ""},
		{addr(3), 303, "/hotkey/" + addr(3)},                  // a hotkey with a neuron
		{strings.ToUpper(addr(3)), 303, "/hotkey/" + addr(3)}, // bech32 in upper case is the same address
		{addr(100), 303, "/account/" + addr(100)},             // a coldkey
		{addr(30), 303, "/hotkey/" + addr(30)},                // a hotkey known only from an offence
		{unknownTao, 303, "/account/" + unknownTao},           // valid, unknown: the account page
		{"tao1xyz", 400, ""},
		{"", 400, ""},
		{"hello", 400, ""},
		{strings.Repeat("9", 300), 400, ""},
	}
	for _, c := range cases {
		r := ts.get(t, "/search?q="+url.QueryEscape(c.q))
		if r.code != c.code {
			t.Errorf("search %q = %d, want %d\n%s", c.q, r.code, c.code, r.body)
			continue
		}
		if c.code == 303 {
			if loc := r.hdr.Get("Location"); loc != c.to {
				t.Errorf("search %q -> %q, want %q", c.q, loc, c.to)
			}
			continue
		}
		doc := parseDoc(t, r.body)
		if byID(doc, "error") == nil || byID(doc, "search") == nil {
			t.Errorf("search %q: error page without h1#error or search form", c.q)
		}
	}
}

// TestNodeUnavailable: with the node down the stored parts still render (200) with the live
// sections marked; the pages that are only live state answer 502; a node NotFound for a
// proposal is a 404.
func TestNodeUnavailable(t *testing.T) {
	for name, chain := range map[string]Chain{
		"down":    &fakeChain{err: status.Error(codes.Unavailable, "connection refused")},
		"timeout": &fakeChain{err: context.DeadlineExceeded},
		"none":    nil,
	} {
		t.Run(name, func(t *testing.T) {
			ts := newTestServer(t, chain)
			for _, p := range []string{"/", "/account/" + addr(100), "/subnet/1/neuron/0", "/api/home", "/api/account/" + addr(100)} {
				r := ts.get(t, p)
				if r.code != 200 {
					t.Fatalf("%s = %d\n%s", p, r.code, r.body)
				}
				if !strings.Contains(r.body, "node unavailable") {
					t.Errorf("%s does not say node unavailable", p)
				}
				if !strings.HasPrefix(p, "/api") {
					checkWellFormed(t, p, r.body)
				}
			}
			home := parseDoc(t, ts.get(t, "/").body)
			// The stored part is intact and the supply falls back to the indexed issuance.
			if v, _ := attr(byID(home, "supply"), "data-value"); v != "30000000000" {
				t.Errorf("#supply from the index %q", v)
			}
			if rows := findAll(byID(home, "blocks"), func(n *html.Node) bool { _, ok := attr(n, "data-height"); return ok }); len(rows) != 20 {
				t.Errorf("%d block rows with the node down", len(rows))
			}
			if _, ok := attr(byID(home, "block-emission"), "data-value"); ok {
				t.Error("#block-emission has a value with the node down")
			}
			acct := parseDoc(t, ts.get(t, "/account/"+addr(100)).body)
			if rows := findAll(byID(acct, "neurons"), func(n *html.Node) bool { _, ok := attr(n, "data-uid"); return ok }); len(rows) != 4 {
				t.Errorf("account neurons from the store: %d rows", len(rows))
			}
			for _, p := range []string{"/proposals", "/proposal/1", "/api/proposals", "/api/proposal/1"} {
				r := ts.get(t, p)
				if r.code != http.StatusBadGateway || !strings.Contains(r.body, "node unavailable") {
					t.Errorf("%s = %d, want 502 with node unavailable\n%s", p, r.code, r.body)
				}
			}
			// The sections still say what failed, and the input is still checked first.
			if r := ts.get(t, "/proposal/x"); r.code != 400 {
				t.Errorf("/proposal/x with node down = %d", r.code)
			}
		})
	}
}

// TestPanicRecovered: a panic in a handler is a logged 500 page, and the server keeps serving.
func TestPanicRecovered(t *testing.T) {
	ts := newTestServer(t, &fakeChain{panicWallet: true})
	r := ts.get(t, "/account/"+addr(100))
	if r.code != 500 || !strings.Contains(r.body, `id="error"`) {
		t.Fatalf("panic: %d\n%s", r.code, r.body)
	}
	if !strings.Contains(ts.logs.String(), "wallet exploded") {
		t.Errorf("panic not logged:\n%s", ts.logs)
	}
	if r := ts.get(t, "/api/account/"+addr(100)); r.code != 500 || !strings.Contains(r.body, `"status":500`) {
		t.Errorf("API panic: %d %s", r.code, r.body)
	}
	if r := ts.get(t, "/blocks"); r.code != 200 {
		t.Errorf("after a panic: %d", r.code)
	}
	if got := requestCount(t, ts, "GET /account/{addr}", "500"); got != 1 {
		t.Errorf("500s counted for the account route: %v", got)
	}
}

// requestCount reads taoscan_http_requests_total for one route and code from the registry.
func requestCount(t *testing.T, ts *testServer, route, code string) float64 {
	t.Helper()
	mfs, err := ts.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "taoscan_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no request counter for route %q code %s", route, code)
	return 0
}

// TestMetricsAndHealth: requests are counted by route pattern (not by raw path) and status, and
// /healthz reports the indexed height.
func TestMetricsAndHealth(t *testing.T) {
	ts := newTestServer(t, &fakeChain{})
	ts.get(t, "/subnet/1")
	ts.get(t, "/subnet/2")
	ts.get(t, "/subnet/zz")
	if got := requestCount(t, ts, "GET /subnet/{netuid}", "200"); got != 2 {
		t.Errorf("200s for /subnet/{netuid}: %v", got)
	}
	if got := requestCount(t, ts, "GET /subnet/{netuid}", "400"); got != 1 {
		t.Errorf("400s for /subnet/{netuid}: %v", got)
	}
	r := ts.get(t, "/healthz")
	if r.code != 200 || r.body != "ok 30\n" {
		t.Errorf("healthz %d %q", r.code, r.body)
	}
	if r := ts.get(t, "/metrics"); r.code != 404 {
		t.Errorf("/metrics is the lead's to mount, got %d", r.code)
	}
	// A second server on the same registry is refused rather than silently double counting.
	if _, err := New(Config{Store: testStore(t), Registry: ts.reg}); err == nil {
		t.Error("registering the metrics twice succeeded")
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without a store succeeded")
	}
}

// TestEmptyStore: a fresh index renders every page without error, with empty states.
func TestEmptyStore(t *testing.T) {
	st, err := store.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := New(Config{Store: st, Chain: &fakeChain{}})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{h: s.Handler()}
	for _, p := range []string{"/", "/subnets", "/blocks", "/offences", "/account/" + addr(1), "/hotkey/" + addr(1), "/api/home"} {
		r := ts.get(t, p)
		if r.code != 200 {
			t.Fatalf("%s on an empty index = %d\n%s", p, r.code, r.body)
		}
		if !strings.HasPrefix(p, "/api") {
			checkWellFormed(t, p, r.body)
		}
	}
	if !strings.Contains(ts.get(t, "/").body, "No data yet") {
		t.Error("empty supply chart has no empty-state text")
	}
	if r := ts.get(t, "/block/1"); r.code != 404 {
		t.Errorf("/block/1 on an empty index = %d", r.code)
	}
	if r := ts.get(t, "/healthz"); r.body != "ok 0\n" {
		t.Errorf("healthz %q", r.body)
	}
}

// TestNodeStatusCodes: the node's InvalidArgument is the user's 400 and its NotFound a 404 or an
// empty section, never a 500; an unknown /api path answers JSON.
func TestNodeStatusCodes(t *testing.T) {
	ts := newTestServer(t, &fakeChain{walletErr: status.Error(codes.InvalidArgument, "coldkey is a module account")})
	r := ts.get(t, "/account/"+addr(100))
	if r.code != 400 || !strings.Contains(r.body, "coldkey is a module account") {
		t.Errorf("InvalidArgument from the node: %d\n%s", r.code, r.body)
	}
	ts = newTestServer(t, &fakeChain{walletErr: status.Error(codes.NotFound, "no such account")})
	r = ts.get(t, "/account/"+addr(100))
	if r.code != 200 || !strings.Contains(r.body, "no such account") {
		t.Errorf("NotFound wallet: %d", r.code)
	}
	r = ts.get(t, "/api/nope")
	var e errorView
	if r.code != 404 || json.Unmarshal([]byte(r.body), &e) != nil || e.Status != 404 {
		t.Errorf("/api/nope: %d %s", r.code, r.body)
	}
}
