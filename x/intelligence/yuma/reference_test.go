package yuma

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// This file cross-checks Epoch against an independent, dense float64
// implementation of the same algorithm. Floats appear only here, in tests.

type reference struct {
	stake, consensus, rank, preRank, incentive, dividends, vtrust []float64
}

func referenceEpoch(in Input) reference {
	n := len(in.Neurons)
	nr := in.Neurons
	ref := reference{
		stake: make([]float64, n), consensus: make([]float64, n), rank: make([]float64, n),
		preRank: make([]float64, n), incentive: make([]float64, n), dividends: make([]float64, n),
		vtrust: make([]float64, n),
	}
	counted := func(i int) bool {
		active := nr[i].LastUpdate+in.ActivityCutoff >= in.CurrentBlock ||
			nr[i].LastUpdate > math.MaxUint64-in.ActivityCutoff
		return active && nr[i].ValidatorPermit
	}
	total := 0.0
	for i := range nr {
		if counted(i) {
			total += float64(nr[i].Stake)
		}
	}
	for i := range nr {
		if counted(i) && total > 0 {
			ref.stake[i] = float64(nr[i].Stake) / total
		}
	}
	dense := func() [][]float64 {
		m := make([][]float64, n)
		for i := range m {
			m[i] = make([]float64, n)
		}
		return m
	}
	w := dense()
	for i := range nr {
		if !nr[i].ValidatorPermit {
			continue
		}
		sum := 0.0
		for _, e := range nr[i].Weights {
			j := int(e.UID)
			if j < n && j != i && nr[i].LastUpdate > nr[j].RegisteredAt {
				w[i][j] += float64(e.Value)
				sum += float64(e.Value)
			}
		}
		for j := range w[i] {
			if sum > 0 {
				w[i][j] /= sum
			}
		}
	}
	kappa := float64(in.Kappa) / 65535
	stakeSum := 0.0
	for _, s := range ref.stake {
		stakeSum += s
	}
	type sample struct{ v, s float64 }
	for j := 0; j < n; j++ {
		var col []sample
		for i := 0; i < n; i++ {
			if ref.stake[i] > 0 {
				col = append(col, sample{w[i][j], ref.stake[i]})
			}
		}
		sort.Slice(col, func(a, b int) bool { return col[a].v < col[b].v })
		threshold := stakeSum - kappa*stakeSum
		cum := 0.0
		for k, smp := range col {
			cum += smp.s
			if cum > threshold || k == len(col)-1 {
				ref.consensus[j] = smp.v
				break
			}
		}
	}
	clipped := dense()
	for i := range w {
		for j := range w[i] {
			clipped[i][j] = math.Min(w[i][j], ref.consensus[j])
			ref.vtrust[i] += clipped[i][j]
			ref.rank[j] += ref.stake[i] * clipped[i][j]
			ref.preRank[j] += ref.stake[i] * w[i][j]
		}
	}
	copy(ref.incentive, ref.rank)
	normalizeFloat(ref.incentive)

	colNormalize := func(m [][]float64) {
		for j := 0; j < n; j++ {
			s := 0.0
			for i := range m {
				s += m[i][j]
			}
			for i := range m {
				if s > 0 {
					m[i][j] /= s
				}
			}
		}
	}
	delta := dense()
	for i := range delta {
		for j := range delta[i] {
			delta[i][j] = ref.stake[i] * clipped[i][j]
		}
	}
	colNormalize(delta)
	fresh := func(uid int) bool { return nr[uid].RegisteredAt >= in.LastEpochBlock }
	prev := dense()
	for i := range nr {
		if fresh(i) {
			continue
		}
		for _, e := range nr[i].Bonds {
			if j := int(e.UID); j < n && !fresh(j) {
				prev[i][j] += float64(e.Value)
			}
		}
	}
	colNormalize(prev)
	alpha := 1 - math.Min(float64(in.BondsMovingAverage), 1e6)/1e6
	bonds := dense()
	for i := range bonds {
		for j := range bonds[i] {
			bonds[i][j] = alpha*delta[i][j] + (1-alpha)*prev[i][j]
		}
	}
	colNormalize(bonds)
	for i := range bonds {
		for j := range bonds[i] {
			ref.dividends[i] += bonds[i][j] * ref.incentive[j]
		}
	}
	normalizeFloat(ref.dividends)
	return ref
}

func normalizeFloat(x []float64) {
	s := 0.0
	for _, v := range x {
		s += v
	}
	if s > 0 {
		for i := range x {
			x[i] /= s
		}
	}
}

// crossCheckInput draws an input whose values stay well above the 2^-32
// resolution of I32F32 (stakes within a factor 1000 of each other, weights
// ≥ 1000 of 65535), so fixed point and float64 must agree closely.
func crossCheckInput(r *rand.Rand, n int) Input {
	in := Input{
		CurrentBlock:       1000,
		LastEpochBlock:     900,
		ActivityCutoff:     300,
		Kappa:              []uint16{chainKappa, chainKappa, 0, 65535, uint16(r.IntN(65536))}[r.IntN(5)],
		BondsMovingAverage: uint64(r.IntN(1_000_001)),
		MaxValidators:      uint16(r.IntN(n + 1)),
		Neurons:            make([]Neuron, n),
	}
	for i := range in.Neurons {
		nr := &in.Neurons[i]
		if r.IntN(4) > 0 {
			nr.Stake = 1_000_000 + r.Uint64N(1_000_000_000)
		}
		nr.ValidatorPermit = r.IntN(2) == 0
		nr.LastUpdate = 600 + r.Uint64N(401) // some below 700: inactive
		nr.RegisteredAt = r.Uint64N(1000)    // some fresh, some outdating weights
		for k := r.IntN(n + 1); k > 0; k-- {
			nr.Weights = append(nr.Weights, wt(uint16(r.IntN(n+2)), uint16(1000+r.IntN(64536))))
		}
		for k := r.IntN(n + 1); k > 0; k-- {
			nr.Bonds = append(nr.Bonds, wt(uint16(r.IntN(n+2)), uint16(1000+r.IntN(64536))))
		}
	}
	return in
}

func TestEpochMatchesFloatReference(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	const tolerance = 1e-6
	for it := 0; it < 400; it++ {
		in := crossCheckInput(r, 1+r.IntN(40))
		out := Epoch(in)
		ref := referenceEpoch(in)
		check := func(name string, got []I32F32, want []float64) {
			t.Helper()
			for j := range want {
				g := float64(got[j]) / float64(One)
				if math.Abs(g-want[j]) > tolerance {
					t.Fatalf("iteration %d: %s[%d] = %.10f, reference %.10f", it, name, j, g, want[j])
				}
			}
		}
		check("ActiveStake", out.ActiveStake, ref.stake)
		check("Consensus", out.Consensus, ref.consensus)
		check("Rank", out.Rank, ref.rank)
		check("Incentive", out.Incentive, ref.incentive)
		check("Dividends", out.Dividends, ref.dividends)
		check("ValidatorTrust", out.ValidatorTrust, ref.vtrust)
		for j := range ref.preRank {
			if ref.preRank[j] < 1e-3 {
				continue // trust is a ratio of tiny numbers there
			}
			g := float64(out.Trust[j]) / float64(One)
			if want := ref.rank[j] / ref.preRank[j]; math.Abs(g-want) > 1e-4 {
				t.Fatalf("iteration %d: Trust[%d] = %.8f, reference %.8f", it, j, g, want)
			}
		}
	}
}
