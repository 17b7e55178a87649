package types

import (
	"context"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// IntelligenceKeeper is the part of the x/intelligence keeper that intelligence slashing uses:
// the subnet epoch clock, the stored evaluations (the proof that a hotkey held a permit in an
// epoch), the evidence retention and the liveness work marks.
type IntelligenceKeeper interface {
	// CurrentEpoch returns the epoch index of netuid in the current block.
	CurrentEpoch(ctx context.Context, netuid uint16) (uint64, error)
	// GetEvaluation returns the stored evaluation of hotkey for (netuid, epoch); found is false
	// if there is none.
	GetEvaluation(ctx context.Context, netuid uint16, epoch uint64, hotkey sdk.AccAddress) (intelligencetypes.StoredEvaluation, bool, error)
	// GetParams returns the x/intelligence params (evidence_retention_epochs).
	GetParams(ctx context.Context) (intelligencetypes.Params, error)
	// LastWorks returns, by uid, the height of the last liveness-counting action on netuid of
	// each uid whose current occupant did any (one range walk).
	LastWorks(ctx context.Context, netuid uint16) (map[uint16]int64, error)
}

// SubnetKeeper is the part of the x/subnet keeper that intelligence slashing uses: subnets,
// neurons and hotkeys to check evidence, the stake slash, and the permit and registration
// writers for jails and useless miners.
type SubnetKeeper interface {
	// GetSubnet returns the subnet netuid or an error if it does not exist.
	GetSubnet(ctx context.Context, netuid uint16) (subnettypes.Subnet, error)
	// GetNeuronByHotkey returns the neuron of hotkey on netuid or an error if it has none.
	GetNeuronByHotkey(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (subnettypes.Neuron, error)
	// RevokeValidatorPermit takes the validator permit of the neuron at (netuid, uid) away until
	// the next epoch (a jailed or silent validator); a no-op if it holds none.
	RevokeValidatorPermit(ctx context.Context, netuid, uid uint16) error
	// GetHotkeyInfo returns the owning coldkey, pubkey and take of a hotkey.
	GetHotkeyInfo(ctx context.Context, hotkey sdk.AccAddress) (subnettypes.HotkeyInfo, error)
	// SlashHotkeyStake slashes fraction of the stake on (hotkey, netuid), pool and unbondings,
	// into module account toModule and returns the amount.
	SlashHotkeyStake(ctx context.Context, hotkey sdk.AccAddress, netuid uint16, fraction math.LegacyDec, toModule string) (math.Int, error)
	// DeregisterNeuron frees the uid of a neuron; its stake pool stays withdrawable.
	DeregisterNeuron(ctx context.Context, netuid, uid uint16) (subnettypes.Neuron, error)
	// Denom returns the staking denom.
	Denom() string
}

// BankKeeper is the part of the bank keeper used to pay reporters and burn slashed stake.
type BankKeeper interface {
	// SendCoinsFromModuleToAccount pays the reporter's reward from the slashing module account.
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	// BurnCoins burns the rest of the slashed stake.
	BurnCoins(ctx context.Context, moduleName string, amt sdk.Coins) error
}

// AccountKeeper is the part of the auth keeper used to check the module account.
type AccountKeeper interface {
	// GetModuleAddress returns the address of a registered module account (nil if unknown).
	GetModuleAddress(moduleName string) sdk.AccAddress
}
