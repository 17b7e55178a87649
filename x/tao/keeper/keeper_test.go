package keeper_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	coreaddress "cosmossdk.io/core/address"
	"cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/taochain/taochain/x/tao"
	"github.com/taochain/taochain/x/tao/keeper"
	"github.com/taochain/taochain/x/tao/types"
)

const denom = types.DefaultMintDenom

// fakeAccountKeeper stands in for x/auth: module addresses and the bech32 codec.
type fakeAccountKeeper struct{}

func (fakeAccountKeeper) AddressCodec() coreaddress.Codec { return address.NewBech32Codec("tao") }

func (fakeAccountKeeper) GetModuleAddress(name string) sdk.AccAddress {
	return authtypes.NewModuleAddress(name)
}

// fakeBankKeeper stands in for x/bank: a supply and balances per address for one test.
type fakeBankKeeper struct {
	supply   map[string]math.Int
	balances map[string]math.Int // key: address bytes + "/" + denom
	failMint error
}

func newFakeBank() *fakeBankKeeper {
	return &fakeBankKeeper{supply: map[string]math.Int{}, balances: map[string]math.Int{}}
}

func balKey(addr sdk.AccAddress, d string) string { return string(addr) + "/" + d }

func (b *fakeBankKeeper) GetSupply(_ context.Context, d string) sdk.Coin {
	if s, ok := b.supply[d]; ok {
		return sdk.NewCoin(d, s)
	}
	return sdk.NewCoin(d, math.ZeroInt())
}

func (b *fakeBankKeeper) GetBalance(_ context.Context, addr sdk.AccAddress, d string) sdk.Coin {
	if v, ok := b.balances[balKey(addr, d)]; ok {
		return sdk.NewCoin(d, v)
	}
	return sdk.NewCoin(d, math.ZeroInt())
}

func (b *fakeBankKeeper) add(addr sdk.AccAddress, c sdk.Coin) {
	b.balances[balKey(addr, c.Denom)] = b.GetBalance(nil, addr, c.Denom).Amount.Add(c.Amount)
}

// setSupply sets the supply of d, crediting any increase to an outside holder account.
func (b *fakeBankKeeper) setSupply(d string, s math.Int) {
	b.supply[d] = s
	b.balances[balKey(sdk.AccAddress("outside_holder______"), d)] = s
}

func (b *fakeBankKeeper) MintCoins(_ context.Context, module string, amt sdk.Coins) error {
	if b.failMint != nil {
		return b.failMint
	}
	for _, c := range amt {
		b.supply[c.Denom] = b.GetSupply(nil, c.Denom).Amount.Add(c.Amount)
		b.add(authtypes.NewModuleAddress(module), c)
	}
	return nil
}

func (b *fakeBankKeeper) send(from, to sdk.AccAddress, amt sdk.Coins) error {
	for _, c := range amt {
		have := b.GetBalance(nil, from, c.Denom).Amount
		if have.LT(c.Amount) {
			return fmt.Errorf("insufficient funds: %s < %s", have, c)
		}
	}
	for _, c := range amt {
		b.balances[balKey(from, c.Denom)] = b.GetBalance(nil, from, c.Denom).Amount.Sub(c.Amount)
		b.add(to, c)
	}
	return nil
}

func (b *fakeBankKeeper) SendCoinsFromModuleToModule(_ context.Context, from, to string, amt sdk.Coins) error {
	return b.send(authtypes.NewModuleAddress(from), authtypes.NewModuleAddress(to), amt)
}

func (b *fakeBankKeeper) SendCoinsFromModuleToAccount(_ context.Context, from string, to sdk.AccAddress, amt sdk.Coins) error {
	return b.send(authtypes.NewModuleAddress(from), to, amt)
}

func (b *fakeBankKeeper) moduleBalance(module string) math.Int {
	return b.GetBalance(nil, authtypes.NewModuleAddress(module), denom).Amount
}

// fakeSubnetKeeper stands in for x/subnet: stakes by netuid, iterated in ascending order.
type fakeSubnetKeeper struct {
	netuids []uint16 // ascending
	stakes  map[uint16]math.Int
	err     error
}

