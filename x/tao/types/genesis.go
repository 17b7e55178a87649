package types

import "cosmossdk.io/math"

// NewEmissionTotals returns all-zero totals.
func NewEmissionTotals() EmissionTotals {
	return EmissionTotals{
		Minted:   math.ZeroInt(),
		Security: math.ZeroInt(),
		Pending:  math.ZeroInt(),
		Released: math.ZeroInt(),
		PaidOut:  math.ZeroInt(),
	}
}

// Validate checks that every total is non-negative and that
// minted = security + pending + released + paid_out.
func (t EmissionTotals) Validate() error {
	fields := []struct {
		name string
		v    math.Int
	}{
		{"minted", t.Minted}, {"security", t.Security}, {"pending", t.Pending},
		{"released", t.Released}, {"paid_out", t.PaidOut},
	}
	for _, f := range fields {
		if f.v.IsNil() || f.v.IsNegative() {
			return ErrInvalidGenesis.Wrapf("totals.%s %s: must be non-negative", f.name, f.v)
		}
	}
	accounted := t.Security.Add(t.Pending).Add(t.Released).Add(t.PaidOut)
	if !t.Minted.Equal(accounted) {
		return ErrInvalidGenesis.Wrapf("totals.minted %s: must equal security + pending + released + paid_out = %s",
			t.Minted, accounted)
	}
	return nil
}

// NewGenesisState returns a GenesisState.
func NewGenesisState(params Params, pending []PendingEmission, totals EmissionTotals) *GenesisState {
	return &GenesisState{Params: params, PendingEmissions: pending, Totals: totals}
}

// DefaultGenesisState returns the default genesis: default params, nothing pending, zero totals.
func DefaultGenesisState() *GenesisState {
	return NewGenesisState(DefaultParams(), []PendingEmission{}, NewEmissionTotals())
}

// Validate checks the params, that pending emissions are sorted by strictly ascending netuid
// within 0..65535 with positive amounts, and that the totals are consistent with them.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	sum := math.ZeroInt()
	for i, pe := range gs.PendingEmissions {
		if pe.Netuid > MaxNetuid {
			return ErrInvalidGenesis.Wrapf("pending_emissions[%d]: netuid %d exceeds %d", i, pe.Netuid, MaxNetuid)
		}
		if i > 0 && pe.Netuid <= gs.PendingEmissions[i-1].Netuid {
			return ErrInvalidGenesis.Wrapf("pending_emissions[%d]: netuid %d must be greater than the previous %d (sorted, unique)",
				i, pe.Netuid, gs.PendingEmissions[i-1].Netuid)
		}
		if pe.Amount.IsNil() || !pe.Amount.IsPositive() {
			return ErrInvalidGenesis.Wrapf("pending_emissions[%d]: amount %s for netuid %d must be positive", i, pe.Amount, pe.Netuid)
		}
		sum = sum.Add(pe.Amount)
	}
	if err := gs.Totals.Validate(); err != nil {
		return err
	}
	if !gs.Totals.Pending.Equal(sum) {
		return ErrInvalidGenesis.Wrapf("totals.pending %s: must equal the sum of pending_emissions %s", gs.Totals.Pending, sum)
	}
	return nil
}
