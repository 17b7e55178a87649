package federated

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"unicode/utf8"

	"github.com/taochain/taochain/inference/model"
)

// ErrMissing marks a miner that published no update for the epoch.
var ErrMissing = errors.New("federated: no update published")

// AlphabetSize is the number of characters the unknown-character mass of a model is shared
// among when scoring. model.NGram gives its unknown symbol the probability of one character, so a
// model that has seen few characters would score every unseen one as if it were the only
// possibility (an empty model scores every text at probability one); CrossEntropy divides the
// unknown mass by AlphabetSize − |alphabet| (at least 1) so models with different alphabets are
// compared on the same footing.
const AlphabetSize = 256

// CrossEntropy is the mean negative log-likelihood of text under m, in nats per character (the
// whole text scored as one continuation of an empty prompt), with the unknown-character mass shared
// as AlphabetSize says. It is 0 for an empty text.
func CrossEntropy(m *model.NGram, text string) float64 {
	n := utf8.RuneCountInString(text)
	if n == 0 {
		return 0
	}
	alphabet := m.Alphabet()
	known := make(map[rune]bool, len(alphabet))
	for _, r := range alphabet {
		known[r] = true
	}
	share := math.Log(float64(max(AlphabetSize-len(alphabet), 1)))
	nll := -m.LogProb("", text)
	for _, r := range text {
		if !known[r] {
			nll += share
		}
	}
	return nll / float64(n)
}

// Submission is one miner's entry for an epoch as a validator sees it: the on-chain commitment (nil
// if none) and the fetched update (nil if the fetch failed), and the model the miner serves (nil if
// it serves none).
type Submission struct {
	Hotkey     string
	Commitment *Commitment
	Update     *SignedUpdate
	Served     *model.NGram
}

// MinerScore is a validator's judgement of one miner for one epoch.
type MinerScore struct {
	Hotkey string
	// CrossEntropy of the served model on the held-out text (+Inf when none is served).
	CrossEntropy float64
	// Gain is the update's marginal value: held-out cross-entropy of the reference model without
	// the update minus with it, less what random updates of the same shape gain by chance
	// (nullGain), floored at zero; zero for a rejected, empty or missing update.
	Gain float64
	// Rejected says why the update earned nothing (ErrMissing, ErrCopied, ErrReplayed, a Verify
	// error), nil when it was accepted.
	Rejected error
	// QualityShare is exp(−CrossEntropy) (the geometric-mean per-character probability) as a
	// fraction of the epoch's total, and GainShare is Gain as a fraction of the epoch's total.
	QualityShare, GainShare float64
	// Score is (1−ShareWeight)·QualityShare + ShareWeight·GainShare. Scores of an epoch sum to 1
	// unless nothing earned anything.
	Score float64
}

// Validator scores miners epoch by epoch. It keeps a reference model made of every update that
// improved it in earlier epochs, and the content hash of every update it has seen, with the epoch
// and commitment height it was first seen at: the same counts under a later commitment in the same
// epoch are a copy, in a later epoch a replay, whoever signed them.
type Validator struct {
	ChainID     string
	Netuid      uint16
	Order       int
	Limits      Limits
	HeldOut     string
	ShareWeight float64 // weight of the sharing share in Score, in [0, 1]
	// NullSeed seeds the random updates gains are compared with (nullGain); a validator keeps it
	// secret.
	NullSeed uint64

	reference model.Counts
	seen      map[[32]byte]uint64 // content hash → epoch first seen
}

// NewValidator returns a validator whose reference model starts from a public prior: every
// printable ASCII character and the newline counted once. Without it the first updates would earn
// a gain for merely naming characters, which random garbage does as well as real text.
func NewValidator(chainID string, netuid uint16, order int, lim Limits, heldOut string, shareWeight float64) *Validator {
	prior := model.Counts{"\n": 1}
	for c := ' '; c <= '~'; c++ {
		prior[string(c)] = 1
	}
	return &Validator{ChainID: chainID, Netuid: netuid, Order: order, Limits: lim, HeldOut: heldOut,
		ShareWeight: shareWeight, reference: prior, seen: map[[32]byte]uint64{}}
}

// Accept verifies the epoch's submissions in commitment-height order (ties by hotkey) and returns
// the accepted updates by hotkey and the rejection reason of the others. Miners run the same
// function to decide what they merge.
func Accept(epoch uint64, chainID string, netuid uint16, order int, lim Limits, subs []Submission,
	seen map[[32]byte]uint64,
) (map[string]Update, map[string]error) {
	accepted := map[string]Update{}
	rejected := map[string]error{}
	for _, i := range byHeight(subs) {
		s := subs[i]
		if s.Commitment == nil || s.Update == nil {
			rejected[s.Hotkey] = ErrMissing
			continue
		}
		c := *s.Commitment
		if c.ChainID != chainID || c.Netuid != netuid || c.Epoch != epoch || c.Hotkey != s.Hotkey {
			rejected[s.Hotkey] = fmt.Errorf("%w: commitment for (%s, subnet %d, epoch %d, %s), scoring (%s, subnet %d, epoch %d, %s)",
				ErrWrongEpoch, c.ChainID, c.Netuid, c.Epoch, c.Hotkey, chainID, netuid, epoch, s.Hotkey)
			continue
		}
		u, err := Verify(*s.Update, c, lim)
		if err != nil {
			rejected[s.Hotkey] = err
			continue
		}
		if int(u.Order) != order {
			rejected[s.Hotkey] = fmt.Errorf("%w: order %d, the subnet's model has order %d", ErrMalformed, u.Order, order)
			continue
		}
		if len(u.Entries) == 0 {
			// Nothing to copy or replay (a release whose noisy counts all fell under the threshold).
			accepted[s.Hotkey] = u
			continue
		}
		ch := u.ContentHash()
		if first, ok := seen[ch]; ok {
			if first < epoch {
				rejected[s.Hotkey] = fmt.Errorf("%w: the same counts were published in epoch %d", ErrReplayed, first)
			} else {
				rejected[s.Hotkey] = fmt.Errorf("%w: the same counts were committed earlier in epoch %d", ErrCopied, epoch)
			}
			continue
		}
		seen[ch] = epoch
		accepted[s.Hotkey] = u
	}
	return accepted, rejected
}

