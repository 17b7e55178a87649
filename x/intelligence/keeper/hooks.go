package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Hooks reacts to x/subnet lifecycle changes; install with subnetKeeper.SetHooks(k.Hooks()).
type Hooks struct{ k Keeper }

var _ subnettypes.SubnetHooks = Hooks{}

// Hooks returns the x/subnet hooks of x/intelligence.
func (k Keeper) Hooks() Hooks { return Hooks{k: k} }

// AfterNeuronRegistered drops the weight and bond rows and the model update commitment of uid:
// they belonged to its previous occupant. Weights of other validators at uid are masked by Yuma
// (set before the registration).
func (h Hooks) AfterNeuronRegistered(ctx context.Context, netuid, uid uint16, _ bool) error {
	key := collections.Join(netuid, uid)
	if err := h.k.Weights.Remove(ctx, key); err != nil {
		return err
	}
	if err := h.k.WorkMarks.Remove(ctx, key); err != nil {
		return err
	}
	if err := h.k.ModelUpdates.Remove(ctx, key); err != nil {
		return err
	}
	return h.k.Bonds.Remove(ctx, key)
}

// AfterSubnetDissolved deletes all x/intelligence state of netuid (weights, bonds, evaluations,
// commits, work marks, model update commitments, last epoch, queued epoch, epoch clock), so a new subnet reusing the netuid
// starts clean. Evaluation nonces of (netuid, hotkey) are kept, so evaluations signed for the old
// subnet cannot be replayed on the new one.
func (h Hooks) AfterSubnetDissolved(ctx context.Context, netuid uint16) error {
	return h.k.clearSubnet(ctx, netuid)
}

func (k Keeper) clearSubnet(ctx context.Context, netuid uint16) error {
	if err := removeAll(ctx, k.Weights, collections.NewPrefixedPairRange[uint16, uint16](netuid)); err != nil {
		return err
	}
	if err := removeAll(ctx, k.Bonds, collections.NewPrefixedPairRange[uint16, uint16](netuid)); err != nil {
		return err
	}
	if err := removeAll(ctx, k.Evaluations, collections.NewPrefixedTripleRange[uint16, uint64, sdk.AccAddress](netuid)); err != nil {
		return err
	}
	if err := removeAll(ctx, k.Commits, collections.NewPrefixedTripleRange[uint16, sdk.AccAddress, uint64](netuid)); err != nil {
		return err
	}
	if err := removeAll(ctx, k.WorkMarks, collections.NewPrefixedPairRange[uint16, uint16](netuid)); err != nil {
		return err
	}
	if err := removeAll(ctx, k.ModelUpdates, collections.NewPrefixedPairRange[uint16, uint16](netuid)); err != nil {
		return err
	}
	if err := k.LastEpochs.Remove(ctx, netuid); err != nil {
		return err
	}
	if err := k.Schedules.Remove(ctx, netuid); err != nil {
		return err
	}
	return k.dequeue(ctx, netuid)
}

// removeAll deletes every entry of m in range r.
func removeAll[K, V any](ctx context.Context, m collections.Map[K, V], r collections.Ranger[K]) error {
	keys, err := m.Iterate(ctx, r)
	if err != nil {
		return err
	}
	all, err := keys.Keys()
	if err != nil {
		return err
	}
	for _, key := range all {
		if err := m.Remove(ctx, key); err != nil {
			return err
		}
	}
	return nil
}
