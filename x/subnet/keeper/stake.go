package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/subnet/types"
)

// GetPool returns the share pool of (hotkey, netuid); a missing pool is returned empty.
func (k Keeper) GetPool(ctx context.Context, hotkey sdk.AccAddress, netuid uint16) (types.StakePool, error) {
	p, err := k.Pools.Get(ctx, collections.Join(netuid, hotkey))
	if errors.Is(err, collections.ErrNotFound) {
		return types.NewStakePool(hotkey.String(), netuid), nil
	}
	return p, err
}

// HotkeyStake is the rao staked on hotkey in netuid (all its delegators together).
func (k Keeper) HotkeyStake(ctx context.Context, hotkey sdk.AccAddress, netuid uint16) (math.Int, error) {
	p, err := k.GetPool(ctx, hotkey, netuid)
	return p.TotalStake, err
}

// GetShares returns the shares coldkey holds in the pool of (hotkey, netuid) (zero if none).
func (k Keeper) GetShares(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16) (math.Int, error) {
	s, err := k.Shares.Get(ctx, collections.Join3(coldkey, hotkey, netuid))
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	return s, err
}

// StakeValue is the rao value of coldkey's stake on (hotkey, netuid).
func (k Keeper) StakeValue(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16) (math.Int, error) {
	sh, err := k.GetShares(ctx, coldkey, hotkey, netuid)
	if err != nil {
		return math.Int{}, err
	}
	p, err := k.GetPool(ctx, hotkey, netuid)
	if err != nil {
		return math.Int{}, err
	}
	return types.ValueOfShares(p, sh), nil
}

func (k Keeper) addSubnetStake(ctx context.Context, netuid uint16, delta math.Int) error {
	cur, err := k.SubnetTotalStake(ctx, netuid)
	if err != nil {
		return err
	}
	next := cur.Add(delta)
	if next.IsNegative() {
		return types.ErrInvariantBroken.Wrapf("subnet %d stake would become negative (%s)", netuid, next)
	}
	return k.SubnetStake.Set(ctx, netuid, next)
}

func (k Keeper) setPool(ctx context.Context, hotkey sdk.AccAddress, netuid uint16, p types.StakePool) error {
	key := collections.Join(netuid, hotkey)
	if p.TotalShares.IsZero() && p.TotalStake.IsZero() {
		return k.Pools.Remove(ctx, key)
	}
	return k.Pools.Set(ctx, key, p)
}

func (k Keeper) setShares(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16, shares math.Int) error {
	if shares.IsZero() {
		if err := k.Shares.Remove(ctx, collections.Join3(coldkey, hotkey, netuid)); err != nil {
			return err
		}
		return k.Delegators.Remove(ctx, collections.Join3(hotkey, netuid, coldkey))
	}
	if err := k.Shares.Set(ctx, collections.Join3(coldkey, hotkey, netuid), shares); err != nil {
		return err
	}
	return k.Delegators.Set(ctx, collections.Join3(hotkey, netuid, coldkey))
}

// deposit credits amount rao, already held by the module account, to coldkey's position in the
// pool of (hotkey, netuid) and returns the shares minted.
func (k Keeper) deposit(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16, amount math.Int) (math.Int, error) {
	pool, err := k.GetPool(ctx, hotkey, netuid)
	if err != nil {
		return math.Int{}, err
	}
	minted := types.SharesForDeposit(pool, amount)
	if !minted.IsPositive() {
		return math.Int{}, types.ErrInvalidAmount.Wrapf("%s%s buys no share of pool %s/%d (stake %s, shares %s)",
			amount, k.denom, hotkey, netuid, pool.TotalStake, pool.TotalShares)
	}
	pool.TotalStake = pool.TotalStake.Add(amount)
	pool.TotalShares = pool.TotalShares.Add(minted)
	if err := k.setPool(ctx, hotkey, netuid, pool); err != nil {
		return math.Int{}, err
	}
	held, err := k.GetShares(ctx, coldkey, hotkey, netuid)
	if err != nil {
		return math.Int{}, err
	}
	if err := k.setShares(ctx, coldkey, hotkey, netuid, held.Add(minted)); err != nil {
		return math.Int{}, err
	}
	return minted, k.addSubnetStake(ctx, netuid, amount)
}

