package sim

import (
	"math"
	"testing"
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
