package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/subnet/types"
)

// GetNeuron returns the neuron at (netuid, uid) or ErrNeuronNotFound, as stored: without its
// LastUpdate (0), which the store keeps apart (LastUpdates), so that the hot paths that read one
// neuron, or one per scored uid, do not pay a second read. IterateNeurons, the queries and the
// genesis export fill it in.
func (k Keeper) GetNeuron(ctx context.Context, netuid, uid uint16) (types.Neuron, error) {
	n, err := k.Neurons.Get(ctx, collections.Join(netuid, uid))
	if errors.Is(err, collections.ErrNotFound) {
		return n, types.ErrNeuronNotFound.Wrapf("no neuron at uid %d on subnet %d", uid, netuid)
	}
	return n, err
}

// GetNeuronByHotkey returns the neuron of hotkey on netuid or ErrNeuronNotFound, as stored (see
// GetNeuron).
func (k Keeper) GetNeuronByHotkey(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (types.Neuron, error) {
	uid, err := k.NeuronUIDs.Get(ctx, collections.Join(netuid, hotkey))
	if errors.Is(err, collections.ErrNotFound) {
		return types.Neuron{}, types.ErrNeuronNotFound.Wrapf("hotkey %s is not registered on subnet %d", hotkey, netuid)
	}
	if err != nil {
		return types.Neuron{}, err
	}
	return k.GetNeuron(ctx, netuid, uid)
}

// IterateNeurons calls cb for each neuron of netuid in ascending uid, LastUpdate filled in from
// LastUpdates (a neuron without an entry keeps the value stored in it, 0 once Migrate3to4 has
// run), until cb returns true. It walks the neurons and their last updates side by side (both are
// keyed by (netuid, uid)): two range reads, no point read per neuron.
func (k Keeper) IterateNeurons(ctx context.Context, netuid uint16, cb func(n types.Neuron) (stop bool)) error {
	updates, err := k.LastUpdates.Iterate(ctx, collections.NewPrefixedPairRange[uint16, uint16](netuid))
	if err != nil {
		return err
	}
	defer updates.Close()
	return k.Neurons.Walk(ctx, collections.NewPrefixedPairRange[uint16, uint16](netuid), func(key collections.Pair[uint16, uint16], n types.Neuron) (bool, error) {
		for ; updates.Valid(); updates.Next() {
			kv, err := updates.KeyValue()
			if err != nil {
				return true, err
			}
			if kv.Key.K2() < key.K2() {
				continue // an entry without a neuron: CheckInvariants reports it
			}
			if kv.Key.K2() == key.K2() {
				n.LastUpdate = kv.Value
			}
			break
		}
		return cb(n), nil
	})
}

// withLastUpdate returns n with its LastUpdate read from LastUpdates, as IterateNeurons fills it:
// a neuron without an entry keeps the value stored in it (0 once Migrate3to4 has run).
func (k Keeper) withLastUpdate(ctx context.Context, n types.Neuron) (types.Neuron, error) {
	at, err := k.LastUpdates.Get(ctx, collections.Join(uint16(n.Netuid), uint16(n.Uid)))
	switch {
	case err == nil:
		n.LastUpdate = at
	case errors.Is(err, collections.ErrNotFound):
		err = nil
	}
	return n, err
}

// storeNeuron writes n to its uid slot without its LastUpdate, which LastUpdates holds. Every
// write of a neuron goes through it.
func (k Keeper) storeNeuron(ctx context.Context, n types.Neuron) error {
	n.LastUpdate = 0
	return k.Neurons.Set(ctx, collections.Join(uint16(n.Netuid), uint16(n.Uid)), n)
}

// setLastUpdate writes the last_update of the neuron at (netuid, uid); 0 removes the entry.
func (k Keeper) setLastUpdate(ctx context.Context, netuid, uid uint16, at int64) error {
	if at == 0 {
		return k.LastUpdates.Remove(ctx, collections.Join(netuid, uid))
	}
	return k.LastUpdates.Set(ctx, collections.Join(netuid, uid), at)
}

// GetHotkeyInfo returns the owner, pubkey and take of hotkey or ErrHotkeyNotFound.
func (k Keeper) GetHotkeyInfo(ctx context.Context, hotkey sdk.AccAddress) (types.HotkeyInfo, error) {
	h, err := k.Hotkeys.Get(ctx, hotkey)
	if errors.Is(err, collections.ErrNotFound) {
		return h, types.ErrHotkeyNotFound.Wrapf("hotkey %s was never registered", hotkey)
	}
	return h, err
}

// SetNeuron overwrites a registered neuron, its LastUpdate included. The slot must exist and keep
// its hotkey, coldkey and registration height. It is for tests and tools that need to set up a
// neuron by hand; modules write through the narrow writers below (WriteEpochResult,
// SetNeuronLastUpdate, RevokeValidatorPermit), each the one writer of its fields.
func (k Keeper) SetNeuron(ctx context.Context, n types.Neuron) error {
	if n.Netuid > uint32(types.MaxNetuid) || n.Uid > uint32(types.MaxNetuid) {
		return types.ErrNeuronNotFound.Wrapf("netuid %d / uid %d out of range", n.Netuid, n.Uid)
	}
	cur, err := k.GetNeuron(ctx, uint16(n.Netuid), uint16(n.Uid))
	if err != nil {
		return err
	}
	if cur.Hotkey != n.Hotkey || cur.Coldkey != n.Coldkey || cur.RegisteredAt != n.RegisteredAt {
		return types.ErrNeuronNotFound.Wrapf("uid %d on subnet %d belongs to %s registered at %d, not %s",
			n.Uid, n.Netuid, cur.Hotkey, cur.RegisteredAt, n.Hotkey)
	}
	if n.Emission.IsNil() || n.Emission.IsNegative() {
		return types.ErrInvalidAmount.Wrap("neuron emission must be non-negative")
	}
	if err := k.setLastUpdate(ctx, uint16(n.Netuid), uint16(n.Uid), n.LastUpdate); err != nil {
		return err
	}
	return k.storeNeuron(ctx, n)
}

// WriteEpochResult writes the consensus results of an epoch into n, the neuron as stored now, and
// returns the neuron written: rank, trust, consensus, incentive, dividends, validator trust,
// emission, activity and the validator permit for the next epoch. It is the only writer of those
// fields. The caller must have read n in this block with no write to it since: x/intelligence's
// epoch reads every neuron of the subnet in one range walk and records the results right after,
// and a point read per neuron here would read the subnet a second time.
func (k Keeper) WriteEpochResult(ctx context.Context, n types.Neuron, r types.EpochResult) (types.Neuron, error) {
	if n.Netuid > uint32(types.MaxNetuid) || n.Uid > uint32(types.MaxNetuid) || n.Hotkey == "" {
		return n, types.ErrNeuronNotFound.Wrapf("netuid %d / uid %d: no neuron (hotkey %q)", n.Netuid, n.Uid, n.Hotkey)
	}
	for _, v := range []uint32{r.Rank, r.Trust, r.Consensus, r.Incentive, r.Dividends, r.ValidatorTrust} {
		if v > types.U16Max {
			return n, types.ErrInvalidAmount.Wrapf("epoch result field %d above u16 max %d", v, types.U16Max)
		}
	}
	if r.Emission.IsNil() || r.Emission.IsNegative() {
		return n, types.ErrInvalidAmount.Wrap("epoch emission must be non-negative")
	}
	n.Rank, n.Trust, n.Consensus, n.Incentive, n.Dividends, n.ValidatorTrust = r.Rank, r.Trust, r.Consensus, r.Incentive, r.Dividends, r.ValidatorTrust
	n.Emission = r.Emission
	n.Active = r.Active
	n.ValidatorPermit = r.ValidatorPermit
	return n, k.storeNeuron(ctx, n)
}

// RevokeValidatorPermit takes the validator permit away from the neuron at (netuid, uid) until the
// next epoch decides again (x/slashing: a jailed or silent validator). It is a no-op when the
// neuron holds no permit; granting one is the epoch's alone (WriteEpochResult).
func (k Keeper) RevokeValidatorPermit(ctx context.Context, netuid, uid uint16) error {
	n, err := k.GetNeuron(ctx, netuid, uid)
	if err != nil || !n.ValidatorPermit {
		return err
	}
	n.ValidatorPermit = false
	return k.storeNeuron(ctx, n)
}

// SetNeuronLastUpdate records the height of a neuron's last weight update. It is the one writer
// of last_update after registration, and writes only the LastUpdates entry (13 bytes), not the
// neuron.
func (k Keeper) SetNeuronLastUpdate(ctx context.Context, netuid, uid uint16, at int64) error {
	if has, err := k.Neurons.Has(ctx, collections.Join(netuid, uid)); err != nil {
		return err
	} else if !has {
		return types.ErrNeuronNotFound.Wrapf("no neuron at uid %d on subnet %d", uid, netuid)
	}
	return k.setLastUpdate(ctx, netuid, uid, at)
}

// RegistrationPrice is the current neuron registration price of netuid.
func (k Keeper) RegistrationPrice(ctx context.Context, netuid uint16) (math.Int, error) {
	s, err := k.GetSubnet(ctx, netuid)
	if err != nil {
		return math.Int{}, err
	}
	return types.RegistrationPrice(s, height(ctx)), nil
}

// chooseUID returns the lowest free uid of netuid, or the uid of the non-immune neuron with the
// lowest emission (ties: older registration, then lower uid) to replace. It reads neurons in uid
// order up to the first gap, or all max_uids of them on a full subnet, and charges
// types.RegistrationGasPerNeuron gas for each one read.
func (k Keeper) chooseUID(ctx context.Context, s types.Subnet) (uid uint16, victim *types.Neuron, err error) {
	netuid := uint16(s.Netuid)
	now := height(ctx)
	next := uint32(0)
	freeFound := false
	var best *types.Neuron
	var immuneUntil int64 = -1
	read := uint64(0)
	err = k.IterateNeurons(ctx, netuid, func(n types.Neuron) bool {
		read++
		if n.Uid != next && next < s.Hyperparams.MaxUids {
			freeFound = true
			return true // a gap below n: the free uid is next, no victim needed
		}
		next = n.Uid + 1
		end := n.RegisteredAt + int64(s.Hyperparams.ImmunityPeriod)
		if now < end {
			if immuneUntil < 0 || end < immuneUntil {
				immuneUntil = end
			}
			return false
		}
		if best == nil || n.Emission.LT(best.Emission) ||
			(n.Emission.Equal(best.Emission) && n.RegisteredAt < best.RegisteredAt) {
			cp := n
			best = &cp
		}
		return false
	})
	if err != nil {
		return 0, nil, err
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(read*types.RegistrationGasPerNeuron, "neuron registration: uid search")
	if freeFound || next < s.Hyperparams.MaxUids {
		return uint16(next), nil, nil
	}
	if best == nil {
		return 0, nil, types.ErrSubnetFull.Wrapf("subnet %d has all %d uids taken by neurons inside their immunity period of %d blocks; the first leaves immunity at height %d",
			netuid, s.Hyperparams.MaxUids, s.Hyperparams.ImmunityPeriod, immuneUntil)
	}
	return uint16(best.Uid), best, nil
}

// checkRegistrationRate refuses a registration on s at height now once
// hyperparams.max_registrations_per_block neurons registered on it in that block: registrations
// create epoch and hook work, so their number per block is bounded beyond the price.
func checkRegistrationRate(s types.Subnet, now int64) error {
	limit := s.Hyperparams.MaxRegistrationsPerBlock
	if s.BlockRegistrationsHeight == now && s.BlockRegistrations >= limit {
		return types.ErrTooManyRegistrations.Wrapf("subnet %d allows %d registrations per block and has had %d at height %d; retry at height %d",
			s.Netuid, limit, s.BlockRegistrations, now, now+1)
	}
	return nil
}

// RegisterNeuron verifies the hotkey's proof of possession over "chain_id|netuid|coldkey", burns
// the current registration price from coldkey (at most maxBurn) and gives the hotkey a uid,
// replacing a neuron when the subnet is full.
func (k Keeper) RegisterNeuron(ctx context.Context, coldkey sdk.AccAddress, netuid uint16, pubkey, proof []byte, maxBurn math.Int) (types.Neuron, math.Int, string, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	s, err := k.GetSubnet(ctx, netuid)
	if err != nil {
		return types.Neuron{}, math.Int{}, "", err
	}
	now := sdkCtx.BlockHeight()
	if err := checkRegistrationRate(s, now); err != nil {
		return types.Neuron{}, math.Int{}, "", err
	}
	pk, err := types.HotkeyPubKey(pubkey)
	if err != nil {
		return types.Neuron{}, math.Int{}, "", err
	}
	msg := types.RegistrationProofBytes(sdkCtx.ChainID(), netuid, coldkey.String())
	if !pk.VerifySignature(msg, proof) {
		return types.Neuron{}, math.Int{}, "", types.ErrInvalidProof.Wrapf("hotkey signature does not verify over %q", msg)
	}
	hotkey := types.HotkeyAddress(pk)
	info, err := k.Hotkeys.Get(ctx, hotkey)
	known := err == nil
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return types.Neuron{}, math.Int{}, "", err
	}
	if known && info.Coldkey != coldkey.String() {
		return types.Neuron{}, math.Int{}, "", types.ErrHotkeyOwnedByOther.Wrapf("hotkey %s belongs to coldkey %s", hotkey, info.Coldkey)
	}
	if has, err := k.NeuronUIDs.Has(ctx, collections.Join(netuid, hotkey)); err != nil {
		return types.Neuron{}, math.Int{}, "", err
	} else if has {
		return types.Neuron{}, math.Int{}, "", types.ErrHotkeyRegistered.Wrapf("hotkey %s on subnet %d", hotkey, netuid)
	}
	price := types.RegistrationPrice(s, now)
	if maxBurn.IsNil() || price.GT(maxBurn) {
		return types.Neuron{}, math.Int{}, "", types.ErrPriceAboveLimit.Wrapf("registration price on subnet %d is %s%s, max_burn is %s", netuid, price, k.denom, maxBurn)
	}
	if err := k.requireFunds(ctx, coldkey, price, "neuron registration"); err != nil {
		return types.Neuron{}, math.Int{}, "", err
	}
	uid, victim, err := k.chooseUID(ctx, s)
	if err != nil {
		return types.Neuron{}, math.Int{}, "", err
	}
	replacedHotkey := ""
	if victim != nil {
		replacedHotkey = victim.Hotkey
		if err := k.NeuronUIDs.Remove(ctx, collections.Join(netuid, mustAddr(victim.Hotkey))); err != nil {
			return types.Neuron{}, math.Int{}, "", err
		}
	}
	if price.IsPositive() {
		if err := k.collect(ctx, coldkey, price, "neuron registration"); err != nil {
			return types.Neuron{}, math.Int{}, "", err
		}
		if err := k.bankKeeper.BurnCoins(ctx, types.ModuleName, k.coins(price)); err != nil {
			return types.Neuron{}, math.Int{}, "", err
		}
	}
	if !known {
		p, err := k.Params.Get(ctx)
		if err != nil {
			return types.Neuron{}, math.Int{}, "", err
		}
		info = types.HotkeyInfo{Hotkey: hotkey.String(), Coldkey: coldkey.String(), Pubkey: pk.Key, Take: p.DefaultTake}
		if err := k.Hotkeys.Set(ctx, hotkey, info); err != nil {
			return types.Neuron{}, math.Int{}, "", err
		}
	}
	k.ensureAccount(ctx, hotkey)
	n := types.Neuron{
		Netuid:       uint32(netuid),
		Uid:          uint32(uid),
		Hotkey:       hotkey.String(),
		Coldkey:      coldkey.String(),
		Pubkey:       pk.Key,
		RegisteredAt: now,
		Emission:     math.ZeroInt(),
		LastUpdate:   now,
	}
	if err := k.putNeuron(ctx, n); err != nil {
		return types.Neuron{}, math.Int{}, "", err
	}
	s.Burn = types.GrownPrice(price, s.Hyperparams)
	s.BurnUpdatedAt = now
	s.Registrations++
	if s.BlockRegistrationsHeight != now {
		s.BlockRegistrations, s.BlockRegistrationsHeight = 0, now
	}
	s.BlockRegistrations++
	if err := k.Subnets.Set(ctx, netuid, s); err != nil {
		return types.Neuron{}, math.Int{}, "", err
	}
	if h, ok := k.hooks.Get(); ok {
		if err := h.AfterNeuronRegistered(ctx, netuid, uid, victim != nil); err != nil {
			return types.Neuron{}, math.Int{}, "", err
		}
	}
	err = typedevent.Emit(sdkCtx.EventManager(), &types.EventNeuronRegistered{
		Netuid: uint32(netuid), Uid: uint32(uid), Hotkey: n.Hotkey, Coldkey: n.Coldkey,
		Burned: price, ReplacedHotkey: replacedHotkey, NextPrice: s.Burn,
	})
	return n, price, replacedHotkey, err
}

// ServeAxon records the endpoint of hotkey on netuid after validating it.
func (k Keeper) ServeAxon(ctx context.Context, hotkey sdk.AccAddress, netuid uint16, axon types.AxonInfo) error {
	if err := types.ValidateAxon(axon.Host, axon.Port, axon.Protocol, axon.Version); err != nil {
		return err
	}
	n, err := k.GetNeuronByHotkey(ctx, netuid, hotkey)
	if err != nil {
		return err
	}
	axon.Block = height(ctx)
	n.Axon = axon
	if err := k.storeNeuron(ctx, n); err != nil {
		return err
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventAxonServed{
		Netuid: uint32(netuid), Uid: n.Uid, Hotkey: n.Hotkey, Axon: axon,
	})
}

// OccupiedUIDs returns the set of uids of netuid that hold a neuron (empty for a subnet without
// neurons or an unknown one): one store read of at most 128 bytes.
func (k Keeper) OccupiedUIDs(ctx context.Context, netuid uint16) (types.UIDSet, error) {
	bz, err := k.UIDs.Get(ctx, netuid)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, nil
	}
	return bz, err
}

