package yuma

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

var two32 = new(big.Int).Lsh(big.NewInt(1), 32)

// bigTruncDiv returns a/b rounded toward zero (big.Int.Quo truncates).
func bigTruncDiv(a, b *big.Int) *big.Int { return new(big.Int).Quo(a, b) }

// saturateBig clamps a big integer to the I32F32 raw range.
func saturateBig(v *big.Int) I32F32 {
	if v.Cmp(big.NewInt(math.MaxInt64)) > 0 {
		return MaxI32F32
	}
	if v.Cmp(big.NewInt(math.MinInt64)) < 0 {
		return MinI32F32
	}
	return I32F32(v.Int64())
}

func randFixed(r *rand.Rand) I32F32 {
	switch r.IntN(4) {
	case 0: // proportions, the common case
		return I32F32(r.Int64N(int64(One) + 1))
	case 1: // small signed values
		return I32F32(r.Int64N(1<<40) - 1<<39)
	case 2: // anything
		return I32F32(r.Uint64())
	default: // extremes
		return []I32F32{0, 1, -1, One, -One, MaxI32F32, MinI32F32, MaxI32F32 - 1, MinI32F32 + 1}[r.IntN(9)]
	}
}

func TestFixedMulDivMatchBigInt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for it := 0; it < 200000; it++ {
		x, y := randFixed(r), randFixed(r)
		bx, by := big.NewInt(int64(x)), big.NewInt(int64(y))

		wantMul := saturateBig(bigTruncDiv(new(big.Int).Mul(bx, by), two32))
		if got := x.Mul(y); got != wantMul {
			t.Fatalf("Mul(%d, %d) = %d, want %d", x, y, got, wantMul)
		}
		if y != 0 {
			wantDiv := saturateBig(bigTruncDiv(new(big.Int).Mul(bx, two32), by))
			if got := x.Div(y); got != wantDiv {
				t.Fatalf("Div(%d, %d) = %d, want %d", x, y, got, wantDiv)
			}
		}
		wantAdd := saturateBig(new(big.Int).Add(bx, by))
		if got := x.Add(y); got != wantAdd {
			t.Fatalf("Add(%d, %d) = %d, want %d", x, y, got, wantAdd)
		}
		wantSub := saturateBig(new(big.Int).Sub(bx, by))
		if got := x.Sub(y); got != wantSub {
			t.Fatalf("Sub(%d, %d) = %d, want %d", x, y, got, wantSub)
		}
	}
}

func TestFixedEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		got  I32F32
		want I32F32
	}{
		{"one times one", One.Mul(One), One},
		{"half times half", (One / 2).Mul(One / 2), One / 4},
		{"smallest times half rounds to zero", I32F32(1).Mul(One / 2), 0},
		{"negative rounds toward zero", I32F32(-1).Mul(One / 2), 0},
		{"mul saturates high", FromInt(1 << 20).Mul(FromInt(1 << 20)), MaxI32F32},
		{"mul saturates low", FromInt(1 << 20).Mul(FromInt(-(1 << 20))), MinI32F32},
		{"min times minus one saturates", MinI32F32.Mul(-One), MaxI32F32},
		{"min times one", MinI32F32.Mul(One), MinI32F32},
		{"div by zero is zero", One.Div(0), 0},
		{"div one by three floors", One.Div(FromInt(3)), 1431655765},
		{"div minus one by three truncates", (-One).Div(FromInt(3)), -1431655765},
		{"div saturates", MaxI32F32.Div(1), MaxI32F32},
		{"div saturates negative", MaxI32F32.Div(-1), MinI32F32},
		{"min div minus one saturates", MinI32F32.Div(-One), MaxI32F32},
		{"add saturates", MaxI32F32.Add(1), MaxI32F32},
		{"add saturates low", MinI32F32.Add(-1), MinI32F32},
		{"sub saturates", MinI32F32.Sub(1), MinI32F32},
		{"sub saturates high", MaxI32F32.Sub(-1), MaxI32F32},
		{"from int saturates", FromInt(1 << 31), MaxI32F32},
		{"from int largest", FromInt(1<<31 - 1), I32F32((1<<31 - 1) << 32)},
		{"from int smallest", FromInt(-(1 << 31)), MinI32F32},
		{"from int below range", FromInt(-(1 << 31) - 1), MinI32F32},
		{"from uint64 saturates", FromUint64(math.MaxUint64), MaxI32F32},
		{"from uint64", FromUint64(7), 7 * One},
		{"neg min", MinI32F32.Neg(), MaxI32F32},
		{"ratio", Ratio(1, 4), One / 4},
		{"ratio den zero", Ratio(5, 0), 0},
		{"ratio saturates", Ratio(math.MaxUint64, 1), MaxI32F32},
		{"ratio of large stakes", Ratio(math.MaxUint64/3, math.MaxUint64), 1431655765},
		{"ratio just below 2^31", Ratio(1<<31-1, 1), I32F32((1<<31 - 1) << 32)},
		{"ratio at 2^31 saturates", Ratio(1<<31, 1), MaxI32F32},
		{"u16 max is one", FromU16Proportion(65535), One},
		{"u16 zero", FromU16Proportion(0), 0},
		{"kappa", FromU16Proportion(32767), 2147450879},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %d (%s), want %d (%s)", tc.name, tc.got, tc.got, tc.want, tc.want)
		}
	}
}

