package yuma

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/benchclock"
)

// This file holds "the obvious reference" of issue 18: a straightforward Go
// port of subtensor's sparse epoch (run_epoch.rs with math.rs's
// Vec<Vec<(u16, I32F32)>> helpers), computing this package's semantics with
// the same I32F32 operations, so it must equal Epoch bit for bit. It is the
// shape subtensor's code has: every step builds a fresh sparse matrix of
// per-row slices, the weighted median of a column is weighted_median's
// recursive partition of that column's dense values (zeros included), and
// the bond EMA fills a dense row per validator (for rows with entries only;
// subtensor fills one for every row, which would make the port slower). BenchmarkEpochVsReference times Epoch against
// it on the same input.

// portEntry is subtensor's (u16, I32F32) sparse matrix entry.
type portEntry struct {
	uid uint16
	v   I32F32
}

type portMatrix [][]portEntry

// portRawRow is an input row sorted by uid, repeats summed (subtensor's
// storage holds such rows already).
func portRawRow(row []Weight) []rawEntry {
	out := make([]rawEntry, 0, len(row))
	for _, w := range row {
		out = append(out, rawEntry{uid: w.UID, value: uint64(w.Value)})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].uid < out[b].uid })
	merged := out[:0]
	for _, e := range out {
		if len(merged) > 0 && merged[len(merged)-1].uid == e.uid {
			merged[len(merged)-1].value += e.value
			continue
		}
		merged = append(merged, e)
	}
	return merged
}

func portColNormalize(m portMatrix, n int) {
	sums := make([]I32F32, n)
	for _, row := range m {
		for _, e := range row {
			sums[e.uid] = sums[e.uid].Add(e.v)
		}
	}
	for _, row := range m {
		for k := range row {
			row[k].v = row[k].v.Div(sums[row[k].uid])
		}
	}
}

// portMatmul is matmul_sparse: r_j = Σ_i s_i·m_ij.
func portMatmul(m portMatrix, s []I32F32, n int) []I32F32 {
	r := make([]I32F32, n)
	for i, row := range m {
		for _, e := range row {
			r[e.uid] = r[e.uid].Add(s[i].Mul(e.v))
		}
	}
	return r
}

// portWeightedMedianCol is weighted_median_col_sparse: for every column,
// the values of all validators with stake (0 where they set none) as a
// dense column, and its kappa-quantile by cumulative stake.
func portWeightedMedianCol(stake []I32F32, m portMatrix, n int, kappa I32F32) []I32F32 {
	c := make([]I32F32, n)
	var total I32F32
	for _, s := range stake {
		total = total.Add(s)
	}
	if total == 0 {
		return c
	}
	var voters []int
	for i, s := range stake {
		if s > 0 {
			voters = append(voters, i)
		}
	}
	threshold := quantileThreshold(total, kappa)
	// use_score: column-major, one dense column over the voters.
	useScore := make([][]I32F32, n)
	for j := range useScore {
		useScore[j] = make([]I32F32, len(voters))
	}
	for k, i := range voters {
		for _, e := range m[i] {
			useScore[e.uid][k] = e.v
		}
	}
	useStake := make([]I32F32, len(voters))
	idx := make([]int, len(voters))
	for k, i := range voters {
		useStake[k], idx[k] = stake[i], k
	}
	for j := 0; j < n; j++ {
		c[j] = portWeightedMedian(useStake, useScore[j], idx, threshold, 0, total)
	}
	return c
}

// portWeightedMedian is subtensor's weighted_median: a recursive partition
// around the middle element's score, keeping the side that holds the
// weight where the cumulative stake passes minority.
func portWeightedMedian(stake, score []I32F32, partition []int, minority, lo, hi I32F32) I32F32 {
	n := len(partition)
	if n == 0 {
		return 0
	}
	if n == 1 {
		return score[partition[0]]
	}
	pivot := score[partition[n/2]]
	var loStake, hiStake I32F32
	var lower, upper []int
	for _, idx := range partition {
		switch {
		case score[idx] == pivot:
		case score[idx] < pivot:
			loStake = loStake.Add(stake[idx])
			lower = append(lower, idx)
		default:
			hiStake = hiStake.Add(stake[idx])
			upper = append(upper, idx)
		}
	}
	switch {
	case lo.Add(loStake) <= minority && minority < hi.Sub(hiStake):
		return pivot
	case minority < lo.Add(loStake) && len(lower) > 0:
		return portWeightedMedian(stake, score, lower, minority, lo, lo.Add(loStake))
	case hi.Sub(hiStake) <= minority && len(upper) > 0:
		return portWeightedMedian(stake, score, upper, minority, hi.Sub(hiStake), hi)
	}
	return pivot
}

