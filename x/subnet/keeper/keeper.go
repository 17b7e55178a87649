package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/subnet/types"
)

// Keeper owns the x/subnet store. Collections are exported so genesis, queries and tests can read
// them; other modules use the methods.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService corestore.KVStoreService
	authority    string
	denom        string

	accountKeeper types.AccountKeeper
	bankKeeper    types.BankKeeper
	// hooks are x/intelligence's and x/slashing's, set after the keeper is built (SetHooks).
	hooks modulekit.Late[types.SubnetHooks]

	Schema collections.Schema
	// Params are the module parameters.
	Params collections.Item[types.Params]
	// LockState is the last subnet lock (for the lock cost).
	LockState collections.Item[types.LockState]
	// Subnets are the active subnets by netuid.
	Subnets collections.Map[uint16, types.Subnet]
	// Neurons are keyed by (netuid, uid).
	Neurons collections.Map[collections.Pair[uint16, uint16], types.Neuron]
	// NeuronUIDs maps (netuid, hotkey) to the hotkey's uid.
	NeuronUIDs collections.Map[collections.Pair[uint16, sdk.AccAddress], uint16]
	// LastUpdates holds each neuron's last_update (the height of its last weight update, or of its
	// registration), keyed like Neurons, apart from the neuron so that a weight update writes 13
	// bytes instead of rewriting the whole neuron; a stored Neuron keeps last_update 0. A neuron
	// without an entry has last_update 0.
	LastUpdates collections.Map[collections.Pair[uint16, uint16], int64]
	// UIDs holds the occupied uids of each subnet that has neurons (a types.UIDSet). Neurons,
	// NeuronUIDs and UIDs change together, only in putNeuron, dropNeuron and dropSubnetNeurons
	// (neuron.go).
	UIDs collections.Map[uint16, []byte]
	// Hotkeys binds each hotkey to its coldkey, pubkey and take.
	Hotkeys collections.Map[sdk.AccAddress, types.HotkeyInfo]
	// Pools are the share pools keyed by (netuid, hotkey).
	Pools collections.Map[collections.Pair[uint16, sdk.AccAddress], types.StakePool]
	// Shares are pool shares keyed by (coldkey, hotkey, netuid).
	Shares collections.Map[collections.Triple[sdk.AccAddress, sdk.AccAddress, uint16], math.Int]
	// Delegators indexes Shares by (hotkey, netuid, coldkey).
	Delegators collections.KeySet[collections.Triple[sdk.AccAddress, uint16, sdk.AccAddress]]
	// SubnetStake is the sum of the pool stakes of each netuid (active or dissolving).
	SubnetStake collections.Map[uint16, math.Int]
	// Unbondings are pending unbonding entries by id.
	Unbondings collections.Map[uint64, types.UnbondingEntry]
	// UnbondingQueue orders unbonding ids by (completion height, id).
	UnbondingQueue collections.KeySet[collections.Pair[int64, uint64]]
	// UnbondingByHotkey indexes unbonding ids by (hotkey, netuid, id) for slashing.
	UnbondingByHotkey collections.KeySet[collections.Triple[sdk.AccAddress, uint16, uint64]]
	// UnbondingByColdkey indexes unbonding ids by (coldkey, id).
	UnbondingByColdkey collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
	// NextUnbondingID is the id of the next unbonding entry.
	NextUnbondingID collections.Sequence
	// Dissolving holds dissolved netuids whose stake is still being returned in EndBlock.
	Dissolving collections.KeySet[uint16]
	// ColdkeyPaidTxs counts, per (netuid, hotkey), the transactions of the hotkey whose fee its
	// coldkey paid in the current window: value (window index, count). See UseColdkeyPaidTx.
	ColdkeyPaidTxs collections.Map[collections.Pair[uint16, sdk.AccAddress], collections.Pair[int64, uint64]]
}

