package web

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"time"

	"google.golang.org/grpc/metadata"

	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"

	"github.com/taochain/taochain/taoscan/store"
)

// List sizes: the contract asks for the latest 20 on the home page; the other lists page by 50.
const (
	homeRows      = 20
	pageRows      = 50
	historyEpochs = 100
	splitEpochs   = 20
	supplyPoints  = 120
	earningPoints = 200
	proposalRows  = 100
)

// defaultCap is the 21M TAO cap in rao, shown when the node cannot be asked for it.
const defaultCap = "21000000000000000"

// storeError turns a missing row into the 404 the user sees and leaves other errors internal.
func storeError(err error, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(format, args...)
	}
	return err
}

// ---- home ----

type homeView struct {
	Height        int64            `json:"height"`
	Supply        string           `json:"supply"`
	SupplySource  string           `json:"supply_source"` // "node" or "index" (when the node is unavailable)
	SupplyCap     string           `json:"supply_cap"`
	SupplyPercent string           `json:"supply_percent"`
	BlockEmission string           `json:"block_emission,omitempty"`
	NextHalving   *nextHalvingView `json:"next_halving,omitempty"`
	NodeError     string           `json:"node_error,omitempty"`
	Subnets       []store.Subnet   `json:"subnets"`
	Blocks        []store.Block    `json:"blocks"`
	Txs           []store.Tx       `json:"txs"`
	SupplyChart   []supplyPoint    `json:"supply_chart"`
	Chart         template.HTML    `json:"-"`
}

type nextHalvingView struct {
	Threshold       string `json:"threshold"`
	Halvings        uint32 `json:"halvings"`
	BlocksRemaining uint64 `json:"blocks_remaining"`
	EstimatedHeight int64  `json:"estimated_height"`
}

type supplyPoint struct {
	Height   int64  `json:"height"`
	Issuance string `json:"issuance"`
}

// percentOf is a/b as a percentage with 2 decimals, computed on integers.
func percentOf(a, b string) string {
	x, y := parseInt(a), parseInt(b)
	if y.Sign() <= 0 {
		return "0.00"
	}
	bp := new(big.Int).Quo(new(big.Int).Mul(x, big.NewInt(10000)), y).Int64()
	return fmt.Sprintf("%d.%02d", bp/100, bp%100)
}

func (v *homeView) renderHTML() {
	xs := make([]int64, len(v.SupplyChart))
	ys := make([]string, len(v.SupplyChart))
	for i, p := range v.SupplyChart {
		xs[i], ys[i] = p.Height, p.Issuance
	}
	v.Chart = lineChart("supply-chart", "TAO supply by block", "block", series{X: xs, Y: ys}, taoLabel)
}

