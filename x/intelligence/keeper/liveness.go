package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
)

// weightsOthers reports whether a stored row gives weight to some uid other than self. A row that
// only weights its own uid costs its validator no evaluation work, so it does not count for
// liveness.
func weightsOthers(entries []types.WeightEntry, self uint16) bool {
	for _, e := range entries {
		if e.Uid != uint32(self) && e.Value > 0 {
			return true
		}
	}
	return false
}

// markWork records that uid on netuid did liveness-counting work in the current block.
func (k Keeper) markWork(ctx context.Context, netuid, uid uint16) error {
	return k.WorkMarks.Set(ctx, collections.Join(netuid, uid), sdk.UnwrapSDKContext(ctx).BlockHeight())
}

// LastWork returns the height of uid's last liveness-counting action on netuid (a weight row that
// weights another uid, or a commit); found is false if its current occupant never did any.
func (k Keeper) LastWork(ctx context.Context, netuid, uid uint16) (height int64, found bool, err error) {
	height, err = k.WorkMarks.Get(ctx, collections.Join(netuid, uid))
	if errors.Is(err, collections.ErrNotFound) {
		return 0, false, nil
	}
	return height, err == nil, err
}

// LastWorks returns LastWork of every uid of netuid that has a work mark, in one range walk; the
// map is for lookups only. x/slashing reads it once per epoch check instead of once per neuron.
func (k Keeper) LastWorks(ctx context.Context, netuid uint16) (map[uint16]int64, error) {
	marks := map[uint16]int64{}
	err := k.WorkMarks.Walk(ctx, collections.NewPrefixedPairRange[uint16, uint16](netuid),
		func(key collections.Pair[uint16, uint16], height int64) (bool, error) {
			marks[key.K2()] = height
			return false, nil
		})
	return marks, err
}

// jailOf asks x/slashing (through the epoch hooks) whether hotkey is jailed on netuid.
func (k Keeper) jailOf(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (types.JailInfo, bool, error) {
	h, ok := k.epochHooks.Get()
	if !ok {
		return types.JailInfo{}, false, nil
	}
	return h.JailOf(ctx, netuid, hotkey)
}
