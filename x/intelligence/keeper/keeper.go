package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/modulekit"
)

// Keeper owns the x/intelligence store. Collections are exported so genesis, queries and tests
// can read them; other modules use the methods.
type Keeper struct {
	authority    string
	storeService corestore.KVStoreService // raw access for store migrations only
	subnetKeeper types.SubnetKeeper
	taoKeeper    types.TaoKeeper
	// epochHooks holds the x/slashing epoch hooks (see slashing_hooks.go).
	epochHooks modulekit.Late[EpochHooks]

	// Schema is the collections schema of the module store.
	Schema collections.Schema
	// Params holds the module parameters.
	Params collections.Item[types.Params]
	// Weights holds the weight row of each (netuid, uid).
	Weights collections.Map[collections.Pair[uint16, uint16], types.WeightsRow]
	// Bonds holds the bond row of each (netuid, uid) after the last epoch.
	Bonds collections.Map[collections.Pair[uint16, uint16], types.BondsRow]
	// Evaluations holds the first accepted evaluation of each (netuid, epoch, hotkey).
	Evaluations collections.Map[collections.Triple[uint16, uint64, sdk.AccAddress], types.StoredEvaluation]
	// Nonces holds the last accepted evaluation nonce of each (netuid, hotkey).
	Nonces collections.Map[collections.Pair[uint16, sdk.AccAddress], uint64]
	// Commits holds pending weight commits by (netuid, hotkey, reveal epoch).
	Commits collections.Map[collections.Triple[uint16, sdk.AccAddress, uint64], types.WeightsCommit]
	// LastEpochs holds the last epoch run of each subnet.
	LastEpochs collections.Map[uint16, types.EpochRecord]
	// EpochQueue holds due epochs not yet run, by (due height, netuid), valued by epoch index.
	EpochQueue collections.Map[collections.Pair[int64, uint16], uint64]
	// QueuedNetuids maps a queued netuid to its due height (reverse index of EpochQueue).
	QueuedNetuids collections.Map[uint16, int64]
	// Schedules holds the epoch clock of each subnet (see schedule.go).
	Schedules collections.Map[uint16, types.EpochSchedule]
	// WorkMarks holds the height of each validator uid's last liveness-counting action.
	WorkMarks collections.Map[collections.Pair[uint16, uint16], int64]
	// ModelUpdates holds the latest model update commitment of each (netuid, uid) of federated
	// subnets, and within it the one it replaced when that was for the epoch before (see
	// model_update.go).
	ModelUpdates collections.Map[collections.Pair[uint16, uint16], types.ModelUpdateCommitment]
}

