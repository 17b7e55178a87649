package slashing_test

import (
	"testing"

	"cosmossdk.io/log"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/cosmos/cosmos-sdk/client"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"

	"github.com/taochain/taochain/app"
)

func logNop() log.Logger { return log.NewNopLogger() }

func memDB() dbm.DB { return dbm.NewMemDB() }

func appOptions(t *testing.T) servertypes.AppOptions {
	return simtestutil.NewAppOptionsWithFlagHome(t.TempDir())
}

func clientCtx(a *app.App) client.Context {
	return client.Context{}.WithCodec(a.AppCodec()).WithInterfaceRegistry(a.InterfaceRegistry()).
		WithTxConfig(a.TxConfig()).WithLegacyAmino(a.LegacyAmino())
}