func portClip(m portMatrix, c []I32F32) portMatrix {
	out := make(portMatrix, len(m))
	for i, row := range m {
		out[i] = make([]portEntry, len(row))
		for k, e := range row {
			out[i][k] = portEntry{e.uid, e.v.Min(c[e.uid])}
		}
	}
	return out
}

func portRowSums(m portMatrix) []I32F32 {
	r := make([]I32F32, len(m))
	for i, row := range m {
		for _, e := range row {
			r[i] = r[i].Add(e.v)
		}
	}
	return r
}

// portEpoch runs one epoch the way subtensor's code is shaped.
func portEpoch(in Input) Output {
	n := len(in.Neurons)
	nr := in.Neurons
	yuma3 := in.Version == 3

	active := make([]bool, n)
	counted := make([]bool, n)
	stakes := make([]uint64, n)
	for i := range nr {
		active[i] = satAddU64(nr[i].LastUpdate, in.ActivityCutoff) >= in.CurrentBlock
		counted[i] = active[i] && nr[i].ValidatorPermit
		stakes[i] = nr[i].Stake
	}
	stake := normalizeUint64(stakes, counted)

	// Weights: permit rows, no diagonal, no outdated entries, row-normalized.
	weights := make(portMatrix, n)
	for i := range nr {
		if !nr[i].ValidatorPermit {
			continue
		}
		var kept []rawEntry
		var sum uint64
		for _, e := range portRawRow(nr[i].Weights) {
			j := int(e.uid)
			if j >= n || j == i || e.value == 0 || nr[i].LastUpdate <= nr[j].RegisteredAt {
				continue
			}
			kept = append(kept, e)
			sum += e.value
		}
		for _, e := range kept {
			if v := Ratio(e.value, sum); v > 0 {
				weights[i] = append(weights[i], portEntry{e.uid, v})
			}
		}
	}

	kappa := FromU16Proportion(in.Kappa)
	voting := stake
	consensus := portWeightedMedianCol(voting, weights, n, kappa)
	if yuma3 && in.TrustWeightedConsensus {
		vt := portRowSums(portClip(weights, consensus))
		trusted := make([]I32F32, n)
		var total I32F32
		for i := range trusted {
			if stake[i] != 0 {
				trusted[i] = stake[i].Mul(vt[i])
				total = total.Add(trusted[i])
			}
		}
		if total != 0 {
			normalize(trusted)
			voting = trusted
			consensus = portWeightedMedianCol(voting, weights, n, kappa)
		}
	}
	preRank := portMatmul(weights, voting, n)
	clipped := portClip(weights, consensus)
	vtrust := portRowSums(clipped)
	rank := portMatmul(clipped, voting, n)
	trust := make([]I32F32, n)
	for j := range trust {
		trust[j] = rank[j].Div(preRank[j])
	}
	incentive := append([]I32F32(nil), rank...)
	normalize(incentive)

	fresh := func(uid int) bool { return nr[uid].RegisteredAt >= in.LastEpochBlock }
	var bonds portMatrix
	if yuma3 {
		bonds = portFixedBonds(in, weights, clipped, consensus)
	} else {
		bonds = portEMABonds(in, stake, clipped, fresh)
	}
	dividends := make([]I32F32, n)
	for i, row := range bonds {
		var d I32F32
		for _, e := range row {
			d = d.Add(e.v.Mul(incentive[e.uid]))
		}
		if yuma3 {
			d = d.Mul(stake[i])
		}
		dividends[i] = d
	}
	normalize(dividends)
	permits := portTopStakes(nr, int(in.MaxValidators))

	out := Output{
		Active: active, ValidatorPermit: permits, ActiveStake: stake, Rank: rank, Trust: trust,
		Consensus: consensus, Incentive: incentive, Dividends: dividends, ValidatorTrust: vtrust,
		RankU16: ToU16Proportions(rank), TrustU16: ToU16Proportions(trust),
		ConsensusU16: ToU16Proportions(consensus), IncentiveU16: ToU16Proportions(incentive),
		DividendsU16: ToU16Proportions(dividends), ValidatorTrustU16: ToU16Proportions(vtrust),
		Bonds: make([][]Weight, n),
	}
	colMax := make([]I32F32, n)
	for _, row := range bonds {
		for _, e := range row {
			colMax[e.uid] = max(colMax[e.uid], e.v)
		}
	}
	if yuma3 {
		out.BondsFixed = make([][]FixedBond, n)
	}
	for i, row := range bonds {
		if !permits[i] {
			continue
		}
		for _, e := range row {
			if yuma3 {
				out.BondsFixed[i] = append(out.BondsFixed[i], FixedBond{e.uid, e.v})
				if u := e.v.ToU16Proportion(); u > 0 {
					out.Bonds[i] = append(out.Bonds[i], Weight{e.uid, u})
				}
			} else if v := e.v.Div(colMax[e.uid]).ToU16Proportion(); v > 0 {
				out.Bonds[i] = append(out.Bonds[i], Weight{e.uid, v})
			}
		}
	}
	return out
}