// withdraw debits amount rao from coldkey's position in the pool of (hotkey, netuid), burning the
// shares worth it (rounded up). It returns the rao released (amount, or the whole pool when the last
// shares leave) and the shares burned. The rao stays in the module account.
func (k Keeper) withdraw(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16, amount math.Int) (math.Int, math.Int, error) {
	pool, err := k.GetPool(ctx, hotkey, netuid)
	if err != nil {
		return math.Int{}, math.Int{}, err
	}
	held, err := k.GetShares(ctx, coldkey, hotkey, netuid)
	if err != nil {
		return math.Int{}, math.Int{}, err
	}
	if held.IsZero() {
		return math.Int{}, math.Int{}, types.ErrInsufficientStake.Wrapf("%s has no stake on hotkey %s in subnet %d", coldkey, hotkey, netuid)
	}
	burned := types.SharesForWithdrawal(pool, amount)
	if burned.GT(held) {
		return math.Int{}, math.Int{}, types.ErrInsufficientStake.Wrapf("%s%s requested, stake of %s on hotkey %s in subnet %d is worth %s%s",
			amount, k.denom, coldkey, hotkey, netuid, types.ValueOfShares(pool, held), k.denom)
	}
	released := amount
	if burned.Equal(pool.TotalShares) {
		released = pool.TotalStake
	}
	pool.TotalStake = pool.TotalStake.Sub(released)
	pool.TotalShares = pool.TotalShares.Sub(burned)
	if err := k.setPool(ctx, hotkey, netuid, pool); err != nil {
		return math.Int{}, math.Int{}, err
	}
	if err := k.setShares(ctx, coldkey, hotkey, netuid, held.Sub(burned)); err != nil {
		return math.Int{}, math.Int{}, err
	}
	return released, burned, k.addSubnetStake(ctx, netuid, released.Neg())
}

// requireRegistered returns ErrNeuronNotFound unless hotkey holds a uid on an existing netuid.
func (k Keeper) requireRegistered(ctx context.Context, hotkey sdk.AccAddress, netuid uint16) error {
	if _, err := k.GetSubnet(ctx, netuid); err != nil {
		return err
	}
	has, err := k.NeuronUIDs.Has(ctx, collections.Join(netuid, hotkey))
	if err != nil {
		return err
	}
	if !has {
		return types.ErrNeuronNotFound.Wrapf("hotkey %s is not registered on subnet %d; stake only on registered hotkeys", hotkey, netuid)
	}
	return nil
}

// AddStake moves amount rao from coldkey into the pool of (hotkey, netuid).
func (k Keeper) AddStake(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16, amount math.Int) (math.Int, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return math.Int{}, err
	}
	if amount.IsNil() || amount.LT(p.MinStake) {
		return math.Int{}, types.ErrStakeBelowMinimum.Wrapf("amount %s%s below min_stake %s%s", amount, k.denom, p.MinStake, k.denom)
	}
	if err := k.requireRegistered(ctx, hotkey, netuid); err != nil {
		return math.Int{}, err
	}
	if err := k.collect(ctx, coldkey, amount, "stake"); err != nil {
		return math.Int{}, err
	}
	return k.depositStake(ctx, coldkey, hotkey, netuid, amount)
}

