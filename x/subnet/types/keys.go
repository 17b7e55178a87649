package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the module, its module account and its store.
	ModuleName = "subnet"

	// StoreKey is the KV store key of the module.
	StoreKey = ModuleName

	// GovModuleName is the module whose account is the default params authority.
	GovModuleName = "gov"

	// ReservedNetuid is never assigned: netuid 0 is the root network in Bittensor, so subnet
	// numbering starts at 1 to keep netuids familiar to Bittensor users.
	ReservedNetuid uint16 = 0

	// MaxNetuid is the largest netuid.
	MaxNetuid uint16 = 65535
)

// Store prefixes. Numbered once; never renumber or reuse.
var (
	ParamsKey             = collections.NewPrefix(0)
	LockStateKey          = collections.NewPrefix(1)
	SubnetsKey            = collections.NewPrefix(2)
	NeuronsKey            = collections.NewPrefix(3)
	NeuronUIDsKey         = collections.NewPrefix(4)
	HotkeysKey            = collections.NewPrefix(5)
	PoolsKey              = collections.NewPrefix(6)
	SharesKey             = collections.NewPrefix(7)
	DelegatorsKey         = collections.NewPrefix(8)
	SubnetStakeKey        = collections.NewPrefix(9)
	UnbondingsKey         = collections.NewPrefix(10)
	UnbondingQueueKey     = collections.NewPrefix(11)
	UnbondingByHotkeyKey  = collections.NewPrefix(12)
	UnbondingByColdkeyKey = collections.NewPrefix(13)
	NextUnbondingIDKey    = collections.NewPrefix(14)
	DissolvingKey         = collections.NewPrefix(15)
	ColdkeyPaidTxsKey     = collections.NewPrefix(16)
	UIDsKey               = collections.NewPrefix(17)
	LastUpdatesKey        = collections.NewPrefix(18)
)