// portTopStakes is get_top_k_by_stake on stakes normalized over all uids:
// the k largest non-zero shares, ties to the lower uid.
func portTopStakes(nr []Neuron, k int) []bool {
	stakes := make([]uint64, len(nr))
	all := make([]bool, len(nr))
	for i := range nr {
		stakes[i], all[i] = nr[i].Stake, true
	}
	share := normalizeUint64(stakes, all)
	var idx []int
	for i := range nr {
		if share[i] > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return nr[idx[a]].Stake > nr[idx[b]].Stake })
	permits := make([]bool, len(nr))
	for _, i := range idx[:min(k, len(idx))] {
		permits[i] = true
	}
	return permits
}

// portMatEMA is mat_ema_sparse: a dense row per validator, mixed, then
// collected without zeros.
func portMatEMA(n int, cur, prev portMatrix, mix func(curV, prevV I32F32) I32F32) portMatrix {
	out := make(portMatrix, n)
	for i := 0; i < n; i++ {
		if len(cur[i]) == 0 && len(prev[i]) == 0 {
			continue // subtensor fills a dense row even here; skipping it keeps the port fair
		}
		curRow := make([]I32F32, n)
		prevRow := make([]I32F32, n)
		present := make([]bool, n)
		for _, e := range cur[i] {
			curRow[e.uid], present[e.uid] = e.v, true
		}
		for _, e := range prev[i] {
			prevRow[e.uid], present[e.uid] = e.v, true
		}
		for j := 0; j < n; j++ {
			if !present[j] {
				continue
			}
			if v := mix(curRow[j], prevRow[j]); v > 0 {
				out[i] = append(out[i], portEntry{uint16(j), v})
			}
		}
	}
	return out
}

func portEMABonds(in Input, stake []I32F32, clipped portMatrix, fresh func(int) bool) portMatrix {
	n := len(in.Neurons)
	delta := make(portMatrix, n)
	for i, row := range clipped {
		delta[i] = make([]portEntry, len(row))
		for k, e := range row {
			delta[i][k] = portEntry{e.uid, stake[i].Mul(e.v)}
		}
	}
	portColNormalize(delta, n)

	prev := make(portMatrix, n)
	prevSum := make([]uint64, n)
	raw := make([][]rawEntry, n)
	for i := range in.Neurons {
		if fresh(i) {
			continue
		}
		for _, e := range portRawRow(in.Neurons[i].Bonds) {
			if j := int(e.uid); j < n && e.value > 0 && !fresh(j) {
				raw[i] = append(raw[i], e)
				prevSum[j] += e.value
			}
		}
	}
	for i, row := range raw {
		for _, e := range row {
			prev[i] = append(prev[i], portEntry{e.uid, Ratio(e.value, prevSum[e.uid])})
		}
	}
	alpha := One.Sub(Ratio(min(in.BondsMovingAverage, 1_000_000), 1_000_000))
	keep := One.Sub(alpha)
	b := portMatEMA(n, delta, prev, func(d, p I32F32) I32F32 {
		return alpha.Mul(d).Add(keep.Mul(p))
	})
	portColNormalize(b, n)
	return b
}