// putNeuron stores n in its uid slot with its last update, its hotkey's uid index entry and its
// uid in the subnet's occupied set. A neuron it replaces must have been dropped from the index
// first.
func (k Keeper) putNeuron(ctx context.Context, n types.Neuron) error {
	netuid, uid := uint16(n.Netuid), uint16(n.Uid)
	if err := k.storeNeuron(ctx, n); err != nil {
		return err
	}
	if err := k.setLastUpdate(ctx, netuid, uid, n.LastUpdate); err != nil {
		return err
	}
	if err := k.NeuronUIDs.Set(ctx, collections.Join(netuid, mustAddr(n.Hotkey)), uid); err != nil {
		return err
	}
	set, err := k.OccupiedUIDs(ctx, netuid)
	if err != nil || set.Has(uint32(uid)) {
		return err
	}
	return k.UIDs.Set(ctx, netuid, set.With(uid))
}

// dropNeuron removes n from its uid slot, the uid index and the subnet's occupied set.
func (k Keeper) dropNeuron(ctx context.Context, n types.Neuron) error {
	if err := k.dropNeuronEntries(ctx, n); err != nil {
		return err
	}
	netuid, uid := uint16(n.Netuid), uint16(n.Uid)
	set, err := k.OccupiedUIDs(ctx, netuid)
	if err != nil {
		return err
	}
	if set = set.Without(uid); len(set) == 0 {
		return k.UIDs.Remove(ctx, netuid)
	}
	return k.UIDs.Set(ctx, netuid, set)
}

