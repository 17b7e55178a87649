package sim

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// A Target is one row of the incentive-integrity table: a figure over the
// built-in scenarios, the bound it must meet and how to compute it under a
// given Step of defences.
type Target struct {
	Name string
	// Bound is the target, as text, and Meets checks a value against it.
	Bound string
	Meets func(float64) bool
	// Measure computes the figure (worst case over its seeds and sizes)
	// with the defences of step applied.
	Measure func(step Step) (float64, error)
}

// A Step is a set of defences, applied to a built-in scenario by Apply.
// Steps are cumulative: each adds one mechanism to the one before, so the
// table shows which mechanism moves which figure.
type Step struct {
	Name  string
	Apply func(*Scenario)
}

// Steps returns the defences from the original Yuma to the chain's defaults
// for a new subnet, one mechanism at a time, then the defaults with one
// mechanism taken away.
func Steps() []Step {
	defaults := DefaultParams()
	noEMA := func(sc *Scenario) {
		for i := range sc.Validators {
			sc.Validators[i].ScoreEMA = 0
		}
	}
	base := func(sc *Scenario, version int) {
		cr := sc.Params.CommitReveal
		sc.Params = defaults
		sc.Params.Version, sc.Params.LiquidAlpha, sc.Params.TrustWeightedConsensus = version, false, false
		sc.Params.CommitReveal, sc.Params.RevealPeriod = cr, 1
		noEMA(sc)
	}
	var steps []Step
	add := func(name string, apply func(*Scenario)) {
		prev := slices.Clone(steps)
		steps = append(steps, Step{Name: name, Apply: func(sc *Scenario) {
			for _, s := range prev {
				s.Apply(sc)
			}
			apply(sc)
		}})
	}
	add("original Yuma (v2)", func(sc *Scenario) { base(sc, 2) })
	add("Yuma 3, fixed bond rate", func(sc *Scenario) { base(sc, 3) })
	add("+ liquid alpha", func(sc *Scenario) { sc.Params.LiquidAlpha = true })
	add("+ trust-weighted consensus", func(sc *Scenario) { sc.Params.TrustWeightedConsensus = true })
	add("+ taoworker score EMA", func(sc *Scenario) {
		for i := range sc.Validators {
			if sc.Validators[i].Behaviour == BehaviourHonest {
				sc.Validators[i].ScoreEMA = workerEMA
			}
		}
	})
	add(fmt.Sprintf("+ reveal period %d (chain defaults)", defaults.RevealPeriod), func(sc *Scenario) {
		sc.Params.RevealPeriod = defaults.RevealPeriod
	})
	// Ablations: the chain defaults with one mechanism taken away.
	full := steps[len(steps)-1].Apply
	ablate := func(name string, undo func(*Scenario)) {
		steps = append(steps, Step{Name: name, Apply: func(sc *Scenario) { full(sc); undo(sc) }})
	}
	ablate("defaults without trust weighting", func(sc *Scenario) { sc.Params.TrustWeightedConsensus = false })
	ablate("defaults without liquid alpha", func(sc *Scenario) { sc.Params.LiquidAlpha = false })
	return steps
}

// Seeds and cartel sizes the worst cases are taken over.
var (
	TargetSeeds  = []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
	CartelShares = []float64{0.30, 0.40, 0.45, 0.49, 0.499}
)

// Targets returns the table: one figure per attack or fairness
// question, each the worst case over TargetSeeds (and CartelShares).
func Targets() []Target {
	return []Target{
		{Name: "copier / honest dividends per stake, commit-reveal, drift 0.02/epoch", Bound: "≤ 0.95",
			Meets: func(v float64) bool { return v <= 0.95 }, Measure: worstFigure("copier", 0, seedsOnly)},
		{Name: "copier / honest dividends per stake, commit-reveal, drift 0", Bound: "≤ 1.00",
			Meets: func(v float64) bool { return v <= 1 }, Measure: worstFigure("copier-steady", 0, seedsOnly)},
		{Name: "share of epochs a 30–49.9% cartel's poor miner out-earns the best", Bound: "0",
			Meets: func(v float64) bool { return v == 0 }, Measure: worstFigure("cartel", 0, cartelSizes)},
		{Name: "  same, from the honest validators' third measurement (epoch 2) on", Bound: "0",
			Meets: func(v float64) bool { return v == 0 }, Measure: worstFigure("cartel", 1, cartelSizes)},
		{Name: "dividends per stake of a validator with 1/10,000 of the top stake, vs fair", Bound: "≥ 0.95",
			Meets: func(v float64) bool { return v >= 0.95 }, Measure: negated(worstFigure("small-validator", 0, negate(seedsOnly)))},
		{Name: "epochs for a new honest validator to reach 80% of incumbents' dividends per stake", Bound: "≤ 5",
			Meets: func(v float64) bool { return v >= 0 && v <= 5 }, Measure: worstFigure("newcomer", 0, catchUp)},
		{Name: "first mover's dividends per stake / the later movers' (kappa moves first)", Bound: "≥ 1.00",
			Meets: func(v float64) bool { return v >= 1 }, Measure: firstMover},
	}
}

