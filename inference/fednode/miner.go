package fednode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/model"
)

// Defaults for Config.
const (
	DefaultMaxParallelFetches = 4
	DefaultKeepEpochs         = 8
)

// Config configures a Miner.
type Config struct {
	ChainID string
	Netuid  uint16
	// Order is the n-gram order of the served model and of every update (1..model.MaxOrder).
	Order int
	// Key is the miner's hotkey; updates are signed with it. Required.
	Key *secp256k1.PrivKey
	// Privacy is the mechanism of each release. Privacy.Noiseless (tests and measurements only)
	// releases exact clipped counts and spends no budget.
	Privacy federated.Privacy
	// BudgetEpsilon and BudgetDelta are the total budget of this home's text across all releases.
	BudgetEpsilon, BudgetDelta float64
	// StatePath is the privacy ledger (a JSON file, see StateFile). Required: without it a
	// restart would reset the budget.
	StatePath string
	// Limits bound the peers' updates fetched; zero means federated.LimitsOf(Privacy, Order).
	Limits federated.Limits
	// Noise is the noise source; nil means federated.NewNoise() (seeded by the OS).
	Noise *rand.Rand
	// HTTPClient fetches peers' updates; nil means http.DefaultClient (each fetch is bounded by
	// FetchTimeout).
	HTTPClient *http.Client
	// MaxParallelFetches bounds concurrent fetches; 0 means DefaultMaxParallelFetches.
	MaxParallelFetches int
	// KeepEpochs is how many of its latest updates the miner keeps serving; 0 means
	// DefaultKeepEpochs.
	KeepEpochs int
	// HeldOut, when set, is public text the miner never trains on (e.g. corpus.HeldOut()): after
	// every rebuild the miner logs and exports the held-out cross-entropy of its own model alone
	// and of the merged model it serves, so an operator sees what sharing buys.
	HeldOut string
	// NoPublish makes the miner a consumer only: it merges its peers' updates but never publishes
	// or commits one of its own, so its text spends no privacy budget and it earns no sharing
	// score (a validator scores what a miner shares, not what it takes). Publish refuses.
	NoPublish bool
	// Registerer receives the privacy gauges and merge counters; nil registers nothing.
	Registerer prometheus.Registerer
	// Logger receives a line per refused peer update and per epoch; nil discards.
	Logger *slog.Logger
}

// PeerInfo is what the chain says about one peer's latest update: where its axon is, the
// commitment and the incentive its merge weight comes from (federated.Weights).
type PeerInfo struct {
	Hotkey     string
	AxonURL    string
	Commitment federated.Commitment
	// Previous is the commitment Commitment replaced, when the same hotkey made it for the epoch
	// just before; nil otherwise.
	Previous  *federated.Commitment
	Incentive float64
}

// Status is a miner's federated state for display.
type Status struct {
	// Epoch is the last epoch an update was published for (0: none yet).
	Epoch uint64
	// EpsilonSpent, DeltaSpent, EpsilonRemaining and DeltaRemaining are the accountant's, across
	// restarts; Releases counts the releases recorded.
	EpsilonSpent, EpsilonRemaining, DeltaSpent, DeltaRemaining float64
	Releases                                                   int
	// Budget is the accountant's summary line.
	Budget string
	// LastUpdateBytes and LastUpdateEntries describe the last update published.
	LastUpdateBytes, LastUpdateEntries int
	// CarriedEntries counts the privatized entries of updates that were not committed, waiting to
	// go into the next update (in memory only: a restart loses them).
	CarriedEntries int
	// PeersMerged and PeersRefused count peer updates merged and refused since start; Peers is the
	// number of peers whose counts the served model holds.
	PeersMerged, PeersRefused, Peers int
}

// MergeReport says what one MergePeers did.
type MergeReport struct {
	// Merged lists the hotkeys whose new update was merged, once per update: twice when a peer's
	// previous update was merged with its latest.
	Merged []string
	// Refused maps a hotkey to why its new update was not merged.
	Refused map[string]error
}

