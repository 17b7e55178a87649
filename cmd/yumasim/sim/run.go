package sim

import (
	"fmt"
	"math"

	"github.com/taochain/taochain/x/intelligence/yuma"
)

// Tempo is the number of blocks between two simulated epochs. Only the
// order of blocks matters to Yuma (activity, outdated weights, bond
// resets), not their number.
const Tempo = 100

// activityCutoff keeps every validator that set weights in the epoch
// active, as subtensor's default of 5000 blocks does at tempo 360.
const activityCutoff = 50 * Tempo

// raoPerTAO converts scenario stakes to the u64 rao Yuma normalizes.
const raoPerTAO = 1e9

// Result is a finished simulation: the scenario as run and one record per
// epoch.
type Result struct {
	Scenario Scenario
	Epochs   []Epoch
}

// Epoch records one epoch. Slices indexed by uid have one entry per neuron
// (validators first, then miners); Bonds is [validator][miner].
type Epoch struct {
	Epoch int
	// Stake is each uid's stake in TAO (0 before a validator joins).
	Stake []float64
	// StakeShare is a validator's share of the stake of the validators
	// that have joined: the share of dividends that would be fair.
	StakeShare []float64
	// Permit is the validator permit held going into the epoch.
	Permit []bool
	// Weights holds the row each validator set, normalized to sum 1 (nil
	// if it set none).
	Weights [][]float64
	// Dividends, Incentive, Consensus, Trust and ValidatorTrust are the
	// epoch's Output as fractions.
	Dividends      []float64
	Incentive      []float64
	Consensus      []float64
	Trust          []float64
	ValidatorTrust []float64
	// Bonds[i][j] is validator i's share of all bonds held on miner j
	// after the epoch (each miner's column sums to 1 or 0).
	Bonds [][]float64
}

