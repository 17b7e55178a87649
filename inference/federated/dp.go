package federated

import (
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/taochain/taochain/inference/model"
)

// ErrBudgetExhausted is returned by Accountant.Spend when a release would exceed the budget.
var ErrBudgetExhausted = errors.New("federated: privacy budget exhausted")

// Privacy configures the differentially private release of one update.
//
// The protected unit is one counted event: one character of a miner's text together with its
// history (one key of model.Counts incremented by one). Two datasets are neighbours when one has
// one more event than the other. After clipping every count at Clip, adding an event changes one
// clipped count by at most one, so the L1 sensitivity of the released histogram is 1 whatever
// Clip is. Clip bounds instead how much one update can move a peer's model (a garbage publisher
// can add at most Clip to any gram and MaxEntries grams per epoch).
//
// The mechanism adds two-sided geometric noise (the discrete Laplace distribution,
// P(z) ∝ exp(−Epsilon·|z|)) to every clipped count of the events seen since the previous update,
// which is Epsilon-DP for the counts of grams present in both neighbours; a gram present in only
// one of them (count 1) would reveal the event by its presence, so only noisy counts at or above
// the threshold τ (Threshold) are released, chosen so that a count of 1 passes with probability at
// most Delta. Together: (Epsilon, Delta)-DP per release. Keeping only the largest noisy counts
// within MaxEntries grams and MaxTotal events, and capping them at Clip, are post-processing of the
// noisy counts and cost nothing.
//
// A text snippet of k characters is k events: by group privacy it is protected at (k·Epsilon,
// k·e^((k−1)·Epsilon)·Delta) per release.
type Privacy struct {
	Epsilon    float64 // ε per release
	Delta      float64 // δ per release
	Clip       uint64  // largest count delta of one gram in one update
	MaxEntries int     // largest number of grams in one update
	MaxTotal   uint64  // largest sum of the counts of one update
	// Noiseless publishes clipped exact deltas without noise or threshold. It gives no privacy at
	// all and exists to measure what sharing gains when privacy is not asked for; the accountant
	// refuses it.
	Noiseless bool
}

// DefaultPrivacy is ε = 1 and δ = 1e-6 per release, counts clipped at 32, at most 4096 grams and
// 4096 events per update (an honest miner of the simulation sees about 410 events an epoch).
func DefaultPrivacy() Privacy {
	return Privacy{Epsilon: 1, Delta: 1e-6, Clip: 32, MaxEntries: 4096, MaxTotal: 4096}
}

// Validate checks the parameters.
func (p Privacy) Validate() error {
	if p.Clip < 1 || p.MaxEntries < 1 || p.MaxTotal < 1 {
		return fmt.Errorf("federated: clip %d, max entries %d and max total %d must be at least 1", p.Clip, p.MaxEntries, p.MaxTotal)
	}
	if p.Noiseless {
		return nil
	}
	if !(p.Epsilon > 0) || math.IsInf(p.Epsilon, 0) {
		return fmt.Errorf("federated: epsilon %g must be positive and finite", p.Epsilon)
	}
	if !(p.Delta > 0 && p.Delta < 1) {
		return fmt.Errorf("federated: delta %g must be in (0, 1)", p.Delta)
	}
	return nil
}

// Threshold is the smallest count τ ≥ 1 such that a gram seen once passes (1 + noise ≥ τ) with
// probability at most Delta: P(Z ≥ τ−1) = α^(τ−1)/(1+α) with α = e^−Epsilon. It is 1 when Noiseless.
func (p Privacy) Threshold() uint64 {
	if p.Noiseless {
		return 1
	}
	alpha := math.Exp(-p.Epsilon)
	t := math.Ceil(math.Log(p.Delta*(1+alpha)) / math.Log(alpha))
	return uint64(max(t, 0)) + 1
}

// NewNoise returns a noise source seeded from the operating system's CSPRNG, for production.
func NewNoise() *rand.Rand {
	var seed [32]byte
	if _, err := crand.Read(seed[:]); err != nil {
		panic(fmt.Sprintf("federated: read random seed: %s", err))
	}
	return rand.New(rand.NewChaCha8(seed))
}

// NewSeededNoise returns a deterministic noise source for simulations and tests.
func NewSeededNoise(seed uint64) *rand.Rand {
	var s [32]byte
	binary.BigEndian.PutUint64(s[:], seed)
	copy(s[8:], "taochain/federated/noise")
	return rand.New(rand.NewChaCha8(s))
}

