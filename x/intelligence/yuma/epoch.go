package yuma

import (
	"math"
	"math/bits"
	"slices"
)

// Weight is one entry of a sparse u16 row: a target uid and a raw value.
// Weight rows hold the validator's weights as set on chain (only their ratios
// matter); bond rows hold bonds as returned by a previous Epoch.
type Weight struct {
	UID   uint16
	Value uint16
}

// Neuron is the epoch's view of one uid of a subnet.
type Neuron struct {
	// Stake is the total stake on the hotkey in rao.
	Stake uint64
	// ValidatorPermit is the permit held going into this epoch (the
	// previous epoch's Output.ValidatorPermit). Only rows of permit holders
	// count as weights.
	ValidatorPermit bool
	// LastUpdate is the block at which the neuron last set weights. It
	// decides activity and which of its weights are outdated.
	LastUpdate uint64
	// RegisteredAt is the block at which the current occupant of the uid
	// registered.
	RegisteredAt uint64
	// Weights is the neuron's weight row, sparse and sorted by uid. Entries
	// at uids ≥ len(Input.Neurons) are ignored; an unsorted row or repeated
	// uids are tolerated (repeats are summed).
	Weights []Weight
	// Bonds is the neuron's bond row from the previous epoch
	// (Output.Bonds[uid]), same conventions as Weights. Only the original
	// Yuma reads it.
	Bonds []Weight
	// BondsFixed is the neuron's full-precision bond row from the previous
	// epoch (Output.BondsFixed[uid]); only Yuma 3 reads it. Same
	// conventions as Weights; values are clamped to [0, 1] and negative
	// values are ignored.
	BondsFixed []FixedBond
}

// Input is everything one Yuma epoch of one subnet needs. The slice index of
// Neurons is the uid.
type Input struct {
	// CurrentBlock is the height the epoch runs at.
	CurrentBlock uint64
	// LastEpochBlock is the height of the subnet's previous epoch (0 before
	// the first). Uids with RegisteredAt ≥ LastEpochBlock registered since
	// the previous bonds were computed: their bond columns and rows are
	// reset, because those bonds belonged to the previous occupant.
	LastEpochBlock uint64
	// ActivityCutoff: a neuron is active iff LastUpdate + ActivityCutoff ≥
	// CurrentBlock.
	ActivityCutoff uint64
	// Kappa is the consensus majority as a u16 proportion (of 65535);
	// 32767 ≈ 0.5.
	Kappa uint16
	// BondsMovingAverage in parts per million; the bond EMA keeps this much
	// of the previous bonds each epoch. Values above 1,000,000 act as
	// 1,000,000 (bonds never change).
	BondsMovingAverage uint64
	// MaxValidators is how many uids (the largest stakes that are non-zero
	// once normalized, ties to the lower uid) receive a validator permit
	// for the next epoch.
	MaxValidators uint16
	// Version selects the algorithm: 3 runs Yuma 3 (see the package
	// documentation); every other value, 0 and 2 in particular, runs the
	// original Yuma, which ignores the Yuma 3 fields below.
	Version uint8
	// BondsPenalty (Yuma 3) is the u16 proportion (of 65535) of the weight
	// above consensus that earns no bonds: 65535 bonds only the clipped
	// weight, 0 bonds the full weight.
	BondsPenalty uint16
	// LiquidAlpha (Yuma 3) picks each bond's EMA rate between AlphaLow and
	// AlphaHigh from how close the weight is to consensus (AlphaHigh at
	// consensus), instead of the fixed 1 − BondsMovingAverage/10^6.
	LiquidAlpha bool
	// AlphaLow and AlphaHigh (Yuma 3 with LiquidAlpha) are u16 proportions
	// (of 65535) bounding the EMA rate; if AlphaLow > AlphaHigh they are
	// swapped.
	AlphaLow, AlphaHigh uint16
	// TrustWeightedConsensus (Yuma 3) computes consensus twice: first
	// weighting each validator by its stake, then by stake × the validator
	// trust that first pass gave it. A coalition under kappa whose weights
	// the honest majority does not share keeps little trust in the first
	// pass, so in the second it can no longer lift a column's consensus to
	// the most generous honest weight or hold a column down to the least
	// generous one. See the package documentation.
	TrustWeightedConsensus bool
	// Neurons holds one entry per uid.
	Neurons []Neuron
}

