package types

import "cosmossdk.io/math"

// RaoPerTAO is the number of rao in one TAO.
const RaoPerTAO int64 = 1_000_000_000

// U16Max is the denominator of u16 fractions (take, kappa, weights, consensus scores).
const U16Max = 65535

// PPM is the denominator of parts-per-million fractions.
const PPM = 1_000_000

// MaxTakeLimit is 18% of 65535: the DESIGN cap on delegation take that governance cannot exceed.
const MaxTakeLimit = 11796

// Hard limits. These are constants, not parameters: neither governance nor a subnet owner can
// exceed them, because they bound the work of one block (issue 12). An epoch costs
// max_uids × (max_validators + EpochWorkPerUID) work units (Hyperparameters.EpochWork), and
// x/intelligence runs at most MaxEpochWork units of epochs per block.
//
// The figures come from BenchmarkWorstSubnetEpoch (testutil/worstsubnet), which times the block
// running an epoch through the real app (2-core machine, CPU time): an epoch took about
// 0.45 µs × max_uids × (max_validators + 93), e.g. 173 ms for 4096 uids × 1 validator, 289 ms for
// 4096 × 64, 164 ms for 1024 × 256, 55 ms for 1024 × 64, 18 ms for 256 × 64 (the default). The
// per-uid term (reading each neuron, its stake, weights and bonds, writing its results, the
// x/slashing checks) dominates unless a subnet has ~100 validators, so the work of a subnet
// counts its uids, not only its weight matrix.
const (
	// MaxUIDsLimit is the largest number of uids a subnet may have (uids stay u16). With at least
	// one validator a subnet of more than MaxEpochWork/(1+EpochWorkPerUID) = 1351 uids could not
	// pass MaxEpochWork anyway.
	MaxUIDsLimit = 1024
	// MaxValidatorsLimit is the largest number of validator permits a subnet may have.
	MaxValidatorsLimit = 256
	// EpochWorkPerUID is the epoch work of one uid besides its weight matrix column, in units of
	// weight entries (measured: ~42 µs per uid against ~0.45 µs per entry).
	EpochWorkPerUID = 96
	// MaxEpochWork is the most epoch work (Hyperparameters.EpochWork) a subnet may have, and the
	// most x/intelligence runs in one block: about 60 ms of CPU on the benchmark machine, which
	// leaves 40% of the 100 ms target for slower nodes. The largest subnets it allows are
	// 1024 uids × 32 validators, 512 × 160 and 372 × 256.
	MaxEpochWork uint64 = 131_072
	// MinTempoLimit is the lowest tempo governance may allow subnets (min_hyperparams.tempo): the
	// worst subnet's epoch then runs at most once every MinTempoLimit+1 blocks.
	MinTempoLimit = 10
	// MaxBlockWorkLimit bounds params.max_block_work, the unbonding and dissolving entries x/subnet
	// pays out per block.
	MaxBlockWorkLimit = 10_000
	// MaxSubnetsLimit bounds params.max_subnets: every block walks all subnets to find due epochs.
	MaxSubnetsLimit = 1024
	// MaxRegistrationsPerBlockLimit bounds hyperparams.max_registrations_per_block. A registration
	// on a full 1024-uid subnet reads every neuron to choose the one it replaces (~2.3 ms CPU on
	// the benchmark machine), so 16 of them take ~40 ms (BenchmarkWorstSubnetRegistrations).
	MaxRegistrationsPerBlockLimit = 16
	// RegistrationGasPerNeuron is the gas a registration pays for each neuron it reads while
	// choosing its uid, on top of the store's gas, so that registrations across many subnets are
	// bounded by the block gas limit at about the same time per gas as the rest of the block:
	// ~3.6M gas for a registration on a full 1024-uid subnet.
	RegistrationGasPerNeuron = 3000
	// MinBurnFloor is the lowest min_burn governance may allow (min_hyperparams.min_burn), so that
	// registering a uid is never free.
	MinBurnFloor int64 = 500_000
)

