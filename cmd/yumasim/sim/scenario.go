package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Behaviours of a validator: how it chooses its weight row each epoch.
const (
	// BehaviourFixed takes the row from the scenario's weight phases.
	BehaviourFixed = "fixed"
	// BehaviourHonest measures every miner's true quality with Gaussian
	// noise of standard deviation Noise and weights by the measurement.
	BehaviourHonest = "honest"
	// BehaviourCopier sets the stake-weighted mean of the weight rows the
	// other validators published in the previous epoch; it measures
	// nothing itself.
	BehaviourCopier = "copier"
	// BehaviourCartel puts all its weight on the miner named in Target.
	BehaviourCartel = "cartel"
)

// Key figure kinds, the one number a scenario is about.
const (
	// FigureRelativeDividends is A's total dividends per unit of stake
	// relative to its fair share (1 = paid exactly its stake share).
	FigureRelativeDividends = "relative_dividends"
	// FigureDividendRatio is A's relative dividends divided by B's.
	FigureDividendRatio = "dividend_ratio"
	// FigureOutEarns is the fraction of epochs from FromEpoch on in which
	// miner A's incentive exceeds miner B's.
	FigureOutEarns = "out_earns"
	// FigureCatchUp is the number of epochs, counted from A's join epoch,
	// until A's dividends per stake first reach Threshold times the mean
	// dividends per stake of the validators present from epoch 0 (-1 if
	// never).
	FigureCatchUp = "catch_up"
)

// Scenario is one simulation: who takes part, how validators weight, the
// subnet hyperparameters and how many epochs to run. It is what a scenario
// JSON file holds.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Epochs is the number of epochs to run.
	Epochs int `json:"epochs"`
	// Seed seeds the noise of honest validators.
	Seed   uint64 `json:"seed,omitempty"`
	Params Params `json:"params"`
	// Validators get uids 0..len-1 in this order, miners the uids after.
	Validators []Validator `json:"validators"`
	Miners     []Miner     `json:"miners"`
	// Phases give the rows of fixed validators: each phase applies from
	// its FromEpoch until the next phase starts.
	Phases []Phase `json:"phases,omitempty"`
	// KeyFigures are printed below the table.
	KeyFigures []KeyFigure `json:"key_figures,omitempty"`
}

// Params are the subnet hyperparameters, as fractions where the chain uses
// u16 or ppm proportions.
type Params struct {
	// Kappa is the consensus majority (chain: kappa/65535).
	Kappa float64 `json:"kappa"`
	// BondsMovingAverage is how much of the previous bonds the EMA keeps
	// each epoch (chain: bonds_moving_average/10^6).
	BondsMovingAverage float64 `json:"bonds_moving_average"`
	MaxValidators      int     `json:"max_validators"`
	// Version is the Yuma version: 2 (classic) or 3.
	Version int `json:"version"`
	// BondsPenalty, LiquidAlpha, AlphaLow and AlphaHigh are Yuma 3's
	// (fractions of 1; chain: u16 proportions).
	BondsPenalty float64 `json:"bonds_penalty"`
	LiquidAlpha  bool    `json:"liquid_alpha"`
	AlphaLow     float64 `json:"alpha_low"`
	AlphaHigh    float64 `json:"alpha_high"`
	// CommitReveal and RevealPeriod are the chain's commit-reveal
	// hyperparameters. A copier reads the rows revealed by now: with
	// commit-reveal those set RevealPeriod epochs earlier (at least 1),
	// without it the rows of the current epoch.
	CommitReveal bool `json:"commit_reveal,omitempty"`
	RevealPeriod int  `json:"reveal_period,omitempty"`
	// TrustWeightedConsensus is Yuma 3's second, trust-weighted consensus
	// pass (chain: trust_weighted_consensus).
	TrustWeightedConsensus bool `json:"trust_weighted_consensus,omitempty"`
}

// Validator is a neuron that holds stake and sets weights.
type Validator struct {
	Name string `json:"name"`
	// Stake in TAO; only ratios between stakes matter.
	Stake float64 `json:"stake"`
	// Behaviour is one of the Behaviour constants; empty means fixed.
	Behaviour string `json:"behaviour,omitempty"`
	// Noise is the standard deviation of an honest validator's
	// measurement of a miner's quality.
	Noise float64 `json:"noise,omitempty"`
	// ScoreEMA is the weight of the newest measurement in an honest
	// validator's per-miner score EMA, as taoworker's --score-ema-alpha
	// (its default is 0.3); 0 or 1 keeps no memory. The first measurement
	// of a miner starts its average.
	ScoreEMA float64 `json:"score_ema,omitempty"`
	// Target is the miner a cartel validator weights.
	Target string `json:"target,omitempty"`
	// JoinEpoch is the epoch at which the validator registers and
	// stakes; before it the uid is empty.
	JoinEpoch int `json:"join_epoch,omitempty"`
}

