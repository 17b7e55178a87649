// Package ibctest runs ibc-go's testing coordinator over chains that are all the real taochain app:
// every chain is app.New over an in-memory database, so IBC handshakes, ICS-20 transfers, timeouts
// and acknowledgements go through taochain's own ante handler, router and keepers, not ibc-go's
// simapp.
//
// Use NewCoordinator instead of ibctesting.NewCoordinator (which builds simapp chains), then the
// ordinary ibctesting Path and Endpoint API. ibctesting helpers that type-assert simapp
// (TestChain.GetSimApp, DeleteKey, GetSenderAccount) must not be used; call App instead.
package ibctest

import (
	"encoding/json"
	"testing"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"

	ibctesting "github.com/cosmos/ibc-go/v10/testing"

	"github.com/taochain/taochain/app"
)

// The taochain app must satisfy ibc-go's TestingApp; this fails to compile if app.go drops a method.
var _ ibctesting.TestingApp = (*app.App)(nil)

// SetupTestingApp is an ibctesting.AppCreator: a fresh taochain app over a memdb and taochain's
// default genesis. ibctesting then replaces the auth, bank and staking sections with its own
// validator set and funded sender accounts (denominated in sdk.DefaultBondDenom, which the app
// package sets to rao) and sets the chain id before InitChain.
func SetupTestingApp() (ibctesting.TestingApp, map[string]json.RawMessage) {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.EmptyAppOptions{})
	return a, a.DefaultGenesis()
}

// NewCoordinator starts n in-process taochain chains (chain ids ibctesting.GetChainID(1..n), four
// validators each) that share one clock.
func NewCoordinator(t *testing.T, n int) *ibctesting.Coordinator {
	t.Helper()
	return ibctesting.NewCustomAppCoordinator(t, n, SetupTestingApp)
}

// NewChainPair starts two taochain chains and returns the coordinator with chain A and chain B.
func NewChainPair(t *testing.T) (*ibctesting.Coordinator, *ibctesting.TestChain, *ibctesting.TestChain) {
	t.Helper()
	coord := NewCoordinator(t, 2)
	return coord, coord.GetChain(ibctesting.GetChainID(1)), coord.GetChain(ibctesting.GetChainID(2))
}

// NewTransferPath opens 07-tendermint clients, a connection and an unordered ICS-20 channel
// (port transfer, version ics20-1) between chainA and chainB and returns the path.
func NewTransferPath(chainA, chainB *ibctesting.TestChain) *ibctesting.Path {
	path := ibctesting.NewTransferPath(chainA, chainB)
	path.Setup()
	return path
}

// App returns the taochain app behind a test chain. It fails the test if the chain runs another app.
func App(chain *ibctesting.TestChain) *app.App {
	chain.TB.Helper()
	a, ok := chain.App.(*app.App)
	if !ok {
		chain.TB.Fatalf("chain %s runs %T, not the taochain app", chain.ChainID, chain.App)
	}
	return a
}

// Balance returns addr's balance of denom on chain in its latest state.
func Balance(chain *ibctesting.TestChain, addr sdk.AccAddress, denom string) sdk.Coin {
	return App(chain).BankKeeper.GetBalance(chain.GetContext(), addr, denom)
}

// Supply returns the total supply of denom on chain in its latest state.
func Supply(chain *ibctesting.TestChain, denom string) sdk.Coin {
	return App(chain).BankKeeper.GetSupply(chain.GetContext(), denom)
}

// NewV2Path creates 07-tendermint clients on chainA and chainB and registers each as the other's
// counterparty: all IBC v2 needs. ICS-20 over v2 uses the client id as the source "channel" of a
// MsgTransfer, port transfer, and timeouts in seconds.
func NewV2Path(chainA, chainB *ibctesting.TestChain) *ibctesting.Path {
	path := ibctesting.NewPath(chainA, chainB)
	path.SetupV2()
	return path
}
