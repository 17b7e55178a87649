package yuma

import (
	"math"
	"math/bits"
)

// I32F32 is a signed fixed-point number with 32 integer bits (including the
// sign) and 32 fractional bits: the value is int64(x) / 2^32. It mirrors the
// substrate_fixed I32F32 type used by subtensor. All methods saturate at
// MinI32F32/MaxI32F32 instead of wrapping and never panic.
type I32F32 int64

const (
	// FracBits is the number of fractional bits of an I32F32.
	FracBits = 32
	// One is the I32F32 representation of 1.
	One I32F32 = 1 << FracBits
	// MaxI32F32 is the largest I32F32 (just below 2^31).
	MaxI32F32 I32F32 = math.MaxInt64
	// MinI32F32 is the smallest I32F32 (-2^31).
	MinI32F32 I32F32 = math.MinInt64
	// U16Max is the denominator of u16 proportions: a stored u16 value v
	// stands for v/65535.
	U16Max = math.MaxUint16

	fracMask = 1<<FracBits - 1
)

// FromInt converts an integer to I32F32, saturating outside [-2^31, 2^31).
func FromInt(v int64) I32F32 {
	switch {
	case v > math.MaxInt64>>FracBits:
		return MaxI32F32
	case v < math.MinInt64>>FracBits:
		return MinI32F32
	}
	return I32F32(v << FracBits)
}

// FromUint64 converts an unsigned integer to I32F32, saturating at MaxI32F32.
func FromUint64(v uint64) I32F32 {
	if v > math.MaxInt64>>FracBits {
		return MaxI32F32
	}
	return I32F32(v << FracBits)
}

// Ratio returns floor(num/den) as I32F32, computed exactly with a 128-bit
// intermediate. It saturates at MaxI32F32 and returns 0 when den is 0. It is
// how u64 stakes and amounts become proportions without losing precision.
func Ratio(num, den uint64) I32F32 {
	if den == 0 {
		return 0
	}
	hi, lo := num>>(64-FracBits), num<<FracBits
	if hi >= den {
		return MaxI32F32
	}
	q, _ := bits.Div64(hi, lo, den)
	if q > math.MaxInt64 {
		return MaxI32F32
	}
	return I32F32(q)
}

// FromU16Proportion converts a stored u16 proportion v to v/65535 (rounded
// down), so 65535 becomes exactly One. This is subtensor's
// u16_proportion_to_fixed.
func FromU16Proportion(v uint16) I32F32 {
	return Ratio(uint64(v), U16Max)
}

// ToU16Proportion converts a proportion in [0, 1] to its u16 storage form
// floor(x·65535), saturating to [0, 65535]. This is subtensor's
// fixed_proportion_to_u16; the round trip through FromU16Proportion may lose
// one unit.
func (x I32F32) ToU16Proportion() uint16 {
	if x <= 0 {
		return 0
	}
	if x <= One {
		// x·65535 < 2^48 needs no 128-bit product; same value as below.
		return uint16(uint64(x) * U16Max >> FracBits)
	}
	v := x.Mul(FromInt(U16Max)).Floor()
	if v > U16Max {
		return U16Max
	}
	return uint16(v)
}

// Add returns x+y, saturating on overflow.
func (x I32F32) Add(y I32F32) I32F32 {
	s := x + y
	// Overflow happened iff x and y have the same sign and s has the other.
	if (x >= 0) == (y >= 0) && (s >= 0) != (x >= 0) {
		if x >= 0 {
			return MaxI32F32
		}
		return MinI32F32
	}
	return s
}

// Sub returns x-y, saturating on overflow.
func (x I32F32) Sub(y I32F32) I32F32 {
	s := x - y
	// Overflow happened iff x and y have different signs and s has y's sign.
	if (x >= 0) != (y >= 0) && (s >= 0) != (x >= 0) {
		if x >= 0 {
			return MaxI32F32
		}
		return MinI32F32
	}
	return s
}

