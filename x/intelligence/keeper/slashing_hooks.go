package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// EpochHooks lets x/slashing act on each subnet epoch once its results are written: keep jailed
// hotkeys without a validator permit, count silent validators and useless miners. It runs inside
// the epoch's cache context, so an error discards the whole epoch; implementations that must not
// fail the epoch handle their own errors.
type EpochHooks interface {
	// AfterSubnetEpoch is called at the end of RunEpoch for netuid, closing epoch index epoch,
	// after the neurons' consensus results, emission and next validator permits are stored.
	// neurons are the subnet's neurons as the epoch stored them, by ascending uid: the hook need
	// not read the subnet again.
	AfterSubnetEpoch(ctx context.Context, netuid uint16, epoch uint64, neurons []subnettypes.Neuron) error
	// JailOf reports whether hotkey is jailed on netuid and for how long, so a refused weight
	// message can name the jail instead of a bare missing permit.
	JailOf(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (types.JailInfo, bool, error)
}

// SetEpochHooks installs the epoch hooks (x/slashing). It may be called once.
func (k Keeper) SetEpochHooks(h EpochHooks) {
	k.epochHooks.Set(h, "x/intelligence epoch hooks already set")
}

// afterSubnetEpoch calls the installed epoch hooks, if any.
func (k Keeper) afterSubnetEpoch(ctx context.Context, netuid uint16, epoch uint64, neurons []subnettypes.Neuron) error {
	h, ok := k.epochHooks.Get()
	if !ok {
		return nil
	}
	return h.AfterSubnetEpoch(ctx, netuid, epoch, neurons)
}