// Miner is one miner's federated state: its private counts, the privacy ledger, the updates it
// serves and the merged model it answers with. It is safe for concurrent use.
type Miner struct {
	cfg    Config
	hotkey string
	lim    federated.Limits
	served served

	mu        sync.Mutex
	own       model.Counts // every event of the miner's text
	tail      []rune       // the text's last Order−1 characters: the next text's first histories
	published model.Counts // own as of the last release: the next update is own − published
	acct      *federated.Accountant
	ledger    ledger
	lastEpoch uint64
	updates   map[uint64][]byte // epoch → wire body served
	lastBytes int
	lastCount int
	// unsettled maps the epoch of each published update whose commitment is neither confirmed nor
	// given up to its entries; carry holds released entries that are in no committed update and
	// no update awaiting its commitment, for the next Publish (see carryOver).
	unsettled map[uint64][]federated.Entry
	carry     []federated.Entry
	peers     map[string]model.Counts // hotkey → sum of its verified updates
	incentive map[string]float64
	fetched   map[string]uint64   // hotkey → latest epoch attempted
	seen      map[[32]byte]uint64 // content hash → epoch first seen (federated.Accept)
	merged    int
	refused   int

	loop loop // Step's state

	rebuild sync.Mutex // serializes model rebuilds, so an older model is never swapped in last

	gauges *gauges
}

