package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// SubnetHooks are the x/subnet lifecycle hooks of x/slashing; add them to x/subnet's hooks with
// subnettypes.MultiSubnetHooks.
type SubnetHooks struct{ k Keeper }

var _ subnettypes.SubnetHooks = SubnetHooks{}

// SubnetHooks returns the x/subnet hooks of x/slashing.
func (k Keeper) SubnetHooks() SubnetHooks { return SubnetHooks{k: k} }

// AfterNeuronRegistered does nothing: a hotkey's jail follows the hotkey, so re-registering does
// not escape it, and the tracker of a replaced neuron is dropped at the subnet's next epoch.
func (SubnetHooks) AfterNeuronRegistered(context.Context, uint16, uint16, bool) error { return nil }

// AfterSubnetDissolved drops the jails and trackers of netuid, so a new subnet reusing the netuid
// starts clean. Offence records are history and stay.
func (h SubnetHooks) AfterSubnetDissolved(ctx context.Context, netuid uint16) error {
	r := collections.NewPrefixedPairRange[uint16, sdk.AccAddress](netuid)
	if err := h.k.Jails.Clear(ctx, r); err != nil {
		return err
	}
	return h.k.Trackers.Clear(ctx, r)
}