// RemoveStake moves amount rao of coldkey's stake on (hotkey, netuid) into the unbonding queue; it
// is paid out after unbonding_blocks and stays slashable until then.
func (k Keeper) RemoveStake(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16, amount math.Int) (types.UnbondingEntry, error) {
	if amount.IsNil() || !amount.IsPositive() {
		return types.UnbondingEntry{}, types.ErrInvalidAmount.Wrap("amount to unstake must be positive")
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return types.UnbondingEntry{}, err
	}
	pending, err := k.countUnbonding(ctx, coldkey, hotkey, netuid)
	if err != nil {
		return types.UnbondingEntry{}, err
	}
	if pending >= p.MaxUnbondingEntries {
		return types.UnbondingEntry{}, types.ErrTooManyUnbonding.Wrapf("%s already has %d pending unbonding entries on hotkey %s in subnet %d (max %d)",
			coldkey, pending, hotkey, netuid, p.MaxUnbondingEntries)
	}
	released, burned, err := k.withdraw(ctx, coldkey, hotkey, netuid, amount)
	if err != nil {
		return types.UnbondingEntry{}, err
	}
	now := height(ctx)
	e, err := k.addUnbonding(ctx, coldkey, hotkey, netuid, released, now, now+int64(p.UnbondingBlocks))
	if err != nil {
		return e, err
	}
	err = typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventStakeRemoved{
		Coldkey: coldkey.String(), Hotkey: hotkey.String(), Netuid: uint32(netuid), Amount: released, Shares: burned,
		UnbondingId: e.Id, CompletionHeight: e.CompletionHeight,
	})
	return e, err
}

// MoveStake moves amount rao of coldkey's stake from (fromHotkey, fromNetuid) to (toHotkey,
// toNetuid) without unbonding. The destination hotkey must be registered on toNetuid.
func (k Keeper) MoveStake(ctx context.Context, coldkey, fromHotkey sdk.AccAddress, fromNetuid uint16, toHotkey sdk.AccAddress, toNetuid uint16, amount math.Int) (math.Int, error) {
	if fromHotkey.Equals(toHotkey) && fromNetuid == toNetuid {
		return math.Int{}, types.ErrSameStakeDestination.Wrapf("hotkey %s subnet %d", toHotkey, toNetuid)
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return math.Int{}, err
	}
	if amount.IsNil() || amount.LT(p.MinStake) {
		return math.Int{}, types.ErrStakeBelowMinimum.Wrapf("amount %s%s below min_stake %s%s", amount, k.denom, p.MinStake, k.denom)
	}
	if err := k.requireRegistered(ctx, toHotkey, toNetuid); err != nil {
		return math.Int{}, err
	}
	released, _, err := k.withdraw(ctx, coldkey, fromHotkey, fromNetuid, amount)
	if err != nil {
		return math.Int{}, err
	}
	shares, err := k.deposit(ctx, coldkey, toHotkey, toNetuid, released)
	if err != nil {
		return math.Int{}, err
	}
	err = typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventStakeMoved{
		Coldkey: coldkey.String(), FromHotkey: fromHotkey.String(), FromNetuid: uint32(fromNetuid),
		ToHotkey: toHotkey.String(), ToNetuid: uint32(toNetuid), Amount: released,
	})
	return shares, err
}

