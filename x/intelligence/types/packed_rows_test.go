package types_test

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/taochain/taochain/x/intelligence/types"
)

func TestPackUIDsPicksTheShorterForm(t *testing.T) {
	dense := make([]uint32, 256)
	for i := range dense {
		dense[i] = uint32(i)
	}
	p, err := types.PackUIDs(dense)
	require.NoError(t, err)
	require.Len(t, p.Bitmap, 32, "256 dense uids are a 32-byte bitmap")
	require.Empty(t, p.Gaps)

	p, err = types.PackUIDs([]uint32{5, 4000, 65535})
	require.NoError(t, err)
	require.Empty(t, p.Bitmap)
	require.Equal(t, []uint32{5, 3995, 61535}, p.Gaps)

	p, err = types.PackUIDs(nil)
	require.NoError(t, err)
	require.Nil(t, p)
	require.Zero(t, p.Len())

	for _, bad := range [][]uint32{{3, 3}, {4, 2}, {65536}} {
		_, err := types.PackUIDs(bad)
		require.Error(t, err, "%v", bad)
	}
}

func TestUnpackUIDsRefusesWhatPackNeverWrites(t *testing.T) {
	for name, p := range map[string]*types.PackedUIDs{
		"both forms":         {Bitmap: []byte{1}, Gaps: []uint32{1}},
		"trailing zero byte": {Bitmap: []byte{1, 0}},
		"bitmap too long":    {Bitmap: append(make([]byte, 8192), 1)},
		"zero gap":           {Gaps: []uint32{0, 0}},
		"uid above u16":      {Gaps: []uint32{65535, 1}},
	} {
		_, err := p.Unpack()
		require.Error(t, err, name)
	}
}

// TestPackedRowsRoundTrip packs random sparse and dense rows (every density from one entry to a
// full 1,024-uid row) and reads back the same rows, through the bytes the store keeps.
func TestPackedRowsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 4))
	for i := range 300 {
		n := 1 + rng.IntN(1024)
		var entries []types.WeightEntry
		var fixed []types.FixedBondEntry
		for uid := range 1024 {
			if rng.IntN(1024) < n {
				entries = append(entries, types.WeightEntry{Uid: uint32(uid), Value: 1 + uint32(rng.IntN(65535))})
			}
			if rng.IntN(1024) < n {
				fixed = append(fixed, types.FixedBondEntry{Uid: uint32(uid), Value: 1 + rng.Int64N(1<<40)})
			}
		}
		row := types.WeightsRow{Netuid: 3, Uid: uint32(i), Hotkey: "hk", Weights: entries, Block: int64(i), Source: types.WEIGHTS_SOURCE_SET_WEIGHTS}
		p, err := types.PackWeightsRow(row)
		require.NoError(t, err)
		b, err := p.Marshal()
		require.NoError(t, err)
		var back types.PackedWeightsRow
		require.NoError(t, back.Unmarshal(b))
		got, err := back.Unpack()
		require.NoError(t, err)
		require.Equal(t, row, got)

		bonds := types.BondsRow{Netuid: 3, Uid: uint32(i), Bonds: entries, FixedBonds: fixed}
		pb, err := types.PackBondsRow(bonds)
		require.NoError(t, err)
		b, err = pb.Marshal()
		require.NoError(t, err)
		var backBonds types.PackedBondsRow
		require.NoError(t, backBonds.Unmarshal(b))
		gotBonds, err := backBonds.Unpack()
		require.NoError(t, err)
		require.Equal(t, bonds, gotBonds)
	}
}

func TestPackedRowsRefuseBadRows(t *testing.T) {
	_, err := types.PackWeightsRow(types.WeightsRow{Weights: []types.WeightEntry{{Uid: 2, Value: 1}, {Uid: 1, Value: 1}}})
	require.ErrorContains(t, err, "strictly increasing")
	_, err = types.PackWeightsRow(types.WeightsRow{Weights: []types.WeightEntry{{Uid: 2, Value: 65536}}})
	require.ErrorContains(t, err, "u16")
	_, err = types.PackBondsRow(types.BondsRow{FixedBonds: []types.FixedBondEntry{{Uid: 2, Value: 1}, {Uid: 2, Value: 1}}})
	require.ErrorContains(t, err, "strictly increasing")

	values := binary.LittleEndian.AppendUint16(nil, 7)
	_, err = types.PackedWeightsRow{Uids: &types.PackedUIDs{Bitmap: []byte{3}}, Values: values}.Unpack()
	require.ErrorContains(t, err, "2 uids but 2 value bytes, want 4")
	_, err = types.PackedWeightsRow{Weights: []types.WeightEntry{{Uid: 1, Value: 1}}, Values: values}.Unpack()
	require.ErrorContains(t, err, "both the old and the packed form")
	_, err = types.PackedBondsRow{FixedUids: &types.PackedUIDs{Gaps: []uint32{1, 2}}, FixedValues: []int64{5}}.Unpack()
	require.ErrorContains(t, err, "2 fixed bond uids but 1 values")
}

// FuzzPackUIDs: every strictly increasing set of u16 uids survives packing, and Unpack of any
// bitmap either fails or returns a strictly increasing set.
func FuzzPackUIDs(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, []byte{1, 0x80})
	f.Add([]byte{255, 255, 0, 7}, []byte{})
	f.Fuzz(func(t *testing.T, raw []byte, bitmap []byte) {
		var uids []uint32
		for i := 0; i+1 < len(raw); i += 2 {
			uids = append(uids, uint32(binary.LittleEndian.Uint16(raw[i:])))
		}
		slices.Sort(uids)
		uids = slices.Compact(uids)
		p, err := types.PackUIDs(uids)
		require.NoError(t, err)
		got, err := p.Unpack()
		require.NoError(t, err)
		require.Equal(t, uids, got)
		require.Equal(t, len(uids), p.Len())

		decoded, err := (&types.PackedUIDs{Bitmap: bitmap}).Unpack()
		if err != nil {
			return
		}
		require.True(t, slices.IsSorted(decoded))
		require.Equal(t, len(slices.Compact(slices.Clone(decoded))), len(decoded))
	})
}
