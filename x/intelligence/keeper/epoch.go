package keeper

import (
	"context"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/intelligence/yuma"
	"github.com/taochain/taochain/x/internal/typedevent"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// maxPrunePerEpoch bounds the expired evaluations deleted by one subnet epoch, so pruning after a
// lowered evidence_retention_epochs spreads over several epochs.
const maxPrunePerEpoch = 4096

func nonNegU64(v int64) uint64 {
	if v < 0 {
		return 0
	}
	return uint64(v)
}

// heightBase is what loadEpoch adds to every height it gives Yuma, which takes heights as uint64
// and only compares them with each other (activity, weight masking, fresh uids): 0 on a chain that
// has only run from block 1, and minus the lowest height otherwise. A chain restarted from a
// zero-height export (app/export.go) stores heights from before its first block as zero or
// negative; moving them all up by one base keeps their order instead of clamping them together.
func heightBase(last types.EpochRecord, neurons []subnettypes.Neuron) uint64 {
	low := min(last.Height, 0)
	for _, n := range neurons {
		low = min(low, n.RegisteredAt, n.LastUpdate)
	}
	return uint64(-low)
}

func toWeights(entries []types.WeightEntry) []yuma.Weight {
	if len(entries) == 0 {
		return nil
	}
	w := make([]yuma.Weight, 0, len(entries))
	for _, e := range entries {
		if e.Uid > types.U16Max || e.Value > types.U16Max {
			continue
		}
		w = append(w, yuma.Weight{UID: uint16(e.Uid), Value: uint16(e.Value)})
	}
	return w
}

// RunEpoch runs subnet netuid's epoch now, closing epoch index epoch, as six steps:
//
//  1. load: the subnet, its neurons, stake, weights and bonds, and the pending emission it takes
//     from x/tao (loadEpoch);
//  2. compute: Yuma consensus and the division of the emission, pure (computeEpoch);
//  3. record: per-uid results (rank, trust, consensus, incentive, dividends, validator trust,
//     emission, active, next validator permit) into x/subnet and the new bonds (recordEpoch);
//  4. pay: the owner, miners by incentive, validators by dividends: take to the hotkey owner, the
//     rest into the hotkey's stake pool (payEpoch);
//  5. prune: expired commits and evaluations (pruneEpoch), then the epoch hooks (x/slashing);
//  6. publish: the run into LastEpochs, EventEpoch and the log line (publishEpoch).
//
// RunEpoch writes as it goes; EndBlocker calls it in a cache context and discards everything on
// error. Tests may call it directly (also in a cache context if they need atomicity).
func (k Keeper) RunEpoch(ctx context.Context, netuid uint16, epoch uint64) (types.EpochRecord, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return types.EpochRecord{}, err
	}
	ei, err := k.loadEpoch(ctx, netuid)
	if err != nil {
		return types.EpochRecord{}, err
	}
	res, err := computeEpoch(ei, params)
	if err != nil {
		return types.EpochRecord{}, err
	}
	recorded, err := k.recordEpoch(ctx, ei, res)
	if err != nil {
		return types.EpochRecord{}, err
	}
	takeTotal, err := k.payEpoch(ctx, ei, res)
	if err != nil {
		return types.EpochRecord{}, err
	}
	expired, err := k.pruneEpoch(ctx, netuid, epoch, params.EvidenceRetentionEpochs)
	if err != nil {
		return types.EpochRecord{}, err
	}
	if err := k.afterSubnetEpoch(ctx, netuid, epoch, recorded); err != nil {
		return types.EpochRecord{}, err
	}
	rec := types.EpochRecord{
		Netuid:            uint32(netuid),
		Height:            sdk.UnwrapSDKContext(ctx).BlockHeight(),
		Epoch:             epoch,
		Emission:          math.NewIntFromUint64(ei.emission),
		OwnerEmission:     math.NewIntFromUint64(res.pay.owner),
		MinerEmission:     math.NewIntFromUint64(sum(res.pay.miner)),
		ValidatorEmission: math.NewIntFromUint64(sum(res.pay.validator)),
		TakeEmission:      math.NewIntFromUint64(takeTotal),
		Neurons:           uint32(len(ei.neurons)),
		ValidatorsByStake: res.pay.byStake,
	}
	return rec, k.publishEpoch(ctx, rec, expired, ei, res)
}

