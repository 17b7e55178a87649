package keeper

import (
	"context"
	"slices"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// RecomputePermits gives validator permits to the max_validators neurons of netuid with the most
// stake (ties: lower uid); neurons without stake get none. It returns the permitted uids ascending.
// x/intelligence calls it at epoch boundaries.
func (k Keeper) RecomputePermits(ctx context.Context, netuid uint16) ([]uint16, error) {
	s, err := k.GetSubnet(ctx, netuid)
	if err != nil {
		return nil, err
	}
	type cand struct {
		n     types.Neuron
		stake math.Int
	}
	var cands []cand
	var walkErr error
	err = k.IterateNeurons(ctx, netuid, func(n types.Neuron) bool {
		stake, err := k.HotkeyStake(ctx, mustAddr(n.Hotkey), netuid)
		if err != nil {
			walkErr = err
			return true
		}
		cands = append(cands, cand{n, stake})
		return false
	})
	if err != nil {
		return nil, err
	}
	if walkErr != nil {
		return nil, walkErr
	}
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cands[b].stake.BigIntMut().Cmp(cands[a].stake.BigIntMut()); c != 0 {
			return c
		}
		return int(cands[a].n.Uid) - int(cands[b].n.Uid)
	})
	permit := make([]bool, len(cands))
	for rank, i := range order {
		if uint32(rank) >= s.Hyperparams.MaxValidators || !cands[i].stake.IsPositive() {
			break
		}
		permit[i] = true
	}
	var uids []uint16
	for i, c := range cands {
		if permit[i] {
			uids = append(uids, uint16(c.n.Uid))
		}
		if c.n.ValidatorPermit == permit[i] {
			continue
		}
		c.n.ValidatorPermit = permit[i]
		if err := k.Neurons.Set(ctx, collections.Join(netuid, uint16(c.n.Uid)), c.n); err != nil {
			return nil, err
		}
	}
	u32 := make([]uint32, len(uids))
	for i, u := range uids {
		u32[i] = uint32(u)
	}
	return uids, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventPermitsUpdated{Netuid: uint32(netuid), Uids: u32})
}
