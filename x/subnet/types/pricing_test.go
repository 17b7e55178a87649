package types_test

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/subnet/types"
)

func TestDecayedPriceExactHalvings(t *testing.T) {
	p := math.NewInt(1 << 40)
	require.Equal(t, p.String(), types.DecayedPrice(p, 0, 360).String())
	require.Equal(t, math.NewInt(1<<39).String(), types.DecayedPrice(p, 360, 360).String())
	require.Equal(t, math.NewInt(1<<30).String(), types.DecayedPrice(p, 3600, 360).String())
	require.Equal(t, "0", types.DecayedPrice(p, 360*41, 360).String())
	require.Equal(t, p.String(), types.DecayedPrice(p, 1000, 0).String(), "zero half-life disables decay")
}

func TestDecayedPriceMatchesExponential(t *testing.T) {
	price := math.NewInt(1_000_000_000_000_000_000)
	for _, elapsed := range []uint64{1, 7, 90, 180, 359, 361, 500, 1000} {
		got := types.DecayedPrice(price, elapsed, 360)
		// Reference value with 200-bit floats (test only).
		exp := new(big.Float).SetPrec(200).SetFloat64(-float64(elapsed) / 360)
		ref := pow2(exp)
		ref.Mul(ref, new(big.Float).SetPrec(200).SetInt(price.BigInt()))
		refInt, _ := ref.Int(nil)
		diff := new(big.Int).Sub(refInt, got.BigInt())
		diff.Abs(diff)
		// 32 fractional bits of exponent: relative error well below 1e-9.
		require.True(t, diff.Cmp(big.NewInt(1_000_000_000)) <= 0, "elapsed %d: got %s want %s", elapsed, got, refInt)
	}
}

// pow2 computes 2^x for small |x| with a Taylor series of e^(x·ln2) in big.Float (test only).
func pow2(x *big.Float) *big.Float {
	ln2, _ := new(big.Float).SetPrec(200).SetString("0.693147180559945309417232121458176568075500134360255254120680009")
	y := new(big.Float).SetPrec(200).Mul(x, ln2)
	sum := new(big.Float).SetPrec(200).SetInt64(1)
	term := new(big.Float).SetPrec(200).SetInt64(1)
	for i := 1; i < 80; i++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(200).SetInt64(int64(i)))
		sum.Add(sum, term)
	}
	return sum
}

func TestDecayedPriceMonotonic(t *testing.T) {
	price := math.NewInt(123_456_789_012)
	prev := price
	for e := uint64(1); e < 2000; e++ {
		got := types.DecayedPrice(price, e, 97)
		require.True(t, got.LTE(prev), "elapsed %d", e)
		prev = got
	}
}

func TestRegistrationPriceClampAndGrowth(t *testing.T) {
	h := types.DefaultHyperparameters()
	h.MinBurn, h.MaxBurn = math.NewInt(100), math.NewInt(1000)
	s := types.Subnet{Hyperparams: h, Burn: math.NewInt(800), BurnUpdatedAt: 10}
	require.Equal(t, "800", types.RegistrationPrice(s, 10).String())
	require.Equal(t, "800", types.RegistrationPrice(s, 5).String(), "height before update: no decay")
	require.Equal(t, "400", types.RegistrationPrice(s, 10+int64(h.BurnHalfLife)).String())
	require.Equal(t, "100", types.RegistrationPrice(s, 10+20*int64(h.BurnHalfLife)).String())
	require.Equal(t, "126", types.GrownPrice(math.NewInt(100), h).String())
	require.Equal(t, "1000", types.GrownPrice(math.NewInt(900), h).String())
}

func TestLockCost(t *testing.T) {
	p := types.DefaultParams()
	p.MinLock, p.LockReductionInterval = math.NewInt(100), 1000
	require.Equal(t, "100", types.LockCost(p, types.LockState{LastLock: math.ZeroInt()}, 5).String())
	st := types.LockState{LastLock: math.NewInt(400), LastLockHeight: 10}
	require.Equal(t, "800", types.LockCost(p, st, 10).String())
	require.Equal(t, "600", types.LockCost(p, st, 510).String())
	require.Equal(t, "400", types.LockCost(p, st, 1010).String())
	require.Equal(t, "100", types.LockCost(p, st, 1800).String(), "never below min_lock")
}
