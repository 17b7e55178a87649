package keeper_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	"cosmossdk.io/log"
	"cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	sdkgov "github.com/cosmos/cosmos-sdk/x/gov"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	v1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/taochain/taochain/x/gov/keeper"
	"github.com/taochain/taochain/x/subnet"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const (
	denom      = "rao"
	chainID    = "taochain-gov-test"
	mintModule = "mint"
)

// fakeStaking is an in-memory x/staking view: bonded or unbonded validators and delegations. It
// stands in for the SDK staking module only; subnet stake, the gov keeper and bank are real.
type fakeStaking struct {
	valCodec    address.Codec
	accCodec    address.Codec
	validators  []stakingtypes.Validator
	delegations []stakingtypes.Delegation
}

func (s *fakeStaking) ValidatorAddressCodec() address.Codec { return s.valCodec }

func (s *fakeStaking) IterateBondedValidatorsByPower(_ context.Context, fn func(int64, stakingtypes.ValidatorI) bool) error {
	for i, v := range s.validators {
		if v.IsBonded() && fn(int64(i), v) {
			return nil
		}
	}
	return nil
}

func (s *fakeStaking) TotalBondedTokens(context.Context) (math.Int, error) {
	total := math.ZeroInt()
	for _, v := range s.validators {
		total = total.Add(v.GetBondedTokens())
	}
	return total, nil
}

func (s *fakeStaking) IterateDelegations(_ context.Context, delegator sdk.AccAddress, fn func(int64, stakingtypes.DelegationI) bool) error {
	addr, err := s.accCodec.BytesToString(delegator)
	if err != nil {
		return err
	}
	for i, d := range s.delegations {
		if d.DelegatorAddress == addr && fn(int64(i), d) {
			return nil
		}
	}
	return nil
}

func (s *fakeStaking) GetValidator(_ context.Context, addr sdk.ValAddress) (stakingtypes.Validator, error) {
	op, err := s.valCodec.BytesToString(addr)
	if err != nil {
		return stakingtypes.Validator{}, err
	}
	for _, v := range s.validators {
		if v.OperatorAddress == op {
			return v, nil
		}
	}
	return stakingtypes.Validator{}, stakingtypes.ErrNoValidatorFound
}

type noDistribution struct{}

func (noDistribution) FundCommunityPool(context.Context, sdk.Coins, sdk.AccAddress) error {
	return errors.New("community pool is not used by these tests")
}

// fixture is taochain's gov keeper and the SDK gov keeper over real auth, bank and x/subnet
// keepers in an in-memory store, with a fake x/staking.
type fixture struct {
	ctx      sdk.Context
	k        keeper.Keeper
	gk       *govkeeper.Keeper
	subnet   subnetkeeper.Keeper
	subMsg   subnettypes.MsgServer
	bk       bankkeeper.BaseKeeper
	staking  *fakeStaking
	accCodec address.Codec
	netuid   uint16
	hotkey   sdk.AccAddress
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	keys := storetypes.NewKVStoreKeys(authtypes.StoreKey, banktypes.StoreKey, subnettypes.StoreKey, govtypes.StoreKey)
	ctx := testutil.DefaultContextWithKeys(keys, nil, nil).WithBlockHeight(1).WithChainID(chainID)
	enc := moduletestutil.MakeTestEncodingConfig(auth.AppModuleBasic{}, bank.AppModuleBasic{}, subnet.AppModule{}, sdkgov.AppModuleBasic{})
	accCodec := addresscodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix())
	valCodec := addresscodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix())
	authority := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	perms := map[string][]string{
		subnettypes.ModuleName: {authtypes.Burner},
		govtypes.ModuleName:    {authtypes.Burner},
		mintModule:             {authtypes.Minter},
	}
	ak := authkeeper.NewAccountKeeper(enc.Codec, runtime.NewKVStoreService(keys[authtypes.StoreKey]), authtypes.ProtoBaseAccount,
		perms, accCodec, sdk.GetConfig().GetBech32AccountAddrPrefix(), authority)
	bk := bankkeeper.NewBaseKeeper(enc.Codec, runtime.NewKVStoreService(keys[banktypes.StoreKey]), ak, map[string]bool{}, authority, log.NewNopLogger())
	sk := subnetkeeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(keys[subnettypes.StoreKey]), ak, bk, authority, denom)
	require.NoError(t, sk.InitGenesis(ctx, *subnettypes.DefaultGenesis()))

	staking := &fakeStaking{valCodec: valCodec, accCodec: accCodec}
	k := keeper.NewKeeper(staking, sk, accCodec)
	gk := govkeeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(keys[govtypes.StoreKey]), ak, bk,
		k.GovStakingKeeper(), noDistribution{}, baseapp.NewMsgServiceRouter(), govtypes.DefaultConfig(), authority,
		govkeeper.WithCustomCalculateVoteResultsAndVotingPowerFn(k.CalculateVoteResultsAndVotingPower))
	require.NoError(t, gk.Params.Set(ctx, v1.DefaultParams()))

	f := &fixture{ctx: ctx, k: k, gk: gk, subnet: sk, subMsg: subnetkeeper.NewMsgServerImpl(sk), bk: bk, staking: staking, accCodec: accCodec}
	f.setupSubnet(t)
	return f
}

func acct(seed string) sdk.AccAddress {
	return sdk.AccAddress(secp256k1.GenPrivKeyFromSecret([]byte("gov/" + seed)).PubKey().Address())
}

