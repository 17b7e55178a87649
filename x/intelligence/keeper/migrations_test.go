package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/intelligence/keeper"
	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
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

// TestMigrate1to2KeepsTheFirstYuma3Epoch switches a subnet with Yuma 2 bonds to Yuma 3 twice from
// the same state, once after the migration and once without it: the first Yuma 3 epoch stores the
// same bonds and neuron results either way, so the stored conversion is the one the epoch makes.
func TestMigrate1to2KeepsTheFirstYuma3Epoch(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.YumaVersion = 2 })
	f.setPending(t, netuid, math.NewInt(1_000_000))
	f.setHeight(8)
	_, err := f.k.RunEpoch(f.ctx, netuid, 0)
	require.NoError(t, err)
	u16Rows := allBonds(t, f)
	require.NotEmpty(t, u16Rows)
	f.setHyperparams(t, netuid, func(hp *subnettypes.Hyperparameters) { hp.YumaVersion = 3 })

	type result struct {
		bonds   []types.BondsRow
		neurons []subnettypes.Neuron
		record  types.EpochRecord
	}
	firstYuma3Epoch := func(migrate bool) result {
		parent := f.ctx
		defer func() { f.ctx = parent }()
		f.ctx, _ = parent.CacheContext()
		if migrate {
			require.NoError(t, keeper.NewMigrator(f.k).Migrate1to2(f.ctx))
			for _, r := range allBonds(t, f) {
				require.NotEmpty(t, r.FixedBonds)
			}
		}
		f.setPending(t, netuid, math.NewInt(1_000_000))
		f.setHeight(18)
		var r result
		r.record, err = f.k.RunEpoch(f.ctx, netuid, 1)
		require.NoError(t, err)
		r.bonds = allBonds(t, f)
		require.NoError(t, f.sk.IterateNeurons(f.ctx, netuid, func(n subnettypes.Neuron) bool {
			r.neurons = append(r.neurons, n)
			return false
		}))
		return r
	}
	migrated, onTheFly := firstYuma3Epoch(true), firstYuma3Epoch(false)
	require.Equal(t, onTheFly, migrated)
	require.NotEqual(t, u16Rows, migrated.bonds, "the Yuma 3 epoch rewrote the bonds")
}

// TestMigrate2to3HashesStoredEvaluations: a version-2 record (the whole signed evaluation) becomes
// the record the msg server writes today, byte for byte; a record already in that form stays; a
// second run changes nothing.
func TestMigrate2to3HashesStoredEvaluations(t *testing.T) {
	w := newWorld(t)
	f := w.f
	ev, sig := f.evaluation(t, w.val, netuid, 1, []uint32{2, 3}, []uint32{100, 50})
	signed := types.SignedEvaluation{Evaluation: ev, Signature: sig}
	hotkey := w.val.hotkey
	old := collections.Join3(netuid, ev.Epoch, hotkey)
	require.NoError(t, f.k.Evaluations.Set(f.ctx, old, types.StoredEvaluation{Signed: signed, Submitter: w.submitter.String(), Height: 7}))
	current := collections.Join3(netuid, ev.Epoch+1, hotkey)
	already := types.NewStoredEvaluation(signed, w.submitter.String(), 8)
	require.NoError(t, f.k.Evaluations.Set(f.ctx, current, already))

	m := keeper.NewMigrator(f.k)
	for run := range 2 {
		require.NoError(t, m.Migrate2to3(f.ctx), "run %d", run)
		got, err := f.k.Evaluations.Get(f.ctx, old)
		require.NoError(t, err)
		require.Equal(t, types.NewStoredEvaluation(signed, w.submitter.String(), 7), got, "run %d", run)
		require.True(t, got.SameStatement(ev))
		require.Empty(t, got.Signed.Evaluation.Uids)
		require.NoError(t, got.Validate())
		got, err = f.k.Evaluations.Get(f.ctx, current)
		require.NoError(t, err)
		require.Equal(t, already, got, "run %d", run)
	}
}

