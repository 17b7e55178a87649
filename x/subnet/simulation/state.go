package simulation

import (
	"context"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

// The readers below only read state: message factories run on the simulator's block context and
// must not write to it. Each returns an error instead of skipping so the caller decides.

// Subnets returns every active subnet in ascending netuid.
func Subnets(ctx context.Context, k keeper.Keeper) ([]types.Subnet, error) {
	var out []types.Subnet
	err := k.IterateSubnets(ctx, func(s types.Subnet) bool {
		out = append(out, s)
		return false
	})
	return out, err
}

// Neurons returns the neurons of netuid in ascending uid.
func Neurons(ctx context.Context, k keeper.Keeper, netuid uint16) ([]types.Neuron, error) {
	var out []types.Neuron
	err := k.IterateNeurons(ctx, netuid, func(n types.Neuron) bool {
		out = append(out, n)
		return false
	})
	return out, err
}

// Position is one coldkey's shares in the pool of (hotkey, netuid).
type Position struct {
	Coldkey sdk.AccAddress
	Hotkey  sdk.AccAddress
	Netuid  uint16
	Shares  math.Int
}

// Positions returns every stake position in key order (coldkey, hotkey, netuid).
func Positions(ctx context.Context, k keeper.Keeper) ([]Position, error) {
	var out []Position
	err := k.Shares.Walk(ctx, nil, func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint16], sh math.Int) (bool, error) {
		out = append(out, Position{Coldkey: key.K1(), Hotkey: key.K2(), Netuid: key.K3(), Shares: sh})
		return false, nil
	})
	return out, err
}

// PendingUnbondings counts coldkey's unbonding entries on (hotkey, netuid), as RemoveStake does.
func PendingUnbondings(ctx context.Context, k keeper.Keeper, coldkey, hotkey sdk.AccAddress, netuid uint16) (uint32, error) {
	var n uint32
	err := k.UnbondingByColdkey.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, uint64](coldkey),
		func(key collections.Pair[sdk.AccAddress, uint64]) (bool, error) {
			has, err := k.UnbondingByHotkey.Has(ctx, collections.Join3(hotkey, netuid, key.K2()))
			if has {
				n++
			}
			return err != nil, err
		})
	return n, err
}

// uidSlot tells what RegisterNeuron would do on s now: take a free uid, replace a neuron, or fail
// with ErrSubnetFull because every neuron is immune.
func uidSlot(s types.Subnet, neurons []types.Neuron, now int64) (free, replace bool) {
	if uint32(len(neurons)) < s.Hyperparams.MaxUids {
		return true, false
	}
	for _, n := range neurons {
		if now >= n.RegisteredAt+int64(s.Hyperparams.ImmunityPeriod) {
			return false, true
		}
	}
	return false, false
}

// skip marks the operation skipped; factories return right after it, because the simulator stops
// waiting for a skipped factory and any later read would race with the next operation.
func skip(reporter simsx.SimulationReporter, format string, args ...any) {
	reporter.Skipf(format, args...)
}
