package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Each subnet has a stored epoch clock (types.EpochSchedule): the index evaluations and commits
// carry now and the height whose EndBlock closes it. EndBlock advances it; nothing derives the
// index from height/tempo once it is stored, so a tempo change moves the next epoch height and
// never the index. A subnet without a stored clock (created in this block) starts on the
// staggered schedule of types.EpochIndex and types.NextEpochHeight.

// derivedSchedule is the clock of a subnet that has none stored yet, as of height.
func derivedSchedule(netuid uint16, tempo, height uint64) types.EpochSchedule {
	next := types.NextEpochHeight(height, netuid, tempo)
	return types.EpochSchedule{
		Netuid:          uint32(netuid),
		Epoch:           types.EpochIndex(height, netuid, tempo),
		StartHeight:     int64(next - min(next, tempo)),
		NextEpochHeight: int64(next),
		Tempo:           tempo,
	}
}

// scheduleAt returns netuid's clock: the stored one, or the one derived at height.
func (k Keeper) scheduleAt(ctx context.Context, s subnettypes.Subnet, height uint64) (types.EpochSchedule, error) {
	netuid := uint16(s.Netuid)
	sc, err := k.Schedules.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return derivedSchedule(netuid, s.Hyperparams.Tempo, height), nil
	}
	return sc, err
}

// Schedule returns netuid's epoch clock as the current block sees it.
func (k Keeper) Schedule(ctx context.Context, netuid uint16) (types.EpochSchedule, error) {
	s, err := k.subnetKeeper.GetSubnet(ctx, netuid)
	if err != nil {
		return types.EpochSchedule{}, types.ErrInvalidNetuid.Wrapf("subnet %d: %s", netuid, err)
	}
	return k.scheduleAt(ctx, s, blockHeight(ctx))
}

// CurrentEpoch returns the epoch index of netuid in the current block: the epoch that evaluations
// and commits submitted now belong to.
func (k Keeper) CurrentEpoch(ctx context.Context, netuid uint16) (uint64, error) {
	sc, err := k.Schedule(ctx, netuid)
	return sc.Epoch, err
}

// currentEpochOf is CurrentEpoch for subnet s, which the caller has read in this block: the
// message servers read the subnet anyway, and a second read costs a transaction about 1,500 gas.
func (k Keeper) currentEpochOf(ctx context.Context, s subnettypes.Subnet) (uint64, error) {
	sc, err := k.scheduleAt(ctx, s, blockHeight(ctx))
	return sc.Epoch, err
}

// rescheduled returns sc with its next epoch height recomputed for tempo: the epoch in progress
// keeps its index and start and closes at the first staggered boundary of the new tempo that
// gives it at least tempo+1 blocks, or now if that boundary already passed. Boundaries are
// staggered on the subnet's height counted from before any restart (HeightOffset).
func rescheduled(sc types.EpochSchedule, netuid uint16, tempo, now uint64) types.EpochSchedule {
	off := nonNegU64(sc.HeightOffset)
	sc.NextEpochHeight = int64(types.RescheduledEpochHeight(nonNegU64(sc.StartHeight+sc.HeightOffset), now+off, netuid, tempo) - off)
	sc.Tempo = tempo
	return sc
}

// nextAfter is the height of the epoch after one that closed at h: the next staggered boundary,
// counted on the subnet's height from before any restart (HeightOffset), so a chain restarted from
// a zero-height export keeps every subnet's phase.
func nextAfter(sc types.EpochSchedule, netuid uint16, tempo, h uint64) int64 {
	off := nonNegU64(sc.HeightOffset)
	return int64(types.NextEpochHeight(h+1+off, netuid, tempo) - off)
}

// advanceSchedules runs in EndBlock: it stores the clock of each subnet (rescheduling those whose
// tempo changed) and queues the epochs that close at this height. It returns how many it queued.
func (k Keeper) advanceSchedules(ctx context.Context) (int, error) {
	h := blockHeight(ctx)
	var subnets []subnettypes.Subnet
	if err := k.subnetKeeper.IterateSubnets(ctx, func(s subnettypes.Subnet) bool {
		if s.Netuid <= types.U16Max {
			subnets = append(subnets, s)
		}
		return false
	}); err != nil {
		return 0, err
	}
	queued := 0
	for _, s := range subnets {
		netuid, tempo := uint16(s.Netuid), s.Hyperparams.Tempo
		stored, err := k.Schedules.Get(ctx, netuid)
		found := err == nil
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return queued, err
		}
		sc := stored
		if !found {
			sc = derivedSchedule(netuid, tempo, h)
		}
		if sc.Tempo != tempo {
			sc = rescheduled(sc, netuid, tempo, h)
		}
		if uint64(max(sc.NextEpochHeight, 0)) <= h {
			if err := k.enqueue(ctx, types.QueuedEpoch{Netuid: s.Netuid, Epoch: sc.Epoch, DueHeight: int64(h)}); err != nil {
				return queued, err
			}
			queued++
			sc.Epoch++
			sc.StartHeight = int64(h + 1)
			sc.NextEpochHeight = nextAfter(sc, netuid, tempo, h)
		}
		if !found || sc != stored {
			if err := k.Schedules.Set(ctx, netuid, sc); err != nil {
				return queued, err
			}
		}
	}
	return queued, nil
}
