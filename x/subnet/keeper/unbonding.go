package keeper

import (
	"context"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/subnet/types"
)

// countUnbonding counts coldkey's pending entries on (hotkey, netuid). It walks the coldkey's
// entries, which max_unbonding_entries bounds per position.
func (k Keeper) countUnbonding(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16) (uint32, error) {
	var n uint32
	err := k.UnbondingByColdkey.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, uint64](coldkey),
		func(key collections.Pair[sdk.AccAddress, uint64]) (bool, error) {
			has, err := k.UnbondingByHotkey.Has(ctx, collections.Join3(hotkey, netuid, key.K2()))
			if err != nil {
				return true, err
			}
			if has {
				n++
			}
			return false, nil
		})
	return n, err
}

// addUnbonding stores a new unbonding entry and its indexes.
func (k Keeper) addUnbonding(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16, amount math.Int, created, completion int64) (types.UnbondingEntry, error) {
	id, err := k.NextUnbondingID.Next(ctx)
	if err != nil {
		return types.UnbondingEntry{}, err
	}
	e := types.UnbondingEntry{
		Id: id, Coldkey: coldkey.String(), Hotkey: hotkey.String(), Netuid: uint32(netuid),
		Amount: amount, CreationHeight: created, CompletionHeight: completion,
	}
	return e, k.setUnbonding(ctx, e)
}

func (k Keeper) setUnbonding(ctx context.Context, e types.UnbondingEntry) error {
	coldkey, hotkey := mustAddr(e.Coldkey), mustAddr(e.Hotkey)
	if err := k.Unbondings.Set(ctx, e.Id, e); err != nil {
		return err
	}
	if err := k.UnbondingQueue.Set(ctx, collections.Join(e.CompletionHeight, e.Id)); err != nil {
		return err
	}
	if err := k.UnbondingByHotkey.Set(ctx, collections.Join3(hotkey, uint16(e.Netuid), e.Id)); err != nil {
		return err
	}
	return k.UnbondingByColdkey.Set(ctx, collections.Join(coldkey, e.Id))
}

func (k Keeper) removeUnbonding(ctx context.Context, e types.UnbondingEntry) error {
	coldkey, hotkey := mustAddr(e.Coldkey), mustAddr(e.Hotkey)
	if err := k.Unbondings.Remove(ctx, e.Id); err != nil {
		return err
	}
	if err := k.UnbondingQueue.Remove(ctx, collections.Join(e.CompletionHeight, e.Id)); err != nil {
		return err
	}
	if err := k.UnbondingByHotkey.Remove(ctx, collections.Join3(hotkey, uint16(e.Netuid), e.Id)); err != nil {
		return err
	}
	return k.UnbondingByColdkey.Remove(ctx, collections.Join(coldkey, e.Id))
}

// CompleteMatureUnbondings pays out at most limit unbonding entries whose completion height is
// reached, oldest first, and returns how many it paid. The rest wait for the next block.
func (k Keeper) CompleteMatureUnbondings(ctx context.Context, limit uint32) (uint32, error) {
	now := height(ctx)
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndExclusive(collections.Join(now+1, uint64(0)))
	var ids []uint64
	err := k.UnbondingQueue.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		ids = append(ids, key.K2())
		return uint32(len(ids)) >= limit, nil
	})
	if err != nil {
		return 0, err
	}
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	for _, id := range ids {
		e, err := k.Unbondings.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		if err := k.removeUnbonding(ctx, e); err != nil {
			return 0, err
		}
		if err := k.pay(ctx, mustAddr(e.Coldkey), e.Amount); err != nil {
			return 0, err
		}
		if err := typedevent.Emit(em, &types.EventUnbondingCompleted{
			UnbondingId: e.Id, Coldkey: e.Coldkey, Hotkey: e.Hotkey, Netuid: e.Netuid, Amount: e.Amount,
		}); err != nil {
			return 0, err
		}
	}
	return uint32(len(ids)), nil
}