// Output is the result of Epoch. Every per-uid slice has len(Input.Neurons)
// entries. The I32F32 vectors are proportions for payouts (use Split); the
// U16 vectors are the same values in their storage form
// (I32F32.ToU16Proportion, i.e. floor(x·65535)).
type Output struct {
	// Active reports LastUpdate + ActivityCutoff ≥ CurrentBlock per uid.
	Active []bool
	// ValidatorPermit is the permit set for the next epoch: the
	// MaxValidators largest stakes that are non-zero once normalized over
	// all uids (ties to the lower uid).
	ValidatorPermit []bool
	// ActiveStake is S: stake normalized over active neurons that held a
	// permit, 0 elsewhere. It sums to ~1 unless no such neuron has stake.
	ActiveStake []I32F32
	// Rank is R_j = Σ_i S_i·W̄_ij, before normalization (unlike subtensor,
	// which stores the normalized rank, equal to Incentive).
	Rank []I32F32
	// Trust is R_j divided by the rank before clipping (0 where that is 0):
	// the share of a uid's support that survived consensus clipping.
	Trust []I32F32
	// Consensus is c_j, the stake-weighted kappa-quantile of column j.
	Consensus []I32F32
	// Incentive is I = R/ΣR; sums to ~1 or is all 0.
	Incentive []I32F32
	// Dividends is D = normalize(Bᵀ·I); sums to ~1 or is all 0.
	Dividends []I32F32
	// ValidatorTrust is VT_i = Σ_j W̄_ij: how much of a validator's weight
	// survived clipping.
	ValidatorTrust []I32F32

	// RankU16 is Rank in storage form.
	RankU16 []uint16
	// TrustU16 is Trust in storage form.
	TrustU16 []uint16
	// ConsensusU16 is Consensus in storage form.
	ConsensusU16 []uint16
	// IncentiveU16 is Incentive in storage form.
	IncentiveU16 []uint16
	// DividendsU16 is Dividends in storage form.
	DividendsU16 []uint16
	// ValidatorTrustU16 is ValidatorTrust in storage form.
	ValidatorTrustU16 []uint16

	// Bonds holds the new bond row of every uid, to be stored and passed
	// back as Neuron.Bonds next epoch. Rows are sparse, sorted by uid,
	// without zero entries, scaled per column so that the largest bond in
	// a column is 65535 (subtensor's column max-upscale). Empty rows are
	// nil; in particular uids without a permit in ValidatorPermit get a nil
	// row, which clears their bonds. With Yuma 3 the entries are instead
	// the fixed-proportion bonds in storage form (floor(b·65535)), for
	// display; Yuma 3 reads BondsFixed, never Bonds.
	Bonds [][]Weight
	// BondsFixed (Yuma 3 only, nil otherwise) holds the new full-precision
	// bond rows, to be passed back as Neuron.BondsFixed: sparse, sorted by
	// uid, no zeros, nil for empty rows and for uids without a permit in
	// ValidatorPermit.
	BondsFixed [][]FixedBond
}

// Epoch runs one Yuma consensus epoch. It is a pure function of in: no
// floats, no maps, no randomness, so every node computes identical output.
// It never panics and never modifies in; malformed rows are sanitized as
// documented on Neuron.
// Work is O(n·log n + nnz·log V) for n uids, nnz weight and bond entries
// and V validators with stake (O(n·log n + nnz) expected), in at most one
// allocation per output vector.
func Epoch(in Input) Output {
	var st state // on the stack: one allocation fewer
	st.run(in)
	return st.output()
}

