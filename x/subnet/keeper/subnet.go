package keeper

import (
	"context"
	"errors"
	"unicode/utf8"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/subnet/types"
)

// MaxSubnetNameLength is the longest subnet name in bytes.
const MaxSubnetNameLength = 64

// GetSubnet returns the subnet netuid or ErrSubnetNotFound.
func (k Keeper) GetSubnet(ctx context.Context, netuid uint16) (types.Subnet, error) {
	s, err := k.Subnets.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return s, types.ErrSubnetNotFound.Wrapf("netuid %d", netuid)
	}
	return s, err
}

// GetHyperparams returns the hyperparameters of netuid.
func (k Keeper) GetHyperparams(ctx context.Context, netuid uint16) (types.Hyperparameters, error) {
	s, err := k.GetSubnet(ctx, netuid)
	return s.Hyperparams, err
}

// IterateSubnets calls cb for each active subnet in ascending netuid until cb returns true.
func (k Keeper) IterateSubnets(ctx context.Context, cb func(s types.Subnet) (stop bool)) error {
	return k.Subnets.Walk(ctx, nil, func(_ uint16, s types.Subnet) (bool, error) {
		return cb(s), nil
	})
}

// IterateSubnetStakes calls cb for each active subnet in ascending netuid with the total TAO (rao)
// staked on it, until cb returns true. x/tao splits block emission with it.
func (k Keeper) IterateSubnetStakes(ctx context.Context, cb func(netuid uint16, stake math.Int) (stop bool)) error {
	iter, err := k.Subnets.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	defer iter.Close()
	for ; iter.Valid(); iter.Next() {
		netuid, err := iter.Key()
		if err != nil {
			return err
		}
		stake, err := k.SubnetTotalStake(ctx, netuid)
		if err != nil {
			return err
		}
		if cb(netuid, stake) {
			return nil
		}
	}
	return nil
}

// SubnetTotalStake is the rao staked on netuid across all its pools.
func (k Keeper) SubnetTotalStake(ctx context.Context, netuid uint16) (math.Int, error) {
	v, err := k.SubnetStake.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	return v, err
}

// CurrentLockCost is the TAO (rao) a subnet registration locks at the current height.
func (k Keeper) CurrentLockCost(ctx context.Context) (math.Int, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return math.Int{}, err
	}
	st, err := k.LockState.Get(ctx)
	if err != nil {
		return math.Int{}, err
	}
	return types.LockCost(p, st, height(ctx)), nil
}

// nextFreeNetuid returns the lowest netuid that is neither active nor still dissolving. The loop
// visits at most (#subnets + #dissolving + 1) candidates.
func (k Keeper) nextFreeNetuid(ctx context.Context) (uint16, error) {
	for n := uint32(1); n <= uint32(types.MaxNetuid); n++ {
		used, err := k.Subnets.Has(ctx, uint16(n))
		if err != nil {
			return 0, err
		}
		if !used {
			used, err = k.Dissolving.Has(ctx, uint16(n))
			if err != nil {
				return 0, err
			}
		}
		if !used {
			return uint16(n), nil
		}
	}
	return 0, types.ErrNoFreeNetuid.Wrapf("all netuids 1..%d are active or dissolving", types.MaxNetuid)
}

// subnetToReplace picks the non-immune subnet with the least stake (ties: older, then lower
// netuid) and reports how many subnets exist.
func (k Keeper) subnetToReplace(ctx context.Context, p types.Params) (victim uint16, found bool, count uint32, err error) {
	now := height(ctx)
	var bestStake math.Int
	var bestCreated int64
	err = k.Subnets.Walk(ctx, nil, func(netuid uint16, s types.Subnet) (bool, error) {
		count++
		if now-s.CreatedAt < int64(p.SubnetImmunityPeriod) {
			return false, nil
		}
		stake, err := k.SubnetTotalStake(ctx, netuid)
		if err != nil {
			return true, err
		}
		if !found || stake.LT(bestStake) || (stake.Equal(bestStake) && s.CreatedAt < bestCreated) {
			victim, found, bestStake, bestCreated = netuid, true, stake, s.CreatedAt
		}
		return false, nil
	})
	return victim, found, count, err
}

// RegisterSubnet locks the current lock cost from owner (at most maxLock) and creates a subnet at
// the lowest free netuid. When max_subnets is reached the non-immune subnet with the least stake is
// dissolved first (lock and stake refunded); if every subnet is immune it fails.
func (k Keeper) RegisterSubnet(ctx context.Context, owner sdk.AccAddress, name string, maxLock math.Int) (netuid uint16, lock math.Int, replaced uint16, err error) {
	if len(name) > MaxSubnetNameLength || !utf8.ValidString(name) {
		return 0, lock, 0, types.ErrInvalidName.Wrapf("name must be valid UTF-8 of at most %d bytes, got %d bytes", MaxSubnetNameLength, len(name))
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return 0, lock, 0, err
	}
	st, err := k.LockState.Get(ctx)
	if err != nil {
		return 0, lock, 0, err
	}
	now := height(ctx)
	lock = types.LockCost(p, st, now)
	if maxLock.IsNil() || lock.GT(maxLock) {
		return 0, lock, 0, types.ErrLockAboveLimit.Wrapf("lock cost is %s%s, max_lock is %s", lock, k.denom, maxLock)
	}
	if err := k.requireFunds(ctx, owner, lock, "subnet lock"); err != nil {
		return 0, lock, 0, err
	}
	victim, found, count, err := k.subnetToReplace(ctx, p)
	if err != nil {
		return 0, lock, 0, err
	}
	if count >= p.MaxSubnets {
		if !found {
			return 0, lock, 0, types.ErrSubnetLimitReached.Wrapf("%d of max_subnets %d exist and all are within the subnet immunity period of %d blocks",
				count, p.MaxSubnets, p.SubnetImmunityPeriod)
		}
		if err := k.dissolveSubnet(ctx, victim, true); err != nil {
			return 0, lock, 0, err
		}
		replaced = victim
	}
	if err := k.collect(ctx, owner, lock, "subnet lock"); err != nil {
		return 0, lock, 0, err
	}
	netuid, err = k.nextFreeNetuid(ctx)
	if err != nil {
		return 0, lock, 0, err
	}
	hp := p.DefaultHyperparams
	s := types.Subnet{
		Netuid:        uint32(netuid),
		Owner:         owner.String(),
		Name:          name,
		Locked:        lock,
		CreatedAt:     now,
		Hyperparams:   hp,
		Burn:          hp.MinBurn,
		BurnUpdatedAt: now,
	}
	if err := k.Subnets.Set(ctx, netuid, s); err != nil {
		return 0, lock, 0, err
	}
	if err := k.LockState.Set(ctx, types.LockState{LastLock: lock, LastLockHeight: now}); err != nil {
		return 0, lock, 0, err
	}
	err = typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventSubnetRegistered{
		Netuid: uint32(netuid), Owner: s.Owner, Name: name, Locked: lock,
	})
	return netuid, lock, replaced, err
}