func (s *Server) home(r *http.Request) (string, any, error) {
	ctx := r.Context()
	v := &homeView{SupplyCap: defaultCap}
	var err error
	if v.Height, err = s.store.LastHeight(ctx); err != nil {
		return "", nil, err
	}
	if v.Subnets, err = s.store.Subnets(ctx); err != nil {
		return "", nil, err
	}
	if v.Blocks, err = s.store.LatestBlocks(ctx, homeRows, 0); err != nil {
		return "", nil, err
	}
	if v.Txs, err = s.store.LatestTxs(ctx, homeRows); err != nil {
		return "", nil, err
	}
	sup, err := s.store.Supply(ctx, supplyPoints)
	if err != nil {
		return "", nil, err
	}
	v.SupplyChart = make([]supplyPoint, len(sup))
	for i, b := range sup {
		v.SupplyChart[i] = supplyPoint{Height: b.Height, Issuance: b.Issuance}
	}

	// Live part: supply, cap, emission, halving. The indexed issuance stands in for the supply
	// when the node cannot answer, so the page still says something true (and says where from).
	v.Supply, v.SupplySource = "0", "index"
	if len(v.Blocks) > 0 {
		v.Supply = v.Blocks[0].Issuance
	}
	if s.chain == nil {
		v.NodeError = "node unavailable: " + errNoNode.Error()
	} else {
		lctx, cancel := liveCtx(ctx)
		defer cancel()
		// The supply is read at the page's height, so that the two agree while the indexer is
		// behind the node; a node that no longer holds that height answers with its latest.
		iss, err := s.chain.Issuance(metadata.AppendToOutgoingContext(lctx, grpctypes.GRPCBlockHeightHeader, strconv.FormatInt(v.Height, 10)))
		if err != nil {
			iss, err = s.chain.Issuance(lctx)
		}
		if err != nil {
			v.NodeError = sectionError(err, "issuance")
		} else {
			v.Supply, v.SupplySource, v.SupplyCap = iss.Issuance.String(), "node", iss.MaxSupply.String()
		}
		if v.NodeError == "" {
			if em, err := s.chain.CurrentEmission(lctx); err != nil {
				v.NodeError = sectionError(err, "current emission")
			} else {
				v.BlockEmission = em.Emission.String()
			}
		}
		if v.NodeError == "" {
			if nh, err := s.chain.NextHalving(lctx); err != nil {
				v.NodeError = sectionError(err, "next halving")
			} else {
				v.NextHalving = &nextHalvingView{Threshold: nh.Threshold.String(), Halvings: nh.Halvings,
					BlocksRemaining: nh.BlocksRemaining, EstimatedHeight: nh.EstimatedHeight}
			}
		}
	}
	v.SupplyPercent = percentOf(v.Supply, v.SupplyCap)
	return "taoscan", v, nil
}

// ---- subnets ----

type subnetsView struct {
	Subnets []store.Subnet `json:"subnets"`
}

func (s *Server) subnets(r *http.Request) (string, any, error) {
	subs, err := s.store.Subnets(r.Context())
	if err != nil {
		return "", nil, err
	}
	return "Subnets", &subnetsView{Subnets: subs}, nil
}

// ---- subnet ----

// metaCols are the metagraph columns in page order; each sorts server-side.
var metaCols = []string{"uid", "role", "stake", "vtrust", "trust", "consensus", "incentive", "dividends",
	"emission", "updated", "active", "axon", "hotkey", "coldkey"}

// metaRow is one metagraph row: the stored neuron plus what the table derives from it. The
// display strings are filled by format (HTML only), once per row, so the template does no
// per-cell work on 4,096 rows and the JSON twin none at all.
type metaRow struct {
	store.Neuron
	Role    string `json:"role"`
	Updated int64  `json:"updated"` // blocks since last_update, relative to the indexed height

	StakeTAO    string `json:"-"`
	EmissionTAO string `json:"-"`
	VTrustF     string `json:"-"`
	TrustF      string `json:"-"`
	ConsensusF  string `json:"-"`
	IncentiveF  string `json:"-"`
	DividendsF  string `json:"-"`
	HotkeyS     string `json:"-"`
	ColdkeyS    string `json:"-"`
}

func newMetaRow(n store.Neuron, indexed int64) metaRow {
	m := metaRow{Neuron: n, Role: "miner", Updated: indexed - n.LastUpdate}
	if n.ValidatorPermit {
		m.Role = "validator"
	}
	if m.Updated < 0 {
		m.Updated = 0
	}
	return m
}

