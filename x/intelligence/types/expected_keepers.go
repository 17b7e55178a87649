package types

import (
	"context"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// SubnetKeeper is the subset of the x/subnet keeper used by x/intelligence: subnets and their
// hyperparameters, neurons, hotkeys, stake, and the writers for epoch results.
type SubnetKeeper interface {
	// GetSubnet returns the subnet netuid or an error if it does not exist.
	GetSubnet(ctx context.Context, netuid uint16) (subnettypes.Subnet, error)
	// IterateSubnets calls cb for each active subnet in ascending netuid until cb returns true.
	IterateSubnets(ctx context.Context, cb func(s subnettypes.Subnet) (stop bool)) error
	// GetNeuron returns the neuron at (netuid, uid) or an error if there is none.
	GetNeuron(ctx context.Context, netuid, uid uint16) (subnettypes.Neuron, error)
	// GetNeuronByHotkey returns the neuron of hotkey on netuid or an error if it has none.
	GetNeuronByHotkey(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (subnettypes.Neuron, error)
	// OccupiedUIDs returns the set of uids of netuid that hold a neuron (one store read).
	OccupiedUIDs(ctx context.Context, netuid uint16) (subnettypes.UIDSet, error)
	// IterateNeurons calls cb for each neuron of netuid in ascending uid until cb returns true.
	IterateNeurons(ctx context.Context, netuid uint16, cb func(n subnettypes.Neuron) (stop bool)) error
	// WriteEpochResult writes an epoch's consensus results, emission, activity and next
	// validator permit into n, the neuron as read in this block with no write since, and returns
	// the neuron written; x/subnet's one writer of those fields.
	WriteEpochResult(ctx context.Context, n subnettypes.Neuron, r subnettypes.EpochResult) (subnettypes.Neuron, error)
	// SetNeuronLastUpdate records the height of a neuron's last weight update.
	SetNeuronLastUpdate(ctx context.Context, netuid, uid uint16, at int64) error
	// GetHotkeyInfo returns the owning coldkey, pubkey and take of a hotkey.
	GetHotkeyInfo(ctx context.Context, hotkey sdk.AccAddress) (subnettypes.HotkeyInfo, error)
	// HotkeyStake is the rao staked on hotkey in netuid (all its delegators together).
	HotkeyStake(ctx context.Context, hotkey sdk.AccAddress, netuid uint16) (math.Int, error)
	// WalkNeuronStakes calls fn with the uid, hotkey and total stake of every neuron of netuid
	// (zero without stake) in range reads, not a point read per neuron.
	WalkNeuronStakes(ctx context.Context, netuid uint16, fn func(uid uint16, hotkey sdk.AccAddress, stake math.Int) error) error
	// AddToPool raises the value of the stake pool of (hotkey, netuid) by amount rao; the coins
	// must already be in the x/subnet module account.
	AddToPool(ctx context.Context, hotkey sdk.AccAddress, netuid uint16, amount math.Int) error
}

// TaoKeeper is the subset of the x/tao keeper used by x/intelligence to pay a subnet's pending
// emission at its epoch.
type TaoKeeper interface {
	// TakePendingEmission zeroes the subnet's pending emission and returns it; the coins stay in
	// the x/tao module account until sent with SendReleasedToModule / SendReleasedToAccount.
	TakePendingEmission(ctx context.Context, netuid uint16) (math.Int, error)
	// SendReleasedToModule sends released emission to a module account.
	SendReleasedToModule(ctx context.Context, recipientModule string, amount math.Int) error
	// SendReleasedToAccount sends released emission to an account.
	SendReleasedToAccount(ctx context.Context, recipient sdk.AccAddress, amount math.Int) error
}

// SubnetModuleName is the x/subnet module account that holds staked TAO; validator dividends
// are sent there before AddToPool.
const SubnetModuleName = subnettypes.ModuleName