func portFixedBonds(in Input, weights, clipped portMatrix, consensus []I32F32) portMatrix {
	n := len(in.Neurons)
	nr := in.Neurons
	unpenalized := One.Sub(FromU16Proportion(in.BondsPenalty))
	target := make(portMatrix, n)
	for i, row := range weights {
		target[i] = make([]portEntry, len(row))
		for k, e := range row {
			c := clipped[i][k].v
			target[i][k] = portEntry{e.uid, c.Add(unpenalized.Mul(e.v.Sub(c)))}
		}
	}
	fixedRate := One.Sub(Ratio(min(in.BondsMovingAverage, 1_000_000), 1_000_000))
	alphaLow, alphaHigh := FromU16Proportion(in.AlphaLow), FromU16Proportion(in.AlphaHigh)
	if alphaLow > alphaHigh {
		alphaLow, alphaHigh = alphaHigh, alphaLow
	}
	fresh := func(uid int) bool { return nr[uid].RegisteredAt >= in.LastEpochBlock }
	prev := make(portMatrix, n)
	for i := range nr {
		if fresh(i) {
			continue
		}
		row := append([]FixedBond(nil), nr[i].BondsFixed...)
		sort.SliceStable(row, func(a, b int) bool { return row[a].UID < row[b].UID })
		var merged []FixedBond
		for _, e := range row {
			if len(merged) > 0 && merged[len(merged)-1].UID == e.UID {
				if e.Value > 0 {
					merged[len(merged)-1].Value = merged[len(merged)-1].Value.Add(e.Value)
				}
				continue
			}
			merged = append(merged, e)
		}
		for _, e := range merged {
			if j := int(e.UID); j < n && e.Value > 0 && !fresh(j) {
				prev[i] = append(prev[i], portEntry{e.UID, e.Value.Min(One)})
			}
		}
	}
	out := make(portMatrix, n)
	for i := 0; i < n; i++ {
		if len(target[i]) == 0 && len(prev[i]) == 0 {
			continue
		}
		tRow := make([]I32F32, n)
		pRow := make([]I32F32, n)
		wRow := make([]I32F32, n)
		present := make([]bool, n)
		for k, e := range target[i] {
			tRow[e.uid], wRow[e.uid], present[e.uid] = e.v, weights[i][k].v, true
		}
		for _, e := range prev[i] {
			pRow[e.uid], present[e.uid] = e.v, true
		}
		var sum I32F32
		for j := 0; j < n; j++ {
			if !present[j] {
				continue
			}
			a := fixedRate
			if in.LiquidAlpha {
				a = liquidRate(wRow[j], consensus[j], alphaLow, alphaHigh)
			}
			if v := a.Mul(tRow[j]).Add(One.Sub(a).Mul(pRow[j])); v > 0 {
				out[i] = append(out[i], portEntry{uint16(j), v})
				sum = sum.Add(v)
			}
		}
		if sum > One {
			kept := out[i][:0]
			for _, e := range out[i] {
				if v := e.v.Div(sum); v > 0 {
					kept = append(kept, portEntry{e.uid, v})
				}
			}
			out[i] = kept
		}
	}
	return out
}

// portInput is a random subnet of n uids: up to 64 permitted validators
// with stake weighting most uids, some inactive, some fresh registrations,
// some zero weights, previous bonds (both forms) from an earlier epoch.
func portInput(r *rand.Rand, n int, version uint8) Input {
	in := Input{
		CurrentBlock:           10_000,
		LastEpochBlock:         9_640,
		ActivityCutoff:         5_000,
		Kappa:                  []uint16{chainKappa, uint16(r.IntN(65536))}[r.IntN(2)],
		BondsMovingAverage:     uint64(r.IntN(1_000_001)),
		MaxValidators:          64,
		Version:                version,
		BondsPenalty:           uint16(r.IntN(65536)),
		LiquidAlpha:            r.IntN(2) == 0,
		AlphaLow:               uint16(r.IntN(65536)),
		AlphaHigh:              uint16(r.IntN(65536)),
		TrustWeightedConsensus: r.IntN(2) == 0,
		Neurons:                make([]Neuron, n),
	}
	for i := range in.Neurons {
		nr := &in.Neurons[i]
		nr.LastUpdate = 4_000 + r.Uint64N(6_000)
		nr.RegisteredAt = r.Uint64N(10_000)
		if i < 70 {
			nr.Stake = r.Uint64N(1e15)
			nr.ValidatorPermit = r.IntN(10) > 0
			for j := 0; j < n; j++ {
				if r.IntN(8) > 0 {
					nr.Weights = append(nr.Weights, Weight{UID: uint16(j), Value: uint16(r.IntN(65536))})
				}
			}
		}
	}
	prev := Epoch(in)
	for i := range in.Neurons {
		in.Neurons[i].Bonds = prev.Bonds[i]
		if version == 3 {
			in.Neurons[i].BondsFixed = prev.BondsFixed[i]
		}
		if version == 3 && in.Neurons[i].BondsFixed == nil && r.IntN(2) == 0 {
			in.Neurons[i].BondsFixed = []FixedBond{{UID: uint16(r.IntN(n)), Value: I32F32(r.Int64N(int64(One)))}}
		}
	}
	in.CurrentBlock += 360
	in.LastEpochBlock += 360
	return in
}

