package types

import (
	"cmp"
	"slices"

	"github.com/taochain/taochain/x/intelligence/yuma"
)

// CanonicalRow returns the row as the chain stores and uses it: weights max-upscaled so the
// largest is 65535, zero entries dropped, sorted by uid. Two rows with the same canonical form
// have the same effect on consensus. uids and weights must have passed ValidateWeightsForm.
func CanonicalRow(uids, weights []uint32) []WeightEntry {
	raw := make([]uint16, len(weights))
	for i, w := range weights {
		raw[i] = uint16(w)
	}
	scaled := yuma.MaxUpscaleU16(raw)
	entries := make([]WeightEntry, 0, len(uids))
	for i, uid := range uids {
		if scaled[i] > 0 {
			entries = append(entries, WeightEntry{Uid: uid, Value: uint32(scaled[i])})
		}
	}
	slices.SortFunc(entries, func(a, b WeightEntry) int { return cmp.Compare(a.Uid, b.Uid) })
	return entries
}

// SameRow reports whether two canonical rows are equal.
func SameRow(a, b []WeightEntry) bool {
	return slices.Equal(a, b)
}

// ValidateWeightsForm checks a weight (or score) row without chain state: uids and weights of
// equal length, uids and weights within u16, uids unique.
func ValidateWeightsForm(uids, weights []uint32) error {
	if len(uids) != len(weights) {
		return ErrInvalidWeights.Wrapf("%d uids but %d weights: lengths must be equal", len(uids), len(weights))
	}
	if len(uids) > U16Max+1 {
		return ErrInvalidWeights.Wrapf("%d entries: at most %d uids exist", len(uids), U16Max+1)
	}
	for i := range uids {
		if uids[i] > U16Max {
			return ErrInvalidWeights.Wrapf("uid %d at position %d: uids are at most %d", uids[i], i, U16Max)
		}
		if weights[i] > U16Max {
			return ErrInvalidWeights.Wrapf("weight %d at position %d: weights are u16 (at most %d)", weights[i], i, U16Max)
		}
	}
	sorted := slices.Clone(uids)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return ErrInvalidWeights.Wrapf("uid %d appears more than once: uids must be unique", sorted[i])
		}
	}
	return nil
}

// NonZeroCount returns the number of positive weights.
func NonZeroCount(weights []uint32) int {
	n := 0
	for _, w := range weights {
		if w > 0 {
			n++
		}
	}
	return n
}

// CheckMaxWeightLimit checks that no weight exceeds limit/65535 of the row's sum (subtensor's
// max_weight_limit, exact in integers). A limit of 65535 or more allows everything.
func CheckMaxWeightLimit(weights []uint32, limit uint32) error {
	if limit >= U16Max {
		return nil
	}
	var sum, largest uint64
	for _, w := range weights {
		sum += uint64(w)
		largest = max(largest, uint64(w))
	}
	if sum == 0 {
		return nil
	}
	if largest*U16Max > uint64(limit)*sum {
		return ErrInvalidWeights.Wrapf("largest weight %d is %d/65535 of the row sum %d: max_weight_limit is %d/65535",
			largest, largest*U16Max/sum, sum, limit)
	}
	return nil
}
