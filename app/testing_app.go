package app

import (
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"

	ibckeeper "github.com/cosmos/ibc-go/v10/modules/core/keeper"
)

// These accessors complete ibc-go's ibctesting.TestingApp interface (ABCI, AppCodec, LastCommitID and
// LastBlockHeight come from BaseApp and App already), so that the ibc-go testing coordinator can run
// two in-process chains that are both the real taochain app. The interface assertion lives in
// testutil/ibctest so that taod does not link the ibc-go testing package.

// GetBaseApp returns the BaseApp the ibc-go test chain drives with FinalizeBlock and Commit.
func (app *App) GetBaseApp() *baseapp.BaseApp { return app.BaseApp }

// GetIBCKeeper returns the IBC core keeper the ibc-go test relayer queries for clients, packets and
// acknowledgements.
func (app *App) GetIBCKeeper() *ibckeeper.Keeper { return app.IBCKeeper }

// GetTxConfig returns the transaction config the ibc-go test chain signs relayer transactions with.
func (app *App) GetTxConfig() client.TxConfig { return app.txConfig }
