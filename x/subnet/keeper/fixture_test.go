package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	"cosmossdk.io/math"
	"cosmossdk.io/store"
	"cosmossdk.io/store/metrics"
	storetypes "cosmossdk.io/store/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/runtime"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/x/subnet"
	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

const (
	denom       = "rao"
	chainID     = "taochain-test"
	mintModule  = "mint"
	slashModule = "slashsink"
	tao         = int64(1_000_000_000)
)

// fixture is x/subnet over a real in-memory multistore with the real SDK auth and bank keepers.
type fixture struct {
	ctx       sdk.Context
	k         keeper.Keeper
	ak        authkeeper.AccountKeeper
	bk        bankkeeper.BaseKeeper
	msg       types.MsgServer
	q         types.QueryServer
	authority string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := newStoreFixture(t)
	t.Cleanup(func() { require.NoError(t, f.k.CheckInvariants(f.ctx), "module balance invariant after test") })
	return f
}

// newStoreFixture is the fixture without the invariant check, for benchmarks too. Its multistore
// is its own rather than testutil.DefaultContextWithKeys, whose stores share one unprefixed
// database and so cannot be committed (a benchmark queries committed state, as a node does).
func newStoreFixture(tb testing.TB) *fixture {
	tb.Helper()
	keys := storetypes.NewKVStoreKeys(authtypes.StoreKey, banktypes.StoreKey, types.StoreKey)
	cms := store.NewCommitMultiStore(dbm.NewMemDB(), log.NewNopLogger(), metrics.NewNoOpMetrics())
	for _, key := range keys {
		cms.MountStoreWithDB(key, storetypes.StoreTypeIAVL, nil)
	}
	require.NoError(tb, cms.LoadLatestVersion())
	ctx := sdk.NewContext(cms, cmtproto.Header{}, false, log.NewNopLogger()).WithBlockHeight(1).WithChainID(chainID)
	enc := moduletestutil.MakeTestEncodingConfig(auth.AppModuleBasic{}, bank.AppModuleBasic{}, subnet.AppModule{})
	authority := authtypes.NewModuleAddress(types.GovModuleName).String()
	perms := map[string][]string{types.ModuleName: {authtypes.Burner}, mintModule: {authtypes.Minter}, slashModule: {authtypes.Burner}}
	ak := authkeeper.NewAccountKeeper(enc.Codec, runtime.NewKVStoreService(keys[authtypes.StoreKey]), authtypes.ProtoBaseAccount,
		perms, addresscodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix()), sdk.GetConfig().GetBech32AccountAddrPrefix(), authority)
	bk := bankkeeper.NewBaseKeeper(enc.Codec, runtime.NewKVStoreService(keys[banktypes.StoreKey]), ak, map[string]bool{}, authority, log.NewNopLogger())
	k := keeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(keys[types.StoreKey]), ak, bk, authority, denom)
	require.NoError(tb, k.InitGenesis(ctx, *types.DefaultGenesis()))
	return &fixture{ctx: ctx, k: k, ak: ak, bk: bk, msg: keeper.NewMsgServerImpl(k), q: keeper.NewQueryServerImpl(k), authority: authority}
}

func (f *fixture) fund(tb testing.TB, addr sdk.AccAddress, amount int64) {
	tb.Helper()
	f.fundInt(tb, addr, math.NewInt(amount))
}

func (f *fixture) fundInt(tb testing.TB, addr sdk.AccAddress, amount math.Int) {
	tb.Helper()
	coins := sdk.NewCoins(sdk.NewCoin(denom, amount))
	require.NoError(tb, f.bk.MintCoins(f.ctx, mintModule, coins))
	require.NoError(tb, f.bk.SendCoinsFromModuleToAccount(f.ctx, mintModule, addr, coins))
}

func (f *fixture) balance(addr sdk.AccAddress) math.Int {
	return f.bk.GetBalance(f.ctx, addr, denom).Amount
}

func (f *fixture) setHeight(h int64) { f.ctx = f.ctx.WithBlockHeight(h) }

func (f *fixture) advance(n int64) { f.setHeight(f.ctx.BlockHeight() + n) }

func (f *fixture) setParams(t *testing.T, mutate func(p *types.Params)) {
	t.Helper()
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	mutate(&p)
	require.NoError(t, p.Validate())
	require.NoError(t, f.k.Params.Set(f.ctx, p))
}

func addr(seed string) sdk.AccAddress {
	return sdk.AccAddress(secp256k1.GenPrivKeyFromSecret([]byte("acct/" + seed)).PubKey().Address())
}

// hotkey is a deterministic secp256k1 hotkey for tests.
type hotkey struct {
	priv *secp256k1.PrivKey
}

func newHotkey(seed string) hotkey {
	return hotkey{priv: secp256k1.GenPrivKeyFromSecret([]byte("hot/" + seed))}
}

func (h hotkey) pub() []byte { return h.priv.PubKey().Bytes() }

func (h hotkey) addr() sdk.AccAddress { return sdk.AccAddress(h.priv.PubKey().Address()) }

func (h hotkey) proof(t *testing.T, netuid uint16, coldkey sdk.AccAddress) []byte {
	t.Helper()
	sig, err := h.priv.Sign(types.RegistrationProofBytes(chainID, netuid, coldkey.String()))
	require.NoError(t, err)
	return sig
}

func (f *fixture) registerSubnet(t *testing.T, owner sdk.AccAddress) uint16 {
	t.Helper()
	cost, err := f.k.CurrentLockCost(f.ctx)
	require.NoError(t, err)
	f.fund(t, owner, cost.Int64())
	resp, err := f.msg.RegisterSubnet(f.ctx, &types.MsgRegisterSubnet{Owner: owner.String(), Name: "sn", MaxLock: cost})
	require.NoError(t, err)
	return uint16(resp.Netuid)
}

func (f *fixture) registerNeuron(t *testing.T, coldkey sdk.AccAddress, netuid uint16, h hotkey) uint16 {
	t.Helper()
	price, err := f.k.RegistrationPrice(f.ctx, netuid)
	require.NoError(t, err)
	f.fund(t, coldkey, price.Int64())
	resp, err := f.msg.RegisterNeuron(f.ctx, &types.MsgRegisterNeuron{
		Coldkey: coldkey.String(), Netuid: uint32(netuid), HotkeyPubkey: h.pub(), Proof: h.proof(t, netuid, coldkey), MaxBurn: price,
	})
	require.NoError(t, err)
	return uint16(resp.Uid)
}

func (f *fixture) addStake(t *testing.T, coldkey, hk sdk.AccAddress, netuid uint16, amount int64) {
	t.Helper()
	f.fund(t, coldkey, amount)
	_, err := f.msg.AddStake(f.ctx, &types.MsgAddStake{Coldkey: coldkey.String(), Hotkey: hk.String(), Netuid: uint32(netuid), Amount: math.NewInt(amount)})
	require.NoError(t, err)
}

func (f *fixture) stakeValue(t *testing.T, coldkey, hk sdk.AccAddress, netuid uint16) math.Int {
	t.Helper()
	v, err := f.k.StakeValue(f.ctx, coldkey, hk, netuid)
	require.NoError(t, err)
	return v
}

// requireInt compares integers by value (math.Int zero has several internal representations).
func requireInt(t *testing.T, want, got math.Int, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, want.String(), got.String(), msgAndArgs...)
}