// NewKeeper returns the x/intelligence keeper. subnetKeeper is the x/subnet keeper and taoKeeper
// the x/tao keeper (both by value is fine: their state lives in their stores). authority is the
// address allowed to update params (the x/gov module account). It panics if authority is not a
// valid address. Wire the hooks into x/subnet with subnetKeeper.SetHooks(k.Hooks()).
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	subnetKeeper types.SubnetKeeper,
	taoKeeper types.TaoKeeper,
	authority string,
) Keeper {
	modulekit.MustAuthority(types.ModuleName, authority)
	if subnetKeeper == nil || taoKeeper == nil {
		panic("x/intelligence needs the x/subnet and x/tao keepers")
	}
	sb := collections.NewSchemaBuilder(storeService)
	uidKey := collections.PairKeyCodec(collections.Uint16Key, collections.Uint16Key)
	k := Keeper{
		authority:    authority,
		storeService: storeService,
		subnetKeeper: subnetKeeper,
		taoKeeper:    taoKeeper,
		epochHooks:   modulekit.NewLate[EpochHooks](),
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Weights:      collections.NewMap(sb, types.WeightsKey, "weights", uidKey, weightsRowValue(cdc)),
		Bonds:        collections.NewMap(sb, types.BondsKey, "bonds", uidKey, bondsRowValue(cdc)),
		Evaluations: collections.NewMap(sb, types.EvaluationsKey, "evaluations",
			collections.TripleKeyCodec(collections.Uint16Key, collections.Uint64Key, sdk.AccAddressKey),
			codec.CollValue[types.StoredEvaluation](cdc)),
		Nonces: collections.NewMap(sb, types.NoncesKey, "nonces",
			collections.PairKeyCodec(collections.Uint16Key, sdk.AccAddressKey), collections.Uint64Value),
		Commits: collections.NewMap(sb, types.CommitsKey, "commits",
			collections.TripleKeyCodec(collections.Uint16Key, sdk.AccAddressKey, collections.Uint64Key),
			codec.CollValue[types.WeightsCommit](cdc)),
		LastEpochs: collections.NewMap(sb, types.LastEpochsKey, "last_epochs", collections.Uint16Key, codec.CollValue[types.EpochRecord](cdc)),
		EpochQueue: collections.NewMap(sb, types.EpochQueueKey, "epoch_queue",
			collections.PairKeyCodec(collections.Int64Key, collections.Uint16Key), collections.Uint64Value),
		QueuedNetuids: collections.NewMap(sb, types.QueuedNetuidsKey, "queued_netuids", collections.Uint16Key, collections.Int64Value),
		Schedules:     collections.NewMap(sb, types.SchedulesKey, "schedules", collections.Uint16Key, codec.CollValue[types.EpochSchedule](cdc)),
		WorkMarks:     collections.NewMap(sb, types.WorkMarksKey, "work_marks", uidKey, collections.Int64Value),
		ModelUpdates: collections.NewMap(sb, types.ModelUpdatesKey, "model_updates", uidKey,
			codec.CollValue[types.ModelUpdateCommitment](cdc)),
	}
	k.Schema = modulekit.MustBuildSchema(sb)
	return k
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

// GetWeights returns the weight row of (netuid, uid); found is false if there is none.
func (k Keeper) GetWeights(ctx context.Context, netuid, uid uint16) (row types.WeightsRow, found bool, err error) {
	row, err = k.Weights.Get(ctx, collections.Join(netuid, uid))
	if errors.Is(err, collections.ErrNotFound) {
		return types.WeightsRow{}, false, nil
	}
	return row, err == nil, err
}

// GetBonds returns the bond row of (netuid, uid); found is false if there is none.
func (k Keeper) GetBonds(ctx context.Context, netuid, uid uint16) (row types.BondsRow, found bool, err error) {
	row, err = k.Bonds.Get(ctx, collections.Join(netuid, uid))
	if errors.Is(err, collections.ErrNotFound) {
		return types.BondsRow{}, false, nil
	}
	return row, err == nil, err
}

// GetLastEpoch returns the last epoch run of netuid; found is false before its first epoch.
func (k Keeper) GetLastEpoch(ctx context.Context, netuid uint16) (rec types.EpochRecord, found bool, err error) {
	rec, err = k.LastEpochs.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return types.EpochRecord{}, false, nil
	}
	return rec, err == nil, err
}

// GetEvaluation returns the stored evaluation of hotkey for (netuid, epoch); found is false if
// there is none.
func (k Keeper) GetEvaluation(ctx context.Context, netuid uint16, epoch uint64, hotkey sdk.AccAddress) (ev types.StoredEvaluation, found bool, err error) {
	ev, err = k.Evaluations.Get(ctx, collections.Join3(netuid, epoch, hotkey))
	if errors.Is(err, collections.ErrNotFound) {
		return types.StoredEvaluation{}, false, nil
	}
	return ev, err == nil, err
}

// LastNonce returns the last accepted evaluation nonce of hotkey on netuid (0 if none).
func (k Keeper) LastNonce(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (uint64, error) {
	n, err := k.Nonces.Get(ctx, collections.Join(netuid, hotkey))
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return n, err
}

// blockHeight returns the context's height as a uint64 (0 for a negative height).
func blockHeight(ctx context.Context) uint64 {
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	if h < 0 {
		return 0
	}
	return uint64(h)
}
