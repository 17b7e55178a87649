package federated

import (
	"math"
	"sort"

	"github.com/taochain/taochain/inference/model"
)

// Peer is what a miner holds of one peer: the sum of the peer's verified updates so far and the
// peer's on-chain incentive.
type Peer struct {
	Hotkey    string
	Counts    model.Counts
	Incentive float64
}

// Weights turns incentives into merge weights: w_j = min(1, I_j / m), where m is the median of
// the positive incentives. A peer earning at least the typical incentive weighs as much as the
// miner's own text, one earning a third of it a third, and a peer with no (or negative, or NaN)
// incentive nothing. The median rather than the maximum sets the scale so that one peer earning
// far more than the rest does not push the others' weights below one half, where rounding drops
// their grams seen once (most of them). Only ratios of incentives matter, so any normalisation
// the chain applies is irrelevant. No positive incentive gives all-zero weights.
func Weights(incentives []float64) []float64 {
	var pos []float64
	for _, v := range incentives {
		if v > 0 && !math.IsInf(v, 1) {
			pos = append(pos, v)
		}
	}
	out := make([]float64, len(incentives))
	if len(pos) == 0 {
		return out
	}
	sort.Float64s(pos)
	m := pos[len(pos)/2]
	if len(pos)%2 == 0 {
		m = (pos[len(pos)/2-1] + pos[len(pos)/2]) / 2
	}
	for i, v := range incentives {
		if v > 0 {
			out[i] = min(1, v/m)
		}
	}
	return out
}

// Merge returns the counts a miner trains its served model on: its own counts (weight 1) plus
// every peer's counts times the peer's weight (Weights), each weighted count rounded to the nearest
// integer (so a weight under one half drops a peer's singletons). Peers are visited in hotkey
// order, which makes the result independent of the order they are given in.
func Merge(own model.Counts, peers []Peer) model.Counts {
	out := make(model.Counts, len(own))
	out.Add(own)
	ps := append([]Peer(nil), peers...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Hotkey < ps[j].Hotkey })
	inc := make([]float64, len(ps))
	for i, p := range ps {
		inc[i] = p.Incentive
	}
	for i, w := range Weights(inc) {
		if w == 0 {
			continue
		}
		for k, v := range ps[i].Counts {
			if c := uint64(math.Floor(w*float64(v) + 0.5)); c > 0 {
				out[k] += c
			}
		}
	}
	return out
}
