package yuma

import (
	"cmp"
	"slices"
)

// weighted is one (value, weight) sample of a weighted quantile.
type weighted struct {
	value  I32F32
	weight I32F32
}

// WeightedQuantile returns the stake-weighted kappa-quantile of values: the
// largest value v such that the samples with value ≥ v hold at least
// kappa·Σweights of the weight. Equivalently it is the smallest v whose
// cumulative weight (values ≤ v) exceeds Σweights − kappa·Σweights, which is
// how subtensor's weighted_median finds Yuma consensus.
//
// kappa is clamped to [0, One]: kappa = One gives the smallest value, 0 the
// largest, One/2 a weighted median (the upper one on an exact tie). Samples
// with weight ≤ 0 are ignored; with no positive weight the result is 0. Only
// the first min(len(values), len(weights)) samples are used. The result does
// not depend on sample order.
func WeightedQuantile(values, weights []I32F32, kappa I32F32) I32F32 {
	n := min(len(values), len(weights))
	samples := make([]weighted, 0, n)
	var total I32F32
	for i := 0; i < n; i++ {
		if weights[i] <= 0 {
			continue
		}
		samples = append(samples, weighted{value: values[i], weight: weights[i]})
		total = total.Add(weights[i])
	}
	if len(samples) == 0 {
		return 0
	}
	sortByValue(samples)
	return quantileSorted(samples, 0, quantileThreshold(total, kappa))
}

// WeightedMedian is WeightedQuantile with kappa = 1/2.
func WeightedMedian(values, weights []I32F32) I32F32 {
	return WeightedQuantile(values, weights, One/2)
}

// quantileThreshold is the cumulative weight that the quantile's value must
// exceed: total − kappa·total, with kappa clamped to [0, One].
func quantileThreshold(total, kappa I32F32) I32F32 {
	kappa = max(0, kappa.Min(One))
	return total.Sub(kappa.Mul(total))
}

// quantileSorted scans samples sorted by ascending value, starting from a
// cumulative weight of base (the weight of implicit zero values, all of which
// precede the samples when the samples are positive), and returns the first
// value whose cumulative weight exceeds threshold. If base alone exceeds it
// the answer is 0; if nothing does, it is the largest value.
func quantileSorted(samples []weighted, base, threshold I32F32) I32F32 {
	cum := base
	if cum > threshold {
		return 0
	}
	for _, s := range samples {
		cum = cum.Add(s.weight)
		if cum > threshold {
			return s.value
		}
	}
	if len(samples) == 0 {
		return 0
	}
	return samples[len(samples)-1].value
}

func sortByValue(samples []weighted) {
	slices.SortFunc(samples, func(a, b weighted) int { return cmp.Compare(a.value, b.value) })
}
