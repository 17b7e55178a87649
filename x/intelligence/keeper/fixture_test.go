package keeper_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/taochain/taochain/x/intelligence"
	"github.com/taochain/taochain/x/intelligence/keeper"
	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const chainID = "taochain-test"

// fakeSubnetKeeper is a local test double of types.SubnetKeeper. Its state lives in a KV store of
// its own, so cache contexts discard its writes exactly as they would x/subnet's.
type fakeSubnetKeeper struct {
	Subnets collections.Map[uint16, subnettypes.Subnet]
	Neurons collections.Map[collections.Pair[uint16, uint16], subnettypes.Neuron]
	Hotkeys collections.Map[sdk.AccAddress, subnettypes.HotkeyInfo]
	Stakes  collections.Map[collections.Pair[uint16, sdk.AccAddress], math.Int]
	// Added sums the AddToPool amounts per (netuid, hotkey).
	Added collections.Map[collections.Pair[uint16, sdk.AccAddress], math.Int]

	failAddToPool error
}

func newFakeSubnetKeeper(sb *collections.SchemaBuilder, cdc codec.BinaryCodec) *fakeSubnetKeeper {
	return &fakeSubnetKeeper{
		Subnets: collections.NewMap(sb, collections.NewPrefix(100), "subnets", collections.Uint16Key, codec.CollValue[subnettypes.Subnet](cdc)),
		Neurons: collections.NewMap(sb, collections.NewPrefix(101), "neurons",
			collections.PairKeyCodec(collections.Uint16Key, collections.Uint16Key), codec.CollValue[subnettypes.Neuron](cdc)),
		Hotkeys: collections.NewMap(sb, collections.NewPrefix(102), "hotkeys", sdk.AccAddressKey, codec.CollValue[subnettypes.HotkeyInfo](cdc)),
		Stakes: collections.NewMap(sb, collections.NewPrefix(103), "stakes",
			collections.PairKeyCodec(collections.Uint16Key, sdk.AccAddressKey), sdk.IntValue),
		Added: collections.NewMap(sb, collections.NewPrefix(104), "added",
			collections.PairKeyCodec(collections.Uint16Key, sdk.AccAddressKey), sdk.IntValue),
	}
}

func (f *fakeSubnetKeeper) GetSubnet(ctx context.Context, netuid uint16) (subnettypes.Subnet, error) {
	s, err := f.Subnets.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return s, subnettypes.ErrSubnetNotFound.Wrapf("netuid %d", netuid)
	}
	return s, err
}

func (f *fakeSubnetKeeper) IterateSubnets(ctx context.Context, cb func(s subnettypes.Subnet) bool) error {
	return f.Subnets.Walk(ctx, nil, func(_ uint16, s subnettypes.Subnet) (bool, error) { return cb(s), nil })
}

func (f *fakeSubnetKeeper) GetNeuron(ctx context.Context, netuid, uid uint16) (subnettypes.Neuron, error) {
	n, err := f.Neurons.Get(ctx, collections.Join(netuid, uid))
	if errors.Is(err, collections.ErrNotFound) {
		return n, subnettypes.ErrNeuronNotFound.Wrapf("uid %d on subnet %d", uid, netuid)
	}
	return n, err
}

