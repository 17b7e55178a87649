package yuma

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// wildInput draws an arbitrary input: extreme stakes and blocks, malformed
// rows (unsorted, repeated, out-of-range uids, zero values), any parameters.
func wildInput(r *rand.Rand, n int) Input {
	pick := func(vals ...uint64) uint64 { return vals[r.IntN(len(vals))] }
	in := Input{
		CurrentBlock:       pick(0, 1, 1000, math.MaxUint64, r.Uint64()),
		LastEpochBlock:     pick(0, 500, 1000, math.MaxUint64),
		ActivityCutoff:     pick(0, 100, 5000, math.MaxUint64),
		Kappa:              uint16(pick(0, chainKappa, 65535, r.Uint64N(65536))),
		BondsMovingAverage: pick(0, 900_000, 1_000_000, math.MaxUint64, r.Uint64N(1_000_001)),
		MaxValidators:      uint16(pick(0, 1, 64, 65535, r.Uint64N(uint64(n)+1))),
		Neurons:            make([]Neuron, n),
	}
	row := func() []Weight {
		var out []Weight
		k := r.IntN(n + 3)
		uid := 0
		for ; k > 0; k-- {
			if r.IntN(8) == 0 {
				uid = r.IntN(n + 5) // jump anywhere: unsorted, repeats, out of range
			} else {
				uid += 1 + r.IntN(3)
			}
			out = append(out, wt(uint16(uid), uint16(pick(0, 1, 65535, r.Uint64N(65536)))))
		}
		return out
	}
	for i := range in.Neurons {
		nr := &in.Neurons[i]
		nr.Stake = pick(0, 1, math.MaxUint64, r.Uint64N(1e16), r.Uint64())
		nr.ValidatorPermit = r.IntN(3) > 0
		nr.LastUpdate = pick(0, 999, 1000, math.MaxUint64, r.Uint64N(2000))
		nr.RegisteredAt = pick(0, 500, 1000, r.Uint64N(2000))
		nr.Weights = row()
		nr.Bonds = row()
	}
	return in
}

