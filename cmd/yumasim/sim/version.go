package sim

import (
	"fmt"

	"github.com/taochain/taochain/x/intelligence/yuma"
)

// YUMA 3 HOOK. x/intelligence/yuma does not have Yuma 3 yet (no
// Input.Version, Neuron.BondsFixed). When it lands, these four functions
// are the only place to change: set Input.Version, BondsPenalty,
// LiquidAlpha, AlphaLow and AlphaHigh in configureVersion, feed
// Output.BondsFixed[uid] back as Neuron.BondsFixed in feedBack, read bond
// shares from BondsFixed for version 3 in bondShares, and accept 3 in
// checkVersion.

// checkVersion rejects Yuma versions this build cannot run.
func checkVersion(version int) error {
	if version != 2 {
		return fmt.Errorf("yuma version %d is not in this build of x/intelligence/yuma (only 2)", version)
	}
	return nil
}

// configureVersion sets the version-specific fields of in.
func configureVersion(in *yuma.Input, p Params) error { return checkVersion(p.Version) }

// feedBack carries uid's bonds from the previous epoch's output into nr.
func feedBack(nr *yuma.Neuron, prev *yuma.Output, uid int) {
	nr.Bonds = prev.Bonds[uid]
}

// bondShares returns each validator's share of each miner's bonds.
func bondShares(out *yuma.Output, nv, nm int) [][]float64 {
	return u16BondShares(out, nv, nm)
}