func (f *fixture) fund(t *testing.T, addr sdk.AccAddress, amount math.Int) {
	t.Helper()
	coins := sdk.NewCoins(sdk.NewCoin(denom, amount))
	require.NoError(t, f.bk.MintCoins(f.ctx, mintModule, coins))
	require.NoError(t, f.bk.SendCoinsFromModuleToAccount(f.ctx, mintModule, addr, coins))
}

// setupSubnet registers a subnet with one neuron whose hotkey coldkeys can stake on.
func (f *fixture) setupSubnet(t *testing.T) {
	t.Helper()
	f.netuid, f.hotkey = f.addSubnet(t, "first")
}

func (f *fixture) addSubnet(t *testing.T, seed string) (uint16, sdk.AccAddress) {
	t.Helper()
	owner := acct("owner/" + seed)
	cost, err := f.subnet.CurrentLockCost(f.ctx)
	require.NoError(t, err)
	f.fund(t, owner, cost)
	res, err := f.subMsg.RegisterSubnet(f.ctx, &subnettypes.MsgRegisterSubnet{Owner: owner.String(), Name: seed, MaxLock: cost})
	require.NoError(t, err)
	netuid := uint16(res.Netuid)

	hot := secp256k1.GenPrivKeyFromSecret([]byte("gov/hot/" + seed))
	miner := acct("miner/" + seed)
	price, err := f.subnet.RegistrationPrice(f.ctx, netuid)
	require.NoError(t, err)
	f.fund(t, miner, price)
	proof, err := hot.Sign(subnettypes.RegistrationProofBytes(chainID, netuid, miner.String()))
	require.NoError(t, err)
	_, err = f.subMsg.RegisterNeuron(f.ctx, &subnettypes.MsgRegisterNeuron{
		Coldkey: miner.String(), Netuid: uint32(netuid), HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: price,
	})
	require.NoError(t, err)
	return netuid, subnettypes.HotkeyAddress(hot.PubKey().(*secp256k1.PubKey))
}

// stake adds amount rao of coldkey's subnet stake on the fixture's hotkey.
func (f *fixture) stake(t *testing.T, coldkey sdk.AccAddress, amount int64) {
	t.Helper()
	f.stakeOn(t, coldkey, f.hotkey, f.netuid, amount)
}

func (f *fixture) stakeOn(t *testing.T, coldkey, hotkey sdk.AccAddress, netuid uint16, amount int64) {
	t.Helper()
	f.fund(t, coldkey, math.NewInt(amount))
	_, err := f.subMsg.AddStake(f.ctx, &subnettypes.MsgAddStake{
		Coldkey: coldkey.String(), Hotkey: hotkey.String(), Netuid: uint32(netuid), Amount: math.NewInt(amount),
	})
	require.NoError(t, err)
}

// validator adds a bonded validator operated by op with tokens == shares, and returns its
// operator (valoper) address.
func (f *fixture) validator(t *testing.T, op sdk.AccAddress, tokens int64, status stakingtypes.BondStatus) string {
	t.Helper()
	valAddr, err := f.staking.valCodec.BytesToString(op)
	require.NoError(t, err)
	f.staking.validators = append(f.staking.validators, stakingtypes.Validator{
		OperatorAddress: valAddr, Tokens: math.NewInt(tokens), DelegatorShares: math.LegacyNewDec(tokens), Status: status,
	})
	return valAddr
}

func (f *fixture) delegate(t *testing.T, delegator sdk.AccAddress, valAddr string, shares int64) {
	t.Helper()
	d, err := f.accCodec.BytesToString(delegator)
	require.NoError(t, err)
	f.staking.delegations = append(f.staking.delegations, stakingtypes.Delegation{
		DelegatorAddress: d, ValidatorAddress: valAddr, Shares: math.LegacyNewDec(shares),
	})
}

// proposal stores a proposal in its voting period and returns it.
func (f *fixture) proposal(t *testing.T, id uint64) v1.Proposal {
	t.Helper()
	p := v1.Proposal{Id: id, Status: v1.StatusVotingPeriod}
	require.NoError(t, f.gk.Proposals.Set(f.ctx, id, p))
	return p
}

func (f *fixture) vote(t *testing.T, id uint64, voter sdk.AccAddress, options ...*v1.WeightedVoteOption) {
	t.Helper()
	require.NoError(t, f.gk.Votes.Set(f.ctx, collections.Join(id, voter), v1.NewVote(id, voter, options, "")))
}

func yes() *v1.WeightedVoteOption { return v1.NewWeightedVoteOption(v1.OptionYes, math.LegacyOneDec()) }
func no() *v1.WeightedVoteOption  { return v1.NewWeightedVoteOption(v1.OptionNo, math.LegacyOneDec()) }

// registerExtraNeuron registers one more neuron on netuid and returns its hotkey.
func (f *fixture) registerExtraNeuron(t *testing.T, netuid uint16, seed string) sdk.AccAddress {
	t.Helper()
	hot := secp256k1.GenPrivKeyFromSecret([]byte("gov/hot/" + seed))
	miner := acct("miner/" + seed)
	price, err := f.subnet.RegistrationPrice(f.ctx, netuid)
	require.NoError(t, err)
	f.fund(t, miner, price)
	proof, err := hot.Sign(subnettypes.RegistrationProofBytes(chainID, netuid, miner.String()))
	require.NoError(t, err)
	_, err = f.subMsg.RegisterNeuron(f.ctx, &subnettypes.MsgRegisterNeuron{
		Coldkey: miner.String(), Netuid: uint32(netuid), HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: price,
	})
	require.NoError(t, err)
	return subnettypes.HotkeyAddress(hot.PubKey().(*secp256k1.PubKey))
}