// SetTake sets the take of hotkey on behalf of its owner. Lowering is immediate; raising is allowed
// once per take_rate_limit blocks since the last change.
func (k Keeper) SetTake(ctx context.Context, coldkey, hotkey sdk.AccAddress, take uint32) error {
	info, err := k.GetHotkeyInfo(ctx, hotkey)
	if err != nil {
		return err
	}
	if info.Coldkey != coldkey.String() {
		return types.ErrNotHotkeyOwner.Wrapf("hotkey %s is owned by %s, not %s", hotkey, info.Coldkey, coldkey)
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if take > p.MaxTake {
		return types.ErrTakeTooHigh.Wrapf("take %d above max_take %d (of 65535)", take, p.MaxTake)
	}
	now := height(ctx)
	if take > info.Take && info.TakeUpdatedAt != 0 && now-info.TakeUpdatedAt < int64(p.TakeRateLimit) {
		return types.ErrRateLimited.Wrapf("take of %s changed at height %d; it can be raised again at height %d (lowering is always allowed)",
			hotkey, info.TakeUpdatedAt, info.TakeUpdatedAt+int64(p.TakeRateLimit))
	}
	old := info.Take
	info.Take = take
	info.TakeUpdatedAt = now
	if err := k.Hotkeys.Set(ctx, hotkey, info); err != nil {
		return err
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventTakeSet{
		Hotkey: hotkey.String(), Coldkey: coldkey.String(), OldTake: old, NewTake: take,
	})
}

// AddToPool raises the value of the pool of (hotkey, netuid) by amount rao without minting
// shares, so every delegator gains pro rata in O(1) (dividends). The caller must already have
// moved amount into the x/subnet module account (see DepositToPool). A pool without shares is
// credited to the hotkey's owner as new shares, so no rao is ever ownerless.
func (k Keeper) AddToPool(ctx context.Context, hotkey sdk.AccAddress, netuid uint16, amount math.Int) error {
	if amount.IsNil() || amount.IsNegative() {
		return types.ErrInvalidAmount.Wrap("pool increase must be non-negative")
	}
	if amount.IsZero() {
		return nil
	}
	pool, err := k.GetPool(ctx, hotkey, netuid)
	if err != nil {
		return err
	}
	if pool.TotalShares.IsZero() {
		info, err := k.GetHotkeyInfo(ctx, hotkey)
		if err != nil {
			return err
		}
		if _, err := k.deposit(ctx, mustAddr(info.Coldkey), hotkey, netuid, amount); err != nil {
			return err
		}
	} else {
		pool.TotalStake = pool.TotalStake.Add(amount)
		if err := k.setPool(ctx, hotkey, netuid, pool); err != nil {
			return err
		}
		if err := k.addSubnetStake(ctx, netuid, amount); err != nil {
			return err
		}
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventPoolIncreased{
		Hotkey: hotkey.String(), Netuid: uint32(netuid), Amount: amount,
	})
}

// DepositToPool moves amount rao from module account fromModule to x/subnet and adds it to the pool
// of (hotkey, netuid) as with AddToPool.
func (k Keeper) DepositToPool(ctx context.Context, fromModule string, hotkey sdk.AccAddress, netuid uint16, amount math.Int) error {
	if amount.IsPositive() {
		if err := k.bankKeeper.SendCoinsFromModuleToModule(ctx, fromModule, types.ModuleName, k.coins(amount)); err != nil {
			return err
		}
	}
	return k.AddToPool(ctx, hotkey, netuid, amount)
}

// StakeFromModule moves amount rao from module account fromModule into coldkey's position on
// (hotkey, netuid) and returns the shares minted; x/intelligence pays the validator take with it.
func (k Keeper) StakeFromModule(ctx context.Context, fromModule string, coldkey, hotkey sdk.AccAddress, netuid uint16, amount math.Int) (math.Int, error) {
	if amount.IsNil() || !amount.IsPositive() {
		return math.Int{}, types.ErrInvalidAmount.Wrap("stake amount must be positive")
	}
	if err := k.bankKeeper.SendCoinsFromModuleToModule(ctx, fromModule, types.ModuleName, k.coins(amount)); err != nil {
		return math.Int{}, err
	}
	return k.depositStake(ctx, coldkey, hotkey, netuid, amount)
}

// SlashHotkeyStake slashes fraction (0 < fraction < 1) of the stake on (hotkey, netuid): the pool
// (all delegators pro rata, O(1)) and every pending unbonding entry from that pool. The slashed rao
// is sent to module account toModule (x/slashing pays the reporter and burns the rest). It returns
// the total slashed.
func (k Keeper) SlashHotkeyStake(ctx context.Context, hotkey sdk.AccAddress, netuid uint16, fraction math.LegacyDec, toModule string) (math.Int, error) {
	if fraction.IsNil() || !fraction.IsPositive() || fraction.GTE(math.LegacyOneDec()) {
		return math.Int{}, types.ErrInvalidFraction.Wrapf("fraction %s must be in (0, 1)", fraction)
	}
	pool, err := k.GetPool(ctx, hotkey, netuid)
	if err != nil {
		return math.Int{}, err
	}
	poolCut := math.LegacyNewDecFromInt(pool.TotalStake).Mul(fraction).TruncateInt()
	if poolCut.IsPositive() {
		pool.TotalStake = pool.TotalStake.Sub(poolCut)
		if err := k.setPool(ctx, hotkey, netuid, pool); err != nil {
			return math.Int{}, err
		}
		if err := k.addSubnetStake(ctx, netuid, poolCut.Neg()); err != nil {
			return math.Int{}, err
		}
	}
	var ids []uint64
	err = k.UnbondingByHotkey.Walk(ctx, collections.NewSuperPrefixedTripleRange[sdk.AccAddress, uint16, uint64](hotkey, netuid),
		func(key collections.Triple[sdk.AccAddress, uint16, uint64]) (bool, error) {
			ids = append(ids, key.K3())
			return false, nil
		})
	if err != nil {
		return math.Int{}, err
	}
	unbondingCut := math.ZeroInt()
	for _, id := range ids {
		e, err := k.Unbondings.Get(ctx, id)
		if err != nil {
			return math.Int{}, err
		}
		cut := math.LegacyNewDecFromInt(e.Amount).Mul(fraction).TruncateInt()
		if !cut.IsPositive() {
			continue
		}
		e.Amount = e.Amount.Sub(cut)
		unbondingCut = unbondingCut.Add(cut)
		if err := k.Unbondings.Set(ctx, id, e); err != nil {
			return math.Int{}, err
		}
	}
	total := poolCut.Add(unbondingCut)
	if total.IsPositive() {
		if err := k.bankKeeper.SendCoinsFromModuleToModule(ctx, types.ModuleName, toModule, k.coins(total)); err != nil {
			return math.Int{}, err
		}
	}
	err = typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventStakeSlashed{
		Hotkey: hotkey.String(), Netuid: uint32(netuid), Fraction: fraction.String(),
		PoolSlashed: poolCut, UnbondingSlashed: unbondingCut,
	})
	return total, err
}