// epochInput is the loaded state of one subnet epoch.
type epochInput struct {
	netuid  uint16
	subnet  subnettypes.Subnet
	neurons []subnettypes.Neuron // by uid; gaps have an empty Hotkey
	exists  []bool
	stakes  []uint64
	in      yuma.Input
	// base is added to every height in `in` (see heightBase).
	base uint64
	// emission is the subnet's pending emission in rao, taken from x/tao by loadEpoch.
	emission uint64
}

// loadEpoch reads the subnet, its neurons, their stake, weights and bonds into a yuma.Input, and
// takes the subnet's pending emission from x/tao: from here the epoch owns it.
func (k Keeper) loadEpoch(ctx context.Context, netuid uint16) (epochInput, error) {
	s, err := k.subnetKeeper.GetSubnet(ctx, netuid)
	if err != nil {
		return epochInput{}, err
	}
	var list []subnettypes.Neuron
	if err := k.subnetKeeper.IterateNeurons(ctx, netuid, func(n subnettypes.Neuron) bool {
		list = append(list, n)
		return false
	}); err != nil {
		return epochInput{}, err
	}
	size := 0
	for _, n := range list {
		if n.Uid > types.U16Max {
			return epochInput{}, types.ErrEpoch.Wrapf("neuron uid %d on subnet %d out of range", n.Uid, netuid)
		}
		size = max(size, int(n.Uid)+1)
	}
	last, lastFound, err := k.GetLastEpoch(ctx, netuid)
	if err != nil {
		return epochInput{}, err
	}
	base := heightBase(last, list)
	now := blockHeight(ctx) + base
	lastEpochBlock := uint64(0) // before the first epoch every uid is fresh
	if lastFound {
		lastEpochBlock = uint64(last.Height + int64(base))
	}
	hp := s.Hyperparams
	ei := epochInput{
		netuid:  netuid,
		subnet:  s,
		neurons: make([]subnettypes.Neuron, size),
		exists:  make([]bool, size),
		stakes:  make([]uint64, size),
		base:    base,
		in: yuma.Input{
			CurrentBlock:           now,
			LastEpochBlock:         lastEpochBlock,
			ActivityCutoff:         hp.ActivityCutoff,
			Kappa:                  uint16(min(hp.Kappa, types.U16Max)),
			BondsMovingAverage:     hp.BondsMovingAverage,
			MaxValidators:          uint16(min(hp.MaxValidators, types.U16Max)),
			Version:                uint8(min(hp.YumaVersion, 255)),
			BondsPenalty:           uint16(min(hp.BondsPenalty, types.U16Max)),
			LiquidAlpha:            hp.LiquidAlpha,
			TrustWeightedConsensus: hp.TrustWeightedConsensus,
			AlphaLow:               uint16(min(hp.AlphaLow, types.U16Max)),
			AlphaHigh:              uint16(min(hp.AlphaHigh, types.U16Max)),
			Neurons:                make([]yuma.Neuron, size),
		},
	}
	for i := range ei.in.Neurons {
		// A uid without a neuron looks freshly registered, so no old bond or weight counts for it.
		ei.in.Neurons[i] = yuma.Neuron{RegisteredAt: now, LastUpdate: 0}
	}
	for _, n := range list {
		if err := ei.addNeuron(n); err != nil {
			return epochInput{}, err
		}
	}
	if err := k.loadEpochRows(ctx, &ei); err != nil {
		return epochInput{}, err
	}
	pending, err := k.taoKeeper.TakePendingEmission(ctx, netuid)
	if err != nil {
		return epochInput{}, err
	}
	if pending.IsNil() || pending.IsNegative() || !pending.IsUint64() {
		return epochInput{}, types.ErrEpoch.Wrapf("pending emission %s of subnet %d is not a uint64 rao amount", pending, netuid)
	}
	ei.emission = pending.Uint64()
	return ei, nil
}

