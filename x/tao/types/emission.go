package types

import (
	"math/big"
	"sort"

	"cosmossdk.io/math"
)

// The emission curve is supply based, like Bittensor's: with remaining = maxSupply - issuance,
//
//	emission = base / 2^k,  k = floor(log2(maxSupply / remaining))
//
// so k is the largest integer with remaining * 2^k <= maxSupply. Emission halves when issuance
// reaches maxSupply - floor(maxSupply / 2^(k+1)): 10.5M, 15.75M, 18.375M, ... of a 21M cap. All
// arithmetic is exact integer math on big integers.

// Halvings returns k, the number of halvings in effect at issuance. ok is false when issuance is at
// or above maxSupply (or maxSupply is not positive): then no emission is possible at all.
func Halvings(maxSupply, issuance math.Int) (k uint32, ok bool) {
	if !maxSupply.IsPositive() {
		return 0, false
	}
	if issuance.IsNegative() {
		issuance = math.ZeroInt()
	}
	remaining := maxSupply.Sub(issuance)
	if !remaining.IsPositive() {
		return 0, false
	}
	m, r := maxSupply.BigIntMut(), remaining.BigIntMut()
	// remaining <= maxSupply, so bitlen(maxSupply) - bitlen(remaining) is k or k+1.
	shift := uint(m.BitLen() - r.BitLen())
	if new(big.Int).Lsh(r, shift).Cmp(m) > 0 {
		shift--
	}
	return uint32(shift), true
}

// BlockEmission returns the amount to mint in a block at issuance: base / 2^k (see Halvings),
// never more than maxSupply - issuance, and zero when the supply is at or above the cap or base is
// not positive. Minting BlockEmission repeatedly therefore never passes maxSupply.
func BlockEmission(base, maxSupply, issuance math.Int) math.Int {
	if !base.IsPositive() {
		return math.ZeroInt()
	}
	if issuance.IsNegative() {
		issuance = math.ZeroInt()
	}
	k, ok := Halvings(maxSupply, issuance)
	if !ok || int(k) >= base.BigIntMut().BitLen() {
		return math.ZeroInt()
	}
	emission := math.NewIntFromBigInt(new(big.Int).Rsh(base.BigIntMut(), uint(k)))
	return math.MinInt(emission, maxSupply.Sub(issuance))
}

// NextHalving returns the issuance at which the next halving takes effect (the smallest issuance
// with one more halving than at issuance). ok is false when issuance is at or above maxSupply.
// The threshold is at most maxSupply; when it equals maxSupply the next "halving" is the cap.
func NextHalving(maxSupply, issuance math.Int) (threshold math.Int, ok bool) {
	if issuance.IsNegative() {
		issuance = math.ZeroInt()
	}
	k, ok := Halvings(maxSupply, issuance)
	if !ok {
		return math.ZeroInt(), false
	}
	// remaining * 2^(k+1) <= maxSupply  <=>  remaining <= floor(maxSupply / 2^(k+1)).
	room := new(big.Int).Rsh(maxSupply.BigIntMut(), uint(k)+1)
	return maxSupply.Sub(math.NewIntFromBigInt(room)), true
}

// SplitSecurity splits a block's emission into the security share (floor(emission * share)) and
// the rest, which goes to subnets. share must be in [0, 1].
func SplitSecurity(emission math.Int, share math.LegacyDec) (security, subnets math.Int) {
	security = share.MulInt(emission).TruncateInt()
	return security, emission.Sub(security)
}

// SubnetStake is the TAO staked in one subnet.
type SubnetStake struct {
	Netuid uint16
	Stake  math.Int
}

// SubnetAmount is an amount attributed to one subnet.
type SubnetAmount struct {
	Netuid uint16
	Amount math.Int
}

// SplitByStake divides amount among subnets in proportion to their stake: each subnet gets
// floor(amount * stake / totalStake) and the rounding remainder goes to the subnet with the largest
// stake (ties: lowest netuid), so the parts always sum to amount. Subnets with non-positive stake
// get nothing and are omitted. The result is ordered by ascending netuid. If no subnet has stake,
// or amount is not positive, it returns nil.
func SplitByStake(amount math.Int, stakes []SubnetStake) []SubnetAmount {
	if !amount.IsPositive() {
		return nil
	}
	staked := make([]SubnetStake, 0, len(stakes))
	total := new(big.Int)
	for _, s := range stakes {
		if s.Stake.IsPositive() {
			staked = append(staked, s)
			total.Add(total, s.Stake.BigIntMut())
		}
	}
	if len(staked) == 0 {
		return nil
	}
	sort.SliceStable(staked, func(i, j int) bool { return staked[i].Netuid < staked[j].Netuid })

	// big.Int intermediates: amount * stake may exceed math.Int's 256-bit bound even though
	// every part fits.
	out := make([]SubnetAmount, len(staked))
	remainder := amount.BigInt()
	largest := 0
	for i, s := range staked {
		part := new(big.Int).Mul(amount.BigIntMut(), s.Stake.BigIntMut())
		part.Quo(part, total)
		remainder.Sub(remainder, part)
		out[i] = SubnetAmount{Netuid: s.Netuid, Amount: math.NewIntFromBigInt(part)}
		if s.Stake.GT(staked[largest].Stake) {
			largest = i
		}
	}
	out[largest].Amount = out[largest].Amount.Add(math.NewIntFromBigInt(remainder))
	return out
}