// Miner is a neuron that serves and is weighted.
type Miner struct {
	Name string `json:"name"`
	// Quality is the true quality at epoch 0 that honest validators
	// measure; Drift is added to it every epoch (clamped to [0, 1]).
	Quality float64 `json:"quality,omitempty"`
	Drift   float64 `json:"drift,omitempty"`
	// ReregisterEpochs are epochs at which a new occupant registers into
	// the miner's uid, which resets the bonds held on it.
	ReregisterEpochs []int `json:"reregister_epochs,omitempty"`
}

// Phase sets the weight rows of fixed validators from FromEpoch on.
type Phase struct {
	FromEpoch int `json:"from_epoch"`
	// Rows holds one row per validator (in validator order) with one
	// weight per miner (in miner order); only ratios within a row matter.
	// A missing or empty row sets no weights.
	Rows [][]float64 `json:"rows"`
}

// KeyFigure names one summary number; A and B are validator or miner names
// depending on Kind.
type KeyFigure struct {
	Kind      string  `json:"kind"`
	A         string  `json:"a"`
	B         string  `json:"b,omitempty"`
	Threshold float64 `json:"threshold,omitempty"`
	// FromEpoch (out_earns) skips the epochs before it.
	FromEpoch int `json:"from_epoch,omitempty"`
}

// DefaultParams are the hyperparameters the chain gives a new subnet
// (x/subnet's DefaultHyperparameters), as fractions.
func DefaultParams() Params {
	hp := subnettypes.DefaultHyperparameters()
	u16 := func(v uint32) float64 { return float64(v) / math.MaxUint16 }
	return Params{
		Kappa:                  u16(hp.Kappa),
		BondsMovingAverage:     float64(hp.BondsMovingAverage) / 1e6,
		MaxValidators:          int(hp.MaxValidators),
		Version:                int(hp.YumaVersion),
		BondsPenalty:           u16(hp.BondsPenalty),
		LiquidAlpha:            hp.LiquidAlpha,
		AlphaLow:               u16(hp.AlphaLow),
		AlphaHigh:              u16(hp.AlphaHigh),
		TrustWeightedConsensus: hp.TrustWeightedConsensus,
		CommitReveal:           hp.CommitReveal,
		RevealPeriod:           int(hp.RevealPeriod),
	}
}

// Load reads a scenario JSON file. Unknown fields are an error, so a typo
// does not silently fall back to a default.
func Load(path string) (Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return Scenario{}, err
	}
	defer f.Close()
	return Decode(f)
}

// Decode parses and validates a scenario.
func Decode(r io.Reader) (Scenario, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var sc Scenario
	if err := dec.Decode(&sc); err != nil {
		return Scenario{}, fmt.Errorf("scenario: %w", err)
	}
	return sc, sc.Validate()
}

