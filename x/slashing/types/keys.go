package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the module name shared with the SDK's x/slashing: one module for users
	// (`taod q slashing ...`), serving both services. It is also the name of the module account
	// that receives slashed subnet stake before it is paid out or burned.
	ModuleName = "slashing"

	// StoreKey is the KV store of the intelligence offences. It is separate from the SDK's
	// "slashing" store, so the two key spaces cannot collide.
	StoreKey = "poislashing"

	// GenesisField is the field of app_state.slashing that holds the intelligence GenesisState,
	// beside the SDK slashing genesis fields (params, signing_infos, missed_blocks).
	GenesisField = "poi"
)

// Store prefixes. Each is assigned once and never renumbered.
var (
	// ParamsKey stores Params.
	ParamsKey = collections.NewPrefix(0)
	// OffencesKey stores id -> Offence.
	OffencesKey = collections.NewPrefix(1)
	// OffencesByHotkeyKey indexes offence ids by (hotkey, id).
	OffencesByHotkeyKey = collections.NewPrefix(2)
	// OffencesByNetuidKey indexes offence ids by (netuid, id).
	OffencesByNetuidKey = collections.NewPrefix(3)
	// EquivocationsKey stores (netuid, epoch, hotkey) -> offence id of reported equivocations.
	EquivocationsKey = collections.NewPrefix(4)
	// JailsKey stores (netuid, hotkey) -> Jail.
	JailsKey = collections.NewPrefix(5)
	// TrackersKey stores (netuid, hotkey) -> NeuronTracker.
	TrackersKey = collections.NewPrefix(6)
	// NextOffenceIDKey stores the id of the next offence.
	NextOffenceIDKey = collections.NewPrefix(7)
)