// Yuma versions and liquid-alpha defaults (u16 fractions of 65535).
const (
	// DefaultRevealPeriod is the reveal period of new subnets, in epochs: with commit-reveal on, a
	// weight copier sees rows this many epochs old, which is what makes copying pay less than
	// measuring (x/intelligence/README.md).
	DefaultRevealPeriod = 3
	// MinYumaVersion is the original Yuma.
	MinYumaVersion = 2
	// MaxYumaVersion is Yuma 3.
	MaxYumaVersion = 3
	// DefaultYumaVersion is the consensus of new subnets: Yuma 3, with liquid alpha and
	// trust-weighted consensus on (x/intelligence/README.md shows what each buys).
	DefaultYumaVersion = 3
	// DefaultAlphaLow is 0.7 of 65535.
	DefaultAlphaLow = 45875
	// DefaultAlphaHigh is 0.9 of 65535.
	DefaultAlphaHigh = 58982
)

// DefaultHyperparameters returns the hyperparameters of a new subnet as in the DESIGN.
func DefaultHyperparameters() Hyperparameters {
	return Hyperparameters{
		Tempo:                    360,
		MaxUids:                  256,
		MaxValidators:            64,
		ImmunityPeriod:           5000,
		ActivityCutoff:           5000,
		WeightsRateLimit:         100,
		MinAllowedWeights:        1,
		MaxWeightLimit:           65535,
		Kappa:                    32767,
		BondsMovingAverage:       900_000,
		CommitReveal:             false,
		RevealPeriod:             DefaultRevealPeriod,
		MinBurn:                  math.NewInt(500_000),
		MaxBurn:                  math.NewInt(100 * RaoPerTAO),
		BurnHalfLife:             360,
		MaxRegistrationsPerBlock: 3,
		YumaVersion:              DefaultYumaVersion,
		BondsPenalty:             U16Max,
		LiquidAlpha:              true,
		AlphaLow:                 DefaultAlphaLow,
		AlphaHigh:                DefaultAlphaHigh,
		TrustWeightedConsensus:   true,
	}
}

// DefaultMinHyperparameters returns the default lower bounds for owner-set hyperparameters.
func DefaultMinHyperparameters() Hyperparameters {
	return Hyperparameters{
		Tempo:                    MinTempoLimit,
		MaxUids:                  1,
		MaxValidators:            1,
		ImmunityPeriod:           0,
		ActivityCutoff:           1,
		WeightsRateLimit:         0,
		MinAllowedWeights:        0,
		MaxWeightLimit:           1,
		Kappa:                    0,
		BondsMovingAverage:       0,
		RevealPeriod:             1,
		MinBurn:                  math.NewInt(MinBurnFloor),
		MaxBurn:                  math.NewInt(MinBurnFloor),
		BurnHalfLife:             1,
		MaxRegistrationsPerBlock: 1,
		YumaVersion:              MinYumaVersion,
		BondsPenalty:             0,
		AlphaLow:                 0,
		AlphaHigh:                0,
	}
}

// DefaultMaxHyperparameters returns the default upper bounds for owner-set hyperparameters.
func DefaultMaxHyperparameters() Hyperparameters {
	return Hyperparameters{
		Tempo:                    100_000,
		MaxUids:                  MaxUIDsLimit,
		MaxValidators:            MaxValidatorsLimit,
		ImmunityPeriod:           1_000_000,
		ActivityCutoff:           1_000_000,
		WeightsRateLimit:         1_000_000,
		MinAllowedWeights:        MaxUIDsLimit,
		MaxWeightLimit:           U16Max,
		Kappa:                    U16Max,
		BondsMovingAverage:       PPM,
		CommitReveal:             true,
		RevealPeriod:             100,
		MinBurn:                  math.NewInt(1000 * RaoPerTAO),
		MaxBurn:                  math.NewInt(1_000_000 * RaoPerTAO),
		BurnHalfLife:             10_000_000,
		MaxRegistrationsPerBlock: MaxRegistrationsPerBlockLimit,
		YumaVersion:              MaxYumaVersion,
		BondsPenalty:             U16Max,
		LiquidAlpha:              true,
		AlphaLow:                 U16Max,
		AlphaHigh:                U16Max,
		TrustWeightedConsensus:   true,
	}
}

