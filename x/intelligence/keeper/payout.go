package keeper

import (
	"math/bits"
	"slices"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/intelligence/yuma"
)

// payout is how one epoch's emission is divided, in rao. owner + Σminer + Σvalidator equals the
// emission exactly.
type payout struct {
	owner     uint64
	miner     []uint64 // by uid, paid by incentive
	validator []uint64 // by uid, paid by dividends (or by stake)
	// byStake reports that validators were paid by stake because no incentive (or no dividend)
	// existed.
	byStake bool
}

// mulDivPPM returns floor(amount·ppm/1e6) for ppm ≤ 1e6, exactly.
func mulDivPPM(amount uint64, ppm uint32) uint64 {
	hi, lo := bits.Mul64(amount, uint64(ppm))
	q, _ := bits.Div64(hi, lo, types.PPM)
	return q
}

// mulDivU16 returns floor(amount·frac/65535) for frac ≤ 65535, exactly.
func mulDivU16(amount uint64, frac uint32) uint64 {
	hi, lo := bits.Mul64(amount, uint64(min(frac, types.U16Max)))
	q, _ := bits.Div64(hi, lo, types.U16Max)
	return q
}

// masked returns v with entries of uids that hold no neuron set to 0, so gaps never get paid.
func masked[T any](v []T, exists []bool) []T {
	out := slices.Clone(v)
	var zero T
	for i := range out {
		if !exists[i] {
			out[i] = zero
		}
	}
	return out
}

// splitEmission divides total among the subnet owner, miners and validators:
//
//   - owner gets floor(total·owner_share), miners floor(total·miner_share), validators the rest
//     (so rounding favours validators and nothing is lost);
//   - the miner part is split by incentive; if no uid has incentive, it joins the validator part;
//   - the validator part is split by dividends; without incentive or dividends it is split by
//     active stake (subtensor's rule), then by raw stake if no active permitted validator has
//     stake; if nobody has stake at all, it goes to the owner.
//
// Every split uses yuma.Split / SplitByWeight, which conserve exactly (rounding remainders go to
// the largest share, ties to the lower uid).
func splitEmission(total uint64, p types.Params, out yuma.Output, stakes []uint64, exists []bool) payout {
	n := len(exists)
	pay := payout{
		owner: mulDivPPM(total, p.OwnerShare),
	}
	minerPool := mulDivPPM(total, p.MinerShare)
	validatorPool := total - pay.owner - minerPool

	parts, ok := yuma.Split(minerPool, masked(out.Incentive, exists))
	if ok {
		pay.miner = parts
	} else {
		pay.miner = make([]uint64, n)
		validatorPool += minerPool
	}
	if ok {
		parts, ok = yuma.Split(validatorPool, masked(out.Dividends, exists))
	}
	if !ok {
		pay.byStake = true
		parts, ok = yuma.Split(validatorPool, masked(out.ActiveStake, exists))
		if !ok {
			parts, ok = yuma.SplitByWeight(validatorPool, masked(stakes, exists))
		}
		if !ok {
			parts = make([]uint64, n)
			pay.owner += validatorPool
		}
	}
	pay.validator = parts
	return pay
}

// sum returns the sum of v (which never overflows here: parts of one uint64 amount).
func sum(v []uint64) uint64 {
	var s uint64
	for _, x := range v {
		s += x
	}
	return s
}
