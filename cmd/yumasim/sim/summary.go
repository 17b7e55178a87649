package sim

import (
	"fmt"
	"slices"
)

// Summary condenses a Result into what the table prints.
type Summary struct {
	Validators []ValidatorSummary
	Miners     []MinerSummary
	Figures    []Figure
}

// ValidatorSummary totals one validator over all epochs.
type ValidatorSummary struct {
	Name string
	// StakeShare is the mean of the per-epoch stake shares.
	StakeShare float64
	// Dividends is the sum of the per-epoch dividend shares, i.e. total
	// dividends in units of one epoch's validator emission.
	Dividends float64
	// Fair is the sum of the per-epoch stake shares: the dividends a
	// payout by stake would have given.
	Fair float64
	// Relative is Dividends/Fair: 1 is paid exactly by stake, above 1
	// more, below 1 less.
	Relative float64
}

// MinerSummary totals one miner over all epochs.
type MinerSummary struct {
	Name string
	// Incentive is the sum of the per-epoch incentive shares, in units of
	// one epoch's miner emission.
	Incentive float64
	// Final is the incentive share in the last epoch.
	Final float64
}

// Figure is a computed key figure with a sentence saying what it is.
type Figure struct {
	KeyFigure
	Value float64
	Label string
}

// Summarize totals r and computes its scenario's key figures.
func Summarize(r Result) Summary {
	sc := r.Scenario
	nv := len(sc.Validators)
	var s Summary
	for i, v := range sc.Validators {
		vs := ValidatorSummary{Name: v.Name}
		for _, e := range r.Epochs {
			vs.Dividends += e.Dividends[i]
			vs.Fair += e.StakeShare[i]
			vs.StakeShare += e.StakeShare[i] / float64(len(r.Epochs))
		}
		vs.Relative = ratio(vs.Dividends, vs.Fair)
		s.Validators = append(s.Validators, vs)
	}
	for j, m := range sc.Miners {
		ms := MinerSummary{Name: m.Name}
		for _, e := range r.Epochs {
			ms.Incentive += e.Incentive[nv+j]
		}
		if len(r.Epochs) > 0 {
			ms.Final = r.Epochs[len(r.Epochs)-1].Incentive[nv+j]
		}
		s.Miners = append(s.Miners, ms)
	}
	for _, kf := range sc.KeyFigures {
		s.Figures = append(s.Figures, figure(r, s, kf))
	}
	return s
}

func figure(r Result, s Summary, kf KeyFigure) Figure {
	sc := r.Scenario
	validator := func(name string) int {
		return slices.IndexFunc(sc.Validators, func(v Validator) bool { return v.Name == name })
	}
	miner := func(name string) int {
		return len(sc.Validators) + slices.IndexFunc(sc.Miners, func(m Miner) bool { return m.Name == name })
	}
	f := Figure{KeyFigure: kf}
	switch kf.Kind {
	case FigureRelativeDividends:
		f.Value = s.Validators[validator(kf.A)].Relative
		f.Label = fmt.Sprintf("%s dividends per stake relative to fair", kf.A)
	case FigureDividendRatio:
		f.Value = ratio(s.Validators[validator(kf.A)].Relative, s.Validators[validator(kf.B)].Relative)
		f.Label = fmt.Sprintf("%s / %s dividends per stake", kf.A, kf.B)
	case FigureOutEarns:
		a, b := miner(kf.A), miner(kf.B)
		wins := 0
		epochs := r.Epochs[min(kf.FromEpoch, len(r.Epochs)):]
		for _, e := range epochs {
			if e.Incentive[a] > e.Incentive[b] {
				wins++
			}
		}
		f.Value = ratio(float64(wins), float64(len(epochs)))
		f.Label = fmt.Sprintf("fraction of epochs %s's incentive exceeds %s's", kf.A, kf.B)
		if kf.FromEpoch > 0 {
			f.Label += fmt.Sprintf(" from epoch %d on", kf.FromEpoch)
		}
	case FigureCatchUp:
		a := validator(kf.A)
		join := sc.Validators[a].JoinEpoch
		f.Value = -1
		for _, e := range r.Epochs[min(join, len(r.Epochs)):] {
			var sum float64
			count := 0
			for i, v := range sc.Validators {
				if i != a && v.JoinEpoch == 0 {
					sum += ratio(e.Dividends[i], e.StakeShare[i])
					count++
				}
			}
			if count > 0 && ratio(e.Dividends[a], e.StakeShare[a]) >= kf.Threshold*sum/float64(count) {
				f.Value = float64(e.Epoch - join)
				break
			}
		}
		f.Label = fmt.Sprintf("epochs after joining until %s earns %.0f%% of incumbents' dividends per stake (-1: never)", kf.A, kf.Threshold*100)
	}
	return f
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
