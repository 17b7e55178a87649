package sim

import (
	"fmt"
	"testing"
)

func TestExpGrid(t *testing.T) {
	type cfg struct {
		bma    float64
		la     bool
		lo, hi float64
	}
	var cfgs []cfg
	for _, b := range []float64{0.9, 0.8, 0.7, 0.6, 0.5} {
		cfgs = append(cfgs, cfg{b, false, 0, 0})
	}
	for _, p := range [][2]float64{{0.7, 0.9}, {0.5, 0.9}, {0.3, 0.9}, {0.1, 0.9}, {0.05, 0.5}, {0.1, 0.3}} {
		cfgs = append(cfgs, cfg{0.9, true, p[0], p[1]})
	}
	for _, rp := range []int{0, 1, 2, 3} {
		fmt.Println("reveal period", rp)
		for _, c := range cfgs {
			line := fmt.Sprintf("bma=%.1f la=%-5v lo=%.2f hi=%.2f:", c.bma, c.la, c.lo, c.hi)
			for _, name := range []string{"copier", "copier0", "newcomer", "kappa-moves-first", "cartel"} {
				var sc Scenario
				if name == "copier0" {
					sc = copier()
					for i := range sc.Miners {
						sc.Miners[i].Drift = 0
					}
				} else {
					sc, _ = Builtin(name)
				}
				sc.Params.Version = 3
				sc.Params.CommitReveal, sc.Params.RevealPeriod = rp > 0, rp
				sc.Params.TrustWeightedConsensus = true
				sc.Params.BondsMovingAverage = c.bma
				sc.Params.LiquidAlpha = c.la
				if c.la {
					sc.Params.AlphaLow, sc.Params.AlphaHigh = c.lo, c.hi
				}
				for i := range sc.Validators {
					if sc.Validators[i].Behaviour == BehaviourHonest {
						sc.Validators[i].ScoreEMA = 0.3
					}
				}
				worst := -1.0
				seeds := 10
				for seed := 1; seed <= seeds; seed++ {
					sc.Seed = uint64(seed)
					r, _ := Run(sc)
					v := Summarize(r).Figures[0].Value
					if name == "kappa-moves-first" {
						v = -Summarize(r).Validators[0].Relative
					}
					worst = max(worst, v)
				}
				line += fmt.Sprintf("  %s=%.4f", name, worst)
			}
			fmt.Println(line)
		}
	}
}