// NewKeeper builds the keeper. authority is the address allowed to change params (gov module
// account); denom is the staking denom ("rao"). The subnet module account must be registered with
// the Burner permission in x/auth.
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	accountKeeper types.AccountKeeper,
	bankKeeper types.BankKeeper,
	authority string,
	denom string,
) Keeper {
	if addr := accountKeeper.GetModuleAddress(types.ModuleName); addr == nil {
		panic(fmt.Sprintf("the %s module account has not been set", types.ModuleName))
	}
	modulekit.MustAuthority(types.ModuleName, authority)
	if err := sdk.ValidateDenom(denom); err != nil {
		panic(fmt.Sprintf("invalid %s denom %q: %s", types.ModuleName, denom, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:           cdc,
		storeService:  storeService,
		authority:     authority,
		denom:         denom,
		accountKeeper: accountKeeper,
		bankKeeper:    bankKeeper,
		hooks:         modulekit.NewLate[types.SubnetHooks](),

		Params:     collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		LockState:  collections.NewItem(sb, types.LockStateKey, "lock_state", codec.CollValue[types.LockState](cdc)),
		Subnets:    collections.NewMap(sb, types.SubnetsKey, "subnets", collections.Uint16Key, codec.CollValue[types.Subnet](cdc)),
		Neurons:    collections.NewMap(sb, types.NeuronsKey, "neurons", collections.PairKeyCodec(collections.Uint16Key, collections.Uint16Key), codec.CollValue[types.Neuron](cdc)),
		NeuronUIDs: collections.NewMap(sb, types.NeuronUIDsKey, "neuron_uids", collections.PairKeyCodec(collections.Uint16Key, sdk.AccAddressKey), collections.Uint16Value),
		LastUpdates: collections.NewMap(sb, types.LastUpdatesKey, "last_updates",
			collections.PairKeyCodec(collections.Uint16Key, collections.Uint16Key), collections.Int64Value),
		UIDs:    collections.NewMap(sb, types.UIDsKey, "uids", collections.Uint16Key, collections.BytesValue),
		Hotkeys: collections.NewMap(sb, types.HotkeysKey, "hotkeys", sdk.AccAddressKey, codec.CollValue[types.HotkeyInfo](cdc)),
		Pools:   collections.NewMap(sb, types.PoolsKey, "pools", collections.PairKeyCodec(collections.Uint16Key, sdk.AccAddressKey), codec.CollValue[types.StakePool](cdc)),
		Shares: collections.NewMap(sb, types.SharesKey, "shares",
			collections.TripleKeyCodec(sdk.AccAddressKey, sdk.AccAddressKey, collections.Uint16Key), sdk.IntValue),
		Delegators: collections.NewKeySet(sb, types.DelegatorsKey, "delegators",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.Uint16Key, sdk.AccAddressKey)),
		SubnetStake:    collections.NewMap(sb, types.SubnetStakeKey, "subnet_stake", collections.Uint16Key, sdk.IntValue),
		Unbondings:     collections.NewMap(sb, types.UnbondingsKey, "unbondings", collections.Uint64Key, codec.CollValue[types.UnbondingEntry](cdc)),
		UnbondingQueue: collections.NewKeySet(sb, types.UnbondingQueueKey, "unbonding_queue", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key)),
		UnbondingByHotkey: collections.NewKeySet(sb, types.UnbondingByHotkeyKey, "unbonding_by_hotkey",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.Uint16Key, collections.Uint64Key)),
		UnbondingByColdkey: collections.NewKeySet(sb, types.UnbondingByColdkeyKey, "unbonding_by_coldkey",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
		NextUnbondingID: collections.NewSequence(sb, types.NextUnbondingIDKey, "next_unbonding_id"),
		Dissolving:      collections.NewKeySet(sb, types.DissolvingKey, "dissolving", collections.Uint16Key),
		ColdkeyPaidTxs: collections.NewMap(sb, types.ColdkeyPaidTxsKey, "coldkey_paid_txs",
			collections.PairKeyCodec(collections.Uint16Key, sdk.AccAddressKey),
			collcodec.KeyToValueCodec(collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key))),
	}
	k.Schema = modulekit.MustBuildSchema(sb)
	return k
}

// SetHooks installs the lifecycle hooks (x/intelligence). It may be called once.
func (k Keeper) SetHooks(h types.SubnetHooks) {
	k.hooks.Set(h, "x/subnet hooks already set")
}

// GetAuthority returns the params authority address.
func (k Keeper) GetAuthority() string { return k.authority }

// Denom returns the staking denom.
func (k Keeper) Denom() string { return k.denom }

// Logger returns the module logger.
func (k Keeper) Logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}

// GetParams returns the module parameters.
func (k Keeper) GetParams(ctx context.Context) (types.Params, error) {
	return k.Params.Get(ctx)
}

// ModuleAddress is the address of the x/subnet module account holding locks, stake and unbonding.
func (k Keeper) ModuleAddress() sdk.AccAddress {
	return k.accountKeeper.GetModuleAddress(types.ModuleName)
}

func (k Keeper) coins(amount math.Int) sdk.Coins {
	return sdk.NewCoins(sdk.NewCoin(k.denom, amount))
}

// requireFunds returns ErrInsufficientFunds unless addr can spend amount.
func (k Keeper) requireFunds(ctx context.Context, addr sdk.AccAddress, amount math.Int, what string) error {
	have := k.bankKeeper.SpendableCoins(ctx, addr).AmountOf(k.denom)
	if have.LT(amount) {
		return types.ErrInsufficientFunds.Wrapf("%s needs %s%s, %s can spend %s%s", what, amount, k.denom, addr, have, k.denom)
	}
	return nil
}

// collect moves amount from addr into the module account.
func (k Keeper) collect(ctx context.Context, addr sdk.AccAddress, amount math.Int, what string) error {
	if !amount.IsPositive() {
		return nil
	}
	if err := k.requireFunds(ctx, addr, amount, what); err != nil {
		return err
	}
	return k.bankKeeper.SendCoinsFromAccountToModule(ctx, addr, types.ModuleName, k.coins(amount))
}

// pay moves amount from the module account to addr.
func (k Keeper) pay(ctx context.Context, addr sdk.AccAddress, amount math.Int) error {
	if !amount.IsPositive() {
		return nil
	}
	return k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, addr, k.coins(amount))
}

func height(ctx context.Context) int64 { return sdk.UnwrapSDKContext(ctx).BlockHeight() }

func mustAddr(s string) sdk.AccAddress {
	a, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		panic(fmt.Sprintf("stored address %q is invalid: %s", s, err))
	}
	return a
}
