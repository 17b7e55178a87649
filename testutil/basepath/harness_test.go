package basepath

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"

	appv1alpha1 "cosmossdk.io/api/cosmos/app/v1alpha1"
	authmodulev1 "cosmossdk.io/api/cosmos/auth/module/v1"
	epochsmodulev1 "cosmossdk.io/api/cosmos/epochs/module/v1"
	upgrademodulev1 "cosmossdk.io/api/cosmos/upgrade/module/v1"
	"cosmossdk.io/core/appconfig"
	"cosmossdk.io/depinject"
	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"
	_ "cosmossdk.io/x/evidence" // registers the evidence module with depinject
	_ "cosmossdk.io/x/upgrade"  // registers the upgrade module with depinject

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil/configurator"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	_ "github.com/cosmos/cosmos-sdk/x/auth" // the blank imports register each module with depinject
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	_ "github.com/cosmos/cosmos-sdk/x/auth/tx/config" // installs the SDK's default ante handler
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	_ "github.com/cosmos/cosmos-sdk/x/auth/vesting"
	_ "github.com/cosmos/cosmos-sdk/x/authz/module"
	_ "github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	_ "github.com/cosmos/cosmos-sdk/x/consensus"
	_ "github.com/cosmos/cosmos-sdk/x/distribution"
	_ "github.com/cosmos/cosmos-sdk/x/epochs"
	_ "github.com/cosmos/cosmos-sdk/x/genutil"
	_ "github.com/cosmos/cosmos-sdk/x/gov"
	_ "github.com/cosmos/cosmos-sdk/x/mint"
	_ "github.com/cosmos/cosmos-sdk/x/protocolpool"
	protocolpooltypes "github.com/cosmos/cosmos-sdk/x/protocolpool/types"
	_ "github.com/cosmos/cosmos-sdk/x/slashing"
	_ "github.com/cosmos/cosmos-sdk/x/staking"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
)

// The load every chain carries: the same fee, gas limit and amount on both apps.
const (
	sendAmount = 1000
	txFee      = 2000
	txGas      = 200_000
)

// account is a genesis-funded signer; seq is the next sequence it signs with, tracked here so
// that signing a round needs no query.
type account struct {
	priv   cryptotypes.PrivKey
	addr   sdk.AccAddress
	number uint64
	seq    uint64
}

// chain is one app under load. Both apps embed *baseapp.BaseApp, so the load generator drives
// them through the same ABCI methods; only construction differs.
type chain struct {
	name     string
	app      *baseapp.BaseApp
	txConfig client.TxConfig
	chainID  string
	accounts []*account
	height   int64
	time     time.Time
	// balance reads an account's balance in the bond denom from committed state.
	balance func(sdk.AccAddress) sdkmath.Int
}

// newTaochain is taochain's real app (app.New, its ante handler, modules and hooks) with
// nAccounts funded accounts.
func newTaochain(tb testing.TB, nAccounts int) *chain {
	tb.Helper()
	c := apptest.NewChain(tb, nAccounts, app.TAO(1_000_000))
	ch := &chain{
		name: "taod", app: c.App.BaseApp, txConfig: c.App.TxConfig(), chainID: apptest.ChainID,
		height: c.Height, time: c.Time,
		balance: func(addr sdk.AccAddress) sdkmath.Int {
			return c.App.BankKeeper.GetBalance(c.Context(), addr, app.BaseDenom).Amount
		},
	}
	for _, a := range c.Accounts {
		acc := c.App.AccountKeeper.GetAccount(c.Context(), a.Address)
		ch.accounts = append(ch.accounts, &account{priv: a.Priv, addr: a.Address, number: acc.GetAccountNumber(), seq: acc.GetSequence()})
	}
	return ch
}

// baselineModules are the simd modules the baseline wires (see the package comment).
var baselineModules = []string{
	"auth", "vesting", "bank", "staking", "slashing", "distribution", "mint", "gov", "consensus",
	"genutil", "tx", "authz", "protocolpool", "epochs", "evidence", "upgrade",
}