// state keeps the intermediate results of an epoch, so tests can inspect
// the matrices as well as the output.
type state struct {
	n          int
	yuma3      bool
	active     []bool
	stake      []I32F32 // S
	voting     []I32F32 // weight of each row in consensus and ranks: S, or S·VT normalized
	w          csr      // masked, row-normalized weights W
	clipped    []I32F32 // W̄, parallel to w.val
	consensus  []I32F32
	preRank    []I32F32
	rank       []I32F32
	trust      []I32F32
	incentive  []I32F32
	vtrust     []I32F32
	bonds      csr // EMA bonds B, column-normalized
	dividends  []I32F32
	newPermits []bool

	arena   arena      // the epoch's scratch memory
	samples []uint64   // consensusOf's buffer, reused by the second pass
	longest int        // the longest input row
	bondsIn int        // entries of the input's previous bonds (Bonds or BondsFixed)
	rawBuf  []rawEntry // canonicalRow's buffer, cap longest
}

func (st *state) run(in Input) {
	n := len(in.Neurons)
	neurons := in.Neurons
	st.n, st.yuma3 = n, in.Version == 3

	// Up-front sizes: entries of the weight matrix and of previous bonds,
	// and the longest input row.
	capW, capB, longest := 0, 0, 0
	for i := range neurons {
		nr := &neurons[i]
		if nr.ValidatorPermit {
			capW += len(nr.Weights)
		}
		bonds := len(nr.Bonds)
		if st.yuma3 {
			bonds = len(nr.BondsFixed)
		}
		capB += bonds
		longest = max(longest, len(nr.Weights), bonds)
	}
	st.arena = newArena(3*capW+capB+12*n, capW+capB, 9*n+9, capW+3*n, 2*n)
	st.longest, st.bondsIn = longest, capB
	st.rawBuf = make([]rawEntry, 0, longest)
	a := &st.arena

	// Outputs: one block per element type.
	outFixed := make([]I32F32, 7*n)
	outVec := func(k int) []I32F32 { return outFixed[k*n : (k+1)*n : (k+1)*n] }
	outFlags := make([]bool, 2*n)
	st.active = outFlags[:n:n]
	st.newPermits = outFlags[n:]

	// Step 1: activity and normalized active permitted stake S.
	counted := a.flagN(n)
	stakes := a.u64N(n)
	for i := range neurons {
		nr := &neurons[i]
		st.active[i] = satAddU64(nr.LastUpdate, in.ActivityCutoff) >= in.CurrentBlock
		counted[i] = st.active[i] && nr.ValidatorPermit
		stakes[i] = nr.Stake
	}
	st.stake = outVec(0)
	normalizeUint64Into(st.stake, stakes, counted)
	st.voting = st.stake

	// Step 2: weights of permit holders, minus self-weights and weights set
	// no later than the target registered; rows normalized.
	st.w = buildWeights(a, neurons, capW, st.rawBuf)

	// Step 3: consensus per column (Yuma 3 with TrustWeightedConsensus:
	// a second pass with rows weighted by stake × trust).
	kappa := FromU16Proportion(in.Kappa)
	st.consensus = st.consensusOf(kappa, st.voting, a.fixedN(n))
	if st.yuma3 && in.TrustWeightedConsensus {
		st.trustWeight(kappa)
	}
	st.consensus = append(outVec(1)[:0], st.consensus...)
	st.preRank = st.rankOf(st.w.val, a.fixedN(n))

	// Step 4: clip, validator trust, ranks, trust, incentive.
	st.clipped = a.fixedN(len(st.w.val))
	st.vtrust = outVec(2)
	for i := 0; i < n; i++ {
		st.vtrust[i] = st.clipRow(i, st.consensus, st.clipped)
	}
	st.rank = st.rankOf(st.clipped, outVec(3))
	st.trust = outVec(4)
	for j := range st.trust {
		st.trust[j] = st.rank[j].Div(st.preRank[j])
	}
	st.incentive = append(outVec(5)[:0], st.rank...)
	normalize(st.incentive)

	// Step 5: bonds EMA and dividends (Yuma 3: fixed-proportion bonds).
	if st.yuma3 {
		st.bonds = st.fixedProportionBonds(in)
	} else {
		st.bonds = st.emaBonds(in)
	}
	st.dividends = outVec(6)
	for i := 0; i < n; i++ {
		lo, hi := st.bonds.rowRange(i)
		var d I32F32
		for k := lo; k < hi; k++ {
			d = d.Add(st.bonds.val[k].Mul(st.incentive[st.bonds.col[k]]))
		}
		if st.yuma3 {
			// Bond rows are proportions of each validator's own support,
			// so Σ_j b_ij·I_j is a dividend per unit of stake.
			d = d.Mul(st.stake[i])
		}
		st.dividends[i] = d
	}
	normalize(st.dividends)

	topStakes(a, st.newPermits, neurons, int(in.MaxValidators))
}

