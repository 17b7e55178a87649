package yuma

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func fx(vs ...int64) []I32F32 {
	out := make([]I32F32, len(vs))
	for i, v := range vs {
		out[i] = FromInt(v)
	}
	return out
}

func TestWeightedQuantileExamples(t *testing.T) {
	kappaHalf := FromU16Proportion(32767) // just below 1/2, as on chain
	tests := []struct {
		name    string
		values  []I32F32
		weights []I32F32
		kappa   I32F32
		want    I32F32
	}{
		{"empty", nil, nil, One / 2, 0},
		{"all weights zero", fx(1, 2), fx(0, 0), One / 2, 0},
		{"single", fx(7), fx(3), One / 2, FromInt(7)},
		{"majority high", fx(1, 5), fx(1, 3), One / 2, FromInt(5)},
		{"majority low", fx(1, 5), fx(3, 1), One / 2, FromInt(1)},
		{"exact half takes upper", fx(1, 5), fx(1, 1), One / 2, FromInt(5)},
		{"chain kappa on exact half takes upper", fx(1, 5), fx(1, 1), kappaHalf, FromInt(5)},
		{"kappa one gives minimum", fx(4, 2, 9), fx(1, 1, 1), One, FromInt(2)},
		{"kappa zero gives maximum", fx(4, 2, 9), fx(1, 1, 1), 0, FromInt(9)},
		{"kappa above one clamps", fx(4, 2, 9), fx(1, 1, 1), FromInt(3), FromInt(2)},
		{"negative kappa clamps", fx(4, 2, 9), fx(1, 1, 1), -One, FromInt(9)},
		{"zero-weight max ignored", fx(4, 2, 9), fx(1, 1, 0), 0, FromInt(4)},
		{"negative weight ignored", fx(4, 2, 9), fx(1, 1, -5), 0, FromInt(4)},
		{"two thirds", fx(1, 2, 3), fx(1, 1, 1), 2 * One / 3, FromInt(2)},
		{"length mismatch uses prefix", fx(1, 2, 3), fx(1, 1), 0, FromInt(2)},
	}
	for _, tc := range tests {
		if got := WeightedQuantile(tc.values, tc.weights, tc.kappa); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
	if got := WeightedMedian(fx(3, 1, 2), fx(1, 1, 1)); got != FromInt(2) {
		t.Errorf("WeightedMedian = %s, want 2", got)
	}
}

// TestWeightedQuantileDefinition checks the result against the definition
// by brute force: the largest v with weight(values ≥ v) ≥ kappa·total.
func TestWeightedQuantileDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for it := 0; it < 5000; it++ {
		n := 1 + r.IntN(12)
		values := make([]I32F32, n)
		weights := make([]I32F32, n)
		for i := range values {
			values[i] = I32F32(r.IntN(5)) * One / 4 // many ties
			weights[i] = I32F32(r.IntN(4)) * One / 8
		}
		kappa := I32F32(r.Int64N(int64(One) + 1))
		var total I32F32
		for _, w := range weights {
			total += max(w, 0)
		}
		want := I32F32(0)
		if total > 0 {
			need := kappa.Mul(total)
			found := false
			for _, v := range values {
				var above I32F32
				for k := range values {
					if values[k] >= v {
						above += weights[k]
					}
				}
				// Only values with weight can be the answer.
				hasWeight := false
				for k := range values {
					if values[k] == v && weights[k] > 0 {
						hasWeight = true
					}
				}
				if hasWeight && above >= need && (!found || v > want) {
					want, found = v, true
				}
			}
		}
		got := WeightedQuantile(values, weights, kappa)
		if got != want {
			t.Fatalf("values %v weights %v kappa %s: got %s, want %s", values, weights, kappa, got, want)
		}
		// Order of samples does not matter.
		r.Shuffle(n, func(i, j int) {
			values[i], values[j] = values[j], values[i]
			weights[i], weights[j] = weights[j], weights[i]
		})
		if again := WeightedQuantile(values, weights, kappa); again != got {
			t.Fatalf("shuffled input changed the quantile: %s vs %s", again, got)
		}
	}
}