// baselineOptions are simd's app config restricted to baselineModules, with the block orders of
// simapp v0.53's app_config.go (less the modules left out). The configurator's own auth config
// uses the "cosmos" prefix; the process-wide prefix is taochain's, so auth is configured here.
func baselineOptions() []configurator.ModuleOption {
	module := func(name string, cfg *appv1alpha1.ModuleConfig) configurator.ModuleOption {
		return func(c *configurator.Config) { c.ModuleConfigs[name] = cfg }
	}
	return []configurator.ModuleOption{
		module("auth", &appv1alpha1.ModuleConfig{Name: "auth", Config: appconfig.WrapAny(&authmodulev1.Module{
			Bech32Prefix: app.Bech32Prefix,
			ModuleAccountPermissions: []*authmodulev1.ModuleAccountPermission{
				{Account: authtypes.FeeCollectorName},
				{Account: "distribution"},
				{Account: "mint", Permissions: []string{authtypes.Minter}},
				{Account: "bonded_tokens_pool", Permissions: []string{authtypes.Burner, authtypes.Staking}},
				{Account: "not_bonded_tokens_pool", Permissions: []string{authtypes.Burner, authtypes.Staking}},
				{Account: "gov", Permissions: []string{authtypes.Burner}},
				{Account: protocolpooltypes.ModuleName},
				{Account: protocolpooltypes.ProtocolPoolEscrowAccount},
			},
		})}),
		module("upgrade", &appv1alpha1.ModuleConfig{Name: "upgrade", Config: appconfig.WrapAny(&upgrademodulev1.Module{})}),
		module("epochs", &appv1alpha1.ModuleConfig{Name: "epochs", Config: appconfig.WrapAny(&epochsmodulev1.Module{})}),
		configurator.VestingModule(),
		configurator.BankModule(),
		configurator.StakingModule(),
		configurator.SlashingModule(),
		configurator.DistributionModule(),
		configurator.MintModule(),
		configurator.GovModule(),
		configurator.ConsensusModule(),
		configurator.GenutilModule(),
		configurator.TxModule(),
		configurator.AuthzModule(),
		configurator.ProtocolPoolModule(),
		configurator.EvidenceModule(),
		configurator.WithCustomPreBlockersOrder("upgrade", "auth"),
		configurator.WithCustomBeginBlockersOrder("mint", "distribution", "protocolpool", "slashing",
			"evidence", "staking", "authz", "epochs"),
		configurator.WithCustomEndBlockersOrder("gov", "staking", "protocolpool"),
		configurator.WithCustomInitGenesisOrder("auth", "bank", "distribution", "staking", "slashing",
			"gov", "mint", "genutil", "evidence", "authz", "upgrade", "vesting", "epochs", "protocolpool",
			"consensus"),
	}
}