// Mul returns x·y rounded toward zero, using a 128-bit product and saturating
// on overflow. For the non-negative values Yuma works with this is floor, as
// in substrate_fixed.
func (x I32F32) Mul(y I32F32) I32F32 {
	neg := (x < 0) != (y < 0)
	hi, lo := bits.Mul64(x.abs(), y.abs())
	if hi>>FracBits != 0 {
		return saturated(neg)
	}
	return fromMagnitude(hi<<(64-FracBits)|lo>>FracBits, neg)
}

// Div returns x/y rounded toward zero, using a 128-bit dividend and
// saturating on overflow. Division by zero returns 0, like subtensor's
// safe_div.
func (x I32F32) Div(y I32F32) I32F32 {
	if y == 0 {
		return 0
	}
	neg := (x < 0) != (y < 0)
	ux, uy := x.abs(), y.abs()
	hi, lo := ux>>(64-FracBits), ux<<FracBits
	if hi >= uy {
		return saturated(neg)
	}
	q, _ := bits.Div64(hi, lo, uy)
	return fromMagnitude(q, neg)
}

// Min returns the smaller of x and y.
func (x I32F32) Min(y I32F32) I32F32 {
	if y < x {
		return y
	}
	return x
}

// Floor returns the largest integer not above x.
func (x I32F32) Floor() int64 {
	return int64(x) >> FracBits
}

// Round returns x rounded to the nearest integer, halves away from zero
// (substrate_fixed's round). The result is exact: int64 holds every value.
func (x I32F32) Round() int64 {
	q, frac := int64(x)>>FracBits, int64(x)&fracMask
	const half = 1 << (FracBits - 1)
	if frac > half || (frac == half && x >= 0) {
		return q + 1
	}
	return q
}

// Neg returns -x, saturating at MaxI32F32 for MinI32F32.
func (x I32F32) Neg() I32F32 {
	if x == MinI32F32 {
		return MaxI32F32
	}
	return -x
}

// ToUint64 returns floor(x) as uint64; negative values give 0.
func (x I32F32) ToUint64() uint64 {
	if x <= 0 {
		return 0
	}
	return uint64(x) >> FracBits
}

// MulUint64 returns floor(x·amount) for x ≥ 0 (0 for x ≤ 0), exact through a
// 128-bit product and saturating at math.MaxUint64. Use it to take a
// proportion of a rao amount.
func (x I32F32) MulUint64(amount uint64) uint64 {
	if x <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(x), amount)
	if hi>>FracBits != 0 {
		return math.MaxUint64
	}
	return hi<<(64-FracBits) | lo>>FracBits
}

// String formats x in decimal with 10 fractional digits (truncated), for
// logs and test messages.
func (x I32F32) String() string {
	m := x.abs()
	intPart, frac := m>>FracBits, m&fracMask
	hi, lo := bits.Mul64(frac, 1e10)
	fracDigits := hi<<(64-FracBits) | lo>>FracBits
	var buf [32]byte
	i := len(buf)
	for d := 0; d < 10; d++ {
		i--
		buf[i] = byte('0' + fracDigits%10)
		fracDigits /= 10
	}
	i--
	buf[i] = '.'
	for {
		i--
		buf[i] = byte('0' + intPart%10)
		intPart /= 10
		if intPart == 0 {
			break
		}
	}
	if x < 0 {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// abs returns |x| as uint64; |MinI32F32| = 2^63 is representable.
func (x I32F32) abs() uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// fromMagnitude applies a sign to a magnitude, saturating when it does not fit.
func fromMagnitude(m uint64, neg bool) I32F32 {
	if neg {
		if m > 1<<63 {
			return MinI32F32
		}
		return I32F32(-m)
	}
	if m > math.MaxInt64 {
		return MaxI32F32
	}
	return I32F32(m)
}

func saturated(neg bool) I32F32 {
	if neg {
		return MinI32F32
	}
	return MaxI32F32
}
