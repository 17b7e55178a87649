package types

import "math"

// The epoch schedule of a subnet, as in subtensor: the epoch of subnet netuid runs in the
// EndBlock of every height h with (h + netuid + 1) % (tempo + 1) == 0. Adding netuid staggers
// the subnets so they do not all run in the same block. The epoch index at height h is
// (h + netuid) / (tempo + 1); it increases by one right after each epoch block, so an epoch block
// is the last block of its index and the epoch that runs there "closes" that index. Evaluations
// and commits carry the index of the block they are included in. Changing a subnet's tempo
// re-bases its index; evaluations in flight then fail with ErrWrongEpoch and are simply resent.

// epochPeriod is tempo + 1 without overflow.
func epochPeriod(tempo uint64) uint64 {
	if tempo == math.MaxUint64 {
		return tempo
	}
	return tempo + 1
}

func satAdd(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}

// EpochIndex returns the epoch index of subnet netuid at height.
func EpochIndex(height uint64, netuid uint16, tempo uint64) uint64 {
	return satAdd(height, uint64(netuid)) / epochPeriod(tempo)
}

// IsEpochBlock reports whether subnet netuid runs its epoch at the end of height.
func IsEpochBlock(height uint64, netuid uint16, tempo uint64) bool {
	return satAdd(satAdd(height, uint64(netuid)), 1)%epochPeriod(tempo) == 0
}

// NextEpochHeight returns the smallest height ≥ height at which subnet netuid runs its epoch.
func NextEpochHeight(height uint64, netuid uint16, tempo uint64) uint64 {
	period := epochPeriod(tempo)
	r := satAdd(satAdd(height, uint64(netuid)), 1) % period
	if r == 0 {
		return height
	}
	return satAdd(height, period-r)
}

// RescheduledEpochHeight returns where an epoch that started at start closes after its subnet's
// tempo changed to tempo at height now: the first epoch height of the new tempo that gives the
// epoch at least tempo+1 blocks, or the first one from now if that is later. The epoch index does
// not change (see the keeper's stored EpochSchedule).
func RescheduledEpochHeight(start, now uint64, netuid uint16, tempo uint64) uint64 {
	return NextEpochHeight(max(now, satAdd(start, tempo)), netuid, tempo)
}