func (s *fakeSubnetKeeper) set(netuid uint16, stake int64) {
	if s.stakes == nil {
		s.stakes = map[uint16]math.Int{}
	}
	if _, ok := s.stakes[netuid]; !ok {
		s.netuids = append(s.netuids, netuid)
		for i := len(s.netuids) - 1; i > 0 && s.netuids[i] < s.netuids[i-1]; i-- {
			s.netuids[i], s.netuids[i-1] = s.netuids[i-1], s.netuids[i]
		}
	}
	s.stakes[netuid] = math.NewInt(stake)
}

func (s *fakeSubnetKeeper) IterateSubnetStakes(_ context.Context, cb func(uint16, math.Int) bool) error {
	if s.err != nil {
		return s.err
	}
	for _, n := range s.netuids {
		if cb(n, s.stakes[n]) {
			break
		}
	}
	return nil
}

type fixture struct {
	ctx       sdk.Context
	keeper    keeper.Keeper
	bank      *fakeBankKeeper
	subnets   *fakeSubnetKeeper
	msgServer types.MsgServer
	query     types.QueryServer
	authority string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	testCtx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	encCfg := moduletestutil.MakeTestEncodingConfig(tao.AppModule{})
	authority, err := fakeAccountKeeper{}.AddressCodec().BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	require.NoError(t, err)

	f := &fixture{
		ctx:       testCtx.Ctx.WithBlockHeight(100),
		bank:      newFakeBank(),
		subnets:   &fakeSubnetKeeper{},
		authority: authority,
	}
	f.keeper = keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), fakeAccountKeeper{}, f.bank,
		f.subnets, authtypes.FeeCollectorName, authority)
	require.NoError(t, f.keeper.InitGenesis(f.ctx, types.DefaultGenesisState()))
	f.msgServer = keeper.NewMsgServerImpl(f.keeper)
	f.query = keeper.NewQueryServerImpl(f.keeper)
	return f
}

func (f *fixture) totals(t *testing.T) types.EmissionTotals {
	t.Helper()
	tot, err := f.keeper.GetTotals(f.ctx)
	require.NoError(t, err)
	return tot
}

func (f *fixture) pending(t *testing.T, netuid uint16) math.Int {
	t.Helper()
	p, err := f.keeper.PendingEmission(f.ctx, netuid)
	require.NoError(t, err)
	return p
}

func (f *fixture) beginBlock(t *testing.T) {
	t.Helper()
	require.NoError(t, f.keeper.BeginBlocker(f.ctx))
	require.NoError(t, f.keeper.CheckInvariants(f.ctx))
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1)
}

func requireIntEq(t *testing.T, want int64, got math.Int, msg string) {
	t.Helper()
	require.True(t, got.Equal(math.NewInt(want)), "%s: want %d, got %s", msg, want, got)
}

func TestNewKeeperPanicsOnBadAuthority(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	encCfg := moduletestutil.MakeTestEncodingConfig(tao.AppModule{})
	require.Panics(t, func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), fakeAccountKeeper{}, newFakeBank(), nil,
			authtypes.FeeCollectorName, "not-an-address")
	})
}

func TestSetSubnetKeeperReachesCopies(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	testCtx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	encCfg := moduletestutil.MakeTestEncodingConfig(tao.AppModule{})
	authority, err := fakeAccountKeeper{}.AddressCodec().BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	require.NoError(t, err)
	bank := newFakeBank()
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), fakeAccountKeeper{}, bank, nil,
		authtypes.FeeCollectorName, authority)
	ctx := testCtx.Ctx.WithBlockHeight(1)
	require.NoError(t, k.InitGenesis(ctx, types.DefaultGenesisState()))

	moduleCopy := tao.NewAppModule(encCfg.Codec, k) // copy taken before wiring, as an app would
	require.ErrorIs(t, moduleCopy.BeginBlock(ctx), types.ErrSubnetKeeperNotSet)

	sk := &fakeSubnetKeeper{}
	sk.set(1, 10)
	k.SetSubnetKeeper(sk)
	require.NoError(t, moduleCopy.BeginBlock(ctx))
	requireIntEq(t, 500_000_000, bank.GetSupply(ctx, denom).Amount, "supply after first block")
	require.Panics(t, func() { k.SetSubnetKeeper(sk) })
}
