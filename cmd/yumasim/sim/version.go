package sim

import (
	"fmt"

	"github.com/taochain/taochain/x/intelligence/yuma"
)

// The Yuma version decides which fields of the yuma Input and Output carry
// the bonds; these functions are the only version-specific code.

// checkVersion rejects Yuma versions the simulator cannot run.
func checkVersion(version int) error {
	if version != 2 && version != 3 {
		return fmt.Errorf("yuma version %d is neither 2 nor 3", version)
	}
	return nil
}

// configureVersion sets the version-specific fields of in.
func configureVersion(in *yuma.Input, p Params) error {
	if err := checkVersion(p.Version); err != nil {
		return err
	}
	in.Version = uint8(p.Version)
	if p.Version == 3 {
		in.BondsPenalty = u16Fraction(p.BondsPenalty)
		in.LiquidAlpha = p.LiquidAlpha
		in.AlphaLow = u16Fraction(p.AlphaLow)
		in.AlphaHigh = u16Fraction(p.AlphaHigh)
		in.TrustWeightedConsensus = p.TrustWeightedConsensus
	}
	return nil
}

// feedBack carries uid's bonds from the previous epoch's output into nr:
// Yuma 2 reads the u16 Bonds, Yuma 3 the full-precision BondsFixed.
func feedBack(nr *yuma.Neuron, prev *yuma.Output, uid int) {
	nr.Bonds = prev.Bonds[uid]
	if prev.BondsFixed != nil {
		nr.BondsFixed = prev.BondsFixed[uid]
	}
}

// bondShares returns each validator's share of each miner's bonds, i.e.
// of the dividends that miner's incentive pays. Yuma 2's bonds are already
// column shares; Yuma 3's are proportions of each validator's own support,
// which earn in proportion to its stake, so its share of miner j is
// S_i·b_ij over the column.
func bondShares(out *yuma.Output, nv, nm int) [][]float64 {
	if out.BondsFixed == nil {
		return u16BondShares(out, nv, nm)
	}
	raw := make([][]float64, nv)
	for i := range nv {
		raw[i] = make([]float64, nm)
		s := toFloat(out.ActiveStake[i])
		for _, b := range out.BondsFixed[i] {
			if j := int(b.UID) - nv; j >= 0 && j < nm {
				raw[i][j] += s * toFloat(b.Value)
			}
		}
	}
	return columnShares(raw, nm)
}