func TestRatioMatchesBigInt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for it := 0; it < 100000; it++ {
		num, den := r.Uint64()>>r.IntN(64), r.Uint64()>>r.IntN(64)
		if den == 0 {
			continue
		}
		want := saturateBig(new(big.Int).Div(new(big.Int).Mul(new(big.Int).SetUint64(num), two32), new(big.Int).SetUint64(den)))
		if got := Ratio(num, den); got != want {
			t.Fatalf("Ratio(%d, %d) = %d, want %d", num, den, got, want)
		}
	}
}

func TestU16ProportionRoundTrip(t *testing.T) {
	for v := 0; v <= U16Max; v++ {
		x := FromU16Proportion(uint16(v))
		want := uint64(v) << 32 / U16Max
		if uint64(x) != want {
			t.Fatalf("FromU16Proportion(%d) = %d, want %d", v, x, want)
		}
		back := x.ToU16Proportion()
		if back != uint16(v) && back != uint16(v-1) {
			t.Fatalf("round trip of %d gave %d, want %d or %d", v, back, v, v-1)
		}
	}
	// Values that are exact multiples of 1/65535 in binary survive.
	if got := FromU16Proportion(0).ToU16Proportion(); got != 0 {
		t.Errorf("0 round trip = %d", got)
	}
	if got := One.ToU16Proportion(); got != U16Max {
		t.Errorf("One.ToU16Proportion() = %d, want 65535", got)
	}
	if got := (One / 2).ToU16Proportion(); got != 32767 {
		t.Errorf("(1/2).ToU16Proportion() = %d, want 32767 (floor of 32767.5)", got)
	}
	if got := FromInt(2).ToU16Proportion(); got != U16Max {
		t.Errorf("2.ToU16Proportion() = %d, want 65535 (saturated)", got)
	}
	if got := MaxI32F32.ToU16Proportion(); got != U16Max {
		t.Errorf("Max.ToU16Proportion() = %d, want 65535", got)
	}
	if got := (-One).ToU16Proportion(); got != 0 {
		t.Errorf("-1.ToU16Proportion() = %d, want 0", got)
	}
}

func TestFixedRoundFloorAndConversions(t *testing.T) {
	tests := []struct {
		x         I32F32
		floor     int64
		round     int64
		toUint64  uint64
		formatted string
	}{
		{0, 0, 0, 0, "0.0000000000"},
		{One / 2, 0, 1, 0, "0.5000000000"},
		{One/2 - 1, 0, 0, 0, "0.4999999997"},
		{-One / 2, -1, -1, 0, "-0.5000000000"},
		{-One/2 + 1, -1, 0, 0, "-0.4999999997"},
		{FromInt(3) + One/4, 3, 3, 3, "3.2500000000"},
		{FromInt(-3) - One/4, -4, -3, 0, "-3.2500000000"},
		{MaxI32F32, 1<<31 - 1, 1 << 31, 1<<31 - 1, "2147483647.9999999997"},
		{MinI32F32, -(1 << 31), -(1 << 31), 0, "-2147483648.0000000000"},
	}
	for _, tc := range tests {
		if got := tc.x.Floor(); got != tc.floor {
			t.Errorf("Floor(%s) = %d, want %d", tc.x, got, tc.floor)
		}
		if got := tc.x.Round(); got != tc.round {
			t.Errorf("Round(%s) = %d, want %d", tc.x, got, tc.round)
		}
		if got := tc.x.ToUint64(); got != tc.toUint64 {
			t.Errorf("ToUint64(%s) = %d, want %d", tc.x, got, tc.toUint64)
		}
		if got := tc.x.String(); got != tc.formatted {
			t.Errorf("String(%d) = %q, want %q", int64(tc.x), got, tc.formatted)
		}
	}
}

