package types

// PPM is the denominator of the emission shares (parts per million).
const PPM = 1_000_000

// U16Max is the largest u16 value and the denominator of u16 fractions.
const U16Max = 65535

// Default parameter values.
const (
	// DefaultMaxEpochsPerBlock bounds the epochs per EndBlock; subnets are staggered by netuid,
	// so collisions are rare.
	DefaultMaxEpochsPerBlock uint32 = 8
	// DefaultOwnerShare is 18% of a subnet's emission for its owner.
	DefaultOwnerShare uint32 = 180_000
	// DefaultMinerShare is 41% for miners (by incentive).
	DefaultMinerShare uint32 = 410_000
	// DefaultValidatorShare is 41% for validators (by dividends).
	DefaultValidatorShare uint32 = 410_000
	// DefaultEvaluationWindow accepts evaluations for the current epoch only.
	DefaultEvaluationWindow uint64 = 0
	// DefaultEvidenceRetentionEpochs keeps evaluations for 16 epochs (about 4 days at tempo 360
	// and 6-second blocks), long enough to report an equivocation.
	DefaultEvidenceRetentionEpochs uint64 = 16
	// MaxEvaluationWindow bounds evaluation_window.
	MaxEvaluationWindow uint64 = 1_000
	// MaxEpochsPerBlockLimit bounds max_epochs_per_block.
	MaxEpochsPerBlockLimit uint32 = 1_024
	// DefaultMaxModelUpdateBytes is 256 KiB, the size limit the worker's federated peers apply
	// (inference/federated DefaultMaxUpdateBytes): an n-gram update of one epoch's count deltas fits
	// with room to spare.
	DefaultMaxModelUpdateBytes uint64 = 256 << 10
	// MaxModelUpdateBytesLimit bounds max_model_update_bytes: every peer fetches every miner's
	// update each epoch, so 256 miners at 16 MiB already make 4 GiB per peer per epoch.
	MaxModelUpdateBytesLimit uint64 = 16 << 20
)

// ModelUpdateHashSize is the length of a model update commitment's hash (sha256).
const ModelUpdateHashSize = 32

// WeightEntryGas is the gas charged per uid of a weight row (set, evaluation or reveal) on top of
// the store reads and writes, so the price of a row grows with the epoch work it creates.
const WeightEntryGas uint64 = 100

// JailInfo is what x/intelligence needs to know of a jail to explain a refused weight message.
type JailInfo struct {
	// RemainingEpochs is how many more epochs of the subnet must close before the jail ends
	// (the current one included).
	RemainingEpochs uint64
	// OffenceID is the offence that jailed the hotkey.
	OffenceID uint64
}

// DefaultParams returns the default x/intelligence parameters.
func DefaultParams() Params {
	return Params{
		MaxEpochsPerBlock:       DefaultMaxEpochsPerBlock,
		OwnerShare:              DefaultOwnerShare,
		MinerShare:              DefaultMinerShare,
		ValidatorShare:          DefaultValidatorShare,
		EvaluationWindow:        DefaultEvaluationWindow,
		EvidenceRetentionEpochs: DefaultEvidenceRetentionEpochs,
		MaxModelUpdateBytes:     DefaultMaxModelUpdateBytes,
	}
}

// Validate checks every parameter against its allowed range.
func (p Params) Validate() error {
	if p.MaxEpochsPerBlock == 0 || p.MaxEpochsPerBlock > MaxEpochsPerBlockLimit {
		return ErrInvalidParams.Wrapf("max_epochs_per_block %d: must be in [1, %d]", p.MaxEpochsPerBlock, MaxEpochsPerBlockLimit)
	}
	sum := uint64(p.OwnerShare) + uint64(p.MinerShare) + uint64(p.ValidatorShare)
	if sum != PPM {
		return ErrInvalidParams.Wrapf("owner_share %d + miner_share %d + validator_share %d = %d: must sum to %d (ppm)",
			p.OwnerShare, p.MinerShare, p.ValidatorShare, sum, PPM)
	}
	if p.EvaluationWindow > MaxEvaluationWindow {
		return ErrInvalidParams.Wrapf("evaluation_window %d: must be at most %d epochs", p.EvaluationWindow, MaxEvaluationWindow)
	}
	if p.EvidenceRetentionEpochs == 0 {
		return ErrInvalidParams.Wrap("evidence_retention_epochs 0: must be at least 1 so evaluations can be reported")
	}
	if p.MaxModelUpdateBytes > MaxModelUpdateBytesLimit {
		return ErrInvalidParams.Wrapf("max_model_update_bytes %d: must be at most %d (0 refuses every model update)", p.MaxModelUpdateBytes, MaxModelUpdateBytesLimit)
	}
	return nil
}
