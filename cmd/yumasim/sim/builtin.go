package sim

import (
	"fmt"
	"slices"

	"github.com/taochain/taochain/inference/validator"
)

// workerEMA is how taoworker smooths its scores by default; the built-in
// honest validators score the same way.
const workerEMA = validator.DefaultScoreEMAAlpha

// builtins are the named scenarios, in the order yumasim list prints them.
var builtins = []func() Scenario{
	kappaMovesFirst, kappaMovesSecond, kappaMovesThird, allSwitch, bondReset,
	copier, copierSteady, cartel, smallValidator, newcomer,
}

// Builtins returns every named scenario.
func Builtins() []Scenario {
	out := make([]Scenario, len(builtins))
	for i, f := range builtins {
		out[i] = f()
	}
	return out
}

// Builtin returns the named scenario.
func Builtin(name string) (Scenario, error) {
	for _, f := range builtins {
		if sc := f(); sc.Name == name {
			return sc, nil
		}
	}
	names := make([]string, 0, len(builtins))
	for _, sc := range Builtins() {
		names = append(names, sc.Name)
	}
	return Scenario{}, fmt.Errorf("no built-in scenario %q (have %v)", name, names)
}

// switchCase is the canonical three-validator, two-server case: every
// validator weights server-1 until its switch epoch and server-2 from then
// on. Stakes are 0.8 (big, the kappa majority on its own), 0.1 and 0.1.
func switchCase(name, description string, switchAt [3]int) Scenario {
	sc := Scenario{
		Name:        name,
		Description: description,
		Epochs:      40,
		Params:      DefaultParams(),
		Validators: []Validator{
			{Name: "big", Stake: 0.8},
			{Name: "small-lazy", Stake: 0.1},
			{Name: "small-lazier", Stake: 0.1},
		},
		Miners: []Miner{{Name: "server-1"}, {Name: "server-2"}},
		KeyFigures: []KeyFigure{
			{Kind: FigureRelativeDividends, A: "big"},
			{Kind: FigureDividendRatio, A: "small-lazy", B: "small-lazier"},
		},
	}
	epochs := slices.Clone(switchAt[:])
	epochs = append(epochs, 0)
	slices.Sort(epochs)
	epochs = slices.Compact(epochs)
	for _, e := range epochs {
		ph := Phase{FromEpoch: e}
		for _, s := range switchAt {
			if e < s {
				ph.Rows = append(ph.Rows, []float64{1, 0})
			} else {
				ph.Rows = append(ph.Rows, []float64{0, 1})
			}
		}
		sc.Phases = append(sc.Phases, ph)
	}
	return sc
}

func kappaMovesFirst() Scenario {
	return switchCase("kappa-moves-first",
		"all validators weight server-1; the 0.8 validator moves to server-2 at epoch 1, the small ones at epochs 2 and 3",
		[3]int{1, 2, 3})
}

func kappaMovesSecond() Scenario {
	return switchCase("kappa-moves-second",
		"all validators weight server-1; small-lazy moves to server-2 at epoch 1, the 0.8 validator at 2, small-lazier at 3",
		[3]int{2, 1, 3})
}

func kappaMovesThird() Scenario {
	return switchCase("kappa-moves-third",
		"all validators weight server-1; the small ones move to server-2 at epochs 1 and 2, the 0.8 validator last at 3",
		[3]int{3, 1, 2})
}

func allSwitch() Scenario {
	return switchCase("all-switch",
		"all validators weight server-1 and all move to server-2 together at epoch 1",
		[3]int{1, 1, 1})
}

func bondReset() Scenario {
	sc := switchCase("bond-reset",
		"as kappa-moves-second, then at epoch 20 a new miner registers into server-2's uid: everyone's bonds on it are reset and rebuilt from the current stake",
		[3]int{2, 1, 3})
	sc.Miners[1].ReregisterEpochs = []int{20}
	return sc
}

func copier() Scenario {
	return copierCase("copier", 0.02,
		"an honest validator and a copier of equal stake (0.3 each) beside an honest 0.4, on a commit-reveal subnet; miner qualities drift 0.02 per epoch so the best miner changes; "+
			"honest validators measure with noise 0.1 and smooth as taoworker does, the copier sets the stake-weighted mean of the rows revealed so far")
}

func copierSteady() Scenario {
	return copierCase("copier-steady", 0,
		"copier with miner qualities that never change: the copier's rows are as good as anyone's, only older")
}