// Run simulates sc epoch by epoch through yuma.Epoch. The first epoch
// starts with the permits the stakes would have earned in an epoch before
// it, so validators present at the start are counted from epoch 0.
func Run(sc Scenario) (Result, error) {
	if err := sc.Validate(); err != nil {
		return Result{}, err
	}
	if err := checkVersion(sc.Params.Version); err != nil {
		return Result{}, err
	}
	nv, nm := len(sc.Validators), len(sc.Miners)
	n := nv + nm
	rng := newRNG(sc.Seed)
	res := Result{Scenario: sc, Epochs: make([]Epoch, 0, sc.Epochs)}

	neurons := make([]yuma.Neuron, n)
	stakeRao := func(i, epoch int) uint64 {
		v := sc.Validators[i]
		if epoch < v.JoinEpoch {
			return 0
		}
		return uint64(math.Round(v.Stake * raoPerTAO))
	}
	// Permits before epoch 0: what an epoch over the initial stakes grants.
	initial := make([]yuma.Neuron, n)
	for i := range nv {
		initial[i].Stake = stakeRao(i, 0)
	}
	permits := yuma.Epoch(yuma.Input{MaxValidators: uint16(sc.Params.MaxValidators), Neurons: initial}).ValidatorPermit

	var published [][][]float64     // rows set in each epoch so far
	scores := make([][]float64, nv) // honest validators' score EMAs
	var prev *yuma.Output
	for t := range sc.Epochs {
		block := uint64(t+1) * Tempo
		rec := Epoch{
			Epoch:      t,
			Stake:      make([]float64, n),
			StakeShare: make([]float64, n),
			Permit:     make([]bool, n),
			Weights:    make([][]float64, nv),
		}
		var joinedStake float64
		for i, v := range sc.Validators {
			if t >= v.JoinEpoch {
				rec.Stake[i] = v.Stake
				joinedStake += v.Stake
			}
		}
		for i := range nv {
			rec.StakeShare[i] = rec.Stake[i] / joinedStake
		}

		// Every validator decides its row before any sees the others'
		// rows of this epoch; noise is drawn for every honest
		// (validator, miner) pair each epoch so the draws do not depend
		// on who has joined.
		// Without commit-reveal a copier reads this epoch's rows, so it
		// decides last.
		visible := revealed(published, t, sc.Params)
		for pass := range 2 {
			for i, v := range sc.Validators {
				if (v.Behaviour == BehaviourCopier && !sc.Params.CommitReveal) != (pass == 1) {
					continue
				}
				if pass == 1 {
					visible = rec.Weights
				}
				row := chooseRow(sc, i, t, rng, visible, rec.Stake)
				if v.Behaviour == BehaviourHonest && t >= v.JoinEpoch {
					scores[i] = smooth(scores[i], row, v.ScoreEMA)
					row = scores[i]
				}
				if t >= v.JoinEpoch+revealDelay(sc.Params, v) {
					rec.Weights[i] = normalized(row)
				}
			}
		}

		for i := range neurons {
			nr := yuma.Neuron{LastUpdate: block - 1}
			if prev != nil {
				nr.ValidatorPermit = prev.ValidatorPermit[i]
				feedBack(&nr, prev, i)
			} else {
				nr.ValidatorPermit = permits[i]
			}
			if i < nv {
				v := sc.Validators[i]
				nr.Stake = stakeRao(i, t)
				nr.RegisteredAt = uint64(v.JoinEpoch) * Tempo
				if t < v.JoinEpoch {
					nr.LastUpdate = 0
				}
				nr.Weights = toWeights(rec.Weights[i], nv)
			} else {
				nr.RegisteredAt = registeredAt(sc.Miners[i-nv], t)
			}
			rec.Permit[i] = nr.ValidatorPermit
			neurons[i] = nr
		}
		in := yuma.Input{
			CurrentBlock:       block,
			LastEpochBlock:     uint64(t) * Tempo,
			ActivityCutoff:     activityCutoff,
			Kappa:              u16Fraction(sc.Params.Kappa),
			BondsMovingAverage: ppm(sc.Params.BondsMovingAverage),
			MaxValidators:      uint16(sc.Params.MaxValidators),
			Neurons:            neurons,
		}
		if err := configureVersion(&in, sc.Params); err != nil {
			return Result{}, err
		}
		out := yuma.Epoch(in)
		prev = &out

		rec.Dividends = floats(out.Dividends)
		rec.Incentive = floats(out.Incentive)
		rec.Consensus = floats(out.Consensus)
		rec.Trust = floats(out.Trust)
		rec.ValidatorTrust = floats(out.ValidatorTrust)
		rec.Bonds = bondShares(&out, nv, nm)
		res.Epochs = append(res.Epochs, rec)
		published = append(published, rec.Weights)
	}
	return res, nil
}

// chooseRow returns validator i's raw weights over the miners at epoch t
// (nil: no weights).
func chooseRow(sc Scenario, i, t int, rng *rng, visible [][]float64, stake []float64) []float64 {
	v := sc.Validators[i]
	nm := len(sc.Miners)
	switch v.Behaviour {
	case BehaviourHonest:
		row := make([]float64, nm)
		for j, m := range sc.Miners {
			q := min(max(m.Quality+m.Drift*float64(t), 0), 1)
			row[j] = max(q+v.Noise*rng.normal(), 0)
		}
		return row
	case BehaviourCopier:
		if visible == nil {
			return nil
		}
		row := make([]float64, nm)
		for k, r := range visible {
			if k == i || r == nil {
				continue
			}
			for j, w := range r {
				row[j] += stake[k] * w
			}
		}
		return row
	case BehaviourCartel:
		row := make([]float64, nm)
		for j, m := range sc.Miners {
			if m.Name == v.Target {
				row[j] = 1
			}
		}
		return row
	}
	var row []float64
	for _, ph := range sc.Phases {
		if ph.FromEpoch > t {
			break
		}
		row = nil
		if i < len(ph.Rows) {
			row = ph.Rows[i]
		}
	}
	return row
}

// revealed returns the rows a copier can read at epoch t under
// commit-reveal: those set reveal_period epochs earlier (nil before any).
// Without commit-reveal the caller gives it this epoch's rows instead.
func revealed(published [][][]float64, t int, p Params) [][]float64 {
	if !p.CommitReveal {
		return nil
	}
	if k := t - max(p.RevealPeriod, 1); k >= 0 && k < len(published) {
		return published[k]
	}
	return nil
}