// twoSidedGeometric draws Z with P(Z = z) = (1−α)/(1+α)·α^|z| as the difference of two
// geometric variables on {0, 1, …}.
func twoSidedGeometric(rng *rand.Rand, alpha float64) int64 {
	g := func() int64 {
		u := 1 - rng.Float64() // (0, 1]
		return int64(math.Floor(math.Log(u) / math.Log(alpha)))
	}
	return g() - g()
}

// Privatize turns the count deltas since the previous update into the entries of a released
// update: clip each count at p.Clip, add noise, keep the noisy counts ≥ Threshold, cap them at Clip,
// keep the MaxEntries largest (ties by gram) and sort by gram. Grams longer than order runes are
// dropped. Keys are visited in sorted order so a seeded rng gives a reproducible release.
func Privatize(delta model.Counts, order int, p Privacy, rng *rand.Rand) ([]Entry, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(delta))
	for k, v := range delta {
		if v > 0 && k != "" && len([]rune(k)) <= order {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	tau := int64(p.Threshold())
	alpha := math.Exp(-p.Epsilon)
	out := make([]Entry, 0, len(keys))
	for _, k := range keys {
		c := int64(min(delta[k], p.Clip))
		if !p.Noiseless {
			c += twoSidedGeometric(rng, alpha)
		}
		if c >= tau {
			out = append(out, Entry{Gram: k, Count: min(uint64(c), p.Clip)})
		}
	}
	var total uint64
	for _, e := range out {
		total += e.Count
	}
	if len(out) > p.MaxEntries || total > p.MaxTotal {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
		total = 0
		for i, e := range out {
			if i == p.MaxEntries || total+e.Count > p.MaxTotal {
				out = out[:i]
				break
			}
			total += e.Count
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Gram < out[j].Gram })
	}
	return out, nil
}

// Accountant tracks one miner's privacy spending across epochs by basic composition: k releases
// at (ε_i, δ_i) are (Σε_i, Σδ_i)-DP. It refuses a release that would exceed the budget. Basic
// composition is loose (advanced composition or the parallel composition of deltas over disjoint
// text would allow more releases) but it never under-counts, including when a miner re-uses text.
type Accountant struct {
	budgetEpsilon, budgetDelta float64
	spentEpsilon, spentDelta   float64
	releases                   int
}

// slack absorbs floating-point rounding in sums such as ten releases of ε = 0.1.
const slack = 1e-9

// NewAccountant returns an accountant with total budget (epsilon, delta).
func NewAccountant(epsilon, delta float64) (*Accountant, error) {
	if !(epsilon > 0) || math.IsInf(epsilon, 0) || !(delta >= 0 && delta < 1) {
		return nil, fmt.Errorf("federated: budget ε=%g δ=%g: ε must be positive and finite, δ in [0, 1)", epsilon, delta)
	}
	return &Accountant{budgetEpsilon: epsilon, budgetDelta: delta}, nil
}

// Spend records a release made with p, or returns ErrBudgetExhausted (and records nothing) if it
// would exceed the budget. Noiseless releases are always refused: they are not private.
func (a *Accountant) Spend(p Privacy) error {
	if p.Noiseless {
		return fmt.Errorf("%w: a noiseless release has unbounded ε", ErrBudgetExhausted)
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if a.spentEpsilon+p.Epsilon > a.budgetEpsilon*(1+slack) || a.spentDelta+p.Delta > a.budgetDelta*(1+slack) {
		return fmt.Errorf("%w: release needs ε=%g δ=%g, %s", ErrBudgetExhausted, p.Epsilon, p.Delta, a)
	}
	a.spentEpsilon += p.Epsilon
	a.spentDelta += p.Delta
	a.releases++
	return nil
}

// Spent returns the ε and δ spent so far.
func (a *Accountant) Spent() (epsilon, delta float64) { return a.spentEpsilon, a.spentDelta }

// Remaining returns the ε and δ left.
func (a *Accountant) Remaining() (epsilon, delta float64) {
	return max(a.budgetEpsilon-a.spentEpsilon, 0), max(a.budgetDelta-a.spentDelta, 0)
}

// Releases returns the number of releases recorded.
func (a *Accountant) Releases() int { return a.releases }

// String reports spending for display, e.g. "ε 3 of 10 spent (7 left), δ 3e-06 of 1e-05, 3 releases".
func (a *Accountant) String() string {
	re, rd := a.Remaining()
	return fmt.Sprintf("ε %.4g of %.4g spent (%.4g left), δ %.3g of %.3g (%.3g left), %d releases",
		a.spentEpsilon, a.budgetEpsilon, re, a.spentDelta, a.budgetDelta, rd, a.releases)
}