// Score judges one epoch: it accepts updates (Accept), measures the held-out cross-entropy of
// each served model and the gain of each accepted update, and combines them (MinerScore.Score).
// Gains are measured in commitment-height order against the reference plus the epoch's earlier
// updates that helped, so of two updates carrying much the same counts only the earlier earns:
// a near-copy (a copied update with a few counts changed, which Accept's exact content match
// misses) adds almost nothing to a reference that already holds the original. Updates that helped
// stay in the reference. Results are in the order of subs.
func (v *Validator) Score(epoch uint64, subs []Submission) []MinerScore {
	accepted, rejected := Accept(epoch, v.ChainID, v.Netuid, v.Order, v.Limits, subs, v.seen)
	out := make([]MinerScore, len(subs))
	var sumQ, sumG float64
	for i, s := range subs {
		out[i] = MinerScore{Hotkey: s.Hotkey, CrossEntropy: math.Inf(1), Rejected: rejected[s.Hotkey]}
		if s.Served != nil {
			out[i].CrossEntropy = CrossEntropy(s.Served, v.HeldOut)
			sumQ += math.Exp(-out[i].CrossEntropy)
		}
	}
	base := CrossEntropy(model.FromCounts(v.Order, v.reference), v.HeldOut)
	for _, i := range byHeight(subs) {
		u, ok := accepted[subs[i].Hotkey]
		if !ok || len(u.Entries) == 0 {
			continue
		}
		c := u.Counts()
		with := v.crossEntropyWith(c)
		if g := base - with - max(v.nullGain(u, base), 0); g > 0 {
			out[i].Gain = g
			sumG += g
			v.reference.Add(c)
			base = with
		}
	}
	for i := range out {
		if sumQ > 0 && !math.IsInf(out[i].CrossEntropy, 1) {
			out[i].QualityShare = math.Exp(-out[i].CrossEntropy) / sumQ
		}
		if sumG > 0 {
			out[i].GainShare = out[i].Gain / sumG
		}
		out[i].Score = (1-v.ShareWeight)*out[i].QualityShare + v.ShareWeight*out[i].GainShare
	}
	return out
}

// byHeight returns the indices of subs in commitment-height order, ties and missing commitments
// (last) by hotkey.
func byHeight(subs []Submission) []int {
	idx := make([]int, len(subs))
	for i := range idx {
		idx[i] = i
	}
	height := func(i int) uint64 {
		if c := subs[i].Commitment; c != nil {
			return c.Height
		}
		return math.MaxUint64
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if ha, hb := height(idx[a]), height(idx[b]); ha != hb {
			return ha < hb
		}
		return subs[idx[a]].Hotkey < subs[idx[b]].Hotkey
	})
	return idx
}

// nullDraws is the number of random updates an update's gain is compared with, and nullSigmas
// how many of their standard deviations above their mean gain it must be to count.
const (
	nullDraws  = 4
	nullSigmas = 3
)

// crossEntropyWith is the held-out cross-entropy of the reference model plus c.
func (v *Validator) crossEntropyWith(c model.Counts) float64 {
	with := make(model.Counts, len(v.reference)+len(c))
	with.Add(v.reference)
	with.Add(c)
	return CrossEntropy(model.FromCounts(v.Order, with), v.HeldOut)
}

// nullGain is the gain an update shaped like u could get by chance: the mean plus nullSigmas
// standard deviations of the gains of nullDraws random updates with the same counts on grams of
// the same lengths drawn uniformly from printable ASCII. Adding counts changes a model's smoothing
// (discounts, back-off mass, which short contexts exist), which moves its cross-entropy either way
// whatever the counts say, by as much as ±0.2 nats per character while the reference is weak — as
// it stays when private updates are nearly empty — against about 2 nats for a real first update.
// An update earns only what it gains beyond that, so random garbage earns nothing however it is
// shaped. The draws are seeded by the validator's NullSeed and the update's content, so a
// publisher cannot pick content whose null draws happen to be low without knowing the seed.
func (v *Validator) nullGain(u Update, base float64) float64 {
	content := u.ContentHash()
	var gains [nullDraws]float64
	var mean float64
	for k := range nullDraws {
		rng := rand.New(rand.NewPCG(binary.BigEndian.Uint64(content[:8])^v.NullSeed, uint64(k)))
		c := make(model.Counts, len(u.Entries))
		for _, e := range u.Entries {
			g := make([]byte, utf8.RuneCountInString(e.Gram))
			for i := range g {
				g[i] = byte(' ' + rng.IntN(95))
			}
			c[string(g)] += e.Count
		}
		gains[k] = base - v.crossEntropyWith(c)
		mean += gains[k] / nullDraws
	}
	var ss float64
	for _, g := range gains {
		ss += (g - mean) * (g - mean)
	}
	return mean + nullSigmas*math.Sqrt(ss/(nullDraws-1))
}
