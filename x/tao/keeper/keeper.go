package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	"cosmossdk.io/log"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/tao/types"
)

// Keeper manages x/tao state: params, per-subnet pending emission and running totals.
type Keeper struct {
	addressCodec     address.Codec
	authKeeper       types.AccountKeeper
	bankKeeper       types.BankKeeper
	subnet           modulekit.Late[types.SubnetKeeper] // x/subnet may be built after x/tao
	feeCollectorName string
	authority        string

	// Schema is the collections schema of the module store.
	Schema collections.Schema
	// Params holds the module parameters.
	Params collections.Item[types.Params]
	// PendingEmissions maps netuid to the emission accrued and not yet taken; zero entries are
	// removed.
	PendingEmissions collections.Map[uint16, math.Int]
	// Totals holds the running totals (minted, security, pending, released, paid out).
	Totals collections.Item[types.EmissionTotals]
}

// NewKeeper returns the x/tao keeper. subnetKeeper may be nil and set later with SetSubnetKeeper
// (before the first block). feeCollectorName is the module account that receives the security
// share (authtypes.FeeCollectorName); authority is the address allowed to update params (x/gov).
// It panics if the x/tao module account is not configured or the authority is not a valid address.
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService store.KVStoreService,
	authKeeper types.AccountKeeper,
	bankKeeper types.BankKeeper,
	subnetKeeper types.SubnetKeeper,
	feeCollectorName string,
	authority string,
) Keeper {
	if addr := authKeeper.GetModuleAddress(types.ModuleName); addr == nil {
		panic(fmt.Sprintf("the %s module account has not been set", types.ModuleName))
	}
	if _, err := authKeeper.AddressCodec().StringToBytes(authority); err != nil {
		panic(fmt.Sprintf("invalid %s authority address %q: %s", types.ModuleName, authority, err))
	}
	if feeCollectorName == "" {
		panic("fee collector module name must not be empty")
	}

	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		addressCodec:     authKeeper.AddressCodec(),
		authKeeper:       authKeeper,
		bankKeeper:       bankKeeper,
		subnet:           modulekit.NewLate[types.SubnetKeeper](),
		feeCollectorName: feeCollectorName,
		authority:        authority,
		Params:           collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		PendingEmissions: collections.NewMap(sb, types.PendingEmissionsKey, "pending_emissions", collections.Uint16Key, sdk.IntValue),
		Totals:           collections.NewItem(sb, types.TotalsKey, "totals", codec.CollValue[types.EmissionTotals](cdc)),
	}
	k.Schema = modulekit.MustBuildSchema(sb)
	k.subnet.Set(subnetKeeper, "x/tao: subnet keeper already set") // nil: set later
	return k
}

// SetSubnetKeeper wires the x/subnet keeper when it is built after x/tao. It affects every copy of
// this Keeper and panics if a SubnetKeeper is already set.
func (k Keeper) SetSubnetKeeper(sk types.SubnetKeeper) {
	k.subnet.Set(sk, "x/tao: subnet keeper already set")
}

// GetAuthority returns the address allowed to update the module params.
func (k Keeper) GetAuthority() string { return k.authority }

// Logger returns a module-scoped logger.
func (k Keeper) Logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}

// GetParams returns the module params.
func (k Keeper) GetParams(ctx context.Context) (types.Params, error) {
	return k.Params.Get(ctx)
}

// GetTotals returns the running totals; all zero before anything was minted.
func (k Keeper) GetTotals(ctx context.Context) (types.EmissionTotals, error) {
	t, err := k.Totals.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.NewEmissionTotals(), nil
	}
	return t, err
}

// Issuance returns the bank total supply of the mint denom.
func (k Keeper) Issuance(ctx context.Context, params types.Params) math.Int {
	return k.bankKeeper.GetSupply(ctx, params.MintDenom).Amount
}

// PendingEmission returns the emission accrued by subnet netuid and not yet taken (zero if none).
func (k Keeper) PendingEmission(ctx context.Context, netuid uint16) (math.Int, error) {
	amt, err := k.PendingEmissions.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	return amt, err
}

// subnetStakes reads every subnet's stake from x/subnet, ascending by netuid.
func (k Keeper) subnetStakes(ctx context.Context) ([]types.SubnetStake, math.Int, error) {
	sk, ok := k.subnet.Get()
	if !ok {
		return nil, math.ZeroInt(), types.ErrSubnetKeeperNotSet.Wrap("call SetSubnetKeeper or pass it to NewKeeper")
	}
	var stakes []types.SubnetStake
	total := math.ZeroInt()
	err := sk.IterateSubnetStakes(ctx, func(netuid uint16, stake math.Int) bool {
		if !stake.IsNil() && stake.IsPositive() {
			stakes = append(stakes, types.SubnetStake{Netuid: netuid, Stake: stake})
			total = total.Add(stake)
		}
		return false
	})
	return stakes, total, err
}
