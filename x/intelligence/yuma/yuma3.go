package yuma

import "slices"

// FixedBond is one entry of a full-precision bond row (Yuma 3).
type FixedBond struct {
	UID   uint16
	Value I32F32
}

// fixedProportionBonds computes Yuma 3's bonds: each validator's row is an
// EMA of its own weights for bonds, b_ij ← α_ij·t_ij + (1−α_ij)·b_ij, with
// t_ij = W̄_ij + (1−penalty)·(W_ij − W̄_ij). Rows are proportions of the
// validator's own support (they sum to at most 1), not shares of a column,
// so a bond does not shrink because someone else bonded the same miner and
// a small validator's bonds are as precise as a large one's.
func (st *state) fixedProportionBonds(in Input) csr {
	n := st.n
	neurons := in.Neurons

	// Weights for bonds, with w's structure.
	unpenalized := One.Sub(FromU16Proportion(in.BondsPenalty))
	a := &st.arena
	target := a.fixedN(len(st.w.val))
	for k, w := range st.w.val {
		c := st.clipped[k]
		target[k] = c.Add(unpenalized.Mul(w.Sub(c)))
	}

	// Per-entry EMA rate.
	fixedRate := One.Sub(Ratio(min(in.BondsMovingAverage, 1_000_000), 1_000_000))
	alphaLow, alphaHigh := FromU16Proportion(in.AlphaLow), FromU16Proportion(in.AlphaHigh)
	if alphaLow > alphaHigh {
		alphaLow, alphaHigh = alphaHigh, alphaLow
	}

	// Previous bonds, minus rows and columns of newly registered uids.
	fresh := func(uid int) bool { return neurons[uid].RegisteredAt >= in.LastEpochBlock }
	prev := a.csr(n, st.bondsIn)
	buf := make([]FixedBond, 0, st.longest)
	for i := range neurons {
		if !fresh(i) {
			buf = canonicalFixedRow(buf, neurons[i].BondsFixed)
			for _, e := range buf {
				if j := int(e.UID); j < n && e.Value > 0 && !fresh(j) {
					prev.push(e.UID, e.Value.Min(One))
				}
			}
		}
		prev.endRow()
	}

	// EMA, merging the sorted sparse rows of targets and previous bonds
	// (an absent side counts as 0, zero results are dropped), each row
	// capped at 1 as it is completed.
	size := unionSize(n, &st.w, &prev)
	b := csr{start: a.intN(n + 1)[:1], col: make([]uint16, 0, size), val: make([]I32F32, 0, size)}
	for i := 0; i < n; i++ {
		u := newRowUnion(&st.w, &prev, i)
		for j, dk, pk, ok := u.next(); ok; j, dk, pk, ok = u.next() {
			var wv, tv, pv I32F32
			if dk >= 0 {
				wv, tv = st.w.val[dk], target[dk]
			}
			if pk >= 0 {
				pv = prev.val[pk]
			}
			r := fixedRate
			if in.LiquidAlpha {
				r = liquidRate(wv, st.consensus[j], alphaLow, alphaHigh)
			}
			if v := r.Mul(tv).Add(One.Sub(r).Mul(pv)); v > 0 {
				b.push(j, v)
			}
		}
		b.endRow()
		capRow(&b, i)
	}
	return b
}

// capRow scales the last row of b, row i, down to sum 1 if it sums to
// more, dropping entries that round to 0. A row is a proportion of the
// validator's own support; with liquid alpha, buying faster than selling
// could otherwise let a validator that keeps moving its weight hold more
// than its whole support in bonds.
func capRow(b *csr, i int) {
	lo, hi := b.rowRange(i)
	var sum I32F32
	for k := lo; k < hi; k++ {
		sum = sum.Add(b.val[k])
	}
	if sum <= One {
		return
	}
	kept := lo
	for k := lo; k < hi; k++ {
		if v := b.val[k].Div(sum); v > 0 {
			b.col[kept], b.val[kept] = b.col[k], v
			kept++
		}
	}
	b.col, b.val = b.col[:kept], b.val[:kept]
	b.start[i+1] = kept
}

// liquidRate is the liquid-alpha EMA rate of one bond, from where the
// weight w lies relative to consensus c: alphaLow + (alphaHigh −
// alphaLow)·min(w, c)/max(w, c). Bonds that agree with consensus (w = c; a
// newcomer that agrees bonds within an epoch or two) move at alphaHigh;
// the further the weight is from consensus, on either side, the closer
// the rate is to alphaLow. Weight ahead of the crowd therefore buys and a
// miner the crowd still backs is sold at the same slow pace, so a
// validator that moves early to a better miner keeps most of what its old
// bonds earn until the crowd follows.
func liquidRate(w, c, alphaLow, alphaHigh I32F32) I32F32 {
	if w == c {
		return alphaHigh
	}
	agreement := w.Div(c)
	if w > c {
		agreement = c.Div(w)
	}
	return alphaLow.Add(alphaHigh.Sub(alphaLow).Mul(agreement))
}

// canonicalFixedRow copies a bond row into buf sorted by uid with duplicate
// uids summed (saturating), like canonicalRow for u16 rows.
func canonicalFixedRow(buf, row []FixedBond) []FixedBond {
	buf = append(buf[:0], row...)
	sorted := true
	for k := 1; k < len(buf); k++ {
		if buf[k].UID <= buf[k-1].UID {
			sorted = false
			break
		}
	}
	if sorted {
		return buf
	}
	slices.SortStableFunc(buf, func(a, b FixedBond) int { return int(a.UID) - int(b.UID) })
	out := buf[:0]
	for _, e := range buf {
		if e.Value <= 0 {
			continue
		}
		if len(out) > 0 && out[len(out)-1].UID == e.UID {
			out[len(out)-1].Value = out[len(out)-1].Value.Add(e.Value)
			continue
		}
		out = append(out, e)
	}
	return out
}

// fixedBondsOutput returns the Yuma 3 bond rows of uids that hold a permit
// for the next epoch, in storage form (u16 proportions) and full precision.
func (st *state) fixedBondsOutput() ([][]Weight, [][]FixedBond) {
	n := st.n
	size := 0
	for i := 0; i < n; i++ {
		if st.newPermits[i] {
			lo, hi := st.bonds.rowRange(i)
			size += hi - lo
		}
	}
	stored := make([]Weight, 0, size)
	fixed := make([]FixedBond, 0, size)
	bonds := make([][]Weight, n)
	bondsFixed := make([][]FixedBond, n)
	for i := 0; i < n; i++ {
		if !st.newPermits[i] {
			continue
		}
		lo, hi := st.bonds.rowRange(i)
		firstStored, firstFixed := len(stored), len(fixed)
		for k := lo; k < hi; k++ {
			j, v := st.bonds.col[k], st.bonds.val[k]
			fixed = append(fixed, FixedBond{UID: j, Value: v})
			if u := v.ToU16Proportion(); u > 0 {
				stored = append(stored, Weight{UID: j, Value: u})
			}
		}
		if len(stored) > firstStored {
			bonds[i] = stored[firstStored:len(stored):len(stored)]
		}
		if len(fixed) > firstFixed {
			bondsFixed[i] = fixed[firstFixed:len(fixed):len(fixed)]
		}
	}
	return bonds, bondsFixed
}