// DissolveSubnet dissolves netuid on behalf of owner, who must be the subnet owner.
func (k Keeper) DissolveSubnet(ctx context.Context, owner sdk.AccAddress, netuid uint16) error {
	s, err := k.GetSubnet(ctx, netuid)
	if err != nil {
		return err
	}
	if s.Owner != owner.String() {
		return types.ErrNotSubnetOwner.Wrapf("subnet %d is owned by %s, not %s", netuid, s.Owner, owner)
	}
	return k.dissolveSubnet(ctx, netuid, false)
}

// dissolveSubnet refunds the lock, deletes the subnet and its neurons (at most max_uids) and, when
// stake remains, queues the netuid so EndBlock returns the stake to coldkeys in bounded batches.
func (k Keeper) dissolveSubnet(ctx context.Context, netuid uint16, replaced bool) error {
	s, err := k.GetSubnet(ctx, netuid)
	if err != nil {
		return err
	}
	if err := k.pay(ctx, mustAddr(s.Owner), s.Locked); err != nil {
		return err
	}
	if err := k.dropSubnetNeurons(ctx, netuid); err != nil {
		return err
	}
	if err := k.Subnets.Remove(ctx, netuid); err != nil {
		return err
	}
	hasPools, err := k.hasPools(ctx, netuid)
	if err != nil {
		return err
	}
	if hasPools {
		if err := k.Dissolving.Set(ctx, netuid); err != nil {
			return err
		}
	} else if err := k.SubnetStake.Remove(ctx, netuid); err != nil {
		return err
	}
	if h, ok := k.hooks.Get(); ok {
		if err := h.AfterSubnetDissolved(ctx, netuid); err != nil {
			return err
		}
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventSubnetDissolved{
		Netuid: uint32(netuid), Owner: s.Owner, RefundedLock: s.Locked, Replaced: replaced,
	})
}

func (k Keeper) hasPools(ctx context.Context, netuid uint16) (bool, error) {
	iter, err := k.Pools.Iterate(ctx, collections.NewPrefixedPairRange[uint16, sdk.AccAddress](netuid))
	if err != nil {
		return false, err
	}
	defer iter.Close()
	return iter.Valid(), nil
}

// UpdateHyperparams replaces the hyperparameters of netuid on behalf of its owner, within the
// governance bounds and at most once per hyperparam_rate_limit blocks.
func (k Keeper) UpdateHyperparams(ctx context.Context, owner sdk.AccAddress, netuid uint16, hp types.Hyperparameters) error {
	s, err := k.GetSubnet(ctx, netuid)
	if err != nil {
		return err
	}
	if s.Owner != owner.String() {
		return types.ErrNotSubnetOwner.Wrapf("subnet %d is owned by %s, not %s", netuid, s.Owner, owner)
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	now := height(ctx)
	if s.HyperparamsUpdatedAt != 0 && now-s.HyperparamsUpdatedAt < int64(p.HyperparamRateLimit) {
		return types.ErrRateLimited.Wrapf("subnet %d hyperparameters were updated at height %d; next update allowed at height %d",
			netuid, s.HyperparamsUpdatedAt, s.HyperparamsUpdatedAt+int64(p.HyperparamRateLimit))
	}
	if err := hp.Validate(); err != nil {
		return err
	}
	if err := hp.ValidateWithin(p.MinHyperparams, p.MaxHyperparams); err != nil {
		return err
	}
	var highestUID int64 = -1
	err = k.Neurons.Walk(ctx, collections.NewPrefixedPairRange[uint16, uint16](netuid), func(key collections.Pair[uint16, uint16], _ types.Neuron) (bool, error) {
		highestUID = int64(key.K2())
		return false, nil
	})
	if err != nil {
		return err
	}
	if highestUID >= int64(hp.MaxUids) {
		return types.ErrMaxUIDsBelowNeurons.Wrapf("max_uids %d would drop registered uid %d on subnet %d", hp.MaxUids, highestUID, netuid)
	}
	// Settle the decayed price under the old burn parameters before the new ones apply.
	s.Burn = types.RegistrationPrice(s, now)
	s.BurnUpdatedAt = now
	s.Hyperparams = hp
	s.HyperparamsUpdatedAt = now
	if err := k.Subnets.Set(ctx, netuid, s); err != nil {
		return err
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventHyperparamsUpdated{Netuid: uint32(netuid), Hyperparams: hp})
}
