package types

import (
	"fmt"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis returns the genesis state with default params and no subnets.
func DefaultGenesis() *GenesisState {
	return &GenesisState{
		Params:          DefaultParams(),
		LockState:       LockState{LastLock: math.ZeroInt()},
		NextUnbondingId: 1,
	}
}

// EpochResult is what x/intelligence writes into a neuron after an epoch, through
// Keeper.WriteEpochResult, the one writer of these fields. u16 fields are fractions of 65535;
// Emission is in rao; ValidatorPermit is the permit Yuma gave the neuron for the next epoch (the
// only way a permit is granted; x/slashing can only take one away, with RevokeValidatorPermit).
type EpochResult struct {
	Rank            uint32
	Trust           uint32
	Consensus       uint32
	Incentive       uint32
	Dividends       uint32
	ValidatorTrust  uint32
	Emission        math.Int
	Active          bool
	ValidatorPermit bool
}

func validAddr(what, s string) error {
	if _, err := sdk.AccAddressFromBech32(s); err != nil {
		return ErrInvalidGenesis.Wrapf("%s %q: %s", what, s, err)
	}
	return nil
}

func nonNegative(what string, v math.Int) error {
	if v.IsNil() || v.IsNegative() {
		return ErrInvalidGenesis.Wrapf("%s must be a non-negative integer", what)
	}
	return nil
}

// Validate checks the genesis state for internal consistency: unique keys, valid addresses,
// references between neurons, hotkeys, pools and shares, and shares summing to pool totals.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if err := nonNegative("lock_state.last_lock", gs.LockState.LastLock); err != nil {
		return err
	}
	if gs.NextUnbondingId == 0 {
		return ErrInvalidGenesis.Wrap("next_unbonding_id must be at least 1")
	}
	if len(gs.Subnets) > int(gs.Params.MaxSubnets) {
		return ErrInvalidGenesis.Wrapf("%d subnets exceed max_subnets %d", len(gs.Subnets), gs.Params.MaxSubnets)
	}
	subnets := make(map[uint32]Subnet, len(gs.Subnets))
	for _, s := range gs.Subnets {
		if s.Netuid == uint32(ReservedNetuid) || s.Netuid > uint32(MaxNetuid) {
			return ErrInvalidGenesis.Wrapf("subnet netuid %d must be in [1, %d]", s.Netuid, MaxNetuid)
		}
		if _, dup := subnets[s.Netuid]; dup {
			return ErrInvalidGenesis.Wrapf("duplicate subnet %d", s.Netuid)
		}
		if err := validAddr(fmt.Sprintf("subnet %d owner", s.Netuid), s.Owner); err != nil {
			return err
		}
		if err := s.Hyperparams.Validate(); err != nil {
			return ErrInvalidGenesis.Wrapf("subnet %d: %s", s.Netuid, err)
		}
		if err := nonNegative("subnet locked", s.Locked); err != nil {
			return err
		}
		if err := nonNegative("subnet burn", s.Burn); err != nil {
			return err
		}
		subnets[s.Netuid] = s
	}
	dissolving := make(map[uint32]bool, len(gs.DissolvingNetuids))
	for _, n := range gs.DissolvingNetuids {
		if _, ok := subnets[n]; ok {
			return ErrInvalidGenesis.Wrapf("netuid %d is both active and dissolving", n)
		}
		if n == uint32(ReservedNetuid) || n > uint32(MaxNetuid) || dissolving[n] {
			return ErrInvalidGenesis.Wrapf("dissolving netuid %d invalid or duplicate", n)
		}
		dissolving[n] = true
	}
	hotkeys := make(map[string]HotkeyInfo, len(gs.Hotkeys))
	for _, h := range gs.Hotkeys {
		if _, dup := hotkeys[h.Hotkey]; dup {
			return ErrInvalidGenesis.Wrapf("duplicate hotkey %s", h.Hotkey)
		}
		if err := validAddr("hotkey", h.Hotkey); err != nil {
			return err
		}
		if err := validAddr("hotkey owner", h.Coldkey); err != nil {
			return err
		}
		pk, err := HotkeyPubKey(h.Pubkey)
		if err != nil {
			return ErrInvalidGenesis.Wrapf("hotkey %s: %s", h.Hotkey, err)
		}
		if HotkeyAddress(pk).String() != h.Hotkey {
			return ErrInvalidGenesis.Wrapf("hotkey %s does not match its pubkey", h.Hotkey)
		}
		if h.Take > gs.Params.MaxTake {
			return ErrInvalidGenesis.Wrapf("hotkey %s take %d above max_take %d", h.Hotkey, h.Take, gs.Params.MaxTake)
		}
		hotkeys[h.Hotkey] = h
	}
	type uidKey struct{ netuid, uid uint32 }
	type hkKey struct {
		netuid uint32
		hotkey string
	}
	uids := make(map[uidKey]bool, len(gs.Neurons))
	hks := make(map[hkKey]bool, len(gs.Neurons))
	for _, n := range gs.Neurons {
		s, ok := subnets[n.Netuid]
		if !ok {
			return ErrInvalidGenesis.Wrapf("neuron %d/%d on unknown subnet", n.Netuid, n.Uid)
		}
		if n.Uid >= s.Hyperparams.MaxUids {
			return ErrInvalidGenesis.Wrapf("neuron uid %d on subnet %d not below max_uids %d", n.Uid, n.Netuid, s.Hyperparams.MaxUids)
		}
		if uids[uidKey{n.Netuid, n.Uid}] || hks[hkKey{n.Netuid, n.Hotkey}] {
			return ErrInvalidGenesis.Wrapf("duplicate neuron %d/%d (%s)", n.Netuid, n.Uid, n.Hotkey)
		}
		h, ok := hotkeys[n.Hotkey]
		if !ok || h.Coldkey != n.Coldkey {
			return ErrInvalidGenesis.Wrapf("neuron %d/%d hotkey %s missing from hotkeys or owned by another coldkey", n.Netuid, n.Uid, n.Hotkey)
		}
		if err := nonNegative("neuron emission", n.Emission); err != nil {
			return err
		}
		uids[uidKey{n.Netuid, n.Uid}] = true
		hks[hkKey{n.Netuid, n.Hotkey}] = true
	}
	pools := make(map[hkKey]StakePool, len(gs.Pools))
	for _, p := range gs.Pools {
		k := hkKey{p.Netuid, p.Hotkey}
		if _, dup := pools[k]; dup {
			return ErrInvalidGenesis.Wrapf("duplicate pool %s/%d", p.Hotkey, p.Netuid)
		}
		if _, ok := hotkeys[p.Hotkey]; !ok {
			return ErrInvalidGenesis.Wrapf("pool %s/%d has an unknown hotkey", p.Hotkey, p.Netuid)
		}
		if _, ok := subnets[p.Netuid]; !ok && !dissolving[p.Netuid] {
			return ErrInvalidGenesis.Wrapf("pool %s/%d on a netuid that is neither active nor dissolving", p.Hotkey, p.Netuid)
		}
		if err := nonNegative("pool total_stake", p.TotalStake); err != nil {
			return err
		}
		if err := nonNegative("pool total_shares", p.TotalShares); err != nil {
			return err
		}
		if p.TotalShares.IsZero() != p.TotalStake.IsZero() {
			return ErrInvalidGenesis.Wrapf("pool %s/%d: stake and shares must be both zero or both positive", p.Hotkey, p.Netuid)
		}
		pools[k] = p
	}
	sums := make(map[hkKey]math.Int, len(pools))
	type posKey struct {
		coldkey string
		pool    hkKey
	}
	seen := make(map[posKey]bool, len(gs.Shares))
	for _, s := range gs.Shares {
		k := hkKey{s.Netuid, s.Hotkey}
		if _, ok := pools[k]; !ok {
			return ErrInvalidGenesis.Wrapf("shares of %s in unknown pool %s/%d", s.Coldkey, s.Hotkey, s.Netuid)
		}
		if err := validAddr("share coldkey", s.Coldkey); err != nil {
			return err
		}
		if s.Shares.IsNil() || !s.Shares.IsPositive() {
			return ErrInvalidGenesis.Wrapf("shares of %s in %s/%d must be positive", s.Coldkey, s.Hotkey, s.Netuid)
		}
		if seen[posKey{s.Coldkey, k}] {
			return ErrInvalidGenesis.Wrapf("duplicate shares of %s in %s/%d", s.Coldkey, s.Hotkey, s.Netuid)
		}
		seen[posKey{s.Coldkey, k}] = true
		if cur, ok := sums[k]; ok {
			sums[k] = cur.Add(s.Shares)
		} else {
			sums[k] = s.Shares
		}
	}
	for k, p := range pools {
		sum, ok := sums[k]
		if !ok {
			sum = math.ZeroInt()
		}
		if !sum.Equal(p.TotalShares) {
			return ErrInvalidGenesis.Wrapf("pool %s/%d total_shares %s != sum of shares %s", p.Hotkey, p.Netuid, p.TotalShares, sum)
		}
	}
	ids := make(map[uint64]bool, len(gs.Unbonding))
	for _, u := range gs.Unbonding {
		if u.Id == 0 || u.Id >= gs.NextUnbondingId || ids[u.Id] {
			return ErrInvalidGenesis.Wrapf("unbonding id %d duplicate or not in [1, next_unbonding_id)", u.Id)
		}
		ids[u.Id] = true
		if err := validAddr("unbonding coldkey", u.Coldkey); err != nil {
			return err
		}
		if err := validAddr("unbonding hotkey", u.Hotkey); err != nil {
			return err
		}
		if u.Amount.IsNil() || !u.Amount.IsPositive() {
			return ErrInvalidGenesis.Wrapf("unbonding %d amount must be positive", u.Id)
		}
		if u.Netuid > uint32(MaxNetuid) {
			return ErrInvalidGenesis.Wrapf("unbonding %d netuid %d out of range", u.Id, u.Netuid)
		}
	}
	return nil
}