// buildWeights applies the step-2 masks and row-normalizes. Rows of
// neurons without a permit are empty.
// capacity is the number of weight entries of permit holders, buf a
// buffer for canonicalRow.
func buildWeights(a *arena, neurons []Neuron, capacity int, buf []rawEntry) csr {
	n := len(neurons)
	w := a.csr(n, capacity)
	for i := range neurons {
		nr := &neurons[i]
		if !nr.ValidatorPermit {
			w.endRow()
			continue
		}
		buf = canonicalRow(buf, nr.Weights)
		var rowSum uint64
		kept := buf[:0]
		for _, e := range buf {
			j := int(e.uid)
			if j >= n || j == i || e.value == 0 || nr.LastUpdate <= neurons[j].RegisteredAt {
				continue
			}
			kept = append(kept, e)
			rowSum += e.value
		}
		for _, e := range kept {
			if v := Ratio(e.value, rowSum); v > 0 {
				w.push(e.uid, v)
			}
		}
		w.endRow()
	}
	return w
}

// rankOf returns Σ_i V_i·m_ij per column for a matrix with w's structure,
// where V is the row weight st.voting (the stake S unless trust-weighted).
// The result is written to r, which must be zeroed.
func (st *state) rankOf(vals, r []I32F32) []I32F32 {
	for i := 0; i < st.n; i++ {
		s := st.voting[i]
		if s == 0 {
			continue
		}
		lo, hi := st.w.rowRange(i)
		for k := lo; k < hi; k++ {
			j := st.w.col[k]
			r[j] = r[j].Add(s.Mul(vals[k]))
		}
	}
	return r
}

// clipRow clips row i of W at consensus c and returns the row's trust Σ_j min(W_ij, c_j); if
// clipped is not nil it also stores each clipped value, parallel to w.val.
func (st *state) clipRow(i int, c, clipped []I32F32) I32F32 {
	lo, hi := st.w.rowRange(i)
	var sum I32F32
	for k := lo; k < hi; k++ {
		v := st.w.val[k].Min(c[st.w.col[k]])
		if clipped != nil {
			clipped[k] = v
		}
		sum = sum.Add(v)
	}
	return sum
}

// trustWeight is Yuma 3's TrustWeightedConsensus: it reweights every row
// by S_i·VT_i, where VT_i = Σ_j min(W_ij, c_j) is the validator's trust
// against the stake-weighted consensus c of the first pass, normalized,
// and recomputes consensus with those weights; ranks then use them too.
// If no validator keeps any trust, the first pass stands.
func (st *state) trustWeight(kappa I32F32) {
	trusted := st.arena.fixedN(st.n)
	var total I32F32
	for i := 0; i < st.n; i++ {
		if st.stake[i] == 0 {
			continue
		}
		trusted[i] = st.stake[i].Mul(st.clipRow(i, st.consensus, nil))
		total = total.Add(trusted[i])
	}
	if total == 0 {
		return
	}
	normalize(trusted)
	st.voting = trusted
	st.consensus = st.consensusOf(kappa, trusted, st.arena.fixedN(st.n))
}