// NewMiner checks cfg, loads the privacy ledger (replaying it into the accountant) and returns a
// miner serving an empty model until AddText.
func NewMiner(cfg Config) (*Miner, error) {
	if cfg.Key == nil {
		return nil, errors.New("fednode: Config.Key (the hotkey) is required")
	}
	if cfg.Order < 1 || cfg.Order > model.MaxOrder {
		return nil, fmt.Errorf("fednode: order %d outside [1, %d]", cfg.Order, model.MaxOrder)
	}
	if cfg.StatePath == "" {
		return nil, errors.New("fednode: Config.StatePath (the privacy ledger) is required")
	}
	if err := cfg.Privacy.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxParallelFetches < 0 || cfg.KeepEpochs < 0 {
		return nil, errors.New("fednode: MaxParallelFetches and KeepEpochs must not be negative")
	}
	if cfg.MaxParallelFetches == 0 {
		cfg.MaxParallelFetches = DefaultMaxParallelFetches
	}
	if cfg.KeepEpochs == 0 {
		cfg.KeepEpochs = DefaultKeepEpochs
	}
	if cfg.Limits == (federated.Limits{}) {
		cfg.Limits = federated.LimitsOf(cfg.Privacy, cfg.Order)
	}
	if cfg.Noise == nil {
		cfg.Noise = federated.NewNoise()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	l, acct, err := loadLedger(cfg.StatePath, cfg.BudgetEpsilon, cfg.BudgetDelta)
	if err != nil {
		return nil, err
	}
	m := &Miner{
		cfg: cfg, hotkey: auth.Address(cfg.Key.PubKey().(*secp256k1.PubKey)), lim: cfg.Limits,
		own: model.Counts{}, published: model.Counts{}, acct: acct, ledger: l,
		updates: map[uint64][]byte{}, unsettled: map[uint64][]federated.Entry{}, peers: map[string]model.Counts{}, incentive: map[string]float64{},
		fetched: map[string]uint64{}, seen: map[[32]byte]uint64{},
	}
	// After a restart in the middle of an epoch the miner waits for the next one rather than
	// spending again on an epoch it has already released.
	for _, r := range l.Releases {
		if r.Netuid == cfg.Netuid && r.Hotkey == m.hotkey {
			m.lastEpoch = max(m.lastEpoch, r.Epoch)
		}
	}
	m.served.Store(model.FromCounts(cfg.Order, m.own))
	if cfg.Registerer != nil {
		g, err := newGauges(cfg.Registerer)
		if err != nil {
			return nil, err
		}
		m.gauges = g
	}
	m.observe()
	return m, nil
}

// Hotkey returns the miner's hotkey address.
func (m *Miner) Hotkey() string { return m.hotkey }

// Model returns the model to serve at the axon. It always answers with the latest merged model;
// swapping in a new one never races with a request being answered.
func (m *Miner) Model() model.Model { return &m.served }

// Current returns the n-gram model served now.
func (m *Miner) Current() *model.NGram { return m.served.Load() }

// AddText counts the events of text as the continuation of the text added before (its first
// characters have the previous text's last characters as history) and serves the updated model.
// The text itself is not kept, and no part of it leaves the miner but through Publish's private
// releases.
func (m *Miner) AddText(text string) {
	m.mu.Lock()
	runes := append(append([]rune(nil), m.tail...), []rune(text)...)
	for i := len(m.tail); i < len(runes); i++ {
		m.own[string(runes[max(i-(m.cfg.Order-1), 0):i+1])]++
	}
	m.tail = runes[max(len(runes)-(m.cfg.Order-1), 0):]
	m.mu.Unlock()
	m.rebuildModel()
}

// ErrNoPublish is Publish's answer on a miner configured with Config.NoPublish.
var ErrNoPublish = errors.New("fednode: this miner publishes no updates (NoPublish)")

// Publish releases the epoch's update: the counts of the events seen since the last release,
// privatized (federated.Privatize) after the accountant has recorded the release in the ledger,
// merged with the entries carried over from updates that were not committed (see carryOver),
// signed with the hotkey and kept for serving. It returns the commitment (Height 0) to commit on
// chain. Carried entries were released before: publishing them again is post-processing and is
// not charged. When the budget would be exceeded it releases no new counts (the events stay
// unpublished): with entries carried over it publishes those alone, uncharged; without, it
// publishes nothing and returns an error wrapping federated.ErrBudgetExhausted. An epoch not after
// the last published one (also across restarts, from the ledger) is refused, and so is every epoch
// with Config.NoPublish (ErrNoPublish).
func (m *Miner) Publish(epoch uint64) (federated.Commitment, error) {
	if m.cfg.NoPublish {
		return federated.Commitment{}, ErrNoPublish
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if epoch <= m.lastEpoch {
		return federated.Commitment{}, fmt.Errorf("fednode: epoch %d: already published for epoch %d", epoch, m.lastEpoch)
	}
	p := m.cfg.Privacy
	release := true // whether this update releases the new counts (and, unless noiseless, is charged)
	if !p.Noiseless {
		if err := m.acct.Spend(p); err != nil {
			if !errors.Is(err, federated.ErrBudgetExhausted) || len(m.carry) == 0 {
				return federated.Commitment{}, fmt.Errorf("fednode: epoch %d: publishing nothing: %w", epoch, err)
			}
			// Nothing new can be released, but what was released before and never committed can
			// still reach the peers: the accountant charges releases of the text, not copies of
			// their output.
			release = false
			m.cfg.Logger.Warn("privacy budget exhausted: publishing only the entries carried over, uncharged",
				"epoch", epoch, "carried", len(m.carry), "error", err)
		}
	}
	if release && !p.Noiseless {
		// The release is on disk before any of it is computed: a crash cannot leave a release the
		// ledger does not know.
		next := m.ledger
		next.BudgetEpsilon, next.BudgetDelta = m.cfg.BudgetEpsilon, m.cfg.BudgetDelta
		next.Releases = append(append([]Release(nil), m.ledger.Releases...),
			Release{Epoch: epoch, Netuid: m.cfg.Netuid, Hotkey: m.hotkey, Epsilon: p.Epsilon, Delta: p.Delta})
		if err := next.save(m.cfg.StatePath); err != nil {
			// The accountant stays charged: refusing budget that was not used is the safe error.
			return federated.Commitment{}, fmt.Errorf("fednode: epoch %d: publishing nothing: %w", epoch, err)
		}
		m.ledger = next
	}
	var fresh []federated.Entry
	if release {
		delta := model.Counts{}
		for k, v := range m.own {
			if prev := m.published[k]; v > prev {
				delta[k] = v - prev
			}
		}
		var err error
		if fresh, err = federated.Privatize(delta, m.cfg.Order, p, m.cfg.Noise); err != nil {
			return federated.Commitment{}, err
		}
	}
	entries, left := withCarry(fresh, m.carry, p)
	u := federated.Update{ChainID: m.cfg.ChainID, Netuid: m.cfg.Netuid, Epoch: epoch, Hotkey: m.hotkey,
		Order: uint8(m.cfg.Order), Entries: entries}
	s, err := federated.Sign(u, m.cfg.Key)
	if err != nil {
		return federated.Commitment{}, err
	}
	body, err := EncodeWire(s)
	if err != nil {
		return federated.Commitment{}, err
	}
	if release {
		m.published = make(model.Counts, len(m.own))
		m.published.Add(m.own)
	}
	carried := len(m.carry)
	m.carry = left
	m.lastEpoch = epoch
	m.updates[epoch] = body
	m.unsettled[epoch] = entries
	for e := range m.updates {
		if e+uint64(m.cfg.KeepEpochs) <= epoch {
			delete(m.updates, e)
		}
	}
	for e := range m.unsettled {
		if e+uint64(m.cfg.KeepEpochs) <= epoch {
			delete(m.unsettled, e)
		}
	}
	m.lastBytes, m.lastCount = len(s.Bytes), len(entries)
	if len(entries) > 0 {
		// A peer re-publishing these counts is then a copy or a replay to this miner too.
		if _, ok := m.seen[u.ContentHash()]; !ok {
			m.seen[u.ContentHash()] = epoch
		}
	}
	m.observeLocked()
	m.cfg.Logger.Info("federated update published", "epoch", epoch, "bytes", len(s.Bytes), "entries", len(entries),
		"fresh", len(fresh), "carried", carried, "carried_left", len(left), "privacy", m.acct.String())
	return federated.CommitmentOf(u, 0), nil
}

// withCarry returns the entries of an update made of fresh (privatized now) and carry (released
// before in an update that was not committed), and what is left of carry for the update after.
// Counts of the same gram add up; each gram's count is capped at p.Clip and, when the grams exceed
// p.MaxEntries or their counts p.MaxTotal, the largest counts are kept (ties by gram), as
// Privatize keeps them, so the update stays within federated.LimitsOf(p, order). What the caps cut
// (the excess of a count over the clip, whole grams left out) is not dropped but carried on: the
// values are released already, so holding them back costs nothing, and they go out once an update
// has room. Both results are sorted by gram.
func withCarry(fresh, carry []federated.Entry, p federated.Privacy) (entries, left []federated.Entry) {
	if len(carry) == 0 {
		return fresh, nil
	}
	sum := make(map[string]uint64, len(fresh)+len(carry))
	for _, e := range fresh {
		sum[e.Gram] += e.Count
	}
	for _, e := range carry {
		sum[e.Gram] += e.Count
	}
	all := make([]federated.Entry, 0, len(sum))
	for g, c := range sum {
		all = append(all, federated.Entry{Gram: g, Count: c})
	}
	// Largest capped count first, ties by gram: deterministic, whatever the map's order.
	sort.Slice(all, func(i, j int) bool {
		ci, cj := min(all[i].Count, p.Clip), min(all[j].Count, p.Clip)
		if ci != cj {
			return ci > cj
		}
		return all[i].Gram < all[j].Gram
	})
	var total uint64
	full := false
	for _, e := range all {
		take := min(e.Count, p.Clip)
		if full || len(entries) == p.MaxEntries || total+take > p.MaxTotal {
			full = true
			left = append(left, e)
			continue
		}
		total += take
		entries = append(entries, federated.Entry{Gram: e.Gram, Count: take})
		if e.Count > take {
			left = append(left, federated.Entry{Gram: e.Gram, Count: e.Count - take})
		}
	}
	return federated.SortEntries(entries), federated.SortEntries(left)
}

// carryOver takes the update published for epoch as not committed: its entries go into the next
// update Publish makes (merged with its fresh counts by withCarry), why says what happened. It
// reports how many entries were carried; an update already settled (or pruned) carries nothing.
func (m *Miner) carryOver(epoch uint64, why string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	entries, ok := m.unsettled[epoch]
	if !ok {
		return 0
	}
	delete(m.unsettled, epoch)
	m.carry = federated.SortEntries(append(append([]federated.Entry(nil), m.carry...), entries...))
	m.observeLocked()
	m.cfg.Logger.Warn("federated update not committed; its entries go into the next one", "epoch", epoch,
		"entries", len(entries), "carried", len(m.carry), "reason", why)
	return len(entries)
}

// settled records that the update published for epoch was committed: its entries, carried ones
// included, have reached the chain and are not carried again.
func (m *Miner) settled(epoch uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.unsettled, epoch)
}

// FederatedUpdate returns the wire body (EncodeWire) of the update published for epoch, if the
// miner still holds it; it is what the axon serves (axon.UpdateSource).
func (m *Miner) FederatedUpdate(epoch uint64) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	body, ok := m.updates[epoch]
	return body, ok
}