// format fills the display strings of the HTML page.
func (m *metaRow) format() {
	m.StakeTAO, m.EmissionTAO = formatTAO(m.Stake), formatTAO(m.Emission)
	m.VTrustF, m.TrustF, m.ConsensusF = formatU16(m.ValidatorTrust), formatU16(m.Trust), formatU16(m.Consensus)
	m.IncentiveF, m.DividendsF = formatU16(m.Incentive), formatU16(m.Dividends)
	m.HotkeyS, m.ColdkeyS = shortAddr(m.Hotkey), shortAddr(m.Coldkey)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// metaCmp compares two rows on one column; amounts compare as integers, never as text.
var metaCmp = map[string]func(a, b *metaRow) int{
	"uid":       func(a, b *metaRow) int { return cmp.Compare(a.UID, b.UID) },
	"role":      func(a, b *metaRow) int { return cmpBool(a.ValidatorPermit, b.ValidatorPermit) },
	"stake":     func(a, b *metaRow) int { return cmpDecimal(a.Stake, b.Stake) },
	"vtrust":    func(a, b *metaRow) int { return cmp.Compare(a.ValidatorTrust, b.ValidatorTrust) },
	"trust":     func(a, b *metaRow) int { return cmp.Compare(a.Trust, b.Trust) },
	"consensus": func(a, b *metaRow) int { return cmp.Compare(a.Consensus, b.Consensus) },
	"incentive": func(a, b *metaRow) int { return cmp.Compare(a.Incentive, b.Incentive) },
	"dividends": func(a, b *metaRow) int { return cmp.Compare(a.Dividends, b.Dividends) },
	"emission":  func(a, b *metaRow) int { return cmpDecimal(a.Emission, b.Emission) },
	"updated":   func(a, b *metaRow) int { return cmp.Compare(a.Updated, b.Updated) },
	"active":    func(a, b *metaRow) int { return cmpBool(a.Active, b.Active) },
	"axon":      func(a, b *metaRow) int { return cmp.Compare(a.Axon, b.Axon) },
	"hotkey":    func(a, b *metaRow) int { return cmp.Compare(a.Hotkey, b.Hotkey) },
	"coldkey":   func(a, b *metaRow) int { return cmp.Compare(a.Coldkey, b.Coldkey) },
}

// sortMeta orders rows by col; ties always go by uid ascending so the order is total and the
// same on every request, whichever direction the column goes.
func sortMeta(rows []*metaRow, col string, desc bool) {
	c := metaCmp[col]
	slices.SortFunc(rows, func(a, b *metaRow) int {
		r := c(a, b)
		if desc {
			r = -r
		}
		if r != 0 {
			return r
		}
		return cmp.Compare(a.UID, b.UID)
	})
}

type param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type colHead struct {
	Col    string
	Href   string
	Active bool
	Arrow  string
}

type subnetView struct {
	Subnet        store.Subnet  `json:"subnet"`
	Hyperparams   []param       `json:"hyperparams"`
	Epochs        []store.Epoch `json:"epochs"` // the last 20, ascending
	Sort          string        `json:"sort"`
	Order         string        `json:"order"`
	IndexedHeight int64         `json:"indexed_height"`
	Metagraph     []*metaRow    `json:"metagraph"`
	Split         template.HTML `json:"-"`
	Cols          []colHead     `json:"-"`
	// Rows is a placeholder the template prints where the metagraph's <tr>s go; writeHTML
	// writes rows (see metagraphRows) there straight to the client, so the megabytes of rows
	// are not copied through the template engine's buffers.
	Rows template.HTML `json:"-"`
	rows string
}

func (v *subnetView) splice() (slot, body string) { return string(rowsSlot), v.rows }

func (v *subnetView) renderHTML() {
	bars := make([]stackBar, len(v.Epochs))
	for i, e := range v.Epochs {
		bars[i] = stackBar{Label: "epoch " + strconv.FormatUint(e.Epoch, 10),
			Parts: []string{e.OwnerEmission, e.MinerEmission, e.ValidatorEmission, e.TakeEmission}}
	}
	v.Split = stackedBars("emission-split", "Emission split of the last epochs", []string{"owner", "miners", "validators", "take"}, bars, taoLabel)
	v.Rows, v.rows = rowsSlot, metagraphRows(v.Subnet.Netuid, v.Metagraph)
	v.Cols = make([]colHead, len(metaCols))
	for i, c := range metaCols {
		next := "asc"
		h := colHead{Col: c}
		if c == v.Sort {
			h.Active = true
			if v.Order == "asc" {
				next, h.Arrow = "desc", "▲"
			} else {
				h.Arrow = "▼"
			}
		}
		h.Href = fmt.Sprintf("/subnet/%d?sort=%s&order=%s", v.Subnet.Netuid, c, next)
		v.Cols[i] = h
	}
}

// parseSort reads ?sort and ?order for the metagraph.
func parseSort(r *http.Request) (col, order string, err error) {
	col, hasCol, err := queryParam(r, "sort")
	if err != nil {
		return "", "", err
	}
	if !hasCol {
		col = "uid"
	} else if _, ok := metaCmp[col]; !ok {
		return "", "", badRequest("Unknown sort column %q: sort by one of uid, role, stake, vtrust, trust, consensus, incentive, dividends, emission, updated, active, axon, hotkey, coldkey.", col)
	}
	order, hasOrder, err := queryParam(r, "order")
	if err != nil {
		return "", "", err
	}
	if !hasOrder {
		order = "asc"
	} else if order != "asc" && order != "desc" {
		return "", "", badRequest("Unknown sort order %q: order is asc or desc.", order)
	}
	return col, order, nil
}

func (s *Server) subnet(r *http.Request) (string, any, error) {
	ctx := r.Context()
	netuid, err := parseNetuid(r.PathValue("netuid"))
	if err != nil {
		return "", nil, err
	}
	col, order, err := parseSort(r)
	if err != nil {
		return "", nil, err
	}
	sub, err := s.store.Subnet(ctx, netuid)
	if err != nil {
		return "", nil, storeError(err, "Subnet %d is not known to the index (it was never registered, or not yet indexed).", netuid)
	}
	v := &subnetView{Subnet: sub, Sort: col, Order: order}
	if v.Hyperparams, err = orderedParams(sub.Hyperparams); err != nil {
		return "", nil, fmt.Errorf("subnet %d hyperparams: %w", netuid, err)
	}
	if v.IndexedHeight, err = s.store.LastHeight(ctx); err != nil {
		return "", nil, err
	}
	eps, err := s.store.Epochs(ctx, netuid, splitEpochs)
	if err != nil {
		return "", nil, err
	}
	slices.Reverse(eps)
	v.Epochs = eps

	ns, err := s.store.Metagraph(ctx, netuid)
	if err != nil {
		return "", nil, err
	}
	// Rows live in one backing array; the sort moves pointers, not ~400-byte structs.
	backing := make([]metaRow, len(ns))
	v.Metagraph = make([]*metaRow, len(ns))
	for i, n := range ns {
		backing[i] = newMetaRow(n, v.IndexedHeight)
		v.Metagraph[i] = &backing[i]
	}
	if col != "uid" || order != "asc" {
		sortMeta(v.Metagraph, col, order == "desc")
	}
	name := sub.Name
	if name == "" {
		name = "subnet " + strconv.Itoa(int(netuid))
	}
	return fmt.Sprintf("SN%d %s", netuid, name), v, nil
}

// ---- neuron ----

type weightView struct {
	UID    uint32 `json:"uid"`
	Value  uint32 `json:"value"`
	Hotkey string `json:"hotkey,omitempty"`
	Block  int64  `json:"block,omitempty"`
}

type neuronView struct {
	Netuid        uint16              `json:"netuid"`
	SubnetName    string              `json:"subnet_name"`
	Neuron        metaRow             `json:"neuron"`
	History       []store.NeuronEpoch `json:"history"`
	WeightsSet    []weightView        `json:"weights_set"`
	WeightsBlock  int64               `json:"weights_block,omitempty"`
	WeightsError  string              `json:"weights_error,omitempty"`
	Received      []weightView        `json:"weights_received"`
	ReceivedError string              `json:"weights_received_error,omitempty"`
	Charts        []template.HTML     `json:"-"`
}

func (v *neuronView) renderHTML() {
	v.Neuron.format()
	k := len(v.History)
	xs := make([]int64, k)
	inc, div, em, st := make([]string, k), make([]string, k), make([]string, k), make([]string, k)
	for i, e := range v.History {
		xs[i] = int64(e.Epoch)
		inc[i] = strconv.FormatUint(uint64(e.Incentive), 10)
		div[i] = strconv.FormatUint(uint64(e.Dividends), 10)
		em[i], st[i] = e.Emission, e.Stake
	}
	v.Charts = []template.HTML{
		lineChart("chart-incentive", "Incentive per epoch", "epoch", series{xs, inc}, fracLabel),
		lineChart("chart-dividends", "Dividends per epoch", "epoch", series{xs, div}, fracLabel),
		lineChart("chart-emission", "Emission per epoch", "epoch", series{xs, em}, taoLabel),
		lineChart("chart-stake", "Stake per epoch", "epoch", series{xs, st}, taoLabel),
	}
}

func (s *Server) neuron(r *http.Request) (string, any, error) {
	ctx := r.Context()
	netuid, err := parseNetuid(r.PathValue("netuid"))
	if err != nil {
		return "", nil, err
	}
	uid, err := parseUID(r.PathValue("uid"))
	if err != nil {
		return "", nil, err
	}
	sub, err := s.store.Subnet(ctx, netuid)
	if err != nil {
		return "", nil, storeError(err, "Subnet %d is not known to the index.", netuid)
	}
	n, err := s.store.Neuron(ctx, netuid, uid)
	if err != nil {
		return "", nil, storeError(err, "Subnet %d has no neuron with uid %d.", netuid, uid)
	}
	h, err := s.store.LastHeight(ctx)
	if err != nil {
		return "", nil, err
	}
	v := &neuronView{Netuid: netuid, SubnetName: sub.Name, Neuron: newMetaRow(n, h), WeightsSet: []weightView{}, Received: []weightView{}}
	if v.History, err = s.store.NeuronHistory(ctx, netuid, uid, historyEpochs); err != nil {
		return "", nil, err
	}
	if s.chain == nil {
		v.WeightsError = "node unavailable: " + errNoNode.Error()
		v.ReceivedError = v.WeightsError
		return neuronTitle(netuid, uid), v, nil
	}
	lctx, cancel := liveCtx(ctx)
	defer cancel()
	// One read of the subnet's weight rows answers both tables: the row this neuron set, and
	// the entries of every row that weight it.
	rows, err := s.chain.AllWeights(lctx, netuid)
	if err != nil && !isNotFound(err) {
		if _, un := liveError(err, "weights"); un != "" {
			v.WeightsError = un
		} else {
			v.WeightsError = "the node refused the weights query: " + err.Error()
		}
		v.ReceivedError = v.WeightsError
	}
	for _, row := range rows {
		if row.Uid == uid {
			v.WeightsBlock = row.Block
			for _, w := range row.Weights {
				v.WeightsSet = append(v.WeightsSet, weightView{UID: w.Uid, Value: w.Value})
			}
		}
		for _, w := range row.Weights {
			if w.Uid == uid {
				v.Received = append(v.Received, weightView{UID: row.Uid, Value: w.Value, Hotkey: row.Hotkey, Block: row.Block})
			}
		}
	}
	slices.SortFunc(v.Received, func(a, b weightView) int { return cmp.Compare(a.UID, b.UID) })
	return neuronTitle(netuid, uid), v, nil
}

func neuronTitle(netuid uint16, uid uint32) string {
	return fmt.Sprintf("SN%d neuron %d", netuid, uid)
}

// ---- hotkey ----

type hotkeyView struct {
	Hotkey   string          `json:"hotkey"`
	Neurons  []store.Neuron  `json:"neurons"`
	Offences []store.Offence `json:"offences"`
	Txs      []store.Tx      `json:"txs"`
}

func (s *Server) hotkey(r *http.Request) (string, any, error) {
	ctx := r.Context()
	addr, err := parseAddress(r.PathValue("addr"))
	if err != nil {
		return "", nil, err
	}
	v := &hotkeyView{Hotkey: addr}
	if v.Neurons, err = s.store.HotkeyNeurons(ctx, addr); err != nil {
		return "", nil, err
	}
	if v.Offences, err = s.store.HotkeyOffences(ctx, addr); err != nil {
		return "", nil, err
	}
	if v.Txs, err = s.store.AddressTxs(ctx, addr, pageRows); err != nil {
		return "", nil, err
	}
	return "Hotkey " + addr, v, nil
}

// ---- account ----

type stakeView struct {
	Hotkey string `json:"hotkey"`
	Netuid uint32 `json:"netuid"`
	Amount string `json:"amount"`
	Shares string `json:"shares"`
}

type unbondingView struct {
	ID               uint64 `json:"id"`
	Hotkey           string `json:"hotkey"`
	Netuid           uint32 `json:"netuid"`
	Amount           string `json:"amount"`
	CreationHeight   int64  `json:"creation_height"`
	CompletionHeight int64  `json:"completion_height"`
}

type accountView struct {
	Coldkey        string          `json:"coldkey"`
	NodeError      string          `json:"node_error,omitempty"`
	Balance        string          `json:"balance,omitempty"`
	TotalStake     string          `json:"total_stake,omitempty"`
	TotalUnbonding string          `json:"total_unbonding,omitempty"`
	Stakes         []stakeView     `json:"stakes"`
	Unbonding      []unbondingView `json:"unbonding"`
	Earnings       []store.Earning `json:"earnings"`
	Neurons        []store.Neuron  `json:"neurons"`
	Txs            []store.Tx      `json:"txs"`
	Chart          template.HTML   `json:"-"`
}

func (v *accountView) renderHTML() {
	// The chart sums a height's earnings over subnets: one point per height, ascending.
	var xs []int64
	var ys []string
	for _, e := range v.Earnings {
		if n := len(xs); n > 0 && xs[n-1] == e.Height {
			ys[n-1] = new(big.Int).Add(parseInt(ys[n-1]), parseInt(e.Emission)).String()
			continue
		}
		xs, ys = append(xs, e.Height), append(ys, e.Emission)
	}
	v.Chart = lineChart("earnings-chart", "Earnings per epoch", "block", series{xs, ys}, taoLabel)
}

func (s *Server) account(r *http.Request) (string, any, error) {
	ctx := r.Context()
	addr, err := parseAddress(r.PathValue("addr"))
	if err != nil {
		return "", nil, err
	}
	v := &accountView{Coldkey: addr, Stakes: []stakeView{}, Unbonding: []unbondingView{}}
	if v.Earnings, err = s.store.ColdkeyEarnings(ctx, addr, earningPoints); err != nil {
		return "", nil, err
	}
	if v.Neurons, err = s.store.ColdkeyNeurons(ctx, addr); err != nil {
		return "", nil, err
	}
	if v.Txs, err = s.store.AddressTxs(ctx, addr, pageRows); err != nil {
		return "", nil, err
	}
	if s.chain == nil {
		v.NodeError = "node unavailable: " + errNoNode.Error()
		return "Account " + addr, v, nil
	}
	lctx, cancel := liveCtx(ctx)
	defer cancel()
	w, err := s.chain.Wallet(lctx, addr)
	if err != nil {
		pageErr, un := liveError(err, "wallet")
		if pageErr != nil && !isNotFound(err) {
			return "", nil, pageErr
		}
		if un == "" {
			un = "the node has no wallet for this address: " + err.Error()
		}
		v.NodeError = un
		return "Account " + addr, v, nil
	}
	v.Balance, v.TotalStake, v.TotalUnbonding = w.Balance.Amount.String(), w.TotalStake.String(), w.TotalUnbonding.String()
	for _, st := range w.Stakes {
		v.Stakes = append(v.Stakes, stakeView{Hotkey: st.Hotkey, Netuid: st.Netuid, Amount: st.Amount.String(), Shares: st.Shares.String()})
	}
	for _, u := range w.Unbonding {
		v.Unbonding = append(v.Unbonding, unbondingView{ID: u.Id, Hotkey: u.Hotkey, Netuid: u.Netuid, Amount: u.Amount.String(),
			CreationHeight: u.CreationHeight, CompletionHeight: u.CompletionHeight})
	}
	return "Account " + addr, v, nil
}

// ---- blocks, block, tx ----

type blocksView struct {
	Blocks []store.Block `json:"blocks"`
	Before int64         `json:"before,omitempty"`
	// Older is the ?before= of the next (older) page; 0 when this page reaches the first block.
	Older int64 `json:"older,omitempty"`
}

func (s *Server) blocks(r *http.Request) (string, any, error) {
	ctx := r.Context()
	v := &blocksView{}
	b, has, err := queryParam(r, "before")
	if err != nil {
		return "", nil, err
	}
	if has {
		if v.Before, err = parseHeight(b, "?before"); err != nil {
			return "", nil, err
		}
	}
	if v.Blocks, err = s.store.LatestBlocks(ctx, pageRows, v.Before); err != nil {
		return "", nil, err
	}
	first, err := s.store.FirstHeight(ctx)
	if err != nil {
		return "", nil, err
	}
	if n := len(v.Blocks); n == pageRows && v.Blocks[n-1].Height > first {
		v.Older = v.Blocks[n-1].Height
	}
	return "Blocks", v, nil
}

type blockView struct {
	Block store.Block `json:"block"`
	Txs   []store.Tx  `json:"txs"`
	// Prev and Next are the neighbouring indexed heights (0 at either end of the index).
	Prev int64 `json:"prev,omitempty"`
	Next int64 `json:"next,omitempty"`
}

func (s *Server) block(r *http.Request) (string, any, error) {
	ctx := r.Context()
	h, err := parseHeight(r.PathValue("height"), "height")
	if err != nil {
		return "", nil, err
	}
	b, err := s.store.Block(ctx, h)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			first, _ := s.store.FirstHeight(ctx)
			last, _ := s.store.LastHeight(ctx)
			return "", nil, notFound("Block %d is not indexed; the index holds heights %d to %d.", h, first, last)
		}
		return "", nil, err
	}
	v := &blockView{Block: b}
	first, err := s.store.FirstHeight(ctx)
	if err != nil {
		return "", nil, err
	}
	last, err := s.store.LastHeight(ctx)
	if err != nil {
		return "", nil, err
	}
	if h > first {
		v.Prev = h - 1
	}
	if h < last {
		v.Next = h + 1
	}
	if v.Txs, err = s.store.BlockTxs(ctx, h); err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("Block %d", h), v, nil
}