// dropSubnetNeurons removes every neuron of netuid (at most max_uids) from its uid slot and the
// uid index, in ascending uid, and then the subnet's occupied set once: what dropNeuron does for
// each neuron, without reading and rewriting the set for each one.
func (k Keeper) dropSubnetNeurons(ctx context.Context, netuid uint16) error {
	var neurons []types.Neuron
	err := k.IterateNeurons(ctx, netuid, func(n types.Neuron) bool {
		neurons = append(neurons, n)
		return false
	})
	if err != nil {
		return err
	}
	for _, n := range neurons {
		if err := k.dropNeuronEntries(ctx, n); err != nil {
			return err
		}
	}
	return k.UIDs.Remove(ctx, netuid)
}

// dropNeuronEntries removes n from its uid slot, its last update and the uid index; the caller
// updates the subnet's occupied set (dropNeuron, dropSubnetNeurons).
func (k Keeper) dropNeuronEntries(ctx context.Context, n types.Neuron) error {
	netuid, uid := uint16(n.Netuid), uint16(n.Uid)
	if err := k.Neurons.Remove(ctx, collections.Join(netuid, uid)); err != nil {
		return err
	}
	if err := k.LastUpdates.Remove(ctx, collections.Join(netuid, uid)); err != nil {
		return err
	}
	return k.NeuronUIDs.Remove(ctx, collections.Join(netuid, mustAddr(n.Hotkey)))
}
