package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/taochain/taochain/x/tao"
	"github.com/taochain/taochain/x/tao/keeper"
	"github.com/taochain/taochain/x/tao/types"
)

func TestGenesisExportImportRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 5)
	f.subnets.set(8, 2)
	f.beginBlock(t)
	f.beginBlock(t)
	_, err := f.keeper.PayPendingEmission(f.ctx, 8, "intelligence")
	require.NoError(t, err)
	_, err = f.keeper.TakePendingEmission(f.ctx, 1)
	require.NoError(t, err)
	f.beginBlock(t)

	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Len(t, exported.PendingEmissions, 2)
	require.True(t, exported.Totals.PaidOut.IsPositive())
	require.True(t, exported.Totals.Released.IsPositive())

	// Import into a fresh store through the module's JSON path and export again.
	key := storetypes.NewKVStoreKey(types.StoreKey)
	testCtx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	encCfg := moduletestutil.MakeTestEncodingConfig(tao.AppModule{})
	k2 := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), fakeAccountKeeper{}, newFakeBank(),
		&fakeSubnetKeeper{}, authtypes.FeeCollectorName, f.authority)
	am := tao.NewAppModule(encCfg.Codec, k2)
	bz := encCfg.Codec.MustMarshalJSON(exported)
	require.NoError(t, am.ValidateGenesis(encCfg.Codec, nil, bz))
	am.InitGenesis(testCtx.Ctx, encCfg.Codec, bz)
	require.JSONEq(t, string(bz), string(am.ExportGenesis(testCtx.Ctx, encCfg.Codec)))

	reimported, err := k2.ExportGenesis(testCtx.Ctx)
	require.NoError(t, err)
	require.Equal(t, exported, reimported)
}

func TestInitGenesisRejectsInvalid(t *testing.T) {
	f := newFixture(t)
	gs := types.DefaultGenesisState()
	gs.PendingEmissions = []types.PendingEmission{{Netuid: 1, Amount: math.NewInt(10)}}
	// totals.pending does not match
	require.ErrorIs(t, f.keeper.InitGenesis(f.ctx, gs), types.ErrInvalidGenesis)
	_, err := f.keeper.PendingEmissions.Get(f.ctx, 1)
	require.Error(t, err, "nothing written from an invalid genesis")
}

func TestDefaultGenesisJSON(t *testing.T) {
	encCfg := moduletestutil.MakeTestEncodingConfig(tao.AppModule{})
	am := tao.AppModule{}
	bz := am.DefaultGenesis(encCfg.Codec)
	require.NoError(t, am.ValidateGenesis(encCfg.Codec, nil, bz))
	require.Contains(t, string(bz), `"max_supply":"21000000000000000"`)
	require.Contains(t, string(bz), `"base_block_emission":"500000000"`)
	require.Error(t, am.ValidateGenesis(encCfg.Codec, nil, []byte(`{"params":{"mint_denom":""}}`)))
}
