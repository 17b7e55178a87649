package types

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesisState returns the default intelligence slashing genesis: default params, no
// offences.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextOffenceId: 1}
}

// Validate checks the genesis state: valid params, offences with unique ascending ids below
// next_offence_id and valid hotkeys, at most one equivocation per (netuid, epoch, hotkey), and
// unique jails and trackers.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if gs.NextOffenceId == 0 {
		return ErrInvalidGenesis.Wrap("next_offence_id must be at least 1")
	}
	var last uint64
	equivocations := map[string]uint64{}
	for i, o := range gs.Offences {
		if o.Id == 0 || o.Id <= last {
			return ErrInvalidGenesis.Wrapf("offence %d has id %d: ids must be positive and strictly ascending", i, o.Id)
		}
		last = o.Id
		if o.Id >= gs.NextOffenceId {
			return ErrInvalidGenesis.Wrapf("offence id %d is not below next_offence_id %d", o.Id, gs.NextOffenceId)
		}
		if err := o.ValidateBasic(); err != nil {
			return ErrInvalidGenesis.Wrapf("offence %d: %s", o.Id, err)
		}
		if o.Kind == OffenceKind_OFFENCE_KIND_EQUIVOCATION {
			key := fmt.Sprintf("%d/%d/%s", o.Netuid, o.Epoch, o.Hotkey)
			if prev, dup := equivocations[key]; dup {
				return ErrInvalidGenesis.Wrapf("offences %d and %d punish the same equivocation (subnet %d, epoch %d, %s)", prev, o.Id, o.Netuid, o.Epoch, o.Hotkey)
			}
			equivocations[key] = o.Id
		}
	}
	seen := map[string]bool{}
	for _, j := range gs.Jails {
		if err := validNetuidHotkey(j.Netuid, j.Hotkey); err != nil {
			return ErrInvalidGenesis.Wrapf("jail: %s", err)
		}
		key := fmt.Sprintf("%d/%s", j.Netuid, j.Hotkey)
		if seen[key] {
			return ErrInvalidGenesis.Wrapf("two jails for %s on subnet %d", j.Hotkey, j.Netuid)
		}
		seen[key] = true
		if j.RemainingEpochs == 0 {
			return ErrInvalidGenesis.Wrapf("jail of %s on subnet %d has no remaining epochs", j.Hotkey, j.Netuid)
		}
	}
	seen = map[string]bool{}
	for _, t := range gs.Trackers {
		if err := validNetuidHotkey(t.Netuid, t.Hotkey); err != nil {
			return ErrInvalidGenesis.Wrapf("tracker: %s", err)
		}
		key := fmt.Sprintf("%d/%s", t.Netuid, t.Hotkey)
		if seen[key] {
			return ErrInvalidGenesis.Wrapf("two trackers for %s on subnet %d", t.Hotkey, t.Netuid)
		}
		seen[key] = true
	}
	return nil
}

// ValidateBasic checks an offence record's form.
func (o Offence) ValidateBasic() error {
	if _, ok := OffenceKind_name[int32(o.Kind)]; !ok || o.Kind == OffenceKind_OFFENCE_KIND_UNSPECIFIED {
		return fmt.Errorf("kind %d is not a known offence", o.Kind)
	}
	if err := validNetuidHotkey(o.Netuid, o.Hotkey); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		bad  bool
	}{
		{"slashed", o.Slashed.IsNil() || o.Slashed.IsNegative()},
		{"reward", o.Reward.IsNil() || o.Reward.IsNegative()},
		{"burned", o.Burned.IsNil() || o.Burned.IsNegative()},
	} {
		if f.bad {
			return fmt.Errorf("%s must be a non-negative amount", f.name)
		}
	}
	if !o.Reward.Add(o.Burned).Equal(o.Slashed) {
		return fmt.Errorf("reward %s + burned %s != slashed %s", o.Reward, o.Burned, o.Slashed)
	}
	return nil
}

func validNetuidHotkey(netuid uint32, hotkey string) error {
	if netuid > MaxNetuid {
		return fmt.Errorf("netuid %d: must be at most %d", netuid, MaxNetuid)
	}
	if _, err := sdk.AccAddressFromBech32(hotkey); err != nil {
		return fmt.Errorf("hotkey %q: %s", hotkey, err)
	}
	return nil
}

// MaxNetuid is the largest netuid (u16).
const MaxNetuid = 65535
