package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/slashing/types"
)

// Keeper is the x/slashing keeper. The embedded SDK keeper serves consensus slashing exactly as
// in the SDK (x/evidence and x/staking use it); the fields below hold the intelligence offences.
// Names that the SDK keeper already uses (Params, Jail, Slash, Hooks) are not reused.
type Keeper struct {
	slashingkeeper.Keeper

	authority     string
	subnetKeeper  types.SubnetKeeper
	intelKeeper   types.IntelligenceKeeper
	bankKeeper    types.BankKeeper
	accountKeeper types.AccountKeeper

	// Schema is the collections schema of the intelligence slashing store.
	Schema collections.Schema
	// PoIParams holds the intelligence slashing params.
	PoIParams collections.Item[types.Params]
	// Offences holds every offence record by id.
	Offences collections.Map[uint64, types.Offence]
	// OffencesByHotkey indexes offence ids by (hotkey, id).
	OffencesByHotkey collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
	// OffencesByNetuid indexes offence ids by (netuid, id).
	OffencesByNetuid collections.KeySet[collections.Pair[uint16, uint64]]
	// Equivocations maps a punished (netuid, epoch, hotkey) to its offence id, so the same
	// equivocation cannot be punished twice.
	Equivocations collections.Map[collections.Triple[uint16, uint64, sdk.AccAddress], uint64]
	// Jails holds the hotkeys kept without a validator permit, by (netuid, hotkey).
	Jails collections.Map[collections.Pair[uint16, sdk.AccAddress], types.Jail]
	// Trackers holds the fault counters of neurons, by (netuid, hotkey).
	Trackers collections.Map[collections.Pair[uint16, sdk.AccAddress], types.NeuronTracker]
	// NextOffenceID is the id of the next offence record.
	NextOffenceID collections.Sequence
}

// NewKeeper decorates the SDK slashing keeper sdkKeeper with the intelligence offences, whose
// state lives in storeService (the "poislashing" store). intelKeeper is the x/intelligence keeper
// (epoch clock, stored evaluations, work marks). authority may change the params (the
// x/gov module account). The "slashing" module account must exist with the Burner permission:
// slashed subnet stake passes through it to the reporter and the burn.
func NewKeeper(
	sdkKeeper slashingkeeper.Keeper,
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	subnetKeeper types.SubnetKeeper,
	intelKeeper types.IntelligenceKeeper,
	bankKeeper types.BankKeeper,
	accountKeeper types.AccountKeeper,
	authority string,
) Keeper {
	modulekit.MustAuthority(types.ModuleName, authority)
	if accountKeeper.GetModuleAddress(types.ModuleName) == nil {
		panic(fmt.Sprintf("the %s module account has not been set", types.ModuleName))
	}
	sb := collections.NewSchemaBuilder(storeService)
	netuidHotkey := collections.PairKeyCodec(collections.Uint16Key, sdk.AccAddressKey)
	k := Keeper{
		Keeper:        sdkKeeper,
		authority:     authority,
		subnetKeeper:  subnetKeeper,
		intelKeeper:   intelKeeper,
		bankKeeper:    bankKeeper,
		accountKeeper: accountKeeper,
		PoIParams:     collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Offences:      collections.NewMap(sb, types.OffencesKey, "offences", collections.Uint64Key, codec.CollValue[types.Offence](cdc)),
		OffencesByHotkey: collections.NewKeySet(sb, types.OffencesByHotkeyKey, "offences_by_hotkey",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
		OffencesByNetuid: collections.NewKeySet(sb, types.OffencesByNetuidKey, "offences_by_netuid",
			collections.PairKeyCodec(collections.Uint16Key, collections.Uint64Key)),
		Equivocations: collections.NewMap(sb, types.EquivocationsKey, "equivocations",
			collections.TripleKeyCodec(collections.Uint16Key, collections.Uint64Key, sdk.AccAddressKey), collections.Uint64Value),
		Jails:         collections.NewMap(sb, types.JailsKey, "jails", netuidHotkey, codec.CollValue[types.Jail](cdc)),
		Trackers:      collections.NewMap(sb, types.TrackersKey, "trackers", netuidHotkey, codec.CollValue[types.NeuronTracker](cdc)),
		NextOffenceID: collections.NewSequence(sb, types.NextOffenceIDKey, "next_offence_id"),
	}
	k.Schema = modulekit.MustBuildSchema(sb)
	return k
}

// PoIAuthority returns the address allowed to change the intelligence slashing params (the same
// gov account as the SDK keeper's GetAuthority).
func (k Keeper) PoIAuthority() string { return k.authority }
