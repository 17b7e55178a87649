package yuma

import "math/bits"

// Split divides amount among len(shares) recipients in proportion to shares
// with exact conservation: when ok is true the parts sum to exactly amount.
// Part i is floor(amount·shares[i]/Σshares) (128-bit exact); the few units
// left by rounding down all go to the largest share, ties to the lowest
// index. Shares need not sum to One; shares ≤ 0 receive nothing. If no share
// is positive, nothing can be split: every part is 0 and ok is false, and the
// caller decides where amount goes.
func Split(amount uint64, shares []I32F32) (parts []uint64, ok bool) {
	return split(amount, shares)
}

// SplitByWeight is Split with integer weights, for example raw stakes in rao
// (the "by stake" fallback when no incentive exists).
func SplitByWeight(amount uint64, weights []uint64) (parts []uint64, ok bool) {
	return split(amount, weights)
}

func split[T ~int64 | ~uint64](amount uint64, shares []T) ([]uint64, bool) {
	parts := make([]uint64, len(shares))
	// The sum of up to len(shares) 64-bit shares needs 128 bits. If it does
	// not fit in 64 bits, all shares are shifted right by the same amount
	// first; this keeps the split deterministic and conserving.
	var sumHi, sumLo uint64
	largest := -1
	for i, s := range shares {
		if s <= 0 {
			continue
		}
		var carry uint64
		sumLo, carry = bits.Add64(sumLo, uint64(s), 0)
		sumHi += carry
		if largest < 0 || s > shares[largest] {
			largest = i
		}
	}
	if largest < 0 {
		return parts, false
	}
	shift := uint(bits.Len64(sumHi))
	total := uint64(0)
	for _, s := range shares {
		if s > 0 {
			total += uint64(s) >> shift
		}
	}
	if total == 0 {
		// Unreachable: the largest share is at least total/len(shares).
		parts[largest] = amount
		return parts, true
	}
	distributed := uint64(0)
	for i, s := range shares {
		if s <= 0 {
			continue
		}
		hi, lo := bits.Mul64(amount, uint64(s)>>shift)
		// share ≤ total, so the quotient is ≤ amount and hi < total.
		q, _ := bits.Div64(hi, lo, total)
		parts[i] = q
		distributed += q
	}
	parts[largest] += amount - distributed
	return parts, true
}
