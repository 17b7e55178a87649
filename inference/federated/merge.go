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

// Weights turns incentives into merge weights: w_j = I_j / max_k I_k, so the most trusted peer's
// counts weigh as much as the miner's own text, a peer with half its incentive half as much, and a
// peer with no (or negative, or NaN) incentive nothing. Only ratios of incentives matter, so any
// normalisation the chain applies is irrelevant. All zero gives all-zero weights.
func Weights(incentives []float64) []float64 {
	top := 0.0
	for _, v := range incentives {
		if v > top {
			top = v
		}
	}
	out := make([]float64, len(incentives))
	if top == 0 {
		return out
	}
	for i, v := range incentives {
		if v > 0 {
			out[i] = v / top
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
