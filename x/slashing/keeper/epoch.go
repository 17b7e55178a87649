package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"

	intelligencekeeper "github.com/taochain/taochain/x/intelligence/keeper"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// EpochHooks is the x/intelligence epoch hook of x/slashing; install it with
// intelligenceKeeper.SetEpochHooks(k.EpochHooks()).
type EpochHooks struct{ k Keeper }

var _ intelligencekeeper.EpochHooks = EpochHooks{}

// EpochHooks returns the x/intelligence epoch hooks of x/slashing.
func (k Keeper) EpochHooks() EpochHooks { return EpochHooks{k: k} }

// AfterSubnetEpoch runs the intelligence fault checks of netuid once its epoch closed (see
// Keeper.CheckSubnetEpoch). The work is bounded by the subnet's neurons and runs only at that
// subnet's epoch, not every block. It runs in its own cache context: a failure is logged and
// discarded and never fails the epoch.
func (h EpochHooks) AfterSubnetEpoch(ctx context.Context, netuid uint16, epoch uint64, neurons []subnettypes.Neuron) error {
	defer telemetry.ModuleMeasureSince(types.ModuleName, telemetry.Now(), "poi_epoch_checks")
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	if err := h.k.CheckSubnetEpoch(cacheCtx, netuid, epoch, neurons); err != nil {
		h.k.Logger(ctx).Error("intelligence fault checks failed; skipped without writing anything",
			"netuid", netuid, "epoch", epoch, "err", err)
		return nil
	}
	write()
	return nil
}

