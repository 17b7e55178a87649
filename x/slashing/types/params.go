package types

import "cosmossdk.io/math"

var (
	// DefaultEquivocationSlash is 5% of the hotkey's stake in the subnet.
	DefaultEquivocationSlash = math.LegacyNewDecWithPrec(5, 2)
	// DefaultReporterReward is 10% of the slashed amount.
	DefaultReporterReward = math.LegacyNewDecWithPrec(1, 1)
	// DefaultLivenessSlash is 0: a silent validator only loses its permit.
	DefaultLivenessSlash = math.LegacyZeroDec()
)

const (
	// DefaultJailEpochs keeps an offender without a permit for 10 epochs (1 hour at tempo 360).
	DefaultJailEpochs = 10
	// DefaultMaxMissedEpochs allows 3 silent epochs in a row.
	DefaultMaxMissedEpochs = 3
	// DefaultMinUsefulEpochs deregisters a neuron after 10 epochs in a row with zero incentive.
	DefaultMinUsefulEpochs = 10
	// MaxEpochCount bounds the epoch-count params (about 10 years of 6 s blocks at tempo 1).
	MaxEpochCount = 1 << 26
)

// DefaultParams returns the default intelligence slashing params.
func DefaultParams() Params {
	return Params{
		EquivocationSlash: DefaultEquivocationSlash,
		ReporterReward:    DefaultReporterReward,
		JailEpochs:        DefaultJailEpochs,
		MaxMissedEpochs:   DefaultMaxMissedEpochs,
		LivenessSlash:     DefaultLivenessSlash,
		MinUsefulEpochs:   DefaultMinUsefulEpochs,
	}
}

// Validate checks that every parameter is within its allowed range.
func (p Params) Validate() error {
	one := math.LegacyOneDec()
	if p.EquivocationSlash.IsNil() || p.EquivocationSlash.IsNegative() || p.EquivocationSlash.GTE(one) {
		return ErrInvalidParams.Wrapf("equivocation_slash %s: must be in [0, 1)", p.EquivocationSlash)
	}
	if p.ReporterReward.IsNil() || p.ReporterReward.IsNegative() || p.ReporterReward.GT(one) {
		return ErrInvalidParams.Wrapf("reporter_reward %s: must be in [0, 1]", p.ReporterReward)
	}
	if p.LivenessSlash.IsNil() || p.LivenessSlash.IsNegative() || p.LivenessSlash.GTE(one) {
		return ErrInvalidParams.Wrapf("liveness_slash %s: must be in [0, 1)", p.LivenessSlash)
	}
	for _, f := range []struct {
		name string
		v    uint64
	}{{"jail_epochs", p.JailEpochs}, {"max_missed_epochs", p.MaxMissedEpochs}, {"min_useful_epochs", p.MinUsefulEpochs}} {
		if f.v > MaxEpochCount {
			return ErrInvalidParams.Wrapf("%s %d: must be at most %d", f.name, f.v, MaxEpochCount)
		}
	}
	return nil
}
