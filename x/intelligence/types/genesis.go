package types

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesisState returns the genesis state with default params and no state.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

func validateRow(what string, netuid, uid uint32, entries []WeightEntry) error {
	if netuid > U16Max || uid > U16Max {
		return ErrInvalidGenesis.Wrapf("%s (%d, %d): netuid and uid must be at most %d", what, netuid, uid, U16Max)
	}
	for i, e := range entries {
		if e.Uid > U16Max || e.Value > U16Max || e.Value == 0 {
			return ErrInvalidGenesis.Wrapf("%s (%d, %d) entry %d: uid and value must be in u16 and value positive", what, netuid, uid, i)
		}
		if i > 0 && entries[i-1].Uid >= e.Uid {
			return ErrInvalidGenesis.Wrapf("%s (%d, %d): entries must be sorted by uid without repeats", what, netuid, uid)
		}
	}
	return nil
}

func validateAddr(what, s string) error {
	if _, err := sdk.AccAddressFromBech32(s); err != nil {
		return ErrInvalidGenesis.Wrapf("%s %q: %s", what, s, err)
	}
	return nil
}

// Validate checks the genesis state: params, value ranges, and no duplicate keys.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	seen := map[string]bool{}
	dup := func(key string) error {
		if seen[key] {
			return ErrInvalidGenesis.Wrapf("duplicate entry %s", key)
		}
		seen[key] = true
		return nil
	}
	for _, r := range gs.Weights {
		if err := validateRow("weights", r.Netuid, r.Uid, r.Weights); err != nil {
			return err
		}
		if err := validateAddr("weights hotkey", r.Hotkey); err != nil {
			return err
		}
		if err := dup(fmt.Sprintf("weights/%d/%d", r.Netuid, r.Uid)); err != nil {
			return err
		}
	}
	for _, r := range gs.Bonds {
		if err := validateRow("bonds", r.Netuid, r.Uid, r.Bonds); err != nil {
			return err
		}
		for i, b := range r.FixedBonds {
			if b.Uid > U16Max || b.Value <= 0 || (i > 0 && r.FixedBonds[i-1].Uid >= b.Uid) {
				return ErrInvalidGenesis.Wrapf("bonds (%d, %d) fixed entry %d: uids must be u16, sorted without repeats, values positive", r.Netuid, r.Uid, i)
			}
		}
		if err := dup(fmt.Sprintf("bonds/%d/%d", r.Netuid, r.Uid)); err != nil {
			return err
		}
	}
	for _, e := range gs.Evaluations {
		ev := e.Signed.Evaluation
		if err := e.Validate(); err != nil {
			return ErrInvalidGenesis.Wrapf("evaluation (%d, %d, %s): %s", ev.Netuid, ev.Epoch, ev.ValidatorHotkey, err)
		}
		if err := validateAddr("evaluation submitter", e.Submitter); err != nil {
			return err
		}
		if err := dup(fmt.Sprintf("evaluation/%d/%d/%s", ev.Netuid, ev.Epoch, ev.ValidatorHotkey)); err != nil {
			return err
		}
	}
	for _, n := range gs.Nonces {
		if n.Netuid > U16Max {
			return ErrInvalidGenesis.Wrapf("nonce netuid %d: must be at most %d", n.Netuid, U16Max)
		}
		if err := validateAddr("nonce hotkey", n.Hotkey); err != nil {
			return err
		}
		if err := dup(fmt.Sprintf("nonce/%d/%s", n.Netuid, n.Hotkey)); err != nil {
			return err
		}
	}
	for _, c := range gs.Commits {
		if c.Netuid > U16Max {
			return ErrInvalidGenesis.Wrapf("commit netuid %d: must be at most %d", c.Netuid, U16Max)
		}
		if err := validateAddr("commit hotkey", c.Hotkey); err != nil {
			return err
		}
		if len(c.CommitHash) != CommitHashSize || c.RevealEpoch < c.CommitEpoch {
			return ErrInvalidGenesis.Wrapf("commit (%d, %s): hash must be %d bytes and reveal_epoch ≥ commit_epoch", c.Netuid, c.Hotkey, CommitHashSize)
		}
		if err := dup(fmt.Sprintf("commit/%d/%s/%d", c.Netuid, c.Hotkey, c.RevealEpoch)); err != nil {
			return err
		}
	}
	for _, r := range gs.LastEpochs {
		if r.Netuid > U16Max {
			return ErrInvalidGenesis.Wrapf("last epoch netuid %d: must be at most %d", r.Netuid, U16Max)
		}
		for _, v := range []struct {
			name string
			ok   bool
		}{
			{"emission", !r.Emission.IsNil() && !r.Emission.IsNegative()},
			{"owner_emission", !r.OwnerEmission.IsNil() && !r.OwnerEmission.IsNegative()},
			{"miner_emission", !r.MinerEmission.IsNil() && !r.MinerEmission.IsNegative()},
			{"validator_emission", !r.ValidatorEmission.IsNil() && !r.ValidatorEmission.IsNegative()},
			{"take_emission", !r.TakeEmission.IsNil() && !r.TakeEmission.IsNegative()},
		} {
			if !v.ok {
				return ErrInvalidGenesis.Wrapf("last epoch of subnet %d: %s must be non-negative", r.Netuid, v.name)
			}
		}
		if err := dup(fmt.Sprintf("last_epoch/%d", r.Netuid)); err != nil {
			return err
		}
	}
	for _, q := range gs.EpochQueue {
		if q.Netuid > U16Max {
			return ErrInvalidGenesis.Wrapf("queued epoch netuid %d: must be at most %d", q.Netuid, U16Max)
		}
		if err := dup(fmt.Sprintf("queue/%d", q.Netuid)); err != nil {
			return err
		}
	}
	for _, sc := range gs.Schedules {
		if sc.Netuid > U16Max {
			return ErrInvalidGenesis.Wrapf("schedule netuid %d: must be at most %d", sc.Netuid, U16Max)
		}
		if sc.Tempo == 0 || sc.NextEpochHeight < sc.StartHeight {
			return ErrInvalidGenesis.Wrapf("schedule of subnet %d: tempo must be positive and next_epoch_height %d not before start_height %d",
				sc.Netuid, sc.NextEpochHeight, sc.StartHeight)
		}
		if sc.HeightOffset < 0 {
			return ErrInvalidGenesis.Wrapf("schedule of subnet %d: height_offset %d must not be negative", sc.Netuid, sc.HeightOffset)
		}
		if err := dup(fmt.Sprintf("schedule/%d", sc.Netuid)); err != nil {
			return err
		}
	}
	for _, w := range gs.WorkMarks {
		if w.Netuid > U16Max || w.Uid > U16Max {
			return ErrInvalidGenesis.Wrapf("work mark (%d, %d): netuid and uid must be at most %d", w.Netuid, w.Uid, U16Max)
		}
		if err := dup(fmt.Sprintf("work/%d/%d", w.Netuid, w.Uid)); err != nil {
			return err
		}
	}
	for _, m := range gs.ModelUpdates {
		if err := m.Validate(); err != nil {
			return ErrInvalidGenesis.Wrapf("model update (%d, %d): %s", m.Netuid, m.Uid, err)
		}
		if err := dup(fmt.Sprintf("model_update/%d/%d", m.Netuid, m.Uid)); err != nil {
			return err
		}
		// A hotkey holds one uid per subnet, so it has at most one commitment there.
		if err := dup(fmt.Sprintf("model_update/%d/%s", m.Netuid, m.Hotkey)); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a stored model update commitment on its own: netuid and uid in u16, a valid
// hotkey, a 32-byte hash and a positive size, and the same of the commitment it replaced, if any,
// which must be for the epoch before and from an earlier block (CommitModelUpdate keeps no other).
// The sizes are not checked against max_model_update_bytes, which governance may have lowered
// since the commitment.
func (m ModelUpdateCommitment) Validate() error {
	if m.Netuid > U16Max || m.Uid > U16Max {
		return ErrInvalidModelUpdate.Wrapf("netuid %d and uid %d must be at most %d", m.Netuid, m.Uid, U16Max)
	}
	if _, err := sdk.AccAddressFromBech32(m.Hotkey); err != nil {
		return ErrInvalidModelUpdate.Wrapf("hotkey %q: %s", m.Hotkey, err)
	}
	if len(m.Hash) != ModelUpdateHashSize {
		return ErrInvalidModelUpdate.Wrapf("hash has %d bytes, want %d (sha256)", len(m.Hash), ModelUpdateHashSize)
	}
	if m.Size_ == 0 {
		return ErrInvalidModelUpdate.Wrap("size 0: an update is at least one byte")
	}
	if p := m.Previous; p != nil {
		if len(p.Hash) != ModelUpdateHashSize {
			return ErrInvalidModelUpdate.Wrapf("previous: hash has %d bytes, want %d (sha256)", len(p.Hash), ModelUpdateHashSize)
		}
		if p.Size_ == 0 {
			return ErrInvalidModelUpdate.Wrap("previous: size 0: an update is at least one byte")
		}
		if m.Epoch == 0 || p.Epoch != m.Epoch-1 {
			return ErrInvalidModelUpdate.Wrapf("previous is for epoch %d; only the epoch before the commitment's %d is kept", p.Epoch, m.Epoch)
		}
		if p.Height >= m.Height {
			return ErrInvalidModelUpdate.Wrapf("previous at height %d, not before the commitment's %d", p.Height, m.Height)
		}
	}
	return nil
}