// MergePeers fetches every peer's update not fetched yet (a commitment for a later epoch than
// the last one fetched from that peer, the previous one included when this miner did not merge
// between the peer's two commitments), at most MaxParallelFetches at once, verifies it and drops
// copies and replays (federated.Accept, epoch by epoch in commitment-height order), adds the
// accepted counts to the peer's, records every peer's incentive, and serves
// model.FromCounts(Order, federated.Merge(own, peers)). A failed fetch is logged with its reason
// and not retried. Its own hotkey and commitments for another chain or subnet are skipped.
func (m *Miner) MergePeers(ctx context.Context, peers []PeerInfo) MergeReport {
	rep := MergeReport{Refused: map[string]error{}}
	m.mu.Lock()
	type want struct {
		hotkey string
		job    fetchJob
	}
	var todo []want
	changed := false
	for _, p := range peers {
		if p.Hotkey == m.hotkey {
			continue
		}
		if m.incentive[p.Hotkey] != p.Incentive {
			m.incentive[p.Hotkey], changed = p.Incentive, true
		}
		// The peer's previous update is still served (KeepEpochs) and its commitment kept by the
		// chain: a miner that did not poll between the two commitments fetches both, oldest first.
		cs := []federated.Commitment{p.Commitment}
		if p.Previous != nil {
			cs = []federated.Commitment{*p.Previous, p.Commitment}
		}
		for _, c := range cs {
			if c.Epoch <= m.fetched[p.Hotkey] {
				continue
			}
			m.fetched[p.Hotkey] = c.Epoch
			if c.ChainID != m.cfg.ChainID || c.Netuid != m.cfg.Netuid || c.Hotkey != p.Hotkey {
				rep.Refused[p.Hotkey] = fmt.Errorf("%w: commitment for (%s, subnet %d, %s), this miner is on (%s, subnet %d)",
					federated.ErrWrongEpoch, c.ChainID, c.Netuid, c.Hotkey, m.cfg.ChainID, m.cfg.Netuid)
				continue
			}
			todo = append(todo, want{hotkey: p.Hotkey, job: fetchJob{url: p.AxonURL, c: c}})
		}
	}
	m.mu.Unlock()

	jobs := make([]fetchJob, len(todo))
	for i, w := range todo {
		jobs[i] = w.job
	}
	results := fetchAll(ctx, m.cfg.HTTPClient, m.lim, jobs, m.cfg.MaxParallelFetches, 0)

	byEpoch := map[uint64][]federated.Submission{}
	for i, w := range todo {
		if results[i].err != nil {
			rep.Refused[w.hotkey] = results[i].err
			continue
		}
		c, s := w.job.c, results[i].signed
		byEpoch[c.Epoch] = append(byEpoch[c.Epoch], federated.Submission{Hotkey: w.hotkey, Commitment: &c, Update: &s})
	}
	epochs := make([]uint64, 0, len(byEpoch))
	for e := range byEpoch {
		epochs = append(epochs, e)
	}
	sort.Slice(epochs, func(i, j int) bool { return epochs[i] < epochs[j] })

	m.mu.Lock()
	for _, e := range epochs {
		accepted, rejected := federated.Accept(e, m.cfg.ChainID, m.cfg.Netuid, m.cfg.Order, m.lim, byEpoch[e], m.seen)
		for hk, err := range rejected {
			rep.Refused[hk] = err
		}
		for hk, u := range accepted {
			acc := m.peers[hk]
			if acc == nil {
				acc = model.Counts{}
				m.peers[hk] = acc
			}
			acc.Add(u.Counts())
			rep.Merged = append(rep.Merged, hk)
			changed = true
		}
	}
	sort.Strings(rep.Merged)
	m.merged += len(rep.Merged)
	m.refused += len(rep.Refused)
	m.observeLocked()
	m.mu.Unlock()

	hotkeys := make([]string, 0, len(rep.Refused))
	for hk := range rep.Refused {
		hotkeys = append(hotkeys, hk)
	}
	sort.Strings(hotkeys)
	for _, hk := range hotkeys {
		m.cfg.Logger.Warn("peer update refused", "peer", hk, "error", rep.Refused[hk])
	}
	if m.gauges != nil {
		m.gauges.merged.Add(float64(len(rep.Merged)))
		m.gauges.refused.Add(float64(len(rep.Refused)))
	}
	if changed {
		m.rebuildModel()
	}
	return rep
}

