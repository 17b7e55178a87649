package yuma

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

func sumParts(parts []uint64) *big.Int {
	s := new(big.Int)
	for _, p := range parts {
		s.Add(s, new(big.Int).SetUint64(p))
	}
	return s
}

func TestSplitExamples(t *testing.T) {
	tests := []struct {
		name   string
		amount uint64
		shares []I32F32
		want   []uint64
		ok     bool
	}{
		{"thirds remainder to first largest", 10, []I32F32{One / 3, One / 3, One / 3}, []uint64{4, 3, 3}, true},
		{"remainder to largest", 10, []I32F32{One / 4, One / 2, One / 4}, []uint64{2, 6, 2}, true},
		{"exact", 100, []I32F32{One / 4, One / 2, One / 4}, []uint64{25, 50, 25}, true},
		{"unnormalized shares", 9, []I32F32{FromInt(1), FromInt(2)}, []uint64{3, 6}, true},
		{"negative share gets nothing", 9, []I32F32{-One, One, One}, []uint64{0, 5, 4}, true},
		{"all zero", 9, []I32F32{0, 0}, []uint64{0, 0}, false},
		{"empty", 9, nil, []uint64{}, false},
		{"zero amount", 0, []I32F32{One}, []uint64{0}, true},
		{"max amount", math.MaxUint64, []I32F32{One / 2, One / 2}, []uint64{math.MaxUint64/2 + 1, math.MaxUint64 / 2}, true},
		{"huge shares use the shifted path", 1000, []I32F32{MaxI32F32, MaxI32F32, MaxI32F32}, []uint64{334, 333, 333}, true},
	}
	for _, tc := range tests {
		got, ok := Split(tc.amount, tc.shares)
		if ok != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("%s: Split(%d, %v) = %v, %v; want %v, %v", tc.name, tc.amount, tc.shares, got, ok, tc.want, tc.ok)
		}
	}
	got, ok := SplitByWeight(1_000_000_007, []uint64{math.MaxUint64, math.MaxUint64, 1})
	if !ok || sumParts(got).Uint64() != 1_000_000_007 || got[0] != 500_000_004 || got[1] != 500_000_003 {
		t.Errorf("SplitByWeight with max weights = %v, %v", got, ok)
	}
}

func TestSplitConservesAndIsProportional(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for it := 0; it < 20000; it++ {
		n := 1 + r.IntN(50)
		shares := make([]I32F32, n)
		positive := 0
		for i := range shares {
			switch r.IntN(4) {
			case 0:
				shares[i] = 0
			case 1:
				shares[i] = I32F32(r.Uint64()) // any sign and size
			default:
				shares[i] = I32F32(r.Int64N(int64(One)))
			}
			if shares[i] > 0 {
				positive++
			}
		}
		amount := r.Uint64() >> r.IntN(64)
		parts, ok := Split(amount, shares)
		if len(parts) != n {
			t.Fatalf("len %d, want %d", len(parts), n)
		}
		if ok != (positive > 0) {
			t.Fatalf("ok = %v with %d positive shares", ok, positive)
		}
		if !ok {
			if sumParts(parts).Sign() != 0 {
				t.Fatalf("failed split paid %v", parts)
			}
			continue
		}
		if sumParts(parts).Cmp(new(big.Int).SetUint64(amount)) != 0 {
			t.Fatalf("parts %v sum to %s, want %d", parts, sumParts(parts), amount)
		}
		// Each part is within n units of its exact proportional value.
		total := new(big.Int)
		for _, s := range shares {
			if s > 0 {
				total.Add(total, big.NewInt(int64(s)))
			}
		}
		for i, s := range shares {
			if s <= 0 {
				if parts[i] != 0 {
					t.Fatalf("non-positive share %d got %d", s, parts[i])
				}
				continue
			}
			exact := new(big.Rat).SetFrac(new(big.Int).Mul(new(big.Int).SetUint64(amount), big.NewInt(int64(s))), total)
			diff := new(big.Rat).Sub(new(big.Rat).SetInt(new(big.Int).SetUint64(parts[i])), exact)
			limit := new(big.Rat).SetInt64(int64(n) + 1)
			if total.BitLen() > 64 {
				// Shifted path: each share loses < 2^shift of 2^64-ish total.
				limit.Mul(limit, new(big.Rat).SetFloat64(1+float64(amount)/float64(uint64(1)<<60)))
			}
			if diff.Abs(diff).Cmp(limit) > 0 {
				t.Fatalf("part %d = %d too far from exact %s", i, parts[i], exact.FloatString(3))
			}
		}
	}
}
