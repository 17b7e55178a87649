package simulation_test

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/taochain/taochain/x/intelligence/simulation"
)

// TestRandomParamsValid checks that randomized params are always valid (shares sum to 1e6 ppm).
func TestRandomParamsValid(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 1000; i++ {
		require.NoError(t, simulation.RandomParams(r).Validate())
	}
}