// ProcessDissolving returns the stake of dissolved subnets to coldkeys, at most limit positions per
// call, lowest netuid first. A netuid becomes reusable once its last pool is empty.
func (k Keeper) ProcessDissolving(ctx context.Context, limit uint32) (uint32, error) {
	var done uint32
	for done < limit {
		iter, err := k.Dissolving.Iterate(ctx, nil)
		if err != nil {
			return done, err
		}
		if !iter.Valid() {
			iter.Close()
			return done, nil
		}
		netuid, err := iter.Key()
		iter.Close()
		if err != nil {
			return done, err
		}
		n, finished, err := k.returnSubnetStake(ctx, netuid, limit-done)
		if err != nil {
			return done, err
		}
		done += n
		if !finished {
			return done, nil
		}
		if err := k.Dissolving.Remove(ctx, netuid); err != nil {
			return done, err
		}
		if err := k.SubnetStake.Remove(ctx, netuid); err != nil {
			return done, err
		}
		if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventSubnetCleanupCompleted{Netuid: uint32(netuid)}); err != nil {
			return done, err
		}
	}
	return done, nil
}

// returnSubnetStake pays out up to limit positions of netuid and reports whether no pool is left.
func (k Keeper) returnSubnetStake(ctx context.Context, netuid uint16, limit uint32) (uint32, bool, error) {
	var done uint32
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	for done < limit {
		var pool types.StakePool
		var hotkey sdk.AccAddress
		found := false
		err := k.Pools.Walk(ctx, collections.NewPrefixedPairRange[uint16, sdk.AccAddress](netuid), func(key collections.Pair[uint16, sdk.AccAddress], p types.StakePool) (bool, error) {
			pool, hotkey, found = p, key.K2(), true
			return true, nil
		})
		if err != nil {
			return done, false, err
		}
		if !found {
			return done, true, nil
		}
		var coldkeys []sdk.AccAddress
		err = k.Delegators.Walk(ctx, collections.NewSuperPrefixedTripleRange[sdk.AccAddress, uint16, sdk.AccAddress](hotkey, netuid),
			func(key collections.Triple[sdk.AccAddress, uint16, sdk.AccAddress]) (bool, error) {
				coldkeys = append(coldkeys, key.K3())
				return uint32(len(coldkeys)) >= limit-done, nil
			})
		if err != nil {
			return done, false, err
		}
		for _, ck := range coldkeys {
			shares, err := k.GetShares(ctx, ck, hotkey, netuid)
			if err != nil {
				return done, false, err
			}
			value := types.ValueOfShares(pool, shares)
			pool.TotalStake = pool.TotalStake.Sub(value)
			pool.TotalShares = pool.TotalShares.Sub(shares)
			if err := k.setShares(ctx, ck, hotkey, netuid, math.ZeroInt()); err != nil {
				return done, false, err
			}
			if err := k.pay(ctx, ck, value); err != nil {
				return done, false, err
			}
			if err := k.addSubnetStake(ctx, netuid, value.Neg()); err != nil {
				return done, false, err
			}
			if err := typedevent.Emit(em, &types.EventSubnetStakeReturned{
				Netuid: uint32(netuid), Coldkey: ck.String(), Hotkey: hotkey.String(), Amount: value,
			}); err != nil {
				return done, false, err
			}
			done++
		}
		if pool.TotalShares.IsZero() && pool.TotalStake.IsPositive() {
			// Unreachable by construction (the last shares take the whole pool); kept so that rao can
			// never be stranded: it goes to the hotkey owner.
			info, err := k.GetHotkeyInfo(ctx, hotkey)
			if err != nil {
				return done, false, err
			}
			if err := k.pay(ctx, mustAddr(info.Coldkey), pool.TotalStake); err != nil {
				return done, false, err
			}
			if err := k.addSubnetStake(ctx, netuid, pool.TotalStake.Neg()); err != nil {
				return done, false, err
			}
			pool.TotalStake = math.ZeroInt()
		}
		if err := k.setPool(ctx, hotkey, netuid, pool); err != nil {
			return done, false, err
		}
		if len(coldkeys) == 0 && !pool.TotalShares.IsZero() {
			return done, false, types.ErrInvariantBroken.Wrapf("pool %s/%d has %s shares but no delegators", hotkey, netuid, pool.TotalShares)
		}
	}
	return done, false, nil
}