// addNeuron adds neuron n to ei; its stake, weights and bonds come from loadEpochRows.
func (ei *epochInput) addNeuron(n subnettypes.Neuron) error {
	uid := uint16(n.Uid)
	if ei.exists[uid] {
		return types.ErrEpoch.Wrapf("uid %d of subnet %d listed twice", uid, ei.netuid)
	}
	ei.in.Neurons[uid] = yuma.Neuron{
		ValidatorPermit: n.ValidatorPermit,
		LastUpdate:      uint64(n.LastUpdate + int64(ei.base)),
		RegisteredAt:    uint64(n.RegisteredAt + int64(ei.base)),
	}
	ei.neurons[uid] = n
	ei.exists[uid] = true
	return nil
}

// loadEpochRows adds every neuron's stake, weight row (if it was set by the neuron's current
// hotkey) and bond row to ei, each kind in one range walk over the subnet: on a node's
// disk-backed store a point read per neuron and kind made up most of an epoch's time (issue 18).
// A row of a uid without a neuron is not read into the epoch.
func (k Keeper) loadEpochRows(ctx context.Context, ei *epochInput) error {
	netuid := ei.netuid
	has := func(uid uint16) bool { return int(uid) < len(ei.exists) && ei.exists[uid] }
	staked := make([]bool, len(ei.exists))
	err := k.subnetKeeper.WalkNeuronStakes(ctx, netuid, func(uid uint16, hotkey sdk.AccAddress, stake math.Int) error {
		if !has(uid) || ei.neurons[uid].Hotkey != hotkey.String() {
			return types.ErrEpoch.Wrapf("the hotkey index of subnet %d maps %s to uid %d, which that hotkey does not hold", netuid, hotkey, uid)
		}
		if stake.IsNil() || stake.IsNegative() || !stake.IsUint64() {
			return types.ErrEpoch.Wrapf("stake %s of hotkey %s on subnet %d is not a uint64 rao amount", stake, hotkey, netuid)
		}
		ei.in.Neurons[uid].Stake = stake.Uint64()
		ei.stakes[uid] = stake.Uint64()
		staked[uid] = true
		return nil
	})
	if err != nil {
		return err
	}
	for uid, ok := range ei.exists {
		if ok && !staked[uid] {
			return types.ErrEpoch.Wrapf("neuron %d of subnet %d is missing from the hotkey index", uid, netuid)
		}
	}
	subnetRange := collections.NewPrefixedPairRange[uint16, uint16](netuid)
	err = k.Weights.Walk(ctx, subnetRange, func(key collections.Pair[uint16, uint16], row types.WeightsRow) (bool, error) {
		if uid := key.K2(); has(uid) && row.Hotkey == ei.neurons[uid].Hotkey {
			ei.in.Neurons[uid].Weights = toWeights(row.Weights)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	return k.Bonds.Walk(ctx, subnetRange, func(key collections.Pair[uint16, uint16], bonds types.BondsRow) (bool, error) {
		if uid := key.K2(); has(uid) {
			ei.in.Neurons[uid].Bonds = toWeights(bonds.Bonds)
			ei.in.Neurons[uid].BondsFixed = toFixedBonds(bonds)
		}
		return false, nil
	})
}

// epochResult is what an epoch computed: Yuma's output and the division of the emission.
type epochResult struct {
	out yuma.Output
	pay payout
}

// computeEpoch runs Yuma over ei and divides ei's emission. It reads and writes no state.
func computeEpoch(ei epochInput, params types.Params) (epochResult, error) {
	out := yuma.Epoch(ei.in)
	pay := splitEmission(ei.emission, params, out, ei.stakes, ei.exists)
	if pay.owner+sum(pay.miner)+sum(pay.validator) != ei.emission {
		return epochResult{}, types.ErrEpoch.Wrapf("payout of subnet %d does not sum to the emission %d", ei.netuid, ei.emission)
	}
	return epochResult{out: out, pay: pay}, nil
}

// recordEpoch writes each neuron's results into x/subnet (WriteEpochResult, the one writer of
// those fields and of validator permits) and stores its new bonds; a uid without a neuron loses
// any bond row left behind. It returns the neurons as written, by ascending uid. The neurons are
// the ones loadEpoch read: nothing between the two writes a neuron, so x/subnet need not read
// them again.
func (k Keeper) recordEpoch(ctx context.Context, ei epochInput, res epochResult) ([]subnettypes.Neuron, error) {
	out, netuid := res.out, ei.netuid
	recorded := make([]subnettypes.Neuron, 0, len(ei.neurons))
	for uid := range ei.neurons {
		if !ei.exists[uid] {
			if err := k.Bonds.Remove(ctx, collections.Join(netuid, uint16(uid))); err != nil && !errors.Is(err, collections.ErrNotFound) {
				return nil, err
			}
			continue
		}
		n, err := k.subnetKeeper.WriteEpochResult(ctx, ei.neurons[uid], subnettypes.EpochResult{
			Rank:            uint32(out.RankU16[uid]),
			Trust:           uint32(out.TrustU16[uid]),
			Consensus:       uint32(out.ConsensusU16[uid]),
			Incentive:       uint32(out.IncentiveU16[uid]),
			Dividends:       uint32(out.DividendsU16[uid]),
			ValidatorTrust:  uint32(out.ValidatorTrustU16[uid]),
			Emission:        math.NewIntFromUint64(res.pay.miner[uid] + res.pay.validator[uid]),
			Active:          out.Active[uid],
			ValidatorPermit: out.ValidatorPermit[uid],
		})
		if err != nil {
			return nil, err
		}
		recorded = append(recorded, n)
		if err := k.setBonds(ctx, netuid, uint16(uid), out, uid); err != nil {
			return nil, err
		}
	}
	return recorded, nil
}

// payEpoch pays res.pay: account payouts (owner, miners, validator takes) aggregated per address
// and sent in sorted address order, then the validators' pool increases through the x/subnet
// module account. It returns the sum of the takes.
func (k Keeper) payEpoch(ctx context.Context, ei epochInput, res epochResult) (uint64, error) {
	pay := res.pay
	accounts := newPayments()
	accounts.add(ei.subnet.Owner, pay.owner)
	var takeTotal, poolTotal uint64
	pools := make([]uint64, len(ei.neurons))
	for uid, n := range ei.neurons {
		if !ei.exists[uid] {
			continue
		}
		accounts.add(n.Coldkey, pay.miner[uid])
		if pay.validator[uid] == 0 {
			continue
		}
		hotkey := sdk.MustAccAddressFromBech32(n.Hotkey)
		info, err := k.subnetKeeper.GetHotkeyInfo(ctx, hotkey)
		if err != nil {
			return 0, err
		}
		take := mulDivU16(pay.validator[uid], info.Take)
		accounts.add(info.Coldkey, take)
		takeTotal += take
		pools[uid] = pay.validator[uid] - take
		poolTotal += pools[uid]
	}
	if err := accounts.send(ctx, k.taoKeeper); err != nil {
		return 0, err
	}
	if poolTotal == 0 {
		return takeTotal, nil
	}
	if err := k.taoKeeper.SendReleasedToModule(ctx, types.SubnetModuleName, math.NewIntFromUint64(poolTotal)); err != nil {
		return 0, err
	}
	for uid, amount := range pools {
		if amount == 0 {
			continue
		}
		hotkey := sdk.MustAccAddressFromBech32(ei.neurons[uid].Hotkey)
		if err := k.subnetKeeper.AddToPool(ctx, hotkey, ei.netuid, math.NewIntFromUint64(amount)); err != nil {
			return 0, err
		}
	}
	return takeTotal, nil
}

// pruneEpoch drops the commits that can no longer be revealed and the evaluations older than the
// retention window, and returns how many commits expired.
func (k Keeper) pruneEpoch(ctx context.Context, netuid uint16, epoch, retention uint64) (uint32, error) {
	expired, err := k.pruneCommits(ctx, netuid, epoch)
	if err != nil {
		return 0, err
	}
	return expired, k.pruneEvaluations(ctx, netuid, epoch, retention)
}

// publishEpoch records rec as the subnet's last epoch, emits EventCommitsExpired (when commits
// expired) and EventEpoch, and logs the payout.
func (k Keeper) publishEpoch(ctx context.Context, rec types.EpochRecord, expired uint32, ei epochInput, res epochResult) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := k.LastEpochs.Set(ctx, ei.netuid, rec); err != nil {
		return err
	}
	if expired > 0 {
		if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventCommitsExpired{Netuid: rec.Netuid, Epoch: rec.Epoch, Count: expired}); err != nil {
			return err
		}
	}
	if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventEpoch{
		Netuid: rec.Netuid, Height: rec.Height, Epoch: rec.Epoch, Emission: rec.Emission,
		OwnerEmission: rec.OwnerEmission, MinerEmission: rec.MinerEmission, ValidatorEmission: rec.ValidatorEmission,
		TakeEmission: rec.TakeEmission, Neurons: rec.Neurons, ValidatorsByStake: rec.ValidatorsByStake,
	}); err != nil {
		return err
	}
	var validators, miners int
	for uid := range ei.neurons {
		switch {
		case !ei.exists[uid]:
		case res.out.ValidatorPermit[uid]:
			validators++
		default:
			miners++
		}
	}
	k.Logger(ctx).Info("subnet epoch paid", "netuid", rec.Netuid, "epoch", rec.Epoch, "height", rec.Height,
		"emission", rec.Emission.String(), "owner", rec.OwnerEmission.String(), "miners_paid", rec.MinerEmission.String(),
		"validators_paid", rec.ValidatorEmission.String(), "miners", miners, "validators", validators)
	return nil
}