func (f *fakeSubnetKeeper) GetNeuronByHotkey(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (subnettypes.Neuron, error) {
	var found *subnettypes.Neuron
	err := f.IterateNeurons(ctx, netuid, func(n subnettypes.Neuron) bool {
		if n.Hotkey == hotkey.String() {
			found = &n
			return true
		}
		return false
	})
	if err != nil {
		return subnettypes.Neuron{}, err
	}
	if found == nil {
		return subnettypes.Neuron{}, subnettypes.ErrNeuronNotFound.Wrapf("hotkey %s on subnet %d", hotkey, netuid)
	}
	return *found, nil
}

func (f *fakeSubnetKeeper) OccupiedUIDs(ctx context.Context, netuid uint16) (subnettypes.UIDSet, error) {
	var set subnettypes.UIDSet
	err := f.IterateNeurons(ctx, netuid, func(n subnettypes.Neuron) bool {
		set = set.With(uint16(n.Uid))
		return false
	})
	return set, err
}

func (f *fakeSubnetKeeper) IterateNeurons(ctx context.Context, netuid uint16, cb func(n subnettypes.Neuron) bool) error {
	return f.Neurons.Walk(ctx, collections.NewPrefixedPairRange[uint16, uint16](netuid),
		func(_ collections.Pair[uint16, uint16], n subnettypes.Neuron) (bool, error) { return cb(n), nil })
}

func (f *fakeSubnetKeeper) WriteEpochResult(ctx context.Context, n subnettypes.Neuron, r subnettypes.EpochResult) (subnettypes.Neuron, error) {
	n.Rank, n.Trust, n.Consensus, n.Incentive, n.Dividends, n.ValidatorTrust = r.Rank, r.Trust, r.Consensus, r.Incentive, r.Dividends, r.ValidatorTrust
	n.Emission, n.Active, n.ValidatorPermit = r.Emission, r.Active, r.ValidatorPermit
	return n, f.Neurons.Set(ctx, collections.Join(uint16(n.Netuid), uint16(n.Uid)), n)
}

func (f *fakeSubnetKeeper) SetNeuronLastUpdate(ctx context.Context, netuid, uid uint16, at int64) error {
	n, err := f.GetNeuron(ctx, netuid, uid)
	if err != nil {
		return err
	}
	n.LastUpdate = at
	return f.Neurons.Set(ctx, collections.Join(netuid, uid), n)
}

func (f *fakeSubnetKeeper) GetHotkeyInfo(ctx context.Context, hotkey sdk.AccAddress) (subnettypes.HotkeyInfo, error) {
	return f.Hotkeys.Get(ctx, hotkey)
}

func (f *fakeSubnetKeeper) HotkeyStake(ctx context.Context, hotkey sdk.AccAddress, netuid uint16) (math.Int, error) {
	s, err := f.Stakes.Get(ctx, collections.Join(netuid, hotkey))
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	return s, err
}

func (f *fakeSubnetKeeper) WalkNeuronStakes(ctx context.Context, netuid uint16, fn func(uid uint16, hotkey sdk.AccAddress, stake math.Int) error) error {
	var neurons []subnettypes.Neuron
	if err := f.IterateNeurons(ctx, netuid, func(n subnettypes.Neuron) bool {
		neurons = append(neurons, n)
		return false
	}); err != nil {
		return err
	}
	for _, n := range neurons {
		hotkey, err := sdk.AccAddressFromBech32(n.Hotkey)
		if err != nil {
			return err
		}
		stake, err := f.HotkeyStake(ctx, hotkey, netuid)
		if err != nil {
			return err
		}
		if err := fn(uint16(n.Uid), hotkey, stake); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeSubnetKeeper) AddToPool(ctx context.Context, hotkey sdk.AccAddress, netuid uint16, amount math.Int) error {
	if f.failAddToPool != nil {
		return f.failAddToPool
	}
	stake, err := f.HotkeyStake(ctx, hotkey, netuid)
	if err != nil {
		return err
	}
	if err := f.Stakes.Set(ctx, collections.Join(netuid, hotkey), stake.Add(amount)); err != nil {
		return err
	}
	added, err := f.Added.Get(ctx, collections.Join(netuid, hotkey))
	if errors.Is(err, collections.ErrNotFound) {
		added = math.ZeroInt()
	} else if err != nil {
		return err
	}
	return f.Added.Set(ctx, collections.Join(netuid, hotkey), added.Add(amount))
}

// fakeTaoKeeper is a local test double of types.TaoKeeper with x/tao's released-emission
// accounting: what is taken must be sent before it is gone, and nothing more.
type fakeTaoKeeper struct {
	Pending  collections.Map[uint16, math.Int]
	Released collections.Item[math.Int]
	// Received sums what each account ("acc:"+bech32) or module ("mod:"+name) received.
	Received collections.Map[string, math.Int]
}

func newFakeTaoKeeper(sb *collections.SchemaBuilder) *fakeTaoKeeper {
	return &fakeTaoKeeper{
		Pending:  collections.NewMap(sb, collections.NewPrefix(110), "pending", collections.Uint16Key, sdk.IntValue),
		Released: collections.NewItem(sb, collections.NewPrefix(111), "released", sdk.IntValue),
		Received: collections.NewMap(sb, collections.NewPrefix(112), "received", collections.StringKey, sdk.IntValue),
	}
}

func (f *fakeTaoKeeper) TakePendingEmission(ctx context.Context, netuid uint16) (math.Int, error) {
	p, err := f.Pending.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	if err != nil {
		return math.Int{}, err
	}
	if err := f.Pending.Remove(ctx, netuid); err != nil {
		return math.Int{}, err
	}
	r := f.released(ctx)
	return p, f.Released.Set(ctx, r.Add(p))
}

func (f *fakeTaoKeeper) released(ctx context.Context) math.Int {
	r, err := f.Released.Get(ctx)
	if err != nil {
		return math.ZeroInt()
	}
	return r
}

func (f *fakeTaoKeeper) send(ctx context.Context, to string, amount math.Int) error {
	if amount.IsNegative() {
		return fmt.Errorf("negative amount %s", amount)
	}
	r := f.released(ctx)
	if amount.GT(r) {
		return fmt.Errorf("sending %s but only %s released", amount, r)
	}
	if err := f.Released.Set(ctx, r.Sub(amount)); err != nil {
		return err
	}
	return f.Received.Set(ctx, to, f.received(ctx, to).Add(amount))
}

func (f *fakeTaoKeeper) received(ctx context.Context, key string) math.Int {
	v, err := f.Received.Get(ctx, key)
	if err != nil {
		return math.ZeroInt()
	}
	return v
}

func (f *fakeTaoKeeper) SendReleasedToModule(ctx context.Context, module string, amount math.Int) error {
	return f.send(ctx, "mod:"+module, amount)
}

func (f *fakeTaoKeeper) SendReleasedToAccount(ctx context.Context, addr sdk.AccAddress, amount math.Int) error {
	return f.send(ctx, "acc:"+addr.String(), amount)
}

// fixture is x/intelligence over a real in-memory store with the fakes above.
type fixture struct {
	ctx       sdk.Context
	k         keeper.Keeper
	msg       types.MsgServer
	q         types.QueryServer
	sk        *fakeSubnetKeeper
	tk        *fakeTaoKeeper
	authority string
	cdc       codec.Codec
	storeKey  *storetypes.KVStoreKey // the module store, for tests of its raw bytes
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	keys := storetypes.NewKVStoreKeys(types.StoreKey, "fakes")
	ctx := testutil.DefaultContextWithKeys(keys, nil, nil).WithBlockHeight(1).WithChainID(chainID)
	enc := moduletestutil.MakeTestEncodingConfig(intelligence.AppModule{})
	fakes := collections.NewSchemaBuilder(runtime.NewKVStoreService(keys["fakes"]))
	sk := newFakeSubnetKeeper(fakes, enc.Codec)
	tk := newFakeTaoKeeper(fakes)
	_, err := fakes.Build()
	require.NoError(t, err)
	authority := authtypes.NewModuleAddress(types.GovModuleName).String()
	k := keeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(keys[types.StoreKey]), sk, tk, authority)
	require.NoError(t, k.InitGenesis(ctx, types.DefaultGenesisState()))
	return &fixture{
		ctx: ctx, k: k, msg: keeper.NewMsgServerImpl(k), q: keeper.NewQueryServerImpl(k),
		sk: sk, tk: tk, authority: authority, cdc: enc.Codec, storeKey: keys[types.StoreKey],
	}
}

// testHyperparams are small-subnet hyperparameters: tempo 9 (an epoch every 10 blocks),
// no rate limit, one weight minimum.
func testHyperparams() subnettypes.Hyperparameters {
	hp := subnettypes.DefaultHyperparameters()
	hp.Tempo = 9
	hp.WeightsRateLimit = 0
	hp.MinAllowedWeights = 1
	hp.ActivityCutoff = 1000
	hp.MaxValidators = 64
	return hp
}

func (f *fixture) addSubnet(t *testing.T, netuid uint16, owner sdk.AccAddress, hp subnettypes.Hyperparameters) {
	t.Helper()
	require.NoError(t, f.sk.Subnets.Set(f.ctx, netuid, subnettypes.Subnet{
		Netuid: uint32(netuid), Owner: owner.String(), Name: fmt.Sprintf("sn%d", netuid),
		Locked: math.ZeroInt(), Burn: math.ZeroInt(), Hyperparams: hp,
	}))
}

func (f *fixture) setHyperparams(t *testing.T, netuid uint16, edit func(*subnettypes.Hyperparameters)) {
	t.Helper()
	s, err := f.sk.GetSubnet(f.ctx, netuid)
	require.NoError(t, err)
	edit(&s.Hyperparams)
	require.NoError(t, f.sk.Subnets.Set(f.ctx, netuid, s))
}

// member is a registered neuron with its keys.
type member struct {
	uid     uint16
	priv    *secp256k1.PrivKey
	hotkey  sdk.AccAddress
	coldkey sdk.AccAddress
}

// addNeuron registers a new hotkey at the next uid of netuid with the given stake, permit and
// take (u16 fraction), registered at the current height.
func (f *fixture) addNeuron(t *testing.T, netuid uint16, stake int64, permit bool, take uint32) member {
	t.Helper()
	uid := uint16(0)
	require.NoError(t, f.sk.IterateNeurons(f.ctx, netuid, func(subnettypes.Neuron) bool { uid++; return false }))
	priv := secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("hotkey-%d-%d-%d", netuid, uid, f.ctx.BlockHeight())))
	hotkey := sdk.AccAddress(priv.PubKey().Address())
	coldkey := sdk.AccAddress([]byte(fmt.Sprintf("coldkey-%03d-%05d-xx", netuid, uid))[:20])
	n := subnettypes.Neuron{
		Netuid: uint32(netuid), Uid: uint32(uid), Hotkey: hotkey.String(), Coldkey: coldkey.String(),
		Pubkey: priv.PubKey().Bytes(), RegisteredAt: f.ctx.BlockHeight(), Emission: math.ZeroInt(),
		LastUpdate: f.ctx.BlockHeight(), ValidatorPermit: permit,
	}
	require.NoError(t, f.sk.Neurons.Set(f.ctx, collections.Join(netuid, uid), n))
	require.NoError(t, f.sk.Hotkeys.Set(f.ctx, hotkey, subnettypes.HotkeyInfo{
		Hotkey: hotkey.String(), Coldkey: coldkey.String(), Pubkey: n.Pubkey, Take: take,
	}))
	require.NoError(t, f.sk.Stakes.Set(f.ctx, collections.Join(netuid, hotkey), math.NewInt(stake)))
	require.NoError(t, f.k.Hooks().AfterNeuronRegistered(f.ctx, netuid, uid, false))
	return member{uid: uid, priv: priv, hotkey: hotkey, coldkey: coldkey}
}