// DefaultParams returns the default module parameters. Block counts assume 6-second blocks.
func DefaultParams() Params {
	return Params{
		MinLock:               math.NewInt(100 * RaoPerTAO),
		LockReductionInterval: 201_600, // 14 days
		MaxSubnets:            32,
		SubnetImmunityPeriod:  100_800, // 7 days
		MinStake:              math.NewInt(500_000),
		UnbondingBlocks:       100_800, // 7 days
		MaxUnbondingEntries:   7,
		MaxTake:               MaxTakeLimit,
		DefaultTake:           MaxTakeLimit,
		TakeRateLimit:         216_000, // 15 days
		HyperparamRateLimit:   14_400,  // 1 day
		DefaultHyperparams:    DefaultHyperparameters(),
		MinHyperparams:        DefaultMinHyperparameters(),
		MaxHyperparams:        DefaultMaxHyperparameters(),
		MaxBlockWork:          100,
	}
}

// Validate checks the parameters on their own and the hyperparameter bounds against each other.
func (p Params) Validate() error {
	if p.MinLock.IsNil() || !p.MinLock.IsPositive() {
		return ErrInvalidParams.Wrap("min_lock must be a positive rao amount")
	}
	if p.LockReductionInterval == 0 {
		return ErrInvalidParams.Wrap("lock_reduction_interval must be at least 1 block")
	}
	if p.MaxSubnets == 0 || p.MaxSubnets > MaxSubnetsLimit {
		return ErrInvalidParams.Wrapf("max_subnets %d must be in [1, %d]", p.MaxSubnets, MaxSubnetsLimit)
	}
	if p.MinStake.IsNil() || !p.MinStake.IsPositive() {
		return ErrInvalidParams.Wrap("min_stake must be a positive rao amount")
	}
	if p.MaxUnbondingEntries == 0 {
		return ErrInvalidParams.Wrap("max_unbonding_entries must be at least 1")
	}
	if p.MaxTake > MaxTakeLimit {
		return ErrInvalidParams.Wrapf("max_take %d above the 18%% cap %d", p.MaxTake, MaxTakeLimit)
	}
	if p.DefaultTake > p.MaxTake {
		return ErrInvalidParams.Wrapf("default_take %d above max_take %d", p.DefaultTake, p.MaxTake)
	}
	if p.MaxBlockWork == 0 || p.MaxBlockWork > MaxBlockWorkLimit {
		return ErrInvalidParams.Wrapf("max_block_work %d must be in [1, %d]", p.MaxBlockWork, MaxBlockWorkLimit)
	}
	// The bounds are checked field by field only: max_hyperparams may allow max_uids = 1024 and
	// max_validators = 256 separately while each subnet's own set must keep its epoch work within
	// MaxEpochWork (Hyperparameters.Validate).
	if err := p.MinHyperparams.validateFields(); err != nil {
		return ErrInvalidParams.Wrapf("min_hyperparams: %s", err)
	}
	if err := p.MaxHyperparams.validateFields(); err != nil {
		return ErrInvalidParams.Wrapf("max_hyperparams: %s", err)
	}
	if p.MinHyperparams.Tempo < MinTempoLimit {
		return ErrInvalidParams.Wrapf("min_hyperparams.tempo %d below the floor %d", p.MinHyperparams.Tempo, MinTempoLimit)
	}
	if p.MinHyperparams.MinBurn.LT(math.NewInt(MinBurnFloor)) {
		return ErrInvalidParams.Wrapf("min_hyperparams.min_burn %s below the floor %d rao", p.MinHyperparams.MinBurn, MinBurnFloor)
	}
	if err := p.DefaultHyperparams.Validate(); err != nil {
		return ErrInvalidParams.Wrapf("default_hyperparams: %s", err)
	}
	if err := p.DefaultHyperparams.ValidateWithin(p.MinHyperparams, p.MaxHyperparams); err != nil {
		return ErrInvalidParams.Wrapf("default_hyperparams outside bounds: %s", err)
	}
	return nil
}

