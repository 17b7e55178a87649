package simulation_test

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/tao/simulation"
)

// TestRandomParamsValid checks that randomized params are valid and keep max_supply at or above
// the supply they were generated for, and that some of them put the cap within reach.
func TestRandomParamsValid(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	supply := math.NewInt(300_000_000_000_000)
	nearCap := 0
	for i := 0; i < 500; i++ {
		p := simulation.RandomParams(r, "rao", supply)
		require.NoError(t, p.Validate())
		require.True(t, p.MaxSupply.GTE(supply), "max_supply %s below supply %s", p.MaxSupply, supply)
		if p.MaxSupply.Sub(supply).LTE(p.BaseBlockEmission.MulRaw(100)) {
			nearCap++
		}
	}
	require.Positive(t, nearCap, "no params put the supply cap within 100 blocks")
}
