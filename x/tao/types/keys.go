package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the module; it also names its module account, which holds the
	// subnets' pending emission and needs the Minter permission.
	ModuleName = "tao"

	// StoreKey is the KV store key of the module.
	StoreKey = ModuleName

	// DefaultMintDenom is the base denom minted by default (1 TAO = 10^9 rao).
	DefaultMintDenom = "rao"

	// MaxNetuid is the largest subnet id; netuids are uint16.
	MaxNetuid = 1<<16 - 1
)

// Store prefixes. Each is assigned once and never renumbered.
var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// PendingEmissionsKey stores netuid -> pending emission (math.Int).
	PendingEmissionsKey = collections.NewPrefix(1)
	// TotalsKey stores the EmissionTotals.
	TotalsKey = collections.NewPrefix(2)
)