// consensusOf computes c_j, the kappa-quantile of column j weighted by
// weight (S, or S·VT in the trust-weighted pass) over validators with
// weight_i > 0, where a validator that did not weight j counts as
// weighting it 0.
// The result is written to c, which must be zeroed.
func (st *state) consensusOf(kappa I32F32, weight, c []I32F32) []I32F32 {
	n := st.n
	a := &st.arena
	var totalStake I32F32
	for _, s := range weight {
		totalStake = totalStake.Add(s)
	}
	if totalStake == 0 {
		return c
	}
	colStart := st.columnStarts(weight)
	// Each sample is one uint64, value<<rowBits | row, so samples compare
	// as plain integers (no comparator) in ascending value order; equal
	// values fall in row order, which the quantile does not depend on.
	// Row-normalized weights are in (0, One], 33 bits.
	if n > 1<<rowBits {
		return st.consensusOfLarge(kappa, weight, totalStake, colStart)
	}
	if len(st.samples) < colStart[n] {
		st.samples = a.u64N(colStart[n])
	}
	samples := st.samples[:colStart[n]] // a later pass has no more rows
	next := append(a.intN(n)[:0], colStart[:n]...)
	colStake := a.fixedN(n)
	for i := 0; i < n; i++ {
		s := weight[i]
		if s == 0 {
			continue
		}
		lo, hi := st.w.rowRange(i)
		for k := lo; k < hi; k++ {
			j := st.w.col[k]
			samples[next[j]] = uint64(st.w.val[k])<<rowBits | uint64(i)
			next[j]++
			colStake[j] = colStake[j].Add(s)
		}
	}
	threshold := quantileThreshold(totalStake, kappa)
	for j := 0; j < n; j++ {
		seg := samples[colStart[j]:colStart[j+1]]
		if len(seg) == 0 {
			continue // everyone weights j as 0
		}
		c[j] = selectQuantile(seg, weight, totalStake.Sub(colStake[j]), threshold)
	}
	return c
}

// columnStarts transposes the rows with weight into per-column samples:
// column j's samples are [colStart[j], colStart[j+1]).
func (st *state) columnStarts(weight []I32F32) []int {
	n := st.n
	colStart := st.arena.intN(n + 1)
	for i := 0; i < n; i++ {
		if weight[i] == 0 {
			continue
		}
		lo, hi := st.w.rowRange(i)
		for k := lo; k < hi; k++ {
			colStart[int(st.w.col[k])+1]++
		}
	}
	for j := 0; j < n; j++ {
		colStart[j+1] += colStart[j]
	}
	return colStart
}

// rowBits is how many low bits of a packed consensus sample hold the row.
const (
	rowBits = 30
	rowMask = 1<<rowBits - 1
)

// selectQuantile is quantileSorted on packed samples (value<<rowBits |
// row, weights weight[row]) without sorting them all: it returns the value
// of the smallest sample whose cumulative weight from base exceeds
// threshold (0 if base already does, the largest value if nothing does).
// That sample is found by partitioning around a pivot and keeping only the
// side that holds it, as quickselect does, O(len) expected; a column whose
// pivots keep going wrong is sorted instead, so O(len·log len) at worst.
// Samples are distinct (one per row), the pivot rule is fixed, and the
// answer does not depend on the order reached, so the result is
// deterministic and equal to the sorted scan's. seg is reordered.
func selectQuantile(seg []uint64, weight []I32F32, base, threshold I32F32) I32F32 {
	if base > threshold || len(seg) == 0 {
		return 0
	}
	cum := base
	lo, hi := 0, len(seg)
	for budget := 2 * bits.Len(uint(len(seg))); hi-lo > 16; budget-- {
		if budget == 0 {
			break
		}
		// Median of three as pivot, moved to hi-1.
		a, m, z := lo, lo+(hi-lo)/2, hi-1
		if seg[m] < seg[a] {
			seg[m], seg[a] = seg[a], seg[m]
		}
		if seg[z] < seg[a] {
			seg[z], seg[a] = seg[a], seg[z]
		}
		if seg[z] < seg[m] {
			seg[z], seg[m] = seg[m], seg[z]
		}
		seg[m], seg[z] = seg[z], seg[m]
		pivot := seg[z]
		store := lo
		var below I32F32
		for k := lo; k < z; k++ {
			if p := seg[k]; p < pivot {
				below = below.Add(weight[p&rowMask])
				seg[k], seg[store] = seg[store], p
				store++
			}
		}
		seg[z], seg[store] = seg[store], pivot
		switch {
		case cum.Add(below) > threshold:
			hi = store
		case cum.Add(below).Add(weight[pivot&rowMask]) > threshold:
			return I32F32(pivot >> rowBits)
		default:
			cum = cum.Add(below).Add(weight[pivot&rowMask])
			lo = store + 1
		}
	}
	rest := seg[lo:hi]
	slices.Sort(rest)
	for _, p := range rest {
		cum = cum.Add(weight[p&rowMask])
		if cum > threshold {
			return I32F32(p >> rowBits)
		}
	}
	// Nothing exceeds the threshold: the largest value of all.
	return I32F32(slices.Max(seg) >> rowBits)
}