// rebuildModel serves FromCounts of the miner's counts merged with its peers'.
func (m *Miner) rebuildModel() {
	m.rebuild.Lock()
	defer m.rebuild.Unlock()
	m.mu.Lock()
	own := make(model.Counts, len(m.own))
	own.Add(m.own)
	peers := make([]federated.Peer, 0, len(m.peers))
	for hk, c := range m.peers {
		// Peer counts are only ever added to under mu, so a copy is needed for building outside it.
		cc := make(model.Counts, len(c))
		cc.Add(c)
		peers = append(peers, federated.Peer{Hotkey: hk, Counts: cc, Incentive: m.incentive[hk]})
	}
	m.mu.Unlock()
	merged := model.FromCounts(m.cfg.Order, federated.Merge(own, peers))
	m.served.Store(merged)
	if m.cfg.HeldOut == "" {
		return
	}
	alone := federated.CrossEntropy(model.FromCounts(m.cfg.Order, own), m.cfg.HeldOut)
	withPeers := federated.CrossEntropy(merged, m.cfg.HeldOut)
	m.cfg.Logger.Info("federated model rebuilt", "peers", len(peers), "heldout_xent_alone", alone,
		"heldout_xent_merged", withPeers, "merged_over_alone", withPeers/alone)
	if m.gauges != nil {
		m.gauges.xentAlone.Set(alone)
		m.gauges.xentMerged.Set(withPeers)
	}
}

