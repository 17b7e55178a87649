package types

import (
	"math/big"
	"math/bits"

	"cosmossdk.io/math"
)

// RegistrationGrowthNumerator / RegistrationGrowthDenominator is the factor (×1.26) the registration
// price is multiplied by after each registration.
const (
	RegistrationGrowthNumerator   = 126
	RegistrationGrowthDenominator = 100
)

// halvingFractions[i] is 2^(-2^-(i+1)) in unsigned Q0.64 fixed point (rounded down), used to raise
// 1/2 to a fractional power bit by bit without floating point.
var halvingFractions = [32]uint64{
	0xb504f333f9de6484, 0xd744fccad69d6af4, 0xeac0c6e7dd24392e, 0xf5257d152486cc2c,
	0xfa83b2db722a033a, 0xfd3e0c0cf486c174, 0xfe9e115c7b8f884b, 0xff4ecb59511ec8a5,
	0xffa756521c8daed1, 0xffd3a751c0f7e10b, 0xffe9d2b2f7db2755, 0xfff4e91bff1b8c3d,
	0xfffa747ea0040664, 0xfffd3a3b7814eb53, 0xfffe9d1cc60ddab1, 0xffff4e8e25879bfa,
	0xffffa7470363f451, 0xffffd3a37dda0313, 0xffffe9d1bdf703ae, 0xfffff4e8debe025e,
	0xfffffa746f4fa150, 0xfffffd3a37a3f8b0, 0xfffffe9d1bd1065a, 0xffffff4e8de845ad,
	0xffffffa746f41376, 0xffffffd3a37a05e3, 0xffffffe9d1bd01fb, 0xfffffff4e8de80c0,
	0xfffffffa746f4050, 0xfffffffd3a37a024, 0xfffffffe9d1bd011, 0xffffffff4e8de808,
}

// DecayedPrice returns price · 2^(−elapsed/halfLife), rounded down, in pure integer arithmetic:
// whole half-lives are right shifts, the remaining fraction (to 32 binary digits) multiplies by
// precomputed Q64 roots of one half. A zero halfLife means no decay.
func DecayedPrice(price math.Int, elapsed, halfLife uint64) math.Int {
	if price.IsNil() || !price.IsPositive() || elapsed == 0 || halfLife == 0 {
		return price
	}
	whole := elapsed / halfLife
	if whole >= uint64(price.BigIntMut().BitLen()) {
		return math.ZeroInt()
	}
	v := new(big.Int).Rsh(price.BigInt(), uint(whole))
	rem := elapsed % halfLife
	if rem == 0 {
		return math.NewIntFromBigInt(v)
	}
	// frac = rem/halfLife in Q0.32; rem < halfLife guarantees hi < halfLife for Div64.
	hi, lo := bits.Mul64(rem, 1<<32)
	frac, _ := bits.Div64(hi, lo, halfLife)
	factor := new(big.Int).Lsh(big.NewInt(1), 64)
	for i := 0; i < 32; i++ {
		if frac&(1<<(31-i)) != 0 {
			factor.Mul(factor, new(big.Int).SetUint64(halvingFractions[i]))
			factor.Rsh(factor, 64)
		}
	}
	v.Mul(v, factor)
	v.Rsh(v, 64)
	return math.NewIntFromBigInt(v)
}

// ClampInt bounds v to [lo, hi].
func ClampInt(v, lo, hi math.Int) math.Int {
	if v.LT(lo) {
		return lo
	}
	if v.GT(hi) {
		return hi
	}
	return v
}

// RegistrationPrice is the price to register a neuron on s at height: the stored burn decayed since
// it was last set, clamped to the subnet's [min_burn, max_burn].
func RegistrationPrice(s Subnet, height int64) math.Int {
	var elapsed uint64
	if height > s.BurnUpdatedAt {
		elapsed = uint64(height - s.BurnUpdatedAt)
	}
	p := DecayedPrice(s.Burn, elapsed, s.Hyperparams.BurnHalfLife)
	return ClampInt(p, s.Hyperparams.MinBurn, s.Hyperparams.MaxBurn)
}

// GrownPrice is the price after a registration at price p: p × 1.26 (rounded down), clamped.
func GrownPrice(p math.Int, h Hyperparameters) math.Int {
	g := p.MulRaw(RegistrationGrowthNumerator).QuoRaw(RegistrationGrowthDenominator)
	return ClampInt(g, h.MinBurn, h.MaxBurn)
}

// LockCost is the TAO a subnet registration locks at height:
// max(min_lock, 2·last_lock − last_lock·Δblocks/lock_reduction_interval).
func LockCost(p Params, st LockState, height int64) math.Int {
	last := st.LastLock
	if last.IsNil() || !last.IsPositive() {
		return p.MinLock
	}
	var delta int64
	if height > st.LastLockHeight {
		delta = height - st.LastLockHeight
	}
	interval := p.LockReductionInterval
	if interval == 0 {
		interval = 1
	}
	reduction := last.Mul(math.NewIntFromUint64(uint64(delta))).Quo(math.NewIntFromUint64(interval))
	cost := last.MulRaw(2).Sub(reduction)
	if cost.LT(p.MinLock) {
		return p.MinLock
	}
	return cost
}