// variation runs sc over its variants and folds the figure into a worst case.
type variation func(sc Scenario, figure func(Scenario) (float64, error)) (float64, error)

func seedsOnly(sc Scenario, figure func(Scenario) (float64, error)) (float64, error) {
	worst := math.Inf(-1)
	for _, seed := range TargetSeeds {
		sc.Seed = seed
		v, err := figure(sc)
		if err != nil {
			return 0, err
		}
		worst = max(worst, v)
	}
	return worst, nil
}

// catchUp is seedsOnly where "never" (-1) is the worst case.
func catchUp(sc Scenario, figure func(Scenario) (float64, error)) (float64, error) {
	return seedsOnly(sc, func(sc Scenario) (float64, error) {
		v, err := figure(sc)
		if v < 0 {
			v = math.Inf(1)
		}
		return v, err
	})
}

func cartelSizes(sc Scenario, figure func(Scenario) (float64, error)) (float64, error) {
	worst := math.Inf(-1)
	for _, share := range CartelShares {
		sc := sc
		sc.Validators = slices.Clone(sc.Validators)
		honest := len(sc.Validators) - 1
		sc.Validators[0].Stake = share
		for i := 1; i < len(sc.Validators); i++ {
			sc.Validators[i].Stake = (1 - share) / float64(honest)
		}
		v, err := seedsOnly(sc, figure)
		if err != nil {
			return 0, err
		}
		worst = max(worst, v)
	}
	return worst, nil
}

// negate turns a variation that takes the worst as the largest into one for
// figures where smaller is worse.
func negate(v variation) variation {
	return func(sc Scenario, figure func(Scenario) (float64, error)) (float64, error) {
		return v(sc, func(sc Scenario) (float64, error) {
			x, err := figure(sc)
			return -x, err
		})
	}
}

func negated(m func(Step) (float64, error)) func(Step) (float64, error) {
	return func(s Step) (float64, error) {
		v, err := m(s)
		return -v, err
	}
}

// worstFigure measures key figure k of the named built-in under a step.
func worstFigure(name string, k int, vary variation) func(Step) (float64, error) {
	return func(step Step) (float64, error) {
		sc, err := Builtin(name)
		if err != nil {
			return 0, err
		}
		step.Apply(&sc)
		return vary(sc, func(sc Scenario) (float64, error) {
			res, err := Run(sc)
			if err != nil {
				return 0, err
			}
			return Summarize(res).Figures[k].Value, nil
		})
	}
}

// firstMover is kappa-moves-first's mover's dividends per stake over the
// best of the validators that move later.
func firstMover(step Step) (float64, error) {
	sc, err := Builtin("kappa-moves-first")
	if err != nil {
		return 0, err
	}
	step.Apply(&sc)
	res, err := Run(sc)
	if err != nil {
		return 0, err
	}
	s := Summarize(res)
	return s.Validators[0].Relative / max(s.Validators[1].Relative, s.Validators[2].Relative), nil
}

// WriteTargets prints the table of targets against steps as Markdown, each
// cell marked ✓ or ✗ against the target.
func WriteTargets(w io.Writer) error {
	steps := Steps()
	var b strings.Builder
	b.WriteString("| figure (worst case) | target |")
	for _, s := range steps {
		b.WriteString(" " + s.Name + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(steps)) + "\n")
	for _, t := range Targets() {
		fmt.Fprintf(&b, "| %s | %s |", t.Name, t.Bound)
		for _, s := range steps {
			v, err := t.Measure(s)
			if err != nil {
				return err
			}
			mark := "✗"
			if t.Meets(v) {
				mark = "✓"
			}
			fmt.Fprintf(&b, " %s %s |", formatFigure(v), mark)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatFigure(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "never"
	case v == math.Trunc(v) && math.Abs(v) >= 1:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3f", v)
}