// hyperparamField is one numeric hyperparameter, flattened so bounds can be checked uniformly.
type hyperparamField struct {
	name  string
	value uint64
}

func (h Hyperparameters) numericFields() []hyperparamField {
	return []hyperparamField{
		{"tempo", h.Tempo},
		{"max_uids", uint64(h.MaxUids)},
		{"max_validators", uint64(h.MaxValidators)},
		{"immunity_period", h.ImmunityPeriod},
		{"activity_cutoff", h.ActivityCutoff},
		{"weights_rate_limit", h.WeightsRateLimit},
		{"min_allowed_weights", uint64(h.MinAllowedWeights)},
		{"max_weight_limit", uint64(h.MaxWeightLimit)},
		{"kappa", uint64(h.Kappa)},
		{"bonds_moving_average", h.BondsMovingAverage},
		{"reveal_period", h.RevealPeriod},
		{"burn_half_life", h.BurnHalfLife},
		{"max_registrations_per_block", h.MaxRegistrationsPerBlock},
		{"yuma_version", uint64(h.YumaVersion)},
		{"bonds_penalty", uint64(h.BondsPenalty)},
		{"alpha_low", uint64(h.AlphaLow)},
		{"alpha_high", uint64(h.AlphaHigh)},
	}
}

// EpochWork is the cost of one epoch of a subnet with these hyperparameters:
// max_uids × (max_validators + EpochWorkPerUID), its weight and bond matrices plus the per-uid
// reads and writes, which cost as much as EpochWorkPerUID matrix entries each.
func (h Hyperparameters) EpochWork() uint64 {
	return uint64(h.MaxUids) * (uint64(h.MaxValidators) + EpochWorkPerUID)
}

// Validate checks the intrinsic constraints of a hyperparameter set, including that its epoch
// fits the per-block budget MaxEpochWork.
func (h Hyperparameters) Validate() error {
	if err := h.validateFields(); err != nil {
		return err
	}
	if h.EpochWork() > MaxEpochWork {
		return ErrInvalidHyperparams.Wrapf("max_uids %d × (max_validators %d + %d) = %d above the epoch work limit %d",
			h.MaxUids, h.MaxValidators, EpochWorkPerUID, h.EpochWork(), MaxEpochWork)
	}
	return nil
}

