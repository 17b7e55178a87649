package federated

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/model"
)

// Roles of simulated miners.
const (
	RoleHonest    = "honest"     // trains on its shard, publishes private updates, merges peers
	RoleFreeRider = "free-rider" // holds no text, publishes nothing, merges peers
	RoleGarbage   = "garbage"    // publishes as many random grams as an update holds, merges peers
	RoleHeavy     = "heavy"      // publishes random grams at the clip count, merges peers
	RoleCopier    = "copier"     // re-signs honest miner 0's update each epoch, merges peers
	RoleNearCopy  = "near-copy"  // re-signs honest miner 2's update less its first entry, merges peers
	RoleReplayer  = "replayer"   // re-signs honest miner 1's first update each epoch, merges peers
)

// SimConfig configures Simulate.
type SimConfig struct {
	Order   int
	Epochs  int
	Honest  int // honest miners, each with a contiguous, disjoint shard of corpus.Train()'s paragraphs
	Seed    uint64
	Privacy Privacy
	// BudgetEpsilon and BudgetDelta are each miner's total budget; ignored when Privacy.Noiseless.
	BudgetEpsilon, BudgetDelta float64
	ShareWeight                float64
	// ReleaseEvery makes honest miners hold their deltas and publish every ReleaseEvery epochs
	// (and in the last), spending the per-release budget less often; 0 or 1 publishes every epoch.
	ReleaseEvery int
	ChainID      string
	Netuid       uint16
}

// DefaultSimConfig is issue 19's setting: order 5, 10 epochs, 4 honest miners, the default
// privacy per release and a budget of exactly 10 releases.
func DefaultSimConfig() SimConfig {
	p := DefaultPrivacy()
	return SimConfig{Order: 5, Epochs: 10, Honest: 4, Seed: 19, Privacy: p,
		BudgetEpsilon: 10 * p.Epsilon, BudgetDelta: 10 * p.Delta, ShareWeight: 0.5,
		ChainID: "taochain-sim", Netuid: 1}
}

// EpochReport is the held-out cross-entropy (nats per character) after one epoch.
type EpochReport struct {
	Epoch uint64
	// Alone[i], Merged[i]: honest miner i's model trained on its own text so far, and merged with
	// its peers' updates.
	Alone, Merged []float64
	// Central is one model trained on all honest miners' text so far.
	Central float64
	// Scores are the validator's scores of every miner, in Result.Miners order.
	Scores []MinerScore
}

// Result is Simulate's outcome.
type Result struct {
	Miners []string // hotkeys
	Roles  []string // role of each miner
	Epochs []EpochReport
	// TotalScore is each miner's score summed over epochs.
	TotalScore []float64
	// Budget is each honest miner's accountant after the last epoch.
	Budget []string
	// UpdateBytes is the largest encoded honest update.
	UpdateBytes int
}

// Shards splits corpus.Train()'s paragraphs into n contiguous, disjoint groups (so miners hold
// different topics), each joined by newlines.
func Shards(n int) []string {
	var train []string
	for i, p := range corpus.Paragraphs() {
		if !corpus.IsHeldOut(i) {
			train = append(train, p)
		}
	}
	out := make([]string, n)
	for s := range n {
		out[s] = strings.Join(train[s*len(train)/n:(s+1)*len(train)/n], "\n")
	}
	return out
}

// eventsBetween counts the events of runes[lo:hi], with histories running back before lo: the
// text a miner received this epoch, continuing what it had.
func eventsBetween(runes []rune, lo, hi, order int) model.Counts {
	out := model.Counts{}
	for i := lo; i < hi; i++ {
		out[string(runes[max(i-(order-1), 0):i+1])]++
	}
	return out
}

type simMiner struct {
	role    string
	key     *secp256k1.PrivKey
	hotkey  string
	runes   []rune
	own     model.Counts
	peers   map[string]model.Counts
	acct    *Accountant
	noise   *rand.Rand
	first   *Update // its first published update (the replayer re-signs honest 1's)
	current *Update
	pending model.Counts // events not yet published
}

