package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	corestore "cosmossdk.io/core/store"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/runtime"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/modulekit"
)

// Migrator runs the x/intelligence store migrations registered with the module configurator.
type Migrator struct {
	keeper Keeper
}

// NewMigrator returns a Migrator over k.
func NewMigrator(k Keeper) Migrator { return Migrator{keeper: k} }

// Migrate1to2 gives every bond row stored under Yuma 2 its full-precision Yuma 3 form: a row with
// u16 bonds and no fixed bonds gets fixed bonds converted exactly as an epoch would convert it on
// the fly (toFixedBonds), so moving subnets to Yuma 3 changes no epoch result while their first
// Yuma 3 epoch has not yet run. The u16 entries stay as the display form. Rows that already hold
// fixed bonds are left as they are, so running the migration twice changes nothing.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	return modulekit.CountedMigration(ctx, types.ModuleName, 1, "converted Yuma 2 bond rows to fixed bonds", "rows", m.keeper.fillFixedBonds)
}

// fillFixedBonds converts the rows as Migrate1to2 describes and returns how many it wrote. It
// reads every row in key order before writing, since writing under an open iterator is not safe
// on every store.
func (k Keeper) fillFixedBonds(ctx context.Context) (int, error) {
	type keyedRow struct {
		key collections.Pair[uint16, uint16]
		row types.BondsRow
	}
	var rows []keyedRow
	err := k.Bonds.Walk(ctx, nil, func(key collections.Pair[uint16, uint16], row types.BondsRow) (bool, error) {
		if len(row.Bonds) > 0 && len(row.FixedBonds) == 0 {
			rows = append(rows, keyedRow{key: key, row: row})
		}
		return false, nil
	})
	if err != nil {
		return 0, err
	}
	written := 0
	for _, r := range rows {
		row := r.row
		for _, b := range toFixedBonds(row) {
			// Stored fixed bonds are positive (genesis validation); a u16 entry of 0 has no bond.
			if b.Value > 0 {
				row.FixedBonds = append(row.FixedBonds, types.FixedBondEntry{Uid: uint32(b.UID), Value: int64(b.Value)})
			}
		}
		if len(row.FixedBonds) == 0 {
			continue
		}
		if err := k.Bonds.Set(ctx, r.key, row); err != nil {
			return written, err
		}
		written++
	}
	return written, nil
}

// Migrate2to3 stores every accepted evaluation once: a record that still holds its uids and
// scores (which the validator's weight row holds as well) is replaced by
// types.NewStoredEvaluation of it — the same record without the scores, with the hashes of its
// sign bytes and canonical row. Records already in that form are left alone, so running it twice
// changes nothing.
func (m Migrator) Migrate2to3(ctx sdk.Context) error {
	return modulekit.CountedMigration(ctx, types.ModuleName, 2, "stored evaluations reduced to their hashes", "evaluations", m.keeper.hashStoredEvaluations)
}

// hashStoredEvaluations does the work of Migrate2to3 and returns how many records it rewrote.
// It reads every record in key order before writing.
func (k Keeper) hashStoredEvaluations(ctx context.Context) (int, error) {
	type keyed struct {
		key collections.Triple[uint16, uint64, sdk.AccAddress]
		ev  types.StoredEvaluation
	}
	var full []keyed
	err := k.Evaluations.Walk(ctx, nil, func(key collections.Triple[uint16, uint64, sdk.AccAddress], ev types.StoredEvaluation) (bool, error) {
		if len(ev.Signed.Evaluation.Uids) > 0 || len(ev.SignBytesHash) == 0 {
			full = append(full, keyed{key, ev})
		}
		return false, nil
	})
	if err != nil {
		return 0, err
	}
	for _, e := range full {
		if err := k.Evaluations.Set(ctx, e.key, types.NewStoredEvaluation(e.ev.Signed, e.ev.Submitter, e.ev.Height)); err != nil {
			return 0, err
		}
	}
	return len(full), nil
}