// revealDelay is how many epochs after joining a validator's first row
// counts: under commit-reveal a latecomer's first commit is revealed
// reveal_period epochs later. Validators present from epoch 0 are all
// equally delayed, which only shifts time, so they are not.
func revealDelay(p Params, v Validator) int {
	if !p.CommitReveal || v.JoinEpoch == 0 {
		return 0
	}
	return max(p.RevealPeriod, 1)
}

// smooth folds this epoch's measurements into an EMA with weight alpha on
// the newest, as taoworker does; the first measurement starts the average.
func smooth(ema, measured []float64, alpha float64) []float64 {
	if ema == nil || alpha <= 0 || alpha >= 1 {
		return measured
	}
	out := make([]float64, len(measured))
	for j, m := range measured {
		out[j] = alpha*m + (1-alpha)*ema[j]
	}
	return out
}

// registeredAt is the block at which the miner's current occupant
// registered: the start of its latest re-registration epoch, so that
// epoch resets the bonds on it.
func registeredAt(m Miner, t int) uint64 {
	var at uint64
	for _, e := range m.ReregisterEpochs {
		if e <= t && e > 0 {
			at = max(at, uint64(e)*Tempo)
		}
	}
	return at
}

// normalized scales row to sum 1; a row without positive weight is nil.
func normalized(row []float64) []float64 {
	var sum float64
	for _, w := range row {
		sum += w
	}
	if sum <= 0 {
		return nil
	}
	out := make([]float64, len(row))
	for j, w := range row {
		out[j] = w / sum
	}
	return out
}

// toWeights is what a validator submits: the row max-upscaled to u16 as
// the chain stores it, with miner j at uid nv+j.
func toWeights(row []float64, nv int) []yuma.Weight {
	var top float64
	for _, w := range row {
		top = max(top, w)
	}
	if top <= 0 {
		return nil
	}
	var ws []yuma.Weight
	for j, w := range row {
		if v := math.Round(w / top * math.MaxUint16); v > 0 {
			ws = append(ws, yuma.Weight{UID: uint16(nv + j), Value: uint16(v)})
		}
	}
	return ws
}

// u16Fraction is x as a u16 proportion, rounded down as subtensor's
// defaults are (0.5 ↦ 32767).
func u16Fraction(x float64) uint16 {
	return uint16(math.Floor(x * math.MaxUint16))
}

// ppm is x in parts per million, rounded to nearest.
func ppm(x float64) uint64 { return uint64(math.Round(x * 1e6)) }

func toFloat(x yuma.I32F32) float64 { return float64(x) / float64(yuma.One) }

func floats(xs []yuma.I32F32) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = toFloat(x)
	}
	return out
}

// columnShares turns raw bond values bonds[i][j] into each validator's
// share of miner j's column.
func columnShares(raw [][]float64, nm int) [][]float64 {
	sums := make([]float64, nm)
	for _, row := range raw {
		for j, b := range row {
			sums[j] += b
		}
	}
	for _, row := range raw {
		for j := range row {
			if sums[j] > 0 {
				row[j] /= sums[j]
			}
		}
	}
	return raw
}

// u16BondShares reads Output.Bonds (stored per column max-upscaled u16).
func u16BondShares(out *yuma.Output, nv, nm int) [][]float64 {
	raw := make([][]float64, nv)
	for i := range nv {
		raw[i] = make([]float64, nm)
		for _, b := range out.Bonds[i] {
			if j := int(b.UID) - nv; j >= 0 && j < nm {
				raw[i][j] += float64(b.Value)
			}
		}
	}
	return columnShares(raw, nm)
}

// rng is splitmix64: small, seedable and the same on every platform, so a
// scenario's seed fixes its output.
type rng struct{ state uint64 }

func newRNG(seed uint64) *rng { return &rng{state: seed} }

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// uniform returns a float in (0, 1).
func (r *rng) uniform() float64 { return (float64(r.next()>>11) + 0.5) / (1 << 53) }

// normal returns a standard normal draw (Box–Muller, one value per call).
func (r *rng) normal() float64 {
	u1, u2 := r.uniform(), r.uniform()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// String names the epoch for error messages.
func (e Epoch) String() string { return fmt.Sprintf("epoch %d", e.Epoch) }