// setBonds stores the new bond row of uid from out, or removes it when empty: the u16 row under
// Yuma 2, the full-precision row under Yuma 3 (out.BondsFixed is set only then).
func (k Keeper) setBonds(ctx context.Context, netuid, uid uint16, out yuma.Output, i int) error {
	key := collections.Join(netuid, uid)
	row := types.BondsRow{Netuid: uint32(netuid), Uid: uint32(uid)}
	if out.BondsFixed != nil {
		for _, b := range out.BondsFixed[i] {
			row.FixedBonds = append(row.FixedBonds, types.FixedBondEntry{Uid: uint32(b.UID), Value: int64(b.Value)})
		}
	} else {
		for _, w := range out.Bonds[i] {
			row.Bonds = append(row.Bonds, types.WeightEntry{Uid: uint32(w.UID), Value: uint32(w.Value)})
		}
	}
	if len(row.Bonds) == 0 && len(row.FixedBonds) == 0 {
		if err := k.Bonds.Remove(ctx, key); err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
		return nil
	}
	return k.Bonds.Set(ctx, key, row)
}

// toFixedBonds returns the Yuma 3 bond row of a stored row. A row stored under Yuma 2 (u16, each
// column max-upscaled) is read as value/65535, so a subnet that switches to Yuma 3 keeps the
// shape of its bonds instead of starting from none.
func toFixedBonds(row types.BondsRow) []yuma.FixedBond {
	if len(row.FixedBonds) > 0 {
		out := make([]yuma.FixedBond, 0, len(row.FixedBonds))
		for _, b := range row.FixedBonds {
			if b.Uid > types.U16Max || b.Value <= 0 {
				continue
			}
			out = append(out, yuma.FixedBond{UID: uint16(b.Uid), Value: yuma.I32F32(b.Value)})
		}
		return out
	}
	if len(row.Bonds) == 0 {
		return nil
	}
	out := make([]yuma.FixedBond, 0, len(row.Bonds))
	for _, w := range toWeights(row.Bonds) {
		out = append(out, yuma.FixedBond{UID: w.UID, Value: yuma.FromU16Proportion(w.Value)})
	}
	return out
}