// depositStake mints coldkey's shares on (hotkey, netuid) for amount rao that the module account
// has already received, and emits EventStakeAdded.
func (k Keeper) depositStake(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16, amount math.Int) (math.Int, error) {
	shares, err := k.deposit(ctx, coldkey, hotkey, netuid, amount)
	if err != nil {
		return math.Int{}, err
	}
	err = typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventStakeAdded{
		Coldkey: coldkey.String(), Hotkey: hotkey.String(), Netuid: uint32(netuid), Amount: amount, Shares: shares,
	})
	return shares, err
}

// WalkNeuronStakes calls fn with the uid, hotkey and pool total stake (zero without a pool) of
// every neuron of netuid that the hotkey index holds, in the index's order (hotkey bytes). It
// walks the index and the subnet's pools side by side, as both are keyed by (netuid, hotkey): two
// range reads and no point read or bech32 decoding per neuron, which on a node's disk-backed
// store were most of an epoch's reads and of the Metagraph query's time (issue 18).
func (k Keeper) WalkNeuronStakes(ctx context.Context, netuid uint16, fn func(uid uint16, hotkey sdk.AccAddress, stake math.Int) error) error {
	subnetRange := collections.NewPrefixedPairRange[uint16, sdk.AccAddress](netuid)
	pools, err := k.Pools.Iterate(ctx, subnetRange)
	if err != nil {
		return err
	}
	defer pools.Close()
	return k.NeuronUIDs.Walk(ctx, subnetRange, func(key collections.Pair[uint16, sdk.AccAddress], uid uint16) (bool, error) {
		hotkey := key.K2()
		stake := math.ZeroInt()
		// Skip the pools of hotkeys that are not neurons, stop at or past this one.
		for ; pools.Valid(); pools.Next() {
			pk, err := pools.Key()
			if err != nil {
				return true, err
			}
			c := bytes.Compare(pk.K2(), hotkey)
			if c < 0 {
				continue
			}
			if c == 0 {
				p, err := pools.Value()
				if err != nil {
					return true, err
				}
				stake = p.TotalStake
			}
			break
		}
		return false, fn(uid, hotkey, stake)
	})
}
