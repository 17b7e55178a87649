package types

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Weight and bond rows are stored packed (PackedWeightsRow, PackedBondsRow): a row of 256 dense
// entries takes about 590 bytes instead of about 2,100 as WeightEntry messages, which is what a
// weight row's store write costs in gas and what every epoch reads back. The API types
// (WeightsRow, BondsRow) are unchanged; only the keeper's value codec sees the packed form.

// PackUIDs packs uids, which must be strictly increasing and at most U16Max, choosing the shorter
// of a bitmap and a gap list (the bitmap on a tie).
func PackUIDs(uids []uint32) (*PackedUIDs, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	gapBytes := 0
	for i, uid := range uids {
		if uid > U16Max {
			return nil, fmt.Errorf("uid %d at position %d: uids are at most %d", uid, i, U16Max)
		}
		gap := uid
		if i > 0 {
			if uid <= uids[i-1] {
				return nil, fmt.Errorf("uid %d at position %d follows %d: uids must be strictly increasing", uid, i, uids[i-1])
			}
			gap = uid - uids[i-1]
		}
		gapBytes += varintLen(uint64(gap))
	}
	last := uids[len(uids)-1]
	if bitmapBytes := int(last)/8 + 1; bitmapBytes <= gapBytes {
		bitmap := make([]byte, bitmapBytes)
		for _, uid := range uids {
			bitmap[uid/8] |= 1 << (uid % 8)
		}
		return &PackedUIDs{Bitmap: bitmap}, nil
	}
	gaps := make([]uint32, len(uids))
	prev := uint32(0)
	for i, uid := range uids {
		gaps[i] = uid - prev
		prev = uid
	}
	return &PackedUIDs{Gaps: gaps}, nil
}

// Len returns how many uids p holds (0 for nil), without unpacking them.
func (p *PackedUIDs) Len() int {
	if p == nil {
		return 0
	}
	if len(p.Bitmap) > 0 {
		n := 0
		for _, b := range p.Bitmap {
			n += bits.OnesCount8(b)
		}
		return n
	}
	return len(p.Gaps)
}

// Unpack returns the uids of p in increasing order. It refuses a set with both forms, a bitmap
// with a trailing zero byte, a gap of zero after the first, or a uid above U16Max: none is ever
// written by PackUIDs.
func (p *PackedUIDs) Unpack() ([]uint32, error) {
	if p == nil {
		return nil, nil
	}
	switch {
	case len(p.Bitmap) > 0 && len(p.Gaps) > 0:
		return nil, fmt.Errorf("packed uids hold both a bitmap and gaps")
	case len(p.Bitmap) > (U16Max+1)/8:
		return nil, fmt.Errorf("packed uid bitmap of %d bytes: uids are at most %d", len(p.Bitmap), U16Max)
	case len(p.Bitmap) > 0:
		if p.Bitmap[len(p.Bitmap)-1] == 0 {
			return nil, fmt.Errorf("packed uid bitmap ends in a zero byte")
		}
		uids := make([]uint32, 0, p.Len())
		for i, b := range p.Bitmap {
			for b != 0 {
				uids = append(uids, uint32(i*8+bits.TrailingZeros8(b)))
				b &= b - 1
			}
		}
		return uids, nil
	}
	uids := make([]uint32, len(p.Gaps))
	uid := uint64(0)
	for i, gap := range p.Gaps {
		if i > 0 && gap == 0 {
			return nil, fmt.Errorf("packed uid gap %d is zero: uids must be strictly increasing", i)
		}
		uid += uint64(gap)
		if uid > U16Max {
			return nil, fmt.Errorf("packed uid %d at position %d: uids are at most %d", uid, i, U16Max)
		}
		uids[i] = uint32(uid)
	}
	return uids, nil
}

func varintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// packU16 packs entries (uid-sorted, values at most U16Max) as uids and little-endian u16 values.
func packU16(entries []WeightEntry, what string) (*PackedUIDs, []byte, error) {
	if len(entries) == 0 {
		return nil, nil, nil
	}
	uids := make([]uint32, len(entries))
	values := make([]byte, 2*len(entries))
	for i, e := range entries {
		if e.Value > U16Max {
			return nil, nil, fmt.Errorf("%s of uid %d is %d: values are u16 (at most %d)", what, e.Uid, e.Value, U16Max)
		}
		uids[i] = e.Uid
		binary.LittleEndian.PutUint16(values[2*i:], uint16(e.Value))
	}
	packed, err := PackUIDs(uids)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	return packed, values, nil
}

