package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestYumaVersionSelectsBondStorage runs the same subnet under Yuma 2, then switches it to Yuma 3:
// Yuma 2 stores u16 bond rows, Yuma 3 full-precision rows (the first Yuma 3 epoch starts from the
// u16 rows read as proportions), and a Yuma 3 epoch reads the full-precision rows it wrote.
func TestYumaVersionSelectsBondStorage(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.YumaVersion = 2 })
	f.setPending(t, netuid, math.NewInt(1_000_000))
	f.setHeight(8)
	_, err := f.k.RunEpoch(f.ctx, netuid, 0)
	require.NoError(t, err)
	row, found, err := f.k.GetBonds(f.ctx, netuid, w.v1.uid)
	require.NoError(t, err)
	require.True(t, found)
	require.NotEmpty(t, row.Bonds, "Yuma 2 stores u16 bonds")
	require.Empty(t, row.FixedBonds)

	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.YumaVersion = 3 })
	for i, h := range []int64{18, 28} {
		f.setPending(t, netuid, math.NewInt(1_000_000))
		f.setHeight(h)
		rec, err := f.k.RunEpoch(f.ctx, netuid, uint64(i+1))
		require.NoError(t, err)
		require.Equal(t, math.NewInt(1_000_000), rec.Emission)
		for _, v := range []member{w.v1, w.v2} {
			row, found, err := f.k.GetBonds(f.ctx, netuid, v.uid)
			require.NoError(t, err)
			require.True(t, found)
			require.Empty(t, row.Bonds, "Yuma 3 keeps no u16 bonds")
			require.NotEmpty(t, row.FixedBonds)
			for _, b := range row.FixedBonds {
				require.Positive(t, b.Value)
				require.LessOrEqual(t, b.Value, int64(1)<<32, "a bond is a proportion, at most 1")
			}
		}
	}
	// Both validators weight miner 0 and are paid dividends under Yuma 3.
	for _, v := range []member{w.v1, w.v2} {
		require.Positive(t, f.neuron(t, netuid, v.uid).Dividends)
	}
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	var fixed int
	for _, r := range gs.Bonds {
		fixed += len(r.FixedBonds)
	}
	require.Positive(t, fixed, "full-precision bonds survive export")
}