// TestSelectQuantileEqualsSortedScan checks consensusOf's selection against
// the sorted scan it replaces, on columns with many equal values, sorted,
// reversed and organ-pipe orders (which defeat a fixed pivot rule and force
// the sorting fallback), and thresholds that nothing or everything exceeds.
func TestSelectQuantileEqualsSortedScan(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 2))
	for it := 0; it < 20_000; it++ {
		n := 1 + r.IntN(300)
		weight := make([]I32F32, n)
		seg := make([]uint64, n)
		samples := make([]weighted, n)
		values := 1 + r.Int64N(int64(One))
		if r.IntN(2) == 0 {
			values = 1 + r.Int64N(8) // many ties
		}
		var total I32F32
		for i := range seg {
			weight[i] = I32F32(1 + r.Int64N(int64(One)/int64(n)))
			v := I32F32(1 + r.Int64N(values))
			seg[i] = uint64(v)<<rowBits | uint64(i)
			samples[i] = weighted{value: v, weight: weight[i]}
			total = total.Add(weight[i])
		}
		switch r.IntN(4) {
		case 0:
			slices.Sort(seg)
		case 1:
			slices.Sort(seg)
			slices.Reverse(seg)
		case 2:
			slices.Sort(seg)
			slices.Reverse(seg[n/2:])
		}
		base := I32F32(0)
		if r.IntN(2) == 0 {
			base = I32F32(r.Int64N(int64(One)))
		}
		threshold := I32F32(r.Int64N(int64(total) + int64(base) + 2))
		sortByValue(samples)
		switch r.IntN(4) {
		case 0:
			threshold = total.Add(base) // nothing exceeds
		case 1:
			// Exactly a prefix sum: the boundary between two samples.
			threshold = base
			for _, s := range samples[:r.IntN(n+1)] {
				threshold = threshold.Add(s.weight)
			}
		}
		want := quantileSorted(samples, base, threshold)
		if got := selectQuantile(seg, weight, base, threshold); got != want {
			t.Fatalf("iteration %d (n=%d): selectQuantile = %d, sorted scan %d", it, n, got, want)
		}
	}
}

// TestConsensusPathsAgree: consensusOfLarge, the path for more rows than a
// packed sample can name (more than 2^30 uids, so no test input reaches it
// through Epoch), gives the same consensus as the packed quickselect path on
// the same weights.
func TestConsensusPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{1, 7, 64, 300} {
		for trial := 0; trial < 6; trial++ {
			in := portInput(r, n, uint8(2+trial%2))
			st := run(in)
			kappa := FromU16Proportion(in.Kappa)
			var total I32F32
			for _, s := range st.voting {
				total = total.Add(s)
			}
			if total == 0 {
				continue
			}
			packed := st.consensusOf(kappa, st.voting, make([]I32F32, n))
			large := st.consensusOfLarge(kappa, st.voting, total, st.columnStarts(st.voting))
			if !slices.Equal(packed, large) {
				t.Fatalf("n=%d trial %d: packed consensus %v, sorted %v", n, trial, packed, large)
			}
		}
	}
}

// TestEpochAllocations: one epoch allocates at most once per output vector
// (15 in the original Yuma, 17 in Yuma 3), whatever the size.
func TestEpochAllocations(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		version uint8
		outputs float64
	}{{2, 15}, {3, 17}} {
		for _, n := range []int{256, 1024} {
			in := portInput(r, n, c.version)
			if got := testing.AllocsPerRun(3, func() { Epoch(in) }); got > c.outputs {
				t.Errorf("version %d, %d uids: %v allocations per epoch, want at most %v (one per output vector)", c.version, n, got, c.outputs)
			}
		}
	}
}