type txView struct {
	Tx store.Tx `json:"tx"`
}

func (s *Server) tx(r *http.Request) (string, any, error) {
	hash, err := parseHash(r.PathValue("hash"))
	if err != nil {
		return "", nil, err
	}
	t, err := s.store.Tx(r.Context(), hash)
	if err != nil {
		return "", nil, storeError(err, "No indexed transaction has hash %s.", hash)
	}
	return "Tx " + hash, &txView{Tx: t}, nil
}

// ---- proposals ----

type tallyView struct {
	Yes        string `json:"yes"`
	No         string `json:"no"`
	Abstain    string `json:"abstain"`
	NoWithVeto string `json:"no_with_veto"`
}

type proposalRow struct {
	ID              uint64     `json:"id"`
	Title           string     `json:"title"`
	Summary         string     `json:"summary"`
	Status          string     `json:"status"`
	Proposer        string     `json:"proposer"`
	Messages        []string   `json:"messages"`
	Metadata        string     `json:"metadata,omitempty"`
	SubmitTime      time.Time  `json:"submit_time"`
	VotingStartTime time.Time  `json:"voting_start_time"`
	VotingEndTime   time.Time  `json:"voting_end_time"`
	TotalDeposit    string     `json:"total_deposit"`
	Tally           *tallyView `json:"final_tally,omitempty"`
	Expedited       bool       `json:"expedited"`
	FailedReason    string     `json:"failed_reason,omitempty"`
}