// consensusOfLarge is consensusOf for more rows than a packed sample can
// name, sorting (value, weight) pairs instead.
func (st *state) consensusOfLarge(kappa I32F32, weight []I32F32, totalStake I32F32, colStart []int) []I32F32 {
	n := st.n
	c := make([]I32F32, n)
	samples := make([]weighted, colStart[n])
	next := slices.Clone(colStart[:n])
	colStake := make([]I32F32, n)
	for i := 0; i < n; i++ {
		s := weight[i]
		if s == 0 {
			continue
		}
		lo, hi := st.w.rowRange(i)
		for k := lo; k < hi; k++ {
			j := st.w.col[k]
			samples[next[j]] = weighted{value: st.w.val[k], weight: s}
			next[j]++
			colStake[j] = colStake[j].Add(s)
		}
	}
	threshold := quantileThreshold(totalStake, kappa)
	for j := 0; j < n; j++ {
		seg := samples[colStart[j]:colStart[j+1]]
		if len(seg) == 0 {
			continue
		}
		sortByValue(seg)
		c[j] = quantileSorted(seg, totalStake.Sub(colStake[j]), threshold)
	}
	return c
}

// emaBonds computes B = colnorm(a·colnorm(S_i·W̄_ij) + (1−a)·colnorm(B_prev)).
func (st *state) emaBonds(in Input) csr {
	n := st.n
	neurons := in.Neurons

	// ΔB, with w's structure.
	a := &st.arena
	delta := a.fixedN(len(st.clipped))
	for i := 0; i < n; i++ {
		lo, hi := st.w.rowRange(i)
		for k := lo; k < hi; k++ {
			delta[k] = st.stake[i].Mul(st.clipped[k])
		}
	}
	deltaSum := a.fixedN(n)
	for k, j := range st.w.col {
		deltaSum[j] = deltaSum[j].Add(delta[k])
	}
	for k, j := range st.w.col {
		delta[k] = delta[k].Div(deltaSum[j])
	}

	// Previous bonds, minus rows and columns of newly registered uids,
	// column-normalized from their raw u16 values.
	fresh := func(uid int) bool { return neurons[uid].RegisteredAt >= in.LastEpochBlock }
	prev := a.csr(n, st.bondsIn)
	prevSum := a.u64N(n)
	buf := st.rawBuf
	for i := range neurons {
		if fresh(i) {
			prev.endRow()
			continue
		}
		buf = canonicalRow(buf, neurons[i].Bonds)
		for _, e := range buf {
			j := int(e.uid)
			if j >= n || e.value == 0 || fresh(j) {
				continue
			}
			// Raw values for now; at most 65535·(repeats) so they fit.
			prev.push(e.uid, I32F32(e.value))
			prevSum[j] += e.value
		}
		prev.endRow()
	}
	for k, j := range prev.col {
		prev.val[k] = Ratio(uint64(prev.val[k]), prevSum[j])
	}

	// EMA, merging the two sorted sparse rows (the same walk as Yuma 3's),
	// summing columns as it goes.
	alpha := One.Sub(Ratio(min(in.BondsMovingAverage, 1_000_000), 1_000_000))
	keep := One.Sub(alpha)
	size := unionSize(n, &st.w, &prev)
	b := csr{start: a.intN(n + 1), col: make([]uint16, size), val: make([]I32F32, size)}
	colSum := deltaSum // reused: the delta column sums are no longer needed
	clear(colSum)
	out := 0
	for i := 0; i < n; i++ {
		u := newRowUnion(&st.w, &prev, i)
		for j, dk, pk, ok := u.next(); ok; j, dk, pk, ok = u.next() {
			var dv, pv I32F32 // an absent side counts as 0
			if dk >= 0 {
				dv = delta[dk]
			}
			if pk >= 0 {
				pv = prev.val[pk]
			}
			if v := alpha.Mul(dv).Add(keep.Mul(pv)); v > 0 {
				b.col[out], b.val[out] = j, v
				colSum[j] = colSum[j].Add(v)
				out++
			}
		}
		b.start[i+1] = out
	}
	b.col, b.val = b.col[:out], b.val[:out]
	for k, j := range b.col {
		b.val[k] = b.val[k].Div(colSum[j])
	}
	return b
}