// Status reports the miner's federated state.
func (m *Miner) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statusLocked()
}

func (m *Miner) statusLocked() Status {
	se, sd := m.acct.Spent()
	re, rd := m.acct.Remaining()
	return Status{Epoch: m.lastEpoch, EpsilonSpent: se, DeltaSpent: sd, EpsilonRemaining: re, DeltaRemaining: rd,
		Releases: m.acct.Releases(), Budget: m.acct.String(), LastUpdateBytes: m.lastBytes, LastUpdateEntries: m.lastCount,
		CarriedEntries: len(m.carry), PeersMerged: m.merged, PeersRefused: m.refused, Peers: len(m.peers)}
}

func (m *Miner) observe() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.observeLocked()
}

func (m *Miner) observeLocked() {
	if m.gauges == nil {
		return
	}
	s := m.statusLocked()
	m.gauges.epsilonSpent.Set(s.EpsilonSpent)
	m.gauges.epsilonRemaining.Set(s.EpsilonRemaining)
	m.gauges.deltaSpent.Set(s.DeltaSpent)
	m.gauges.deltaRemaining.Set(s.DeltaRemaining)
	m.gauges.releases.Set(float64(s.Releases))
	m.gauges.carried.Set(float64(s.CarriedEntries))
}

// gauges are the miner's metrics.
type gauges struct {
	epsilonSpent, epsilonRemaining, deltaSpent, deltaRemaining, releases prometheus.Gauge
	merged, refused                                                      prometheus.Counter
	xentAlone, xentMerged                                                prometheus.Gauge
	carried                                                              prometheus.Gauge
}