// JailOf implements intelligencekeeper.EpochHooks: the jail of hotkey on netuid, if any.
func (h EpochHooks) JailOf(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (intelligencetypes.JailInfo, bool, error) {
	j, err := h.k.Jails.Get(ctx, collections.Join(netuid, hotkey))
	if errors.Is(err, collections.ErrNotFound) {
		return intelligencetypes.JailInfo{}, false, nil
	}
	if err != nil {
		return intelligencetypes.JailInfo{}, false, err
	}
	return intelligencetypes.JailInfo{RemainingEpochs: j.RemainingEpochs, OffenceID: j.OffenceId}, true, nil
}

// CheckSubnetEpoch applies the epoch-time rules to every neuron of netuid after epoch closed,
// in ascending uid order; neurons are the subnet's neurons as the epoch stored them (the hook's
// argument, so the subnet is not read a second time):
//   - a jailed hotkey loses the permit the epoch just gave it; each jail of the subnet counts
//     one epoch down and ends at zero;
//   - a validator that held a permit through the epoch, has validated on this subnet before
//     (x/intelligence holds a work mark for its uid) but did no liveness-counting work since the
//     last check (a weight row that weights another uid — set, evaluation or reveal — or a
//     commit) misses an epoch; after max_missed_epochs in a row it loses its permit, is jailed
//     for jail_epochs and slashed liveness_slash (burned). A permit holder that never validated
//     (a staked miner) is not a silent validator, and a self-weight-only row is no work;
//   - a neuron past its immunity period, not holding a permit, with zero incentive counts a
//     useless epoch; after min_useful_epochs in a row it is deregistered.
func (k Keeper) CheckSubnetEpoch(ctx context.Context, netuid uint16, epoch uint64, neurons []subnettypes.Neuron) error {
	params, err := k.PoIParams.Get(ctx)
	if err != nil {
		return err
	}
	s, err := k.subnetKeeper.GetSubnet(ctx, netuid)
	if err != nil {
		return err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockHeight()

	// Jails running before this check: they mask permits now and count down afterwards.
	jailed := map[string]bool{}
	var jails []types.Jail
	if err := k.Jails.Walk(ctx, collections.NewPrefixedPairRange[uint16, sdk.AccAddress](netuid),
		func(_ collections.Pair[uint16, sdk.AccAddress], j types.Jail) (bool, error) {
			jails = append(jails, j)
			jailed[j.Hotkey] = true
			return false, nil
		}); err != nil {
		return err
	}
	trackers := map[string]types.NeuronTracker{}
	var stale []collections.Pair[uint16, sdk.AccAddress]
	if err := k.Trackers.Walk(ctx, collections.NewPrefixedPairRange[uint16, sdk.AccAddress](netuid),
		func(key collections.Pair[uint16, sdk.AccAddress], t types.NeuronTracker) (bool, error) {
			trackers[t.Hotkey] = t
			stale = append(stale, key)
			return false, nil
		}); err != nil {
		return err
	}

	lastWorks, err := k.intelKeeper.LastWorks(ctx, netuid)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, n := range neurons {
		hotkey, err := sdk.AccAddressFromBech32(n.Hotkey)
		if err != nil {
			return err
		}
		seen[n.Hotkey] = true
		t, ok := trackers[n.Hotkey]
		if !ok {
			t = types.NeuronTracker{Netuid: uint32(netuid), Hotkey: n.Hotkey}
		}
		lastWork, worked := lastWorks[uint16(n.Uid)]
		// A hotkey jailed during the epoch (equivocation) had its permit taken: not a silent one.
		if t.Permitted && !jailed[n.Hotkey] && worked && lastWork <= t.CheckedHeight {
			t.MissedEpochs++
		} else {
			t.MissedEpochs = 0
		}
		pastImmunity := now >= n.RegisteredAt+int64(min(s.Hyperparams.ImmunityPeriod, 1<<62))
		if pastImmunity && !n.ValidatorPermit && n.Incentive == 0 {
			t.UselessEpochs++
		} else {
			t.UselessEpochs = 0
		}
		t.CheckedHeight = now
		key := collections.Join(netuid, hotkey)

		if params.MinUsefulEpochs > 0 && t.UselessEpochs >= params.MinUsefulEpochs {
			if err := k.deregisterUseless(ctx, n, epoch, t.UselessEpochs); err != nil {
				return err
			}
			if err := k.Trackers.Remove(ctx, key); err != nil && !errors.Is(err, collections.ErrNotFound) {
				return err
			}
			continue
		}

		permit := n.ValidatorPermit
		if jailed[n.Hotkey] && permit {
			permit = false
			if err := k.subnetKeeper.RevokeValidatorPermit(ctx, uint16(n.Netuid), uint16(n.Uid)); err != nil {
				return err
			}
		}
		if params.MaxMissedEpochs > 0 && t.MissedEpochs >= params.MaxMissedEpochs {
			if err := k.punishSilence(ctx, n, hotkey, epoch, params); err != nil {
				return err
			}
			t.MissedEpochs = 0
			// With jail_epochs > 0 jailHotkey took the permit; without a jail it is taken here.
			if params.JailEpochs == 0 && permit {
				if err := k.subnetKeeper.RevokeValidatorPermit(ctx, uint16(n.Netuid), uint16(n.Uid)); err != nil {
					return err
				}
			}
			permit = false
		}
		t.Permitted = permit
		if !t.Permitted && t.UselessEpochs == 0 && t.MissedEpochs == 0 {
			if err := k.Trackers.Remove(ctx, key); err != nil && !errors.Is(err, collections.ErrNotFound) {
				return err
			}
			continue
		}
		if err := k.Trackers.Set(ctx, key, t); err != nil {
			return err
		}
	}
	// Trackers of hotkeys that left the subnet.
	for _, key := range stale {
		if seen[key.K2().String()] {
			continue
		}
		if err := k.Trackers.Remove(ctx, key); err != nil {
			return err
		}
	}
	return k.countDownJails(ctx, netuid, jails)
}

// countDownJails counts one epoch off each jail that was running before this epoch's check and
// ends those that reach zero.
func (k Keeper) countDownJails(ctx context.Context, netuid uint16, jails []types.Jail) error {
	for _, j := range jails {
		hotkey, err := sdk.AccAddressFromBech32(j.Hotkey)
		if err != nil {
			return err
		}
		key := collections.Join(netuid, hotkey)
		if j.RemainingEpochs > 1 {
			j.RemainingEpochs--
			if err := k.Jails.Set(ctx, key, j); err != nil {
				return err
			}
			continue
		}
		if err := k.Jails.Remove(ctx, key); err != nil {
			return err
		}
		if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventReleased{Netuid: j.Netuid, Hotkey: j.Hotkey}); err != nil {
			return err
		}
	}
	return nil
}

// punishSilence records a liveness offence of n: an optional burned slash and a jail.
func (k Keeper) punishSilence(ctx context.Context, n subnettypes.Neuron, hotkey sdk.AccAddress, epoch uint64, params types.Params) error {
	netuid := uint16(n.Netuid)
	slashed, reward, burned, err := k.slashAndPay(ctx, hotkey, netuid, params.LivenessSlash, params.ReporterReward, nil)
	if err != nil {
		return err
	}
	o, err := k.recordOffence(ctx, types.Offence{
		Kind: types.OffenceKind_OFFENCE_KIND_LIVENESS, Netuid: n.Netuid, Hotkey: n.Hotkey, Epoch: epoch,
		EvidenceHash: faultEvidenceHash(types.OffenceKind_OFFENCE_KIND_LIVENESS, netuid, n.Hotkey, epoch),
		Slashed:      slashed, Reward: reward, Burned: burned, JailEpochs: params.JailEpochs,
		Uid: n.Uid, Registered: true,
	})
	if err != nil {
		return err
	}
	return k.jailHotkey(ctx, netuid, hotkey, params.JailEpochs, o.Id)
}

// deregisterUseless removes the useless neuron n from its subnet and records the offence.
func (k Keeper) deregisterUseless(ctx context.Context, n subnettypes.Neuron, epoch, uselessEpochs uint64) error {
	netuid := uint16(n.Netuid)
	if _, err := k.subnetKeeper.DeregisterNeuron(ctx, netuid, uint16(n.Uid)); err != nil {
		return err
	}
	o, err := k.recordOffence(ctx, types.Offence{
		Kind: types.OffenceKind_OFFENCE_KIND_USELESS_MINER, Netuid: n.Netuid, Hotkey: n.Hotkey, Epoch: epoch,
		EvidenceHash: faultEvidenceHash(types.OffenceKind_OFFENCE_KIND_USELESS_MINER, netuid, n.Hotkey, epoch),
		Slashed:      zeroInt(), Reward: zeroInt(), Burned: zeroInt(), Uid: n.Uid, Registered: true,
	})
	if err != nil {
		return err
	}
	k.Logger(ctx).Info("deregistered a useless neuron", "netuid", netuid, "uid", n.Uid, "hotkey", n.Hotkey, "epochs", uselessEpochs)
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventNeuronDeregistered{
		Netuid: n.Netuid, Uid: n.Uid, Hotkey: n.Hotkey, OffenceId: o.Id,
	})
}

func zeroInt() math.Int { return math.ZeroInt() }