type proposalsView struct {
	NodeError string        `json:"node_error,omitempty"`
	Proposals []proposalRow `json:"proposals"`
	status    int
}

func (v *proposalsView) httpStatus() int { return v.status }

type proposalView struct {
	NodeError string       `json:"node_error,omitempty"`
	ID        uint64       `json:"id"`
	Proposal  *proposalRow `json:"proposal,omitempty"`
	status    int
}

func (v *proposalView) httpStatus() int { return v.status }

func (s *Server) proposals(r *http.Request) (string, any, error) {
	v := &proposalsView{Proposals: []proposalRow{}}
	if s.chain == nil {
		v.NodeError, v.status = "node unavailable: "+errNoNode.Error(), http.StatusBadGateway
		return "Proposals", v, nil
	}
	lctx, cancel := liveCtx(r.Context())
	defer cancel()
	ps, err := s.chain.Proposals(lctx, proposalRows)
	if err != nil {
		v.NodeError, v.status = sectionError(err, "proposals"), http.StatusBadGateway
		return "Proposals", v, nil
	}
	for _, p := range ps {
		if p != nil {
			v.Proposals = append(v.Proposals, toProposalRow(p))
		}
	}
	return "Proposals", v, nil
}

func (s *Server) proposal(r *http.Request) (string, any, error) {
	idStr := r.PathValue("id")
	id, ok := parseDigits(idStr, 1<<64-1)
	if !ok || id == 0 {
		return "", nil, badRequest("Bad proposal id %q: a proposal id is a whole number of at least 1.", idStr)
	}
	v := &proposalView{ID: id}
	title := fmt.Sprintf("Proposal %d", id)
	if s.chain == nil {
		v.NodeError, v.status = "node unavailable: "+errNoNode.Error(), http.StatusBadGateway
		return title, v, nil
	}
	lctx, cancel := liveCtx(r.Context())
	defer cancel()
	p, err := s.chain.Proposal(lctx, id)
	if err != nil {
		pageErr, un := liveError(err, fmt.Sprintf("proposal %d", id))
		if pageErr != nil {
			return "", nil, pageErr
		}
		v.NodeError, v.status = un, http.StatusBadGateway
		return title, v, nil
	}
	if p == nil {
		return "", nil, notFound("Proposal %d does not exist.", id)
	}
	row := toProposalRow(p)
	v.Proposal = &row
	return title, v, nil
}

// ---- offences ----

type offencesView struct {
	Offences []store.Offence `json:"offences"`
	Before   uint64          `json:"before,omitempty"`
	Older    uint64          `json:"older,omitempty"`
}

func (s *Server) offences(r *http.Request) (string, any, error) {
	v := &offencesView{}
	b, has, err := queryParam(r, "before")
	if err != nil {
		return "", nil, err
	}
	if has {
		id, ok := parseDigits(b, 1<<64-1)
		if !ok || id == 0 {
			return "", nil, badRequest("Bad ?before %q: it is an offence id, a whole number of at least 1.", b)
		}
		v.Before = id
	}
	if v.Offences, err = s.store.Offences(r.Context(), pageRows, v.Before); err != nil {
		return "", nil, err
	}
	if n := len(v.Offences); n == pageRows && v.Offences[n-1].ID > 1 {
		v.Older = v.Offences[n-1].ID
	}
	return "Offences", v, nil
}