// Migrate3to4 stores every weight and bond row packed (types.PackedWeightsRow,
// types.PackedBondsRow): uids as a bitmap or gap list and values as u16s or packed varints, about a
// third of the bytes, so a weight row costs less gas to write and an epoch reads less. Rows are
// read in their old form (WeightEntry and FixedBondEntry messages) and written packed with the same
// content; rows already packed are left alone, so running it twice changes nothing.
func (m Migrator) Migrate3to4(ctx sdk.Context) error {
	return modulekit.CountedMigration(ctx, types.ModuleName, 3, "weight and bond rows packed", "rows", m.keeper.packRows)
}

// packRows does the work of Migrate3to4 and returns how many rows it rewrote.
func (k Keeper) packRows(ctx context.Context) (int, error) {
	weights, err := repackLegacy(ctx, k.storeService, types.WeightsKey, func(p types.PackedWeightsRow) bool { return len(p.Weights) > 0 },
		types.PackedWeightsRow.Unpack, types.PackWeightsRow)
	if err != nil {
		return 0, err
	}
	bonds, err := repackLegacy(ctx, k.storeService, types.BondsKey, func(p types.PackedBondsRow) bool { return len(p.Bonds) > 0 || len(p.FixedBonds) > 0 },
		types.PackedBondsRow.Unpack, types.PackBondsRow)
	return weights + bonds, err
}

// repackLegacy rewrites, in key order, every value under prefix that legacy reports as stored in
// the old form: unpacked and packed again. It reads every value before writing.
func repackLegacy[T any, P any, PP protoPtr[P]](ctx context.Context, ss corestore.KVStoreService, prefix collections.Prefix, legacy func(P) bool, unpack func(P) (T, error), pack func(T) (P, error)) (int, error) {
	store := runtime.KVStoreAdapter(ss.OpenKVStore(ctx))
	type entry struct {
		key []byte
		row T
	}
	var old []entry
	it := storetypes.KVStorePrefixIterator(store, prefix.Bytes())
	for ; it.Valid(); it.Next() {
		var p P
		if err := PP(&p).Unmarshal(it.Value()); err != nil {
			it.Close()
			return 0, fmt.Errorf("key %X: %w", it.Key(), err)
		}
		if !legacy(p) {
			continue
		}
		row, err := unpack(p)
		if err != nil {
			it.Close()
			return 0, err
		}
		old = append(old, entry{key: slices.Clone(it.Key()), row: row})
	}
	if err := it.Close(); err != nil {
		return 0, err
	}
	for _, e := range old {
		p, err := pack(e.row)
		if err != nil {
			return 0, err
		}
		b, err := PP(&p).Marshal()
		if err != nil {
			return 0, err
		}
		store.Set(e.key, b)
	}
	return len(old), nil
}

// maxModelUpdateBytesV5 is the max_model_update_bytes that Migrate4to5 writes: 262144 (256 KiB),
// the default when the param was added. It is spelled out rather than taken from
// types.DefaultMaxModelUpdateBytes so that the migration keeps writing what it wrote when it was
// released if the default ever changes.
const maxModelUpdateBytesV5 uint64 = 262_144

// Migrate4to5 gives max_model_update_bytes its default, 262144, when the stored params hold 0. A
// chain that ran a binary from before the param stores params without it, which read as 0, and 0
// refuses every MsgCommitModelUpdate: without the migration no federated subnet could commit
// until governance set the param. Every other param is left as it is, and so is a value other
// than 0, so running it twice changes nothing.
func (m Migrator) Migrate4to5(ctx sdk.Context) error {
	return modulekit.CountedMigration(ctx, types.ModuleName, 4, "max_model_update_bytes set to 262144 where it was 0", "params", m.keeper.defaultMaxModelUpdateBytes)
}

// defaultMaxModelUpdateBytes does the work of Migrate4to5 and returns 1 when it wrote the params,
// 0 when max_model_update_bytes was already set.
func (k Keeper) defaultMaxModelUpdateBytes(ctx context.Context) (int, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading params: %w", err)
	}
	if params.MaxModelUpdateBytes != 0 {
		return 0, nil
	}
	params.MaxModelUpdateBytes = maxModelUpdateBytesV5
	if err := k.Params.Set(ctx, params); err != nil {
		return 0, err
	}
	return 1, nil
}
