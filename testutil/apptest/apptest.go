// Package apptest runs the real taochain app in-process for integration tests: a genesis with one
// bonded validator and funded accounts, blocks finalized and committed through ABCI, and signed
// transactions delivered exactly as CometBFT would deliver them.
package apptest

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/cosmos-sdk/testutil/mock"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
)

// ChainID is the chain id of in-process test chains.
const ChainID = "taochain-test-1"

// Account is a funded test account with its key.
type Account struct {
	Priv    cryptotypes.PrivKey
	Address sdk.AccAddress
}

// Chain is an in-process taochain with a current block context.
type Chain struct {
	T        testing.TB
	App      *app.App
	Accounts []Account
	Height   int64
	Time     time.Time
}

// GenesisMutator edits the genesis app state before InitChain.
type GenesisMutator func(cdc app.EncodingConfig, state app.GenesisState)

// NewChain starts an in-process chain with nAccounts accounts holding balance rao each, runs
// InitChain and commits the first block.
func NewChain(t testing.TB, nAccounts int, balance sdkmath.Int, mutators ...GenesisMutator) *Chain {
	t.Helper()
	return NewChainWithOptions(t, nil, nAccounts, balance, mutators...)
}

// NewChainWithOptions is NewChain with extra BaseApp options for the app, such as
// baseapp.SetSnapshot for a chain that takes state-sync snapshots.
func NewChainWithOptions(t testing.TB, baseAppOptions []func(*baseapp.BaseApp), nAccounts int, balance sdkmath.Int,
	mutators ...GenesisMutator,
) *Chain {
	t.Helper()
	return NewChainOnDB(t, dbm.NewMemDB(), baseAppOptions, nAccounts, balance, mutators...)
}

// NewChainOnDB is NewChainWithOptions on the given database: a goleveldb in a temporary
// directory, as a node opens it, keeps old versions on disk where a MemDB keeps them in memory.
func NewChainOnDB(t testing.TB, db dbm.DB, baseAppOptions []func(*baseapp.BaseApp), nAccounts int, balance sdkmath.Int,
	mutators ...GenesisMutator,
) *Chain {
	t.Helper()
	return NewChainLogged(t, log.NewNopLogger(), db, baseAppOptions, nAccounts, balance, mutators...)
}

// NewChainLogged is NewChainOnDB with the app logging to logger, for a test that reads what the
// node logs.
func NewChainLogged(t testing.TB, logger log.Logger, db dbm.DB, baseAppOptions []func(*baseapp.BaseApp), nAccounts int,
	balance sdkmath.Int, mutators ...GenesisMutator,
) *Chain {
	t.Helper()
	a := app.New(logger, db, nil, true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()),
		append([]func(*baseapp.BaseApp){baseapp.SetChainID(ChainID)}, baseAppOptions...)...)

	privVal := mock.NewPV()
	pubKey, err := privVal.GetPubKey()
	if err != nil {
		t.Fatal(err)
	}
	valSet := cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(pubKey, 1)})

	c := &Chain{T: t, App: a, Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	genAccs := make([]authtypes.GenesisAccount, 0, nAccounts)
	balances := make([]banktypes.Balance, 0, nAccounts)
	for i := 0; i < nAccounts; i++ {
		priv := secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("apptest-account-%d", i)))
		addr := sdk.AccAddress(priv.PubKey().Address())
		c.Accounts = append(c.Accounts, Account{Priv: priv, Address: addr})
		genAccs = append(genAccs, authtypes.NewBaseAccount(addr, priv.PubKey(), uint64(i), 0))
		balances = append(balances, banktypes.Balance{
			Address: addr.String(),
			Coins:   sdk.NewCoins(sdk.NewCoin(app.BaseDenom, balance)),
		})
	}

	state, err := simtestutil.GenesisStateWithValSet(a.AppCodec(), a.DefaultGenesis(), valSet, genAccs, balances...)
	if err != nil {
		t.Fatal(err)
	}
	// GenesisStateWithValSet rewrites bank genesis; put taochain's denom metadata back.
	var bank banktypes.GenesisState
	a.AppCodec().MustUnmarshalJSON(state[banktypes.ModuleName], &bank)
	bank.DenomMetadata = []banktypes.Metadata{app.TAOMetadata()}
	state[banktypes.ModuleName] = a.AppCodec().MustMarshalJSON(&bank)

	enc := app.EncodingConfig{InterfaceRegistry: a.InterfaceRegistry(), Codec: a.AppCodec(), TxConfig: a.TxConfig(), Amino: a.LegacyAmino()}
	for _, m := range mutators {
		m(enc, state)
	}
	stateBytes, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.InitChain(&abci.RequestInitChain{
		ChainId:         ChainID,
		Time:            c.Time,
		Validators:      []abci.ValidatorUpdate{},
		ConsensusParams: simtestutil.DefaultConsensusParams,
		AppStateBytes:   stateBytes,
		InitialHeight:   1,
	}); err != nil {
		t.Fatalf("InitChain: %v", err)
	}
	c.NextBlock()
	return c
}

// NextBlock finalizes and commits a block holding txs, returning each tx's result.
func (c *Chain) NextBlock(txs ...[]byte) []*abci.ExecTxResult {
	c.T.Helper()
	c.Height++
	c.Time = c.Time.Add(6 * time.Second)
	res, err := c.App.FinalizeBlock(&abci.RequestFinalizeBlock{Height: c.Height, Time: c.Time, Txs: txs})
	if err != nil {
		c.T.Fatalf("FinalizeBlock at height %d: %v", c.Height, err)
	}
	if _, err := c.App.Commit(); err != nil {
		c.T.Fatalf("Commit at height %d: %v", c.Height, err)
	}
	return res.TxResults
}

// Context returns a query context over the last committed state.
func (c *Chain) Context() sdk.Context {
	return c.App.NewUncachedContext(false, cmtproto.Header{Height: c.Height, Time: c.Time, ChainID: ChainID})
}

// SignTx builds and signs a tx with msgs from acc, using its current on-chain sequence.
func (c *Chain) SignTx(acc Account, fee sdk.Coins, gas uint64, msgs ...sdk.Msg) []byte {
	c.T.Helper()
	ctx := c.Context()
	account := c.App.AccountKeeper.GetAccount(ctx, acc.Address)
	if account == nil {
		c.T.Fatalf("account %s does not exist", acc.Address)
	}
	tx, err := simtestutil.GenSignedMockTx(rand.New(rand.NewSource(c.Height)), c.App.TxConfig(), msgs, fee, gas,
		ChainID, []uint64{account.GetAccountNumber()}, []uint64{account.GetSequence()}, acc.Priv)
	if err != nil {
		c.T.Fatal(err)
	}
	bz, err := c.App.TxConfig().TxEncoder()(tx)
	if err != nil {
		c.T.Fatal(err)
	}
	return bz
}

// DeliverMsgs signs msgs from acc, puts them in the next block and returns the tx result.
func (c *Chain) DeliverMsgs(acc Account, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.T.Helper()
	tx := c.SignTx(acc, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(2000))), 2_000_000, msgs...)
	return c.NextBlock(tx)[0]
}