// checkInvariants asserts what must hold for every input.
func checkInvariants(t testing.TB, in Input, out Output) {
	t.Helper()
	n := len(in.Neurons)
	vectors := map[string][]I32F32{
		"ActiveStake": out.ActiveStake, "Rank": out.Rank, "Trust": out.Trust, "Consensus": out.Consensus,
		"Incentive": out.Incentive, "Dividends": out.Dividends, "ValidatorTrust": out.ValidatorTrust,
	}
	storage := map[string][]uint16{
		"Rank": out.RankU16, "Trust": out.TrustU16, "Consensus": out.ConsensusU16,
		"Incentive": out.IncentiveU16, "Dividends": out.DividendsU16, "ValidatorTrust": out.ValidatorTrustU16,
	}
	for name, v := range vectors {
		if len(v) != n {
			t.Fatalf("%s has %d entries, want %d", name, len(v), n)
		}
		for j, x := range v {
			if x < 0 || x > One {
				t.Fatalf("%s[%d] = %s outside [0, 1]", name, j, x)
			}
		}
		if u, ok := storage[name]; ok {
			for j := range v {
				if len(u) != n || u[j] != v[j].ToU16Proportion() {
					t.Fatalf("%sU16 does not match %s", name, name)
				}
			}
		}
	}
	if len(out.Active) != n || len(out.ValidatorPermit) != n || len(out.Bonds) != n {
		t.Fatalf("Active/ValidatorPermit/Bonds lengths %d/%d/%d, want %d",
			len(out.Active), len(out.ValidatorPermit), len(out.Bonds), n)
	}
	for i, nr := range in.Neurons {
		want := nr.LastUpdate > math.MaxUint64-in.ActivityCutoff || nr.LastUpdate+in.ActivityCutoff >= in.CurrentBlock
		if out.Active[i] != want {
			t.Fatalf("Active[%d] = %v, want %v", i, out.Active[i], want)
		}
	}
	// Normalized vectors sum to 0 or to One within n ulps (each entry is
	// rounded down once).
	for _, name := range []string{"ActiveStake", "Incentive", "Dividends"} {
		var sum I32F32
		for _, x := range vectors[name] {
			sum += x
		}
		if sum != 0 && (sum > One || sum < One-I32F32(n)) {
			t.Fatalf("Σ%s = %s, want 0 or within %d ulps of 1", name, sum, n)
		}
	}
	// Incentive is positive exactly where rank is (I_j ≥ R_j as ΣR ≤ 1).
	for j := range out.Rank {
		if (out.Rank[j] > 0) != (out.Incentive[j] > 0) {
			t.Fatalf("rank %s but incentive %s at %d", out.Rank[j], out.Incentive[j], j)
		}
	}
	// A uid that no row mentions has no consensus, rank or incentive.
	mentioned := make([]bool, n)
	for _, nr := range in.Neurons {
		for _, e := range nr.Weights {
			if int(e.UID) < n {
				mentioned[e.UID] = true
			}
		}
	}
	for j := range mentioned {
		if !mentioned[j] && (out.Consensus[j] != 0 || out.Rank[j] != 0 || out.Incentive[j] != 0) {
			t.Fatalf("unweighted uid %d has C %s R %s I %s", j, out.Consensus[j], out.Rank[j], out.Incentive[j])
		}
	}
	// Permits: at most MaxValidators, only stake holders, and no
	// unpermitted uid out-stakes a permitted one.
	count, minPermitted := 0, uint64(math.MaxUint64)
	for i, p := range out.ValidatorPermit {
		if p {
			count++
			if in.Neurons[i].Stake == 0 {
				t.Fatalf("permit for uid %d without stake", i)
			}
			minPermitted = min(minPermitted, in.Neurons[i].Stake)
		}
	}
	if count > int(in.MaxValidators) {
		t.Fatalf("%d permits, max %d", count, in.MaxValidators)
	}
	for i, p := range out.ValidatorPermit {
		if !p && count > 0 && in.Neurons[i].Stake > minPermitted {
			t.Fatalf("uid %d (stake %d) lacks a permit held at stake %d", i, in.Neurons[i].Stake, minPermitted)
		}
	}
	// Bond rows: only permit holders; sorted, in range, non-zero.
	for i, row := range out.Bonds {
		if row != nil && (!out.ValidatorPermit[i] || len(row) == 0) {
			t.Fatalf("bond row %d = %v with permit %v", i, row, out.ValidatorPermit[i])
		}
		for k, e := range row {
			if int(e.UID) >= n || e.Value == 0 || (k > 0 && e.UID <= row[k-1].UID) {
				t.Fatalf("bond row %d malformed: %v", i, row)
			}
		}
	}
	// Payouts conserve every unit.
	for _, shares := range [][]I32F32{out.Incentive, out.Dividends} {
		if parts, ok := Split(123_456_789_012, shares); ok {
			var sum uint64
			for _, p := range parts {
				sum += p
			}
			if sum != 123_456_789_012 {
				t.Fatalf("split paid %d", sum)
			}
		}
	}
}

// checkState asserts properties of the intermediate matrices.
func checkState(t testing.TB, st *state) {
	t.Helper()
	for i := 0; i < st.n; i++ {
		lo, hi := st.w.rowRange(i)
		var rowSum, clipSum I32F32
		for k := lo; k < hi; k++ {
			if k > lo && st.w.col[k] <= st.w.col[k-1] {
				t.Fatalf("row %d not sorted", i)
			}
			c := st.consensus[st.w.col[k]]
			if st.clipped[k] > st.w.val[k] || st.clipped[k] != min(st.w.val[k], c) {
				t.Fatalf("clipping W[%d][%d] = %s at consensus %s gave %s", i, st.w.col[k], st.w.val[k], c, st.clipped[k])
			}
			rowSum += st.w.val[k]
			clipSum += st.clipped[k]
		}
		if hi > lo && (rowSum > One || rowSum < One-I32F32(hi-lo)) {
			t.Fatalf("row %d of W sums to %s", i, rowSum)
		}
		if clipSum != st.vtrust[i] {
			t.Fatalf("VT[%d] = %s, want %s", i, st.vtrust[i], clipSum)
		}
	}
	for j := range st.rank {
		if st.rank[j] > st.preRank[j] {
			t.Fatalf("clipping raised rank %d: %s > %s", j, st.rank[j], st.preRank[j])
		}
	}
}

func TestEpochPropertiesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for it := 0; it < 3000; it++ {
		n := r.IntN(40)
		if it%100 == 0 {
			n = 300 + r.IntN(200)
		}
		in := wildInput(r, n)
		st := run(in)
		checkState(t, st)
		out := st.output()
		checkInvariants(t, in, out)
		if again := Epoch(in); !reflect.DeepEqual(again, out) {
			t.Fatalf("iteration %d: Epoch is not deterministic", it)
		}
	}
}

// TestEpochEntryOrderIrrelevant: shuffling the entries of every row does
// not change the output.
func TestEpochEntryOrderIrrelevant(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for it := 0; it < 300; it++ {
		in := crossCheckInput(r, 1+r.IntN(30))
		want := Epoch(in)
		for i := range in.Neurons {
			nr := &in.Neurons[i]
			nr.Weights, nr.Bonds = slices.Clone(nr.Weights), slices.Clone(nr.Bonds)
			r.Shuffle(len(nr.Weights), func(a, b int) { nr.Weights[a], nr.Weights[b] = nr.Weights[b], nr.Weights[a] })
			r.Shuffle(len(nr.Bonds), func(a, b int) { nr.Bonds[a], nr.Bonds[b] = nr.Bonds[b], nr.Bonds[a] })
		}
		if got := Epoch(in); !reflect.DeepEqual(got, want) {
			t.Fatalf("iteration %d: entry order changed the output", it)
		}
	}
}

// TestEpochNormalizedWhenMajorityWeights: when one active permitted
// validator holds more than kappa of the stake and sets any valid weight,
// its weights are never clipped, so incentive and dividends both sum to 1
// within n ulps.
func TestEpochNormalizedWhenMajorityWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	for it := 0; it < 1000; it++ {
		n := 2 + r.IntN(60)
		in := crossCheckInput(r, n)
		in.Kappa = chainKappa
		in.BondsMovingAverage = r.Uint64N(1_000_000) // 10^6 would freeze bonds
		big := &in.Neurons[0]
		big.ValidatorPermit, big.LastUpdate = true, in.CurrentBlock
		big.Stake = 2_000_000_000 * uint64(n) // more than all others together
		target := 1 + r.IntN(n-1)
		in.Neurons[target].RegisteredAt = 0
		big.Weights = append(big.Weights, wt(uint16(target), 65535))

		out := Epoch(in)
		for _, v := range [][]I32F32{out.Incentive, out.Dividends} {
			var sum I32F32
			for _, x := range v {
				sum += x
			}
			if sum > One || sum < One-I32F32(n) {
				t.Fatalf("iteration %d: sum %s not within %d ulps of 1", it, sum, n)
			}
		}
		if out.Incentive[target] == 0 || out.Dividends[0] == 0 {
			t.Fatalf("majority validator's target earns %s, validator %s", out.Incentive[target], out.Dividends[0])
		}
	}
}

// TestEpochUnweightedColumnEarnsNothing: a uid no validator weights has
// zero consensus, rank and incentive, however the rest looks.
func TestEpochUnweightedColumnEarnsNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	for it := 0; it < 500; it++ {
		n := 2 + r.IntN(40)
		in := crossCheckInput(r, n)
		ghost := r.IntN(n)
		for i := range in.Neurons {
			nr := &in.Neurons[i]
			nr.Weights = slices.DeleteFunc(slices.Clone(nr.Weights), func(w Weight) bool { return int(w.UID) == ghost })
		}
		out := Epoch(in)
		if out.Incentive[ghost] != 0 || out.Consensus[ghost] != 0 || out.Rank[ghost] != 0 || out.Trust[ghost] != 0 {
			t.Fatalf("iteration %d: unweighted uid %d has I %s C %s R %s", it, ghost, out.Incentive[ghost], out.Consensus[ghost], out.Rank[ghost])
		}
	}
}