func copierCase(name string, drift float64, description string) Scenario {
	params := DefaultParams()
	params.CommitReveal = true
	return Scenario{
		Name:        name,
		Description: description,
		Epochs:      60,
		Seed:        1,
		Params:      params,
		Validators: []Validator{
			{Name: "honest-big", Stake: 0.4, Behaviour: BehaviourHonest, Noise: 0.1, ScoreEMA: workerEMA},
			{Name: "honest", Stake: 0.3, Behaviour: BehaviourHonest, Noise: 0.1, ScoreEMA: workerEMA},
			{Name: "copier", Stake: 0.3, Behaviour: BehaviourCopier},
		},
		Miners: []Miner{
			{Name: "rising", Quality: 0.1, Drift: drift},
			{Name: "falling", Quality: 0.9, Drift: -drift},
			{Name: "steady", Quality: 0.5},
		},
		KeyFigures: []KeyFigure{
			{Kind: FigureDividendRatio, A: "copier", B: "honest"},
			{Kind: FigureRelativeDividends, A: "copier"},
		},
	}
}

func cartel() Scenario {
	return Scenario{
		Name:        "cartel",
		Description: "a cartel with 49% of the stake puts all weight on a poor miner; three honest validators (17% each) measure with noise 0.3 and smooth as taoworker does",
		Epochs:      60,
		Seed:        2,
		Params:      DefaultParams(),
		Validators: []Validator{
			{Name: "cartel", Stake: 0.49, Behaviour: BehaviourCartel, Target: "poor"},
			{Name: "honest-1", Stake: 0.17, Behaviour: BehaviourHonest, Noise: 0.3, ScoreEMA: workerEMA},
			{Name: "honest-2", Stake: 0.17, Behaviour: BehaviourHonest, Noise: 0.3, ScoreEMA: workerEMA},
			{Name: "honest-3", Stake: 0.17, Behaviour: BehaviourHonest, Noise: 0.3, ScoreEMA: workerEMA},
		},
		Miners: []Miner{
			{Name: "best", Quality: 0.9},
			{Name: "good", Quality: 0.6},
			{Name: "poor", Quality: 0.1},
		},
		KeyFigures: []KeyFigure{
			{Kind: FigureOutEarns, A: "poor", B: "best"},
			{Kind: FigureOutEarns, A: "poor", B: "best", FromEpoch: 2},
			{Kind: FigureDividendRatio, A: "cartel", B: "honest-1"},
		},
	}
}

func smallValidator() Scenario {
	return Scenario{
		Name:        "small-validator",
		Description: "two validators with stakes 10,000 and 1 set the same weights; is the small one paid its stake share despite u16 bond storage?",
		Epochs:      40,
		Params:      DefaultParams(),
		Validators: []Validator{
			{Name: "whale", Stake: 10_000},
			{Name: "minnow", Stake: 1},
		},
		Miners: []Miner{{Name: "server-1"}, {Name: "server-2"}},
		Phases: []Phase{{FromEpoch: 0, Rows: [][]float64{{0.7, 0.3}, {0.7, 0.3}}}},
		KeyFigures: []KeyFigure{
			{Kind: FigureRelativeDividends, A: "minnow"},
			{Kind: FigureDividendRatio, A: "minnow", B: "whale"},
		},
	}
}

func newcomer() Scenario {
	return Scenario{
		Name:        "newcomer",
		Description: "three honest validators of equal stake; a fourth honest one with the same stake joins at epoch 10 and has to build bonds",
		Epochs:      80,
		Seed:        3,
		Params:      DefaultParams(),
		Validators: []Validator{
			{Name: "incumbent-1", Stake: 1, Behaviour: BehaviourHonest, Noise: 0.05, ScoreEMA: workerEMA},
			{Name: "incumbent-2", Stake: 1, Behaviour: BehaviourHonest, Noise: 0.05, ScoreEMA: workerEMA},
			{Name: "incumbent-3", Stake: 1, Behaviour: BehaviourHonest, Noise: 0.05, ScoreEMA: workerEMA},
			{Name: "newcomer", Stake: 1, Behaviour: BehaviourHonest, Noise: 0.05, ScoreEMA: workerEMA, JoinEpoch: 10},
		},
		Miners: []Miner{
			{Name: "a", Quality: 0.9},
			{Name: "b", Quality: 0.6},
			{Name: "c", Quality: 0.3},
		},
		KeyFigures: []KeyFigure{
			{Kind: FigureCatchUp, A: "newcomer", Threshold: 0.8},
			{Kind: FigureRelativeDividends, A: "newcomer"},
		},
	}
}