// validateFields checks each field against its hard limit, and the fields against each other.
func (h Hyperparameters) validateFields() error {
	switch {
	case h.Tempo == 0:
		return ErrInvalidHyperparams.Wrap("tempo must be at least 1 block")
	case h.MaxUids == 0 || h.MaxUids > MaxUIDsLimit:
		return ErrInvalidHyperparams.Wrapf("max_uids %d must be in [1, %d]", h.MaxUids, MaxUIDsLimit)
	case h.MaxValidators == 0 || h.MaxValidators > h.MaxUids || h.MaxValidators > MaxValidatorsLimit:
		return ErrInvalidHyperparams.Wrapf("max_validators %d must be in [1, min(max_uids=%d, %d)]", h.MaxValidators, h.MaxUids, MaxValidatorsLimit)
	case h.ActivityCutoff == 0:
		return ErrInvalidHyperparams.Wrap("activity_cutoff must be at least 1 block")
	case h.MinAllowedWeights > h.MaxUids:
		return ErrInvalidHyperparams.Wrapf("min_allowed_weights %d above max_uids %d", h.MinAllowedWeights, h.MaxUids)
	case h.MaxWeightLimit == 0 || h.MaxWeightLimit > U16Max:
		return ErrInvalidHyperparams.Wrapf("max_weight_limit %d must be in [1, %d]", h.MaxWeightLimit, U16Max)
	case h.Kappa > U16Max:
		return ErrInvalidHyperparams.Wrapf("kappa %d above %d", h.Kappa, U16Max)
	case h.BondsMovingAverage > PPM:
		return ErrInvalidHyperparams.Wrapf("bonds_moving_average %d above %d ppm", h.BondsMovingAverage, PPM)
	case h.RevealPeriod == 0:
		return ErrInvalidHyperparams.Wrap("reveal_period must be at least 1 epoch")
	case h.BurnHalfLife == 0:
		return ErrInvalidHyperparams.Wrap("burn_half_life must be at least 1 block")
	case h.MaxRegistrationsPerBlock == 0 || h.MaxRegistrationsPerBlock > MaxRegistrationsPerBlockLimit:
		return ErrInvalidHyperparams.Wrapf("max_registrations_per_block %d must be in [1, %d]",
			h.MaxRegistrationsPerBlock, MaxRegistrationsPerBlockLimit)
	case h.YumaVersion < MinYumaVersion || h.YumaVersion > MaxYumaVersion:
		return ErrInvalidHyperparams.Wrapf("yuma_version %d must be %d (original Yuma) or %d (Yuma 3)", h.YumaVersion, MinYumaVersion, MaxYumaVersion)
	case h.BondsPenalty > U16Max:
		return ErrInvalidHyperparams.Wrapf("bonds_penalty %d above %d", h.BondsPenalty, U16Max)
	case h.AlphaHigh > U16Max || h.AlphaLow > h.AlphaHigh:
		return ErrInvalidHyperparams.Wrapf("alpha_low %d and alpha_high %d must satisfy alpha_low ≤ alpha_high ≤ %d", h.AlphaLow, h.AlphaHigh, U16Max)
	case h.MinBurn.IsNil() || h.MinBurn.IsNegative():
		return ErrInvalidHyperparams.Wrap("min_burn must be a non-negative rao amount")
	case h.MaxBurn.IsNil() || h.MaxBurn.LT(h.MinBurn):
		return ErrInvalidHyperparams.Wrapf("max_burn %s below min_burn %s", h.MaxBurn, h.MinBurn)
	}
	return nil
}

// ValidateWithin checks that every numeric hyperparameter lies in [lo, hi] field by field. Booleans
// (commit_reveal) are not bounded unless hi disables them: commit_reveal may only be true if hi allows it.
// federated is the owner's choice alone: it changes no consensus, and the state it adds is one small
// record per uid (x/intelligence's latest model update commitment), paid for by the committing
// hotkey; leaving it unbounded also means chains whose max_hyperparams predate it need no migration.
func (h Hyperparameters) ValidateWithin(lo, hi Hyperparameters) error {
	vals, los, his := h.numericFields(), lo.numericFields(), hi.numericFields()
	for i, f := range vals {
		if f.value < los[i].value || f.value > his[i].value {
			return ErrInvalidHyperparams.Wrapf("%s = %d outside the governance bounds [%d, %d]",
				f.name, f.value, los[i].value, his[i].value)
		}
	}
	if h.MinBurn.LT(lo.MinBurn) || h.MinBurn.GT(hi.MinBurn) {
		return ErrInvalidHyperparams.Wrapf("min_burn = %s outside the governance bounds [%s, %s]", h.MinBurn, lo.MinBurn, hi.MinBurn)
	}
	if h.MaxBurn.LT(lo.MaxBurn) || h.MaxBurn.GT(hi.MaxBurn) {
		return ErrInvalidHyperparams.Wrapf("max_burn = %s outside the governance bounds [%s, %s]", h.MaxBurn, lo.MaxBurn, hi.MaxBurn)
	}
	if h.CommitReveal && !hi.CommitReveal {
		return ErrInvalidHyperparams.Wrap("commit_reveal is disabled by governance")
	}
	if h.LiquidAlpha && !hi.LiquidAlpha {
		return ErrInvalidHyperparams.Wrap("liquid_alpha is disabled by governance")
	}
	if h.TrustWeightedConsensus && !hi.TrustWeightedConsensus {
		return ErrInvalidHyperparams.Wrap("trust_weighted_consensus is disabled by governance")
	}
	return nil
}