func TestMulUint64(t *testing.T) {
	tests := []struct {
		x      I32F32
		amount uint64
		want   uint64
	}{
		{One, 1_000_000_000, 1_000_000_000},
		{One / 2, 3, 1},
		{FromU16Proportion(65535), math.MaxUint64, math.MaxUint64},
		{One.Div(FromInt(3)), 3_000_000_000, 999_999_999},
		{FromInt(2), math.MaxUint64, math.MaxUint64}, // saturates
		{-One, 100, 0},
		{0, math.MaxUint64, 0},
	}
	for _, tc := range tests {
		if got := tc.x.MulUint64(tc.amount); got != tc.want {
			t.Errorf("%s.MulUint64(%d) = %d, want %d", tc.x, tc.amount, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for it := 0; it < 10000; it++ {
		x := I32F32(r.Int64N(int64(One) + 1))
		amount := r.Uint64()
		p := new(big.Int).Mul(big.NewInt(int64(x)), new(big.Int).SetUint64(amount))
		want := p.Rsh(p, 32).Uint64()
		if got := x.MulUint64(amount); got != want {
			t.Fatalf("%d.MulUint64(%d) = %d, want %d", x, amount, got, want)
		}
	}
}

func TestMaxUpscale(t *testing.T) {
	tests := []struct {
		name string
		in   []uint16
		want []uint16
	}{
		{"empty", []uint16{}, []uint16{}},
		{"zeros stay zero", []uint16{0, 0}, []uint16{0, 0}},
		{"already max", []uint16{65535, 100, 0}, []uint16{65535, 100, 0}},
		{"small max scales up", []uint16{1, 2}, []uint16{32768, 65535}}, // 32767.5 rounds up
		{"thirds", []uint16{1, 2, 3}, []uint16{21845, 43690, 65535}},
		{"large max scales factor first", []uint16{40000, 20000, 1}, []uint16{65535, 32767, 2}},
	}
	for _, tc := range tests {
		got := MaxUpscaleU16(tc.in)
		if len(got) != len(tc.want) {
			t.Fatalf("%s: len %d, want %d", tc.name, len(got), len(tc.want))
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
	// Any non-zero input reaches 65535 at its maximum and keeps the order.
	r := rand.New(rand.NewPCG(7, 8))
	for it := 0; it < 2000; it++ {
		in := make([]uint16, 1+r.IntN(20))
		for i := range in {
			in[i] = uint16(r.IntN(1 + r.IntN(65536)))
		}
		in[r.IntN(len(in))] |= 1
		out := MaxUpscaleU16(in)
		for i := range in {
			for j := range in {
				if in[i] < in[j] && out[i] > out[j] {
					t.Fatalf("order not kept: %v -> %v", in, out)
				}
			}
			if in[i] == slicesMax(in) && out[i] != U16Max {
				t.Fatalf("max not 65535: %v -> %v", in, out)
			}
		}
	}
	if got := MaxUpscaleToU16([]I32F32{-One, One / 4, One / 2}); got[0] != 0 || got[1] != 32768 || got[2] != 65535 {
		t.Errorf("MaxUpscaleToU16 with a negative = %v", got)
	}
	if got := ToU16Proportions([]I32F32{0, One / 4, One}); got[0] != 0 || got[1] != 16383 || got[2] != 65535 {
		t.Errorf("ToU16Proportions = %v", got)
	}
}

func slicesMax(v []uint16) uint16 {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}