func newGauges(reg prometheus.Registerer) (*gauges, error) {
	gauge := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "taoworker", Subsystem: "privacy", Name: name, Help: help})
	}
	g := &gauges{
		epsilonSpent:     gauge("epsilon_spent", "Privacy budget ε spent by this home's federated releases, across restarts."),
		epsilonRemaining: gauge("epsilon_remaining", "Privacy budget ε left for federated releases."),
		deltaSpent:       gauge("delta_spent", "Privacy budget δ spent by this home's federated releases, across restarts."),
		deltaRemaining:   gauge("delta_remaining", "Privacy budget δ left for federated releases."),
		releases:         gauge("releases", "Federated releases recorded in the privacy ledger."),
		merged: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "taoworker", Subsystem: "federated",
			Name: "peer_updates_merged_total", Help: "Peer model updates fetched, verified and merged."}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "taoworker", Subsystem: "federated",
			Name: "peer_updates_refused_total", Help: "Peer model updates refused (fetch, verification, copy or replay)."}),
		xentAlone: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "taoworker", Subsystem: "federated",
			Name: "heldout_cross_entropy_alone", Help: "Held-out cross-entropy (nats per character) of the miner's own model (Config.HeldOut)."}),
		xentMerged: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "taoworker", Subsystem: "federated",
			Name: "heldout_cross_entropy_merged", Help: "Held-out cross-entropy (nats per character) of the merged model the miner serves."}),
		carried: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "taoworker", Subsystem: "federated",
			Name: "carried_entries", Help: "Privatized entries of federated updates that were not committed, waiting to go into the next update."}),
	}
	for _, c := range []prometheus.Collector{g.epsilonSpent, g.epsilonRemaining, g.deltaSpent, g.deltaRemaining, g.releases,
		g.merged, g.refused, g.xentAlone, g.xentMerged, g.carried} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("fednode: registering metrics: %w", err)
		}
	}
	return g, nil
}

// served is a model.Model answering with the latest n-gram model stored in it.
type served struct{ p atomic.Pointer[model.NGram] }

var _ model.Model = (*served)(nil)

func (s *served) Store(m *model.NGram) { s.p.Store(m) }

func (s *served) Load() *model.NGram { return s.p.Load() }

func (s *served) Name() string { return s.Load().Name() }

func (s *served) Score(ctx context.Context, prompt, continuation string) (float64, error) {
	return s.Load().Score(ctx, prompt, continuation)
}

func (s *served) Generate(ctx context.Context, prompt string, maxChars int) (string, error) {
	return s.Load().Generate(ctx, prompt, maxChars)
}
