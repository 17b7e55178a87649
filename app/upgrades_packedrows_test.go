package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/taochain/taochain/app/upgrades/packedrows"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
)

// TestPackedrowsUpgrade runs the packedrows upgrade on the state a version-3 network holds —
// weight and bond rows as one message per entry — through x/upgrade's pre-blocker at the plan's
// height. Queries read the same rows before and after; afterwards every row is packed, the
// invariants hold, and the next epoch runs on the migrated rows, after which an evaluation stays
// within the gas bound.
func TestPackedrowsUpgrade(t *testing.T) {
	s := newEvalSubnet(t)
	c := s.c
	const netuid = 1
	s.submit(t)
	advanceToNextEpoch(c, netuid) // the epoch writes the validator's bond row
	s.submit(t)

	// Back to version 3: every row as the old codec wrote it.
	ctx := c.Context()
	ik := c.App.IntelligenceKeeper
	weights, err := ik.Weights.Get(ctx, collections.Join[uint16, uint16](netuid, 0))
	require.NoError(t, err)
	bonds, err := ik.Bonds.Get(ctx, collections.Join[uint16, uint16](netuid, 0))
	require.NoError(t, err)
	require.Len(t, weights.Weights, evalUIDs)
	require.NotEmpty(t, bonds.FixedBonds)
	store := ctx.KVStore(c.App.GetKey(intelligencetypes.StoreKey))
	key := func(prefix collections.Prefix) []byte {
		k, err := collections.EncodeKeyWithPrefix(prefix, collections.PairKeyCodec(collections.Uint16Key, collections.Uint16Key),
			collections.Join[uint16, uint16](netuid, 0))
		require.NoError(t, err)
		return k
	}
	packedSize := len(store.Get(key(intelligencetypes.WeightsKey)))
	legacyWeights, err := weights.Marshal()
	require.NoError(t, err)
	store.Set(key(intelligencetypes.WeightsKey), legacyWeights)
	legacyBonds, err := bonds.Marshal()
	require.NoError(t, err)
	store.Set(key(intelligencetypes.BondsKey), legacyBonds)
	legacySize := len(store.Get(key(intelligencetypes.WeightsKey)))
	ctx = applyUpgrade(t, c, packedrows.UpgradeName, map[string]uint64{intelligencetypes.ModuleName: 3})
	store = ctx.KVStore(c.App.GetKey(intelligencetypes.StoreKey))
	var p intelligencetypes.PackedWeightsRow
	require.NoError(t, p.Unmarshal(store.Get(key(intelligencetypes.WeightsKey))))
	require.Empty(t, p.Weights, "the weight row is still in the old form")
	require.Equal(t, packedSize, len(store.Get(key(intelligencetypes.WeightsKey))))
	var pb intelligencetypes.PackedBondsRow
	require.NoError(t, pb.Unmarshal(store.Get(key(intelligencetypes.BondsKey))))
	require.Empty(t, pb.FixedBonds, "the bond row is still in the old form")
	got, err := ik.Weights.Get(ctx, collections.Join[uint16, uint16](netuid, 0))
	require.NoError(t, err)
	require.Equal(t, weights, got)
	gotBonds, err := ik.Bonds.Get(ctx, collections.Join[uint16, uint16](netuid, 0))
	require.NoError(t, err)
	require.Equal(t, bonds, gotBonds)
	require.NoError(t, c.App.SubnetKeeper.CheckInvariants(ctx))

	advanceToNextEpoch(c, netuid)
	after := s.submit(t)
	require.LessOrEqual(t, after, int64(evaluationGasTarget))
	t.Logf("weight row of %d scores: %d bytes stored per entry message, %d packed; an evaluation: %d gas", evalUIDs, legacySize, packedSize, after)
}
