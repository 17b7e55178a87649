package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdktelemetry "github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/internal/telemetry"
	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/typedevent"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// EndBlocker advances every subnet's epoch clock, queues the epochs that close at this height
// (see schedule.go) and runs queued epochs, oldest first (ties: lower netuid), within the block's
// work budget: at most max_epochs_per_block epochs whose work (max_uids × max_validators each)
// adds up to at most subnettypes.MaxEpochWork, a constant no parameter can raise. The rest wait
// for the next blocks. A subnet already waiting in the queue is not queued twice: its pending
// emission keeps accruing until its queued epoch runs. Each epoch runs in a cache context: if it
// fails, nothing it wrote is kept (its pending emission stays in x/tao), the failure is logged and
// reported with EventEpochFailed, and the chain goes on.
func (k Keeper) EndBlocker(ctx context.Context) error {
	defer sdktelemetry.ModuleMeasureSince(types.ModuleName, sdktelemetry.Now(), sdktelemetry.MetricKeyEndBlocker)
	if _, err := k.advanceSchedules(ctx); err != nil {
		k.Logger(ctx).Error("advancing subnet epoch schedules failed", "err", err)
	}
	if _, err := k.ProcessEpochQueue(ctx); err != nil {
		k.Logger(ctx).Error("processing the subnet epoch queue failed", "err", err)
	}
	k.observeEpochQueue(ctx)
	return nil
}

// enqueue adds q to the epoch queue unless its subnet is already queued.
func (k Keeper) enqueue(ctx context.Context, q types.QueuedEpoch) error {
	netuid := uint16(q.Netuid)
	if has, err := k.QueuedNetuids.Has(ctx, netuid); err != nil || has {
		return err
	}
	if err := k.EpochQueue.Set(ctx, collections.Join(q.DueHeight, netuid), q.Epoch); err != nil {
		return err
	}
	return k.QueuedNetuids.Set(ctx, netuid, q.DueHeight)
}

// dequeue removes netuid from the epoch queue if it is queued.
func (k Keeper) dequeue(ctx context.Context, netuid uint16) error {
	due, err := k.QueuedNetuids.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := k.EpochQueue.Remove(ctx, collections.Join(due, netuid)); err != nil {
		return err
	}
	return k.QueuedNetuids.Remove(ctx, netuid)
}

// epochWork is the work budget an epoch of s takes: max_uids × max_validators, the size of the
// weight matrix Yuma may have to process. It is capped at the per-block budget so that a subnet
// stored before the hard bounds existed still runs, alone in its block.
func epochWork(s subnettypes.Subnet) uint64 {
	return min(s.Hyperparams.EpochWork(), subnettypes.MaxEpochWork)
}

// ProcessEpochQueue runs queued epochs in queue order, each in its own cache context, while the
// block's budget lasts (at most max_epochs_per_block epochs and subnettypes.MaxEpochWork work;
// the first epoch always fits) and returns how many ran successfully. Failed epochs are removed
// from the queue, logged and reported with EventEpochFailed.
func (k Keeper) ProcessEpochQueue(ctx context.Context) (int, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	var (
		batch []types.QueuedEpoch
		work  uint64
	)
	err = k.EpochQueue.Walk(ctx, nil, func(key collections.Pair[int64, uint16], epoch uint64) (bool, error) {
		cost := uint64(0)
		if s, err := k.subnetKeeper.GetSubnet(ctx, key.K2()); err == nil {
			cost = epochWork(s)
		}
		if work+cost > subnettypes.MaxEpochWork {
			return true, nil
		}
		work += cost
		batch = append(batch, types.QueuedEpoch{Netuid: uint32(key.K2()), Epoch: epoch, DueHeight: key.K1()})
		return uint32(len(batch)) >= params.MaxEpochsPerBlock, nil
	})
	if err != nil {
		return 0, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	ran := 0
	for _, q := range batch {
		netuid := uint16(q.Netuid)
		if err := k.dequeue(ctx, netuid); err != nil {
			return ran, err
		}
		start := telemetry.Now()
		cacheCtx, write := sdkCtx.CacheContext()
		rec, err := k.RunEpoch(cacheCtx, netuid, q.Epoch)
		observeEpoch(ctx, netuid, start, rec, err)
		if err != nil {
			k.Logger(ctx).Error("subnet epoch failed; skipped without writing anything", "netuid", netuid, "epoch", q.Epoch, "height", sdkCtx.BlockHeight(), "err", err)
			if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventEpochFailed{
				Netuid: q.Netuid, Height: sdkCtx.BlockHeight(), Epoch: q.Epoch, Error: err.Error(),
			}); err != nil {
				return ran, err
			}
			continue
		}
		write()
		ran++
	}
	return ran, nil
}