// unpackU16 is the inverse of packU16.
func unpackU16(packed *PackedUIDs, values []byte, what string) ([]WeightEntry, error) {
	uids, err := packed.Unpack()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(values) != 2*len(uids) {
		return nil, fmt.Errorf("%s: %d uids but %d value bytes, want %d", what, len(uids), len(values), 2*len(uids))
	}
	if len(uids) == 0 {
		return nil, nil // as proto decodes an empty repeated field
	}
	entries := make([]WeightEntry, len(uids))
	for i, uid := range uids {
		entries[i] = WeightEntry{Uid: uid, Value: uint32(binary.LittleEndian.Uint16(values[2*i:]))}
	}
	return entries, nil
}

// PackWeightsRow returns the stored form of row, whose weights must be sorted by uid (as every
// row the keeper writes is, see CanonicalRow and GenesisState.Validate).
func PackWeightsRow(row WeightsRow) (PackedWeightsRow, error) {
	uids, values, err := packU16(row.Weights, "weight")
	if err != nil {
		return PackedWeightsRow{}, fmt.Errorf("weights row of subnet %d uid %d: %w", row.Netuid, row.Uid, err)
	}
	return PackedWeightsRow{
		Netuid: row.Netuid, Uid: row.Uid, Hotkey: row.Hotkey, Block: row.Block, VersionKey: row.VersionKey,
		Source: row.Source, Uids: uids, Values: values,
	}, nil
}

// Unpack returns the row p stores, from either form.
func (p PackedWeightsRow) Unpack() (WeightsRow, error) {
	row := WeightsRow{Netuid: p.Netuid, Uid: p.Uid, Hotkey: p.Hotkey, Block: p.Block, VersionKey: p.VersionKey, Source: p.Source}
	if len(p.Weights) > 0 {
		if p.Uids.Len() > 0 || len(p.Values) > 0 {
			return WeightsRow{}, fmt.Errorf("stored weights row of subnet %d uid %d holds both the old and the packed form", p.Netuid, p.Uid)
		}
		row.Weights = p.Weights
		return row, nil
	}
	var err error
	if row.Weights, err = unpackU16(p.Uids, p.Values, "weights"); err != nil {
		return WeightsRow{}, fmt.Errorf("stored weights row of subnet %d uid %d: %w", p.Netuid, p.Uid, err)
	}
	return row, nil
}

// PackBondsRow returns the stored form of row, whose bonds and fixed bonds must each be sorted by
// uid.
func PackBondsRow(row BondsRow) (PackedBondsRow, error) {
	p := PackedBondsRow{Netuid: row.Netuid, Uid: row.Uid}
	var err error
	if p.BondUids, p.BondValues, err = packU16(row.Bonds, "bond"); err != nil {
		return PackedBondsRow{}, fmt.Errorf("bonds row of subnet %d uid %d: %w", row.Netuid, row.Uid, err)
	}
	if len(row.FixedBonds) > 0 {
		uids := make([]uint32, len(row.FixedBonds))
		p.FixedValues = make([]int64, len(row.FixedBonds))
		for i, b := range row.FixedBonds {
			uids[i], p.FixedValues[i] = b.Uid, b.Value
		}
		if p.FixedUids, err = PackUIDs(uids); err != nil {
			return PackedBondsRow{}, fmt.Errorf("bonds row of subnet %d uid %d: fixed bond: %w", row.Netuid, row.Uid, err)
		}
	}
	return p, nil
}

// Unpack returns the row p stores, from either form.
func (p PackedBondsRow) Unpack() (BondsRow, error) {
	row := BondsRow{Netuid: p.Netuid, Uid: p.Uid}
	if len(p.Bonds) > 0 || len(p.FixedBonds) > 0 {
		if p.BondUids.Len() > 0 || len(p.BondValues) > 0 || p.FixedUids.Len() > 0 || len(p.FixedValues) > 0 {
			return BondsRow{}, fmt.Errorf("stored bonds row of subnet %d uid %d holds both the old and the packed form", p.Netuid, p.Uid)
		}
		row.Bonds, row.FixedBonds = p.Bonds, p.FixedBonds
		return row, nil
	}
	var err error
	if row.Bonds, err = unpackU16(p.BondUids, p.BondValues, "bonds"); err != nil {
		return BondsRow{}, fmt.Errorf("stored bonds row of subnet %d uid %d: %w", p.Netuid, p.Uid, err)
	}
	uids, err := p.FixedUids.Unpack()
	if err != nil {
		return BondsRow{}, fmt.Errorf("stored bonds row of subnet %d uid %d: fixed bonds: %w", p.Netuid, p.Uid, err)
	}
	if len(uids) != len(p.FixedValues) {
		return BondsRow{}, fmt.Errorf("stored bonds row of subnet %d uid %d: %d fixed bond uids but %d values", p.Netuid, p.Uid, len(uids), len(p.FixedValues))
	}
	if len(uids) == 0 {
		return row, nil
	}
	row.FixedBonds = make([]FixedBondEntry, len(uids))
	for i, uid := range uids {
		row.FixedBonds[i] = FixedBondEntry{Uid: uid, Value: p.FixedValues[i]}
	}
	return row, nil
}