// topStakes marks the k uids with the largest non-zero stake, ties to the
// lower uid. A dust stake that normalizes to 0 over all uids (below 2^-32
// of the total) gets no permit, as in subtensor, which ranks normalized
// stakes.
// The marks are written to permits (len(neurons), zeroed); scratch comes
// from a.
func topStakes(a *arena, permits []bool, neurons []Neuron, k int) {
	stakes := a.u64N(len(neurons))
	all := a.flagN(len(neurons))
	for i := range neurons {
		stakes[i], all[i] = neurons[i].Stake, true
	}
	share := a.fixedN(len(neurons))
	normalizeUint64Into(share, stakes, all)
	candidates := a.intN(len(neurons))[:0]
	for i := range neurons {
		if share[i] > 0 {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) > k {
		slices.SortFunc(candidates, func(a, b int) int {
			sa, sb := neurons[a].Stake, neurons[b].Stake
			switch {
			case sa > sb:
				return -1
			case sa < sb:
				return 1
			}
			return a - b
		})
		candidates = candidates[:k]
	}
	for _, i := range candidates {
		permits[i] = true
	}
}

// output assembles the Output from the state.
func (st *state) output() Output {
	n := st.n
	out := Output{
		Active:          st.active,
		ValidatorPermit: st.newPermits,
		ActiveStake:     st.stake,
		Rank:            st.rank,
		Trust:           st.trust,
		Consensus:       st.consensus,
		Incentive:       st.incentive,
		Dividends:       st.dividends,
		ValidatorTrust:  st.vtrust,
	}
	u16 := make([]uint16, 6*n)
	part := func(k int, v []I32F32) []uint16 {
		p := u16[k*n : (k+1)*n : (k+1)*n]
		for i, x := range v {
			p[i] = x.ToU16Proportion()
		}
		return p
	}
	out.RankU16 = part(0, st.rank)
	out.TrustU16 = part(1, st.trust)
	out.ConsensusU16 = part(2, st.consensus)
	out.IncentiveU16 = part(3, st.incentive)
	out.DividendsU16 = part(4, st.dividends)
	out.ValidatorTrustU16 = part(5, st.vtrust)

	if st.yuma3 {
		out.Bonds, out.BondsFixed = st.fixedBondsOutput()
		return out
	}

	// Bonds for storage: column max-upscale, then u16 proportions, only for
	// rows that keep (or gain) a permit.
	colMax := st.arena.fixedN(n)
	for k, j := range st.bonds.col {
		colMax[j] = max(colMax[j], st.bonds.val[k])
	}
	size := 0
	for i := 0; i < n; i++ {
		if st.newPermits[i] {
			lo, hi := st.bonds.rowRange(i)
			size += hi - lo
		}
	}
	backing := make([]Weight, 0, size)
	out.Bonds = make([][]Weight, n)
	for i := 0; i < n; i++ {
		if !st.newPermits[i] {
			continue
		}
		lo, hi := st.bonds.rowRange(i)
		first := len(backing)
		for k := lo; k < hi; k++ {
			j := st.bonds.col[k]
			if v := st.bonds.val[k].Div(colMax[j]).ToU16Proportion(); v > 0 {
				backing = append(backing, Weight{UID: j, Value: v})
			}
		}
		if len(backing) > first {
			out.Bonds[i] = backing[first:len(backing):len(backing)]
		}
	}
	return out
}

func satAddU64(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}
