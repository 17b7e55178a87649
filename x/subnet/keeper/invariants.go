package keeper

import (
	"bytes"
	"context"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// CheckInvariants verifies that the module account holds exactly Σ pool stake + Σ unbonding +
// Σ subnet locks, that each SubnetStake total equals the sum of its pools, that each pool's
// shares equal the sum of its delegators' shares, and that the occupied-uid sets (UIDs) hold
// exactly the uids of the stored neurons. It walks the whole state: tests and the SDK invariant
// route only.
func (k Keeper) CheckInvariants(ctx context.Context) error {
	if err := k.checkUIDSets(ctx); err != nil {
		return err
	}
	if err := k.checkLastUpdates(ctx); err != nil {
		return err
	}
	pools, unbonding, locks := math.ZeroInt(), math.ZeroInt(), math.ZeroInt()
	perSubnet := map[uint16]math.Int{}
	err := k.Pools.Walk(ctx, nil, func(key collections.Pair[uint16, sdk.AccAddress], p types.StakePool) (bool, error) {
		if p.TotalStake.IsNegative() || p.TotalShares.IsNegative() || p.TotalShares.IsZero() != p.TotalStake.IsZero() {
			return true, types.ErrInvariantBroken.Wrapf("pool %s/%d has stake %s and shares %s", key.K2(), key.K1(), p.TotalStake, p.TotalShares)
		}
		pools = pools.Add(p.TotalStake)
		if cur, ok := perSubnet[key.K1()]; ok {
			perSubnet[key.K1()] = cur.Add(p.TotalStake)
		} else {
			perSubnet[key.K1()] = p.TotalStake
		}
		sum := math.ZeroInt()
		if err := k.Delegators.Walk(ctx, collections.NewSuperPrefixedTripleRange[sdk.AccAddress, uint16, sdk.AccAddress](key.K2(), key.K1()),
			func(d collections.Triple[sdk.AccAddress, uint16, sdk.AccAddress]) (bool, error) {
				sh, err := k.Shares.Get(ctx, collections.Join3(d.K3(), d.K1(), d.K2()))
				if err != nil {
					return true, err
				}
				sum = sum.Add(sh)
				return false, nil
			}); err != nil {
			return true, err
		}
		if !sum.Equal(p.TotalShares) {
			return true, types.ErrInvariantBroken.Wrapf("pool %s/%d total_shares %s != Σ delegator shares %s", key.K2(), key.K1(), p.TotalShares, sum)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	err = k.SubnetStake.Walk(ctx, nil, func(netuid uint16, v math.Int) (bool, error) {
		want, ok := perSubnet[netuid]
		if !ok {
			want = math.ZeroInt()
		}
		if !v.Equal(want) {
			return true, types.ErrInvariantBroken.Wrapf("subnet %d stake %s != Σ pools %s", netuid, v, want)
		}
		delete(perSubnet, netuid)
		return false, nil
	})
	if err != nil {
		return err
	}
	for netuid, v := range perSubnet {
		if !v.IsZero() {
			return types.ErrInvariantBroken.Wrapf("subnet %d has pools worth %s but no stake total", netuid, v)
		}
	}
	if err := k.Unbondings.Walk(ctx, nil, func(_ uint64, e types.UnbondingEntry) (bool, error) {
		unbonding = unbonding.Add(e.Amount)
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.Subnets.Walk(ctx, nil, func(_ uint16, s types.Subnet) (bool, error) {
		locks = locks.Add(s.Locked)
		return false, nil
	}); err != nil {
		return err
	}
	want := pools.Add(unbonding).Add(locks)
	have := k.bankKeeper.GetBalance(ctx, k.ModuleAddress(), k.denom).Amount
	if !have.Equal(want) {
		return types.ErrInvariantBroken.Wrapf("module account holds %s%s, Σ pools %s + Σ unbonding %s + Σ locks %s = %s",
			have, k.denom, pools, unbonding, locks, want)
	}
	return nil
}

// RegisterInvariants registers CheckInvariants as the SDK invariant subnet/module-balance.
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "module-balance", ModuleBalanceInvariant(k))
}

// ModuleBalanceInvariant adapts CheckInvariants to sdk.Invariant.
func ModuleBalanceInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		if err := k.CheckInvariants(ctx); err != nil {
			return sdk.FormatInvariant(types.ModuleName, "module-balance", fmt.Sprintf("%s\n", err)), true
		}
		return sdk.FormatInvariant(types.ModuleName, "module-balance", "module account balance reconciles\n"), false
	}
}

// checkUIDSets verifies that UIDs holds, for every subnet with neurons and no other, exactly the
// uids of its stored neurons.
func (k Keeper) checkUIDSets(ctx context.Context) error {
	want, err := k.uidSetsFromNeurons(ctx)
	if err != nil {
		return err
	}
	// want and UIDs are both in ascending netuid: walk them side by side, so a subnet missing
	// from either list is named itself rather than its neighbour.
	i := 0
	err = k.UIDs.Walk(ctx, nil, func(netuid uint16, have []byte) (bool, error) {
		if i < len(want) && want[i].netuid < netuid {
			return true, missingUIDSet(want[i])
		}
		if i >= len(want) || want[i].netuid != netuid {
			return true, types.ErrInvariantBroken.Wrapf("subnet %d has an occupied uid set %x but no neurons; only a subnet with neurons has a set", netuid, have)
		}
		if !bytes.Equal(want[i].uids, have) {
			return true, types.ErrInvariantBroken.Wrapf("subnet %d's occupied uid set is %x; its neurons hold uids %x", netuid, have, []byte(want[i].uids))
		}
		i++
		return false, nil
	})
	if err != nil {
		return err
	}
	if i < len(want) {
		return missingUIDSet(want[i])
	}
	return nil
}

// missingUIDSet is the invariant error for a subnet with neurons and no occupied uid set.
func missingUIDSet(w netuidUIDs) error {
	return types.ErrInvariantBroken.Wrapf("subnet %d has neurons (uids %x) but no occupied uid set; every subnet with neurons has one", w.netuid, []byte(w.uids))
}

// checkLastUpdates verifies that every stored neuron keeps last_update 0 (LastUpdates holds it)
// and that every LastUpdates entry belongs to a stored neuron.
func (k Keeper) checkLastUpdates(ctx context.Context) error {
	err := k.Neurons.Walk(ctx, nil, func(key collections.Pair[uint16, uint16], n types.Neuron) (bool, error) {
		if n.LastUpdate != 0 {
			return true, types.ErrInvariantBroken.Wrapf("neuron uid %d on subnet %d is stored with last_update %d; it belongs in LastUpdates", key.K2(), key.K1(), n.LastUpdate)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	return k.LastUpdates.Walk(ctx, nil, func(key collections.Pair[uint16, uint16], at int64) (bool, error) {
		has, err := k.Neurons.Has(ctx, key)
		if err == nil && !has {
			err = types.ErrInvariantBroken.Wrapf("uid %d on subnet %d has last_update %d but no neuron", key.K2(), key.K1(), at)
		}
		return err != nil, err
	})
}