func (f *fixture) neuron(t *testing.T, netuid, uid uint16) subnettypes.Neuron {
	t.Helper()
	n, err := f.sk.GetNeuron(f.ctx, netuid, uid)
	require.NoError(t, err)
	return n
}

func (f *fixture) setHeight(h int64) { f.ctx = f.ctx.WithBlockHeight(h) }

// evaluation builds an evaluation of m for the current epoch of netuid and signs it.
func (f *fixture) evaluation(t *testing.T, m member, netuid uint16, nonce uint64, uids, scores []uint32) (types.Evaluation, []byte) {
	t.Helper()
	epoch, err := f.k.CurrentEpoch(f.ctx, netuid)
	require.NoError(t, err)
	ev := types.Evaluation{
		ChainId: chainID, Netuid: uint32(netuid), Epoch: epoch, ValidatorHotkey: m.hotkey.String(),
		Uids: uids, Scores: scores, TaskCommitment: make([]byte, 32), Nonce: nonce,
	}
	sig, err := m.priv.Sign(ev.SignBytes())
	require.NoError(t, err)
	return ev, sig
}

func (f *fixture) received(key string) math.Int { return f.tk.received(f.ctx, key) }

func (f *fixture) setPending(t *testing.T, netuid uint16, amount math.Int) {
	t.Helper()
	require.NoError(t, f.tk.Pending.Set(f.ctx, netuid, amount))
}