// newBaseline is the SDK's own app (see baselineOptions) with nAccounts funded accounts and one
// bonded validator, started exactly as apptest starts taochain. It is wired by depinject as
// simtestutil.SetupWithConfiguration wires it, but with a chain id and genesis time like
// taochain's.
func newBaseline(tb testing.TB, nAccounts int) *chain {
	tb.Helper()
	var (
		builder *runtime.AppBuilder
		cdc     codec.Codec
		ak      authkeeper.AccountKeeper
		bk      bankkeeper.Keeper
		txCfg   client.TxConfig
	)
	cfg := depinject.Configs(configurator.NewAppConfig(baselineOptions()...),
		depinject.Supply(log.NewNopLogger(), simtestutil.NewAppOptionsWithFlagHome(tb.TempDir())))
	if err := depinject.Inject(cfg, &builder, &cdc, &ak, &bk, &txCfg); err != nil {
		tb.Fatalf("wiring the SDK baseline: %v", err)
	}
	rt := builder.Build(dbm.NewMemDB(), nil, baseapp.SetChainID(apptest.ChainID))
	if err := rt.Load(true); err != nil {
		tb.Fatal(err)
	}

	valSet, err := simtestutil.CreateRandomValidatorSet()
	if err != nil {
		tb.Fatal(err)
	}
	accounts, genAccs, balances := genesisAccounts(nAccounts)
	state, err := simtestutil.GenesisStateWithValSet(cdc, rt.DefaultGenesis(), valSet, genAccs, balances...)
	if err != nil {
		tb.Fatal(err)
	}
	stateBytes, err := json.Marshal(state)
	if err != nil {
		tb.Fatal(err)
	}
	ch := &chain{
		name: "sdk", app: rt.BaseApp, txConfig: txCfg, chainID: apptest.ChainID, accounts: accounts,
		time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	if _, err := rt.InitChain(&abci.RequestInitChain{
		ChainId: apptest.ChainID, Time: ch.time, ConsensusParams: simtestutil.DefaultConsensusParams,
		AppStateBytes: stateBytes, InitialHeight: 1,
	}); err != nil {
		tb.Fatalf("InitChain: %v", err)
	}
	if err := ch.block(nil); err != nil {
		tb.Fatal(err)
	}
	ctx := func() sdk.Context { return rt.NewUncachedContext(false, cmtproto.Header{Height: ch.height}) }
	ch.balance = func(addr sdk.AccAddress) sdkmath.Int { return bk.GetBalance(ctx(), addr, app.BondDenom).Amount }
	for _, a := range ch.accounts {
		acc := ak.GetAccount(ctx(), a.addr)
		a.number, a.seq = acc.GetAccountNumber(), acc.GetSequence()
	}
	return ch
}

// genesisAccounts are the baseline's funded accounts: apptest's keys and balance, so that both
// chains start from the same accounts.
func genesisAccounts(n int) ([]*account, []authtypes.GenesisAccount, []banktypes.Balance) {
	var (
		accounts []*account
		genAccs  []authtypes.GenesisAccount
		balances []banktypes.Balance
	)
	for i := range n {
		priv := secp256k1.GenPrivKeyFromSecret(fmt.Appendf(nil, "apptest-account-%d", i))
		addr := sdk.AccAddress(priv.PubKey().Address())
		accounts = append(accounts, &account{priv: priv, addr: addr})
		genAccs = append(genAccs, authtypes.NewBaseAccount(addr, priv.PubKey(), uint64(i), 0))
		balances = append(balances, banktypes.Balance{
			Address: addr.String(), Coins: sdk.NewCoins(sdk.NewCoin(app.BondDenom, app.TAO(1_000_000))),
		})
	}
	return accounts, genAccs, balances
}

// signRound has every account sign one MsgSend to the next account, with its next sequence. The
// memo lengths come from a generator seeded by round, so both chains get the same sizes.
func (c *chain) signRound(tb testing.TB, round int64) [][]byte {
	tb.Helper()
	r := rand.New(rand.NewSource(round))
	fee := sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, txFee))
	txs := make([][]byte, len(c.accounts))
	for i, a := range c.accounts {
		to := c.accounts[(i+1)%len(c.accounts)].addr
		msg := banktypes.NewMsgSend(a.addr, to, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, sendAmount)))
		tx, err := simtestutil.GenSignedMockTx(r, c.txConfig, []sdk.Msg{msg}, fee, txGas, c.chainID,
			[]uint64{a.number}, []uint64{a.seq}, a.priv)
		if err != nil {
			tb.Fatal(err)
		}
		if txs[i], err = c.txConfig.TxEncoder()(tx); err != nil {
			tb.Fatal(err)
		}
		a.seq++
	}
	return txs
}

// deliver runs txs through the app as a node would: CheckTx for each (the mempool's admission),
// then FinalizeBlock and Commit in blocks of blockSize. Any rejected tx is an error: a failing tx
// is cheaper than a successful one and would flatter the app that fails it.
func (c *chain) deliver(txs [][]byte, blockSize int) error {
	for i, tx := range txs {
		res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		if err != nil {
			return fmt.Errorf("%s: CheckTx %d: %w", c.name, i, err)
		}
		if res.Code != 0 {
			return fmt.Errorf("%s: CheckTx %d: code %d: %s", c.name, i, res.Code, res.Log)
		}
	}
	for start := 0; start < len(txs); start += blockSize {
		if err := c.block(txs[start:min(start+blockSize, len(txs))]); err != nil {
			return err
		}
	}
	return nil
}

// block finalizes and commits the next block, holding txs, 6 s after the last one (as apptest
// does); every tx must succeed.
func (c *chain) block(txs [][]byte) error {
	c.height++
	c.time = c.time.Add(6 * time.Second)
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{Height: c.height, Time: c.time, Txs: txs})
	if err != nil {
		return fmt.Errorf("%s: FinalizeBlock at height %d: %w", c.name, c.height, err)
	}
	for i, r := range res.TxResults {
		if r.Code != 0 {
			return fmt.Errorf("%s: tx %d at height %d: code %d: %s", c.name, i, c.height, r.Code, r.Log)
		}
	}
	if _, err := c.app.Commit(); err != nil {
		return fmt.Errorf("%s: Commit at height %d: %w", c.name, c.height, err)
	}
	return nil
}