// TestMigrate3to4PacksRows: weight and bond rows stored as WeightEntry and FixedBondEntry messages
// (what versions 1 to 3 wrote) read back the same through the keeper before and after the
// migration; afterwards their bytes are the packed form, under a third of the size, and a
// second run rewrites nothing.
func TestMigrate3to4PacksRows(t *testing.T) {
	f := newFixture(t)
	dense := make([]types.WeightEntry, 256)
	for i := range dense {
		dense[i] = types.WeightEntry{Uid: uint32(i), Value: uint32(i*251%65535 + 1)}
	}
	weights := []types.WeightsRow{
		{Netuid: 1, Uid: 0, Hotkey: "hk", Weights: dense, Block: 7, VersionKey: 3, Source: types.WEIGHTS_SOURCE_EVALUATION},
		{Netuid: 1, Uid: 3, Weights: []types.WeightEntry{{Uid: 9, Value: 65535}, {Uid: 4000, Value: 1}}, Block: 8, Source: types.WEIGHTS_SOURCE_SET_WEIGHTS},
		{Netuid: 2, Uid: 1, Block: 9, Source: types.WEIGHTS_SOURCE_REVEAL},
	}
	bonds := []types.BondsRow{
		{Netuid: 1, Uid: 0, Bonds: dense, FixedBonds: []types.FixedBondEntry{{Uid: 1, Value: 1 << 33}, {Uid: 300, Value: 5}}},
		{Netuid: 1, Uid: 2, FixedBonds: []types.FixedBondEntry{{Uid: 0, Value: 12345}}},
	}
	store := f.ctx.KVStore(f.storeKey)
	key := func(prefix collections.Prefix, netuid, uid uint32) []byte {
		k, err := collections.EncodeKeyWithPrefix(prefix, collections.PairKeyCodec(collections.Uint16Key, collections.Uint16Key),
			collections.Join(uint16(netuid), uint16(uid)))
		require.NoError(t, err)
		return k
	}
	legacySize := 0
	for _, r := range weights {
		b, err := r.Marshal()
		require.NoError(t, err)
		store.Set(key(types.WeightsKey, r.Netuid, r.Uid), b)
		legacySize += len(b)
	}
	for _, r := range bonds {
		b, err := r.Marshal()
		require.NoError(t, err)
		store.Set(key(types.BondsKey, r.Netuid, r.Uid), b)
	}
	check := func(stage string) {
		for _, r := range weights {
			got, err := f.k.Weights.Get(f.ctx, collections.Join(uint16(r.Netuid), uint16(r.Uid)))
			require.NoError(t, err, stage)
			require.Equal(t, r, got, stage)
		}
		require.Equal(t, bonds, allBonds(t, f), stage)
	}
	check("before the migration")

	m := keeper.NewMigrator(f.k)
	require.NoError(t, m.Migrate3to4(f.ctx))
	check("after the migration")
	packedSize := 0
	for _, r := range weights {
		var p types.PackedWeightsRow
		require.NoError(t, p.Unmarshal(store.Get(key(types.WeightsKey, r.Netuid, r.Uid))))
		require.Empty(t, p.Weights, "row %d/%d still in the old form", r.Netuid, r.Uid)
		packedSize += len(store.Get(key(types.WeightsKey, r.Netuid, r.Uid)))
	}
	for _, r := range bonds {
		var p types.PackedBondsRow
		require.NoError(t, p.Unmarshal(store.Get(key(types.BondsKey, r.Netuid, r.Uid))))
		require.Empty(t, p.Bonds)
		require.Empty(t, p.FixedBonds)
	}
	require.Less(t, 3*packedSize, legacySize, "packed %d bytes against %d", packedSize, legacySize)

	before := store.Get(key(types.WeightsKey, 1, 0))
	require.NoError(t, m.Migrate3to4(f.ctx))
	require.Equal(t, before, store.Get(key(types.WeightsKey, 1, 0)))
	check("after a second run")
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, gs.Weights, len(weights))
}

func TestMigrate4to5DefaultsMaxModelUpdateBytes(t *testing.T) {
	// Params as a network stores them: not the defaults, so the test sees that nothing but
	// max_model_update_bytes moves.
	custom := types.Params{
		MaxEpochsPerBlock: 3, OwnerShare: 100_000, MinerShare: 500_000, ValidatorShare: 400_000,
		EvaluationWindow: 2, EvidenceRetentionEpochs: 40,
	}
	for _, tc := range []struct {
		name   string
		stored uint64 // max_model_update_bytes before the migration
		want   uint64
	}{
		{name: "params from before the param (0) get the default", stored: 0, want: 262_144},
		{name: "a value governance chose stays", stored: 1_000, want: 1_000},
		{name: "the limit stays", stored: types.MaxModelUpdateBytesLimit, want: types.MaxModelUpdateBytesLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			before := custom
			before.MaxModelUpdateBytes = tc.stored
			require.NoError(t, f.k.Params.Set(f.ctx, before))

			m := keeper.NewMigrator(f.k)
			require.NoError(t, m.Migrate4to5(f.ctx))
			want := custom
			want.MaxModelUpdateBytes = tc.want
			got, err := f.k.GetParams(f.ctx)
			require.NoError(t, err)
			require.Equal(t, want, got)
			require.NoError(t, got.Validate())

			require.NoError(t, m.Migrate4to5(f.ctx))
			got, err = f.k.GetParams(f.ctx)
			require.NoError(t, err)
			require.Equal(t, want, got, "after a second run")
		})
	}
}
