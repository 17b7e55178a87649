package sim

import (
	"math"
	"slices"
	"testing"

	"github.com/taochain/taochain/x/intelligence/yuma"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Every named scenario also runs under Yuma 3, with and without liquid
// alpha, and the dividends still sum to one per epoch.
func TestBuiltinsRunVersion3(t *testing.T) {
	for _, sc := range Builtins() {
		for _, liquid := range []bool{false, true} {
			sc.Params.Version = 3
			sc.Params.LiquidAlpha = liquid
			res := mustRun(t, sc)
			for _, e := range res.Epochs {
				var sum float64
				for _, d := range e.Dividends {
					sum += d
				}
				if math.Abs(sum-1) > 1e-6 && sum != 0 {
					t.Fatalf("%s liquid %v epoch %d: dividends sum to %v", sc.Name, liquid, e.Epoch, sum)
				}
			}
			table(t, res)
		}
	}
}

// Yuma 2 stores bonds per column max-upscaled to u16, so a validator with
// 1/10,000 of the stake holds about 6.55 units of a column and keeps only
// 6: it is paid about 8% below its stake share. Yuma 3's full-precision
// bonds pay it exactly its share.
func TestSmallValidatorPrecision(t *testing.T) {
	sc, _ := Builtin("small-validator")
	relative := func(version int) float64 {
		sc.Params.Version = version
		return Summarize(mustRun(t, sc)).Figures[0].Value
	}
	if v2 := relative(2); v2 > 0.95 || v2 < 0.85 {
		t.Errorf("Yuma 2 minnow relative dividends %v, want the u16 loss (~0.93)", v2)
	}
	if v3 := relative(3); math.Abs(v3-1) > 1e-3 {
		t.Errorf("Yuma 3 minnow relative dividends %v, want 1", v3)
	}
}

// DefaultParams are the chain's new-subnet hyperparameters, and turning
// them back into the integers Yuma reads gives exactly the chain's values.
func TestDefaultParamsAreTheChains(t *testing.T) {
	hp := subnettypes.DefaultHyperparameters()
	p := DefaultParams()
	var in yuma.Input
	if err := configureVersion(&in, p); err != nil {
		t.Fatal(err)
	}
	got := []uint64{uint64(u16Fraction(p.Kappa)), ppm(p.BondsMovingAverage), uint64(in.Version), uint64(in.BondsPenalty),
		uint64(in.AlphaLow), uint64(in.AlphaHigh), uint64(p.RevealPeriod)}
	want := []uint64{uint64(hp.Kappa), hp.BondsMovingAverage, uint64(hp.YumaVersion), uint64(hp.BondsPenalty),
		uint64(hp.AlphaLow), uint64(hp.AlphaHigh), hp.RevealPeriod}
	if !slices.Equal(got, want) || in.LiquidAlpha != hp.LiquidAlpha || in.TrustWeightedConsensus != hp.TrustWeightedConsensus ||
		p.CommitReveal != hp.CommitReveal || p.MaxValidators != int(hp.MaxValidators) {
		t.Fatalf("sim defaults %v %+v, chain %v %+v", got, p, want, hp)
	}
}