// pruneCommits drops the commits of netuid whose reveal epoch is before epoch (the one closing
// now). A commit whose reveal epoch just closed can no longer be revealed, but it is kept through
// one more epoch so that a late reveal is told ErrRevealTooLate rather than ErrNoCommit. It
// returns how many were dropped.
func (k Keeper) pruneCommits(ctx context.Context, netuid uint16, epoch uint64) (uint32, error) {
	var stale []collections.Triple[uint16, sdk.AccAddress, uint64]
	err := k.Commits.Walk(ctx, collections.NewPrefixedTripleRange[uint16, sdk.AccAddress, uint64](netuid),
		func(key collections.Triple[uint16, sdk.AccAddress, uint64], _ types.WeightsCommit) (bool, error) {
			if key.K3() < epoch {
				stale = append(stale, key)
			}
			return false, nil
		})
	if err != nil {
		return 0, err
	}
	for _, key := range stale {
		if err := k.Commits.Remove(ctx, key); err != nil {
			return 0, err
		}
	}
	return uint32(len(stale)), nil
}

// pruneEvaluations deletes evaluations of netuid older than the last retention epochs (up to
// maxPrunePerEpoch of them).
func (k Keeper) pruneEvaluations(ctx context.Context, netuid uint16, epoch, retention uint64) error {
	if epoch+1 <= retention {
		return nil
	}
	cutoff := epoch + 1 - retention // keep epochs cutoff..epoch
	var stale []collections.Triple[uint16, uint64, sdk.AccAddress]
	err := k.Evaluations.Walk(ctx, collections.NewPrefixedTripleRange[uint16, uint64, sdk.AccAddress](netuid),
		func(key collections.Triple[uint16, uint64, sdk.AccAddress], _ types.StoredEvaluation) (bool, error) {
			if key.K2() >= cutoff || len(stale) >= maxPrunePerEpoch {
				return true, nil
			}
			stale = append(stale, key)
			return false, nil
		})
	if err != nil {
		return err
	}
	for _, key := range stale {
		if err := k.Evaluations.Remove(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// payments aggregates account payouts by bech32 address and sends them in sorted address order.
type payments struct {
	addrs   []string
	amounts map[string]uint64
}

func newPayments() *payments { return &payments{amounts: map[string]uint64{}} }

func (p *payments) add(addr string, amount uint64) {
	if amount == 0 {
		return
	}
	if _, ok := p.amounts[addr]; !ok {
		p.addrs = append(p.addrs, addr)
	}
	p.amounts[addr] += amount
}

func (p *payments) send(ctx context.Context, tao types.TaoKeeper) error {
	addrs := slices.Clone(p.addrs)
	slices.Sort(addrs)
	for _, a := range addrs {
		addr, err := sdk.AccAddressFromBech32(a)
		if err != nil {
			return types.ErrEpoch.Wrapf("payout address %q: %s", a, err)
		}
		if err := tao.SendReleasedToAccount(ctx, addr, math.NewIntFromUint64(p.amounts[a])); err != nil {
			return err
		}
	}
	return nil
}