// Simulate runs cfg.Honest honest miners, one free-rider, two garbage publishers (many light grams,
// few heavy ones), one copier, one near-copier and one replayer over cfg.Epochs epochs. Each honest miner receives its shard in cfg.Epochs equal parts,
// one per epoch; every epoch each publishing miner commits and publishes an update, everyone
// verifies the updates (Accept) and merges the accepted ones weighted by their publishers'
// incentive for sharing, which stands for the chain's smoothed incentive: the validator's gain
// shares summed over the epochs so far (zero before the first scores). Weighing by sharing alone
// matters: a peer that serves a good model but publishes garbage must not be trusted for its
// model's sake, and a random gram adds continuation counts to the short contexts of whoever
// merges it however small its weighted count, so a garbage publisher with even a small weight
// degrades its peers' models, and a validator scores all
// miners. Everything is deterministic for a given cfg.Seed.
func Simulate(cfg SimConfig) (Result, error) {
	if cfg.Honest < 2 || cfg.Epochs < 1 || cfg.ReleaseEvery < 0 {
		return Result{}, fmt.Errorf("federated: need at least 2 honest miners, 1 epoch and a release period ≥ 0, got %d, %d and %d",
			cfg.Honest, cfg.Epochs, cfg.ReleaseEvery)
	}
	if err := cfg.Privacy.Validate(); err != nil {
		return Result{}, err
	}
	lim := LimitsOf(cfg.Privacy, cfg.Order)
	shards := Shards(cfg.Honest)
	roles := make([]string, 0, cfg.Honest+4)
	for range cfg.Honest {
		roles = append(roles, RoleHonest)
	}
	roles = append(roles, RoleFreeRider, RoleGarbage, RoleHeavy, RoleCopier, RoleNearCopy, RoleReplayer)
	miners := make([]*simMiner, len(roles))
	res := Result{Roles: roles, TotalScore: make([]float64, len(roles))}
	for i, role := range roles {
		key := secp256k1.GenPrivKeyFromSecret(fmt.Appendf(nil, "federated-sim/%d/%d", cfg.Seed, i))
		m := &simMiner{role: role, key: key, hotkey: auth.Address(key.PubKey().(*secp256k1.PubKey)),
			own: model.Counts{}, peers: map[string]model.Counts{}, noise: NewSeededNoise(cfg.Seed*1000 + uint64(i))}
		if role == RoleHonest {
			m.runes = []rune(shards[i])
			if !cfg.Privacy.Noiseless {
				acct, err := NewAccountant(cfg.BudgetEpsilon, cfg.BudgetDelta)
				if err != nil {
					return Result{}, err
				}
				m.acct = acct
			}
		}
		miners[i] = m
		res.Miners = append(res.Miners, m.hotkey)
	}
	heldOut := corpus.HeldOut()
	val := NewValidator(cfg.ChainID, cfg.Netuid, cfg.Order, lim, heldOut, cfg.ShareWeight)
	minersSeen := map[[32]byte]uint64{}
	// Nobody has incentive before the validator's first scores, so nothing is merged in the first
	// epoch (updates are kept and weighed from the second on): a new subnet cannot tell a garbage
	// publisher from an honest one before any update has been scored.
	incentive := make([]float64, len(miners))
	garbageRNG := rand.New(rand.NewPCG(cfg.Seed, 0x9a4ba9e))
	central := model.Counts{}

	for e := 1; e <= cfg.Epochs; e++ {
		epoch := uint64(e)
		subs := make([]Submission, len(miners))
		height := uint64(e) * 100
		publish := func(i int, entries []Entry) error {
			m := miners[i]
			u := Update{ChainID: cfg.ChainID, Netuid: cfg.Netuid, Epoch: epoch, Hotkey: m.hotkey, Order: uint8(cfg.Order), Entries: entries}
			s, err := Sign(u, m.key)
			if err != nil {
				return err
			}
			height++
			c := CommitmentOf(u, height)
			subs[i].Commitment, subs[i].Update = &c, &s
			m.current = &u
			if m.first == nil {
				m.first = &u
			}
			return nil
		}
		for i, m := range miners {
			subs[i].Hotkey = m.hotkey
		}
		// Publishers commit in a rotating order, as no miner is always first on a real chain: the
		// earlier of two overlapping updates earns more (Validator.Score).
		for k := range miners {
			i := (k + e) % len(miners)
			m := miners[i]
			switch m.role {
			case RoleHonest:
				lo, hi := len(m.runes)*(e-1)/cfg.Epochs, len(m.runes)*e/cfg.Epochs
				delta := eventsBetween(m.runes, lo, hi, cfg.Order)
				m.own.Add(delta)
				central.Add(delta)
				if m.pending == nil {
					m.pending = model.Counts{}
				}
				m.pending.Add(delta)
				if every := max(cfg.ReleaseEvery, 1); e%every != 0 && e != cfg.Epochs {
					continue
				}
				delta, m.pending = m.pending, nil
				if m.acct != nil {
					if err := m.acct.Spend(cfg.Privacy); err != nil {
						if errors.Is(err, ErrBudgetExhausted) {
							continue // publishes nothing more; keeps serving its model
						}
						return Result{}, err
					}
				}
				entries, err := Privatize(delta, cfg.Order, cfg.Privacy, m.noise)
				if err != nil {
					return Result{}, err
				}
				if err := publish(i, entries); err != nil {
					return Result{}, err
				}
			case RoleGarbage:
				if err := publish(i, garbageEntries(garbageRNG, cfg.Order, cfg.Privacy, 1)); err != nil {
					return Result{}, err
				}
			case RoleHeavy:
				if err := publish(i, garbageEntries(garbageRNG, cfg.Order, cfg.Privacy, cfg.Privacy.Clip)); err != nil {
					return Result{}, err
				}
			}
		}
		// The copier and the replayer act after the honest miners have published.
		for i, m := range miners {
			var src *Update
			switch m.role {
			case RoleCopier:
				src = miners[0].current
			case RoleNearCopy:
				if u := miners[2].current; u != nil && len(u.Entries) > 1 {
					src = &Update{Entries: u.Entries[1:]}
				}
			case RoleReplayer:
				src = miners[1].first
				if src == miners[1].current {
					src = nil // nothing older to replay yet
				}
			}
			if src != nil {
				if err := publish(i, append([]Entry(nil), src.Entries...)); err != nil {
					return Result{}, err
				}
			}
		}

		accepted, _ := Accept(epoch, cfg.ChainID, cfg.Netuid, cfg.Order, lim, subs, minersSeen)
		for i, m := range miners {
			var peers []Peer
			for j, p := range miners {
				if j == i {
					continue
				}
				if u, ok := accepted[p.hotkey]; ok {
					acc := m.peers[p.hotkey]
					if acc == nil {
						acc = model.Counts{}
						m.peers[p.hotkey] = acc
					}
					acc.Add(u.Counts())
				}
				if acc := m.peers[p.hotkey]; acc != nil {
					peers = append(peers, Peer{Hotkey: p.hotkey, Counts: acc, Incentive: incentive[j]})
				}
			}
			subs[i].Served = model.FromCounts(cfg.Order, Merge(m.own, peers))
		}

		rep := EpochReport{Epoch: epoch, Central: CrossEntropy(model.FromCounts(cfg.Order, central), heldOut)}
		for i, m := range miners {
			if m.role == RoleHonest {
				rep.Alone = append(rep.Alone, CrossEntropy(model.FromCounts(cfg.Order, m.own), heldOut))
				rep.Merged = append(rep.Merged, CrossEntropy(subs[i].Served, heldOut))
			}
		}
		rep.Scores = val.Score(epoch, subs)
		for i, s := range rep.Scores {
			res.TotalScore[i] += s.Score
			incentive[i] += s.GainShare
		}
		res.Epochs = append(res.Epochs, rep)
		for i, m := range miners {
			if m.role == RoleHonest && subs[i].Update != nil {
				res.UpdateBytes = max(res.UpdateBytes, len(subs[i].Update.Bytes))
			}
		}
	}
	for _, m := range miners {
		if m.acct != nil {
			res.Budget = append(res.Budget, m.acct.String())
		}
	}
	return res, nil
}

// garbageEntries are random grams of order characters drawn from printable ASCII, each counted
// count times, as many as MaxEntries and MaxTotal allow: with count 1 the most distinct grams one
// valid update can inject, with count Clip the most weight on each.
func garbageEntries(rng *rand.Rand, order int, p Privacy, count uint64) []Entry {
	seen := map[string]bool{}
	n := min(p.MaxEntries, int(p.MaxTotal/count))
	out := make([]Entry, 0, n)
	for len(out) < n {
		b := make([]byte, order)
		for i := range b {
			b[i] = byte(' ' + rng.IntN(95))
		}
		if seen[string(b)] {
			continue
		}
		seen[string(b)] = true
		out = append(out, Entry{Gram: string(b), Count: count})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Gram < out[j].Gram })
	return out
}

// Rank returns miner indices by descending total score (ties by hotkey).
func (r Result) Rank() []int {
	idx := make([]int, len(r.Miners))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if r.TotalScore[idx[a]] != r.TotalScore[idx[b]] {
			return r.TotalScore[idx[a]] > r.TotalScore[idx[b]]
		}
		return r.Miners[idx[a]] < r.Miners[idx[b]]
	})
	return idx
}