func TestEpochEqualsSubtensorPort(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 1))
	for _, n := range []int{1, 2, 5, 40, 256, 1024, 4096} {
		for _, version := range []uint8{2, 3} {
			runs := 3
			if n == 4096 {
				runs = 1
			}
			for k := 0; k < runs; k++ {
				in := portInput(r, n, version)
				got, want := Epoch(in), portEpoch(in)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("n=%d version=%d run %d: Epoch differs from the subtensor port\n%s", n, version, k, firstDifference(got, want))
				}
			}
		}
	}
}

// firstDifference names the first Output field where got and want differ.
func firstDifference(got, want Output) string {
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for f := 0; f < g.NumField(); f++ {
		if !reflect.DeepEqual(g.Field(f).Interface(), w.Field(f).Interface()) {
			gf, wf := g.Field(f), w.Field(f)
			for k := 0; k < min(gf.Len(), wf.Len()); k++ {
				if !reflect.DeepEqual(gf.Index(k).Interface(), wf.Index(k).Interface()) {
					return fmt.Sprintf("%s[%d]: got %v, port %v", g.Type().Field(f).Name, k, gf.Index(k).Interface(), wf.Index(k).Interface())
				}
			}
			return fmt.Sprintf("%s: lengths %d and %d", g.Type().Field(f).Name, gf.Len(), wf.Len())
		}
	}
	return "no field differs"
}

// BenchmarkEpochVsReference times Epoch and the subtensor port on the same
// input (BenchmarkEpoch's and BenchmarkEpochYuma3's) and reports Epoch's
// CPU time as a multiple of the port's (x-of-reference; wall time too, as
// x-of-reference-wall), next to issue 18's target. CPU time (rusage) is the
// headline because the machine may be shared: time spent waiting for a
// core is nobody's work. ns/op and allocs/op cover both together; see
// BenchmarkEpoch for Epoch's own.
func BenchmarkEpochVsReference(b *testing.B) {
	for _, version := range []uint8{2, 3} {
		for _, n := range []int{256, 1024, 4096} {
			in := benchInput(n)
			if version == 3 {
				in.Version, in.BondsPenalty, in.LiquidAlpha = 3, 65535, true
				in.AlphaLow, in.AlphaHigh = 45875, 58982
				prev := Epoch(in)
				for i := range in.Neurons {
					in.Neurons[i].BondsFixed = prev.BondsFixed[i]
				}
			}
			b.Run(fmt.Sprintf("version=%d/validators=64/uids=%d", version, n), func(b *testing.B) {
				b.ReportAllocs()
				// Epoch b.N times, then the port b.N times, each from a
				// collected heap, so each pays for collecting its own
				// garbage and only its own.
				runtime.GC()
				start, startWall := int64(benchclock.ProcessCPU(b)), time.Now().UnixNano()
				for i := 0; i < b.N; i++ {
					Epoch(in)
				}
				project, projectWall := int64(benchclock.ProcessCPU(b))-start, time.Now().UnixNano()-startWall
				runtime.GC()
				start, startWall = int64(benchclock.ProcessCPU(b)), time.Now().UnixNano()
				for i := 0; i < b.N; i++ {
					portEpoch(in)
				}
				reference, referenceWall := int64(benchclock.ProcessCPU(b))-start, time.Now().UnixNano()-startWall
				b.ReportMetric(float64(project)/float64(reference), "x-of-reference")
				b.ReportMetric(float64(projectWall)/float64(referenceWall), "x-of-reference-wall")
				b.ReportMetric(0.5, "target-x")
			})
		}
	}
}