// Encode writes sc as indented JSON.
func (sc Scenario) Encode(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sc); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Validate reports the first thing that makes sc impossible to run.
func (sc Scenario) Validate() error {
	p := sc.Params
	switch {
	case sc.Name == "":
		return errors.New("scenario: name is empty")
	case sc.Epochs <= 0 || sc.Epochs > 100_000:
		return fmt.Errorf("scenario %s: epochs %d not in 1..100000", sc.Name, sc.Epochs)
	case len(sc.Validators) == 0 || len(sc.Miners) == 0:
		return fmt.Errorf("scenario %s: needs at least one validator and one miner", sc.Name)
	case len(sc.Validators)+len(sc.Miners) > math.MaxUint16:
		return fmt.Errorf("scenario %s: too many neurons", sc.Name)
	case !fraction(p.Kappa) || !fraction(p.BondsMovingAverage) || !fraction(p.BondsPenalty) ||
		!fraction(p.AlphaLow) || !fraction(p.AlphaHigh):
		return fmt.Errorf("scenario %s: kappa, bonds_moving_average, bonds_penalty, alpha_low and alpha_high must be in [0, 1]", sc.Name)
	case p.AlphaLow > p.AlphaHigh:
		return fmt.Errorf("scenario %s: alpha_low %v above alpha_high %v", sc.Name, p.AlphaLow, p.AlphaHigh)
	case p.RevealPeriod < 0 || p.RevealPeriod > 100:
		return fmt.Errorf("scenario %s: reveal_period %d not in 0..100", sc.Name, p.RevealPeriod)
	case p.MaxValidators <= 0 || p.MaxValidators > math.MaxUint16:
		return fmt.Errorf("scenario %s: max_validators %d not in 1..65535", sc.Name, p.MaxValidators)
	case p.Version != 2 && p.Version != 3:
		return fmt.Errorf("scenario %s: version %d is neither 2 nor 3", sc.Name, p.Version)
	}
	names := map[string]bool{}
	miners := map[string]bool{}
	for _, m := range sc.Miners {
		if m.Name == "" || names[m.Name] {
			return fmt.Errorf("scenario %s: miner name %q empty or repeated", sc.Name, m.Name)
		}
		names[m.Name], miners[m.Name] = true, true
	}
	for _, v := range sc.Validators {
		if v.Name == "" || names[v.Name] {
			return fmt.Errorf("scenario %s: validator name %q empty or repeated", sc.Name, v.Name)
		}
		names[v.Name] = true
		if v.Stake <= 0 || v.Stake > 1e9 || math.IsNaN(v.Stake) {
			return fmt.Errorf("scenario %s: validator %s stake %v not in (0, 1e9] TAO", sc.Name, v.Name, v.Stake)
		}
		if v.JoinEpoch < 0 || v.Noise < 0 {
			return fmt.Errorf("scenario %s: validator %s has a negative join_epoch or noise", sc.Name, v.Name)
		}
		if !fraction(v.ScoreEMA) {
			return fmt.Errorf("scenario %s: validator %s score_ema %v not in [0, 1]", sc.Name, v.Name, v.ScoreEMA)
		}
		switch v.Behaviour {
		case "", BehaviourFixed, BehaviourHonest, BehaviourCopier:
		case BehaviourCartel:
			if !miners[v.Target] {
				return fmt.Errorf("scenario %s: cartel validator %s targets unknown miner %q", sc.Name, v.Name, v.Target)
			}
		default:
			return fmt.Errorf("scenario %s: validator %s has unknown behaviour %q", sc.Name, v.Name, v.Behaviour)
		}
	}
	for i, ph := range sc.Phases {
		if i > 0 && ph.FromEpoch <= sc.Phases[i-1].FromEpoch {
			return fmt.Errorf("scenario %s: phases must have increasing from_epoch", sc.Name)
		}
		if len(ph.Rows) > len(sc.Validators) {
			return fmt.Errorf("scenario %s: phase %d has %d rows for %d validators", sc.Name, i, len(ph.Rows), len(sc.Validators))
		}
		for _, row := range ph.Rows {
			if len(row) > len(sc.Miners) {
				return fmt.Errorf("scenario %s: phase %d has a row longer than the %d miners", sc.Name, i, len(sc.Miners))
			}
			for _, w := range row {
				if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
					return fmt.Errorf("scenario %s: phase %d has a negative or non-finite weight", sc.Name, i)
				}
			}
		}
	}
	for _, kf := range sc.KeyFigures {
		switch kf.Kind {
		case FigureRelativeDividends, FigureCatchUp:
			if !names[kf.A] || miners[kf.A] {
				return fmt.Errorf("scenario %s: key figure %s needs validator a, got %q", sc.Name, kf.Kind, kf.A)
			}
		case FigureDividendRatio:
			if !names[kf.A] || miners[kf.A] || !names[kf.B] || miners[kf.B] {
				return fmt.Errorf("scenario %s: key figure %s needs validators a and b", sc.Name, kf.Kind)
			}
		case FigureOutEarns:
			if kf.FromEpoch < 0 || kf.FromEpoch >= sc.Epochs {
				return fmt.Errorf("scenario %s: key figure %s from_epoch %d not in 0..%d", sc.Name, kf.Kind, kf.FromEpoch, sc.Epochs-1)
			}
			if !miners[kf.A] || !miners[kf.B] {
				return fmt.Errorf("scenario %s: key figure %s needs miners a and b", sc.Name, kf.Kind)
			}
		default:
			return fmt.Errorf("scenario %s: unknown key figure kind %q", sc.Name, kf.Kind)
		}
	}
	return nil
}

func fraction(x float64) bool { return x >= 0 && x <= 1 }
