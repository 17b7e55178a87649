package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/taochain/taochain/x/intelligence/keeper"
	"github.com/taochain/taochain/x/intelligence/types"
)

// allBonds returns every stored bond row in key order.
func allBonds(t *testing.T, f *fixture) []types.BondsRow {
	t.Helper()
	var rows []types.BondsRow
	require.NoError(t, f.k.Bonds.Walk(f.ctx, nil, func(_ collections.Pair[uint16, uint16], r types.BondsRow) (bool, error) {
		rows = append(rows, r)
		return false, nil
	}))
	return rows
}

func TestMigrate1to2FillsFixedBonds(t *testing.T) {
	f := newFixture(t)
	u16 := func(uid, value uint32) types.WeightEntry { return types.WeightEntry{Uid: uid, Value: value} }
	fixed := func(uid uint32, value int64) types.FixedBondEntry {
		return types.FixedBondEntry{Uid: uid, Value: value}
	}
	seed := []types.BondsRow{
		// Yuma 2 rows: column max-upscaled u16, no fixed bonds.
		{Netuid: 1, Uid: 0, Bonds: []types.WeightEntry{u16(1, 65535), u16(2, 32768), u16(3, 12345)}},
		{Netuid: 1, Uid: 4, Bonds: []types.WeightEntry{u16(2, 1), u16(5, 100)}},
		// Already Yuma 3: both forms, and fixed only. Neither may change.
		{Netuid: 1, Uid: 5, Bonds: []types.WeightEntry{u16(1, 65535)}, FixedBonds: []types.FixedBondEntry{fixed(1, 1<<31)}},
		{Netuid: 2, Uid: 0, FixedBonds: []types.FixedBondEntry{fixed(0, 12345), fixed(3, 1<<30)}},
		// A Yuma 2 row on another subnet, after a fixed-only row in key order.
		{Netuid: 3, Uid: 7, Bonds: []types.WeightEntry{u16(0, 65535)}},
	}
	for _, r := range seed {
		require.NoError(t, f.k.Bonds.Set(f.ctx, collections.Join(uint16(r.Netuid), uint16(r.Uid)), r))
	}

	m := keeper.NewMigrator(f.k)
	require.NoError(t, m.Migrate1to2(f.ctx))

	// Each u16 value v becomes floor(v·2^32/65535) in I32F32 raw bits: 65535 is exactly 1.
	want := []types.BondsRow{
		{Netuid: 1, Uid: 0, Bonds: seed[0].Bonds, FixedBonds: []types.FixedBondEntry{
			fixed(1, 4_294_967_296), fixed(2, 2_147_516_416), fixed(3, 809_054_265),
		}},
		{Netuid: 1, Uid: 4, Bonds: seed[1].Bonds, FixedBonds: []types.FixedBondEntry{fixed(2, 65_537), fixed(5, 6_553_700)}},
		seed[2],
		seed[3],
		{Netuid: 3, Uid: 7, Bonds: seed[4].Bonds, FixedBonds: []types.FixedBondEntry{fixed(0, 4_294_967_296)}},
	}
	require.Equal(t, want, allBonds(t, f))

	// The migrated store is valid genesis, so an export after the upgrade imports again.
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())

	// A second run finds nothing to convert.
	require.NoError(t, m.Migrate1to2(f.ctx))
	require.Equal(t, want, allBonds(t, f))
}

func TestMigrate1to2EmptyStore(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, keeper.NewMigrator(f.k).Migrate1to2(f.ctx))
	require.Empty(t, allBonds(t, f))
}
