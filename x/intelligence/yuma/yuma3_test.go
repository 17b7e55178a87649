package yuma

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// yumaParams are the consensus parameters a simulation runs with.
type yumaParams struct {
	version      uint8
	bma          uint64 // BondsMovingAverage, ppm
	penalty      uint16
	liquid       bool
	alphaLow     uint16
	alphaHigh    uint16
	kappa        uint16
	maxValidator uint16
}

// subtensor's defaults: bonds moving average 0.9, kappa ≈ 0.5, liquid alpha
// bounds 0.7 and 0.9.
var (
	yumaV2       = yumaParams{version: 2, bma: 900_000, kappa: chainKappa, maxValidator: 64}
	yumaV3       = yumaParams{version: 3, bma: 900_000, penalty: 65535, kappa: chainKappa, maxValidator: 64}
	yumaV3Liquid = yumaParams{version: 3, bma: 900_000, penalty: 65535, liquid: true,
		alphaLow: 45875, alphaHigh: 58982, kappa: chainKappa, maxValidator: 64}
)

// simulation runs Epoch repeatedly on validators 0..len(stakes)-1 and
// servers after them, feeding permits and bonds back as the chain does.
type simulation struct {
	p      yumaParams
	stakes []uint64
	// joinEpoch[i] is the epoch validator i registers at (0 = from the start).
	joinEpoch []int
	servers   int
	// weights returns validator i's weight row over the servers at epoch e.
	weights func(e, i int) []uint16

	// perStake[i] accumulates D_i / s_i over the epochs (s_i = stake share).
	perStake [][]float64
}

const simEpochBlocks = 360

func (s *simulation) run(epochs int) {
	v := len(s.stakes)
	n := v + s.servers
	neurons := make([]Neuron, n)
	var total uint64
	for _, st := range s.stakes {
		total += st
	}
	for i := 0; i < v; i++ {
		neurons[i].ValidatorPermit = s.joinEpoch == nil || s.joinEpoch[i] == 0
	}
	s.perStake = make([][]float64, epochs)
	lastEpoch := uint64(0)
	for e := 0; e < epochs; e++ {
		block := uint64(e+1) * simEpochBlocks
		for i := 0; i < v; i++ {
			nr := &neurons[i]
			join := 0
			if s.joinEpoch != nil {
				join = s.joinEpoch[i]
			}
			if e < join {
				*nr = Neuron{RegisteredAt: block + 1} // not yet there
				continue
			}
			if e == join && join > 0 {
				nr.RegisteredAt = block - 1
				nr.ValidatorPermit = false
			}
			nr.Stake = s.stakes[i]
			nr.LastUpdate = block
			nr.Weights = nr.Weights[:0]
			for j, w := range s.weights(e, i) {
				if w > 0 {
					nr.Weights = append(nr.Weights, Weight{UID: uint16(v + j), Value: w})
				}
			}
		}
		for j := v; j < n; j++ {
			neurons[j].LastUpdate = block
		}
		out := Epoch(Input{
			CurrentBlock: block, LastEpochBlock: lastEpoch, ActivityCutoff: 5000,
			Kappa: s.p.kappa, BondsMovingAverage: s.p.bma, MaxValidators: s.p.maxValidator,
			Version: s.p.version, BondsPenalty: s.p.penalty, LiquidAlpha: s.p.liquid,
			AlphaLow: s.p.alphaLow, AlphaHigh: s.p.alphaHigh, Neurons: neurons,
		})
		s.perStake[e] = make([]float64, v)
		for i := 0; i < v; i++ {
			share := float64(s.stakes[i]) / float64(total)
			s.perStake[e][i] = float64(out.Dividends[i]) / float64(One) / share
			neurons[i].ValidatorPermit = out.ValidatorPermit[i]
			neurons[i].Bonds = out.Bonds[i]
			if out.BondsFixed != nil {
				neurons[i].BondsFixed = out.BondsFixed[i]
			}
		}
		lastEpoch = block
	}
}

// totalPerStake sums validator i's dividends per stake share over the run.
func (s *simulation) totalPerStake(i int) float64 {
	var sum float64
	for _, e := range s.perStake {
		sum += e[i]
	}
	return sum
}

// switchCase is a canonical yuma-simulation case: every validator weights
// server 0 until its switch epoch, then server 1.
type switchCase struct {
	name     string
	switchAt [3]int // per validator (stakes 0.8, 0.1, 0.1)
}

var switchCases = []switchCase{
	{"kappa moves first", [3]int{10, 11, 12}},
	{"kappa moves second", [3]int{11, 10, 12}},
	{"kappa moves third", [3]int{12, 10, 11}},
	{"all validators switch", [3]int{10, 10, 10}},
}

func runSwitchCase(p yumaParams, c switchCase, epochs int) *simulation {
	s := &simulation{
		p:       p,
		stakes:  []uint64{800_000_000_000, 100_000_000_000, 100_000_000_000},
		servers: 2,
		weights: func(e, i int) []uint16 {
			if e < c.switchAt[i] {
				return []uint16{65535, 0}
			}
			return []uint16{0, 65535}
		},
	}
	s.run(epochs)
	return s
}

// TestYuma3EarlySwitchPaysAtLeastAsMuch runs the canonical cases of the
// public yuma-simulation project (validators with stake 0.8/0.1/0.1, two
// servers; everyone weights server 0, then switches to server 1) for 30
// epochs and compares dividends per unit of stake summed over the run.
//
// Yuma 3 with the default EMA rate (0.1) and BondsPenalty 0 pays every
// validator at least as much as each one that switches after it, in all
// four cases. With BondsPenalty 65535 (weight above consensus earns no
// bonds) only validators switching at or after kappa are paid in order:
// one that switches before kappa backs a miner with no consensus yet, earns
// no bonds for it and loses a little (29.63 against 29.91 and 30.06 in
// "kappa moves third"). Liquid alpha (0.7–0.9) speeds up the late switchers'
// bonding as much as the newcomer's, which costs the early switcher
// before kappa about 1 epoch of dividends (28.52 against 29.50 and 30.25 in
// "kappa moves third", BondsPenalty 0); those numbers are logged only.
func TestYuma3EarlySwitchPaysAtLeastAsMuch(t *testing.T) {
	const epochs = 30
	early := yumaV3
	early.penalty = 0
	liquid := yumaV3Liquid
	liquid.penalty = 0
	for _, c := range switchCases {
		log := func(name string, s *simulation) {
			t.Logf("%-22s %-28s dividends per stake: %.4f %.4f %.4f", c.name, name,
				s.totalPerStake(0), s.totalPerStake(1), s.totalPerStake(2))
		}
		log("v2", runSwitchCase(yumaV2, c, epochs))
		log("v3 liquid, penalty 0", runSwitchCase(liquid, c, epochs))

		checkOrder := func(name string, s *simulation, from int) {
			log(name, s)
			for a := 0; a < 3; a++ {
				for b := 0; b < 3; b++ {
					if c.switchAt[a] < from || c.switchAt[a] >= c.switchAt[b] {
						continue
					}
					if pa, pb := s.totalPerStake(a), s.totalPerStake(b); pa < pb*(1-1e-6) {
						t.Errorf("%s %s: validator %d switching at %d earns %.4f per stake, less than %d switching at %d (%.4f)",
							c.name, name, a, c.switchAt[a], pa, b, c.switchAt[b], pb)
					}
				}
			}
		}
		checkOrder("v3 penalty 0", runSwitchCase(early, c, epochs), 0)
		// With full penalty, from kappa's switch on (kappa is validator 0).
		checkOrder("v3 penalty 65535", runSwitchCase(yumaV3, c, epochs), c.switchAt[0])
	}
}

// TestYuma3SmallValidatorFairShare: a validator with 1/10,000 of the other
// one's stake and the same weights earns its stake share of dividends.
func TestYuma3SmallValidatorFairShare(t *testing.T) {
	fairness := func(p yumaParams) float64 {
		s := &simulation{
			p:       p,
			stakes:  []uint64{10_000 * 1_000_000_000, 1_000_000_000},
			servers: 2,
			weights: func(e, i int) []uint16 { return []uint16{40000, 25535} },
		}
		s.run(20)
		return s.totalPerStake(1) / s.totalPerStake(0)
	}
	v2, v3, v3Liquid := fairness(yumaV2), fairness(yumaV3), fairness(yumaV3Liquid)
	t.Logf("small validator's dividends per stake / large one's: v2 %.4f, v3 %.6f, v3 liquid %.6f", v2, v3, v3Liquid)
	if v3 < 0.95 || v3Liquid < 0.95 {
		t.Errorf("v3 pays the small validator %.4f (liquid %.4f) of its fair share, want ≥ 0.95", v3, v3Liquid)
	}
}

// TestYuma3NewcomerCatchesUp: an honest validator registering at epoch 10
// (a permit from epoch 11 on) earns, with liquid alpha (subtensor's bounds
// 0.7–0.9), at least 80% of the incumbents' dividends per stake within 5
// epochs of joining. The default fixed rate of 0.1 cannot: after k epochs
// with a permit a newcomer's bond is 1 − 0.9^k of an incumbent's, 41% after
// 5 and 80% only after 16; that number is logged.
func TestYuma3NewcomerCatchesUp(t *testing.T) {
	const join = 10
	catchUp := func(p yumaParams) (int, []float64) {
		s := &simulation{
			p:         p,
			stakes:    []uint64{500_000_000_000, 300_000_000_000, 200_000_000_000},
			joinEpoch: []int{0, 0, join},
			servers:   3,
			weights:   func(e, i int) []uint16 { return []uint16{30000, 20000, 15535} },
		}
		s.run(join + 30)
		var ratios []float64
		reached := -1
		for e := join; e < len(s.perStake); e++ {
			r := s.perStake[e][2] / s.perStake[e][0]
			ratios = append(ratios, r)
			if reached < 0 && r >= 0.8 {
				reached = e - join + 1 // epochs since joining, the joining one included
			}
		}
		return reached, ratios
	}
	v2At, v2Ratios := catchUp(yumaV2)
	v3At, v3Ratios := catchUp(yumaV3)
	liquidAt, liquidRatios := catchUp(yumaV3Liquid)
	t.Logf("epochs to 80%%: v2 %d, v3 fixed rate %d, v3 liquid %d", v2At, v3At, liquidAt)
	t.Logf("ratios from joining: v2 %.3f", v2Ratios[:6])
	t.Logf("ratios from joining: v3 %.3f", v3Ratios[:6])
	t.Logf("ratios from joining: v3 liquid %.3f", liquidRatios[:6])
	if liquidAt < 0 || liquidAt > 5 {
		t.Errorf("v3 with liquid alpha: newcomer reaches 80%% after %d epochs, want ≤ 5", liquidAt)
	}
}

// TestEpochDustStakeNoPermit: a stake below 2^-32 of the total normalizes
// to 0 and gets no validator permit (as in subtensor), in both versions.
// TestYuma3TrustWeightedConsensus: a 49% coalition puts all its weight on a
// poor miner. Weighted by stake alone it needs only the most generous
// honest validator to reach kappa, so the poor miner's consensus is that
// validator's weight and it out-ranks the best miner. Weighted by stake ×
// trust, the coalition (trust = its clipped weight, 0.25) no longer reaches
// kappa with one honest validator: consensus falls to the honest median and
// the best miner ranks first.
func TestYuma3TrustWeightedConsensus(t *testing.T) {
	// uids 0..3 validators (coalition, three honest), 4 best, 5 good, 6 poor.
	rows := [][]uint16{
		{0, 0, 1000},    // coalition: everything on poor
		{600, 300, 100}, // honest, measures well
		{500, 300, 200}, // honest
		{400, 350, 250}, // honest, generous to poor
	}
	stakes := []uint64{49, 17, 17, 17}
	in := Input{CurrentBlock: 100, ActivityCutoff: 1000, Kappa: chainKappa, BondsMovingAverage: 900_000,
		MaxValidators: 64, Version: 3, BondsPenalty: 65535, Neurons: make([]Neuron, 7)}
	for i, row := range rows {
		nr := &in.Neurons[i]
		nr.Stake, nr.ValidatorPermit, nr.LastUpdate = stakes[i]*1e9, true, 99
		for j, v := range row {
			nr.Weights = append(nr.Weights, Weight{UID: uint16(4 + j), Value: v})
		}
	}
	const best, poor = 4, 6
	plain := Epoch(in)
	if got, want := plain.Consensus[poor], Ratio(250, 1000); got != want {
		t.Fatalf("stake-weighted consensus of poor = %s, want the most generous honest weight %s", got, want)
	}
	if plain.Incentive[poor] <= plain.Incentive[best] {
		t.Fatalf("stake-weighted: poor %s should out-rank best %s (the attack this defends against)", plain.Incentive[poor], plain.Incentive[best])
	}

	in.TrustWeightedConsensus = true
	tw := Epoch(in)
	if got, want := tw.Consensus[poor], Ratio(200, 1000); got != want {
		t.Fatalf("trust-weighted consensus of poor = %s, want the honest median %s", got, want)
	}
	if tw.Incentive[best] <= tw.Incentive[poor] {
		t.Fatalf("trust-weighted: best %s must out-rank poor %s", tw.Incentive[best], tw.Incentive[poor])
	}
	if tw.ValidatorTrust[0] >= plain.ValidatorTrust[0] {
		t.Fatalf("coalition trust %s should fall below %s", tw.ValidatorTrust[0], plain.ValidatorTrust[0])
	}
	// Stake, not trust, still decides the permits and scales dividends.
	if !reflect.DeepEqual(tw.ActiveStake, plain.ActiveStake) || !reflect.DeepEqual(tw.ValidatorPermit, plain.ValidatorPermit) {
		t.Fatal("trust weighting must not change stake or permits")
	}

	// The switch is Yuma 3's: Yuma 2 ignores it.
	in.Version = 2
	if !reflect.DeepEqual(Epoch(in), func() Output { in.TrustWeightedConsensus = false; return Epoch(in) }()) {
		t.Fatal("Yuma 2 must ignore TrustWeightedConsensus")
	}
}

func TestEpochDustStakeNoPermit(t *testing.T) {
	for _, version := range []uint8{2, 3} {
		in := input(Neuron{Stake: 1 << 40}, Neuron{Stake: 1}, Neuron{Stake: 1 << 12}, miner())
		in.Version = version
		out := Epoch(in)
		if want := []bool{true, false, true, false}; !slices.Equal(out.ValidatorPermit, want) {
			t.Errorf("v%d: permits %v, want %v", version, out.ValidatorPermit, want)
		}
	}
}

// TestYuma3BondsFixedRoundTrip: Yuma 3 reads only BondsFixed, stores
// Bonds as floor(b·65535) of the same rows, and with a = 1 the bonds are
// exactly the penalized weights.
func TestYuma3BondsFixedRoundTrip(t *testing.T) {
	in := input(
		validator(3_000_000_000, wt(2, 1), wt(3, 1), wt(4, 2)),
		validator(1_000_000_000, wt(2, 1), wt(3, 1)),
		miner(), miner(), miner(),
	)
	in.Version, in.BondsPenalty = 3, 65535
	in.Neurons[1].Bonds = []Weight{wt(4, 65535)} // ignored by v3
	out := Epoch(in)
	// Validator 1 weights (1/2, 1/2) against consensus (1/4, 1/4, 1/2):
	// clipped to (1/4, 1/4).
	want := [][]FixedBond{
		{{2, One / 4}, {3, One / 4}, {4, One / 2}},
		{{2, One / 4}, {3, One / 4}},
		nil, nil, nil,
	}
	if !reflect.DeepEqual(out.BondsFixed, want) {
		t.Errorf("BondsFixed = %v, want %v", out.BondsFixed, want)
	}
	wantU16 := [][]Weight{{wt(2, 16383), wt(3, 16383), wt(4, 32767)}, {wt(2, 16383), wt(3, 16383)}, nil, nil, nil}
	if !reflect.DeepEqual(out.Bonds, wantU16) {
		t.Errorf("Bonds = %v, want %v", out.Bonds, wantU16)
	}
	// Per stake: validator 0 earns 1/4·2/7·2 + 1/2·3/7 = 5/14, validator 1
	// 1/4·2/7·2 = 1/7; dividends ∝ 3/4·5/14 : 1/4·1/7 = 15 : 2.
	d0, d1 := float64(out.Dividends[0])/float64(One), float64(out.Dividends[1])/float64(One)
	if math.Abs(d0-15.0/17) > 1e-8 || math.Abs(d1-2.0/17) > 1e-8 {
		t.Errorf("Dividends = %v, want 15/17, 2/17", out.Dividends)
	}
	// The next epoch, with the fixed rows fed back and nothing changed,
	// keeps the bonds (a convex combination of equal rows).
	in.BondsMovingAverage = 900_000
	in.LastEpochBlock = 1
	in.CurrentBlock++
	for i := range in.Neurons {
		in.Neurons[i].RegisteredAt = 0
		in.Neurons[i].BondsFixed = out.BondsFixed[i]
	}
	again := Epoch(in)
	for i, row := range again.BondsFixed {
		for k, e := range row {
			if diff := e.Value - out.BondsFixed[i][k].Value; diff < -2 || diff > 0 {
				t.Errorf("bond %d/%d drifted by %d ulps", i, e.UID, diff)
			}
		}
	}
}

// checkYuma3 asserts what Yuma 3 must keep for every input, on top of
// checkInvariants.
func checkYuma3(t testing.TB, in Input, out Output) {
	t.Helper()
	n := len(in.Neurons)
	if len(out.BondsFixed) != n {
		t.Fatalf("BondsFixed has %d rows, want %d", len(out.BondsFixed), n)
	}
	for i, row := range out.BondsFixed {
		if row != nil && (!out.ValidatorPermit[i] || len(row) == 0) {
			t.Fatalf("fixed bond row %d = %v with permit %v", i, row, out.ValidatorPermit[i])
		}
		var sum I32F32
		stored := 0
		for k, e := range row {
			if int(e.UID) >= n || e.Value <= 0 || e.Value > One || (k > 0 && e.UID <= row[k-1].UID) {
				t.Fatalf("fixed bond row %d malformed at %d (n %d): %v", i, k, n, e)
			}
			sum = sum.Add(e.Value)
			if u := e.Value.ToU16Proportion(); u > 0 {
				if stored >= len(out.Bonds[i]) || out.Bonds[i][stored] != (Weight{UID: e.UID, Value: u}) {
					t.Fatalf("stored bond row %d = %v does not match %v", i, out.Bonds[i], row)
				}
				stored++
			}
		}
		if stored != len(out.Bonds[i]) {
			t.Fatalf("stored bond row %d = %v does not match %v", i, out.Bonds[i], row)
		}
		if sum > One {
			t.Fatalf("fixed bond row %d sums to %s > 1", i, sum)
		}
	}
}

// asYuma3 turns an input into a Yuma 3 one, with parameters and fixed
// bonds drawn from r.
func asYuma3(r *rand.Rand, in Input) Input {
	in.Version = 3
	in.BondsPenalty = uint16(r.Uint64N(65536))
	in.LiquidAlpha = r.IntN(2) == 0
	in.TrustWeightedConsensus = r.IntN(2) == 0
	in.AlphaLow, in.AlphaHigh = uint16(r.Uint64N(65536)), uint16(r.Uint64N(65536))
	for i := range in.Neurons {
		nr := &in.Neurons[i]
		for _, b := range nr.Bonds {
			v := I32F32(r.Int64N(int64(One) + 2))
			if r.IntN(10) == 0 {
				v = I32F32(r.Int64() - r.Int64())
			}
			nr.BondsFixed = append(nr.BondsFixed, FixedBond{UID: b.UID, Value: v})
		}
	}
	return in
}

func TestYuma3PropertiesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	for it := 0; it < 2000; it++ {
		n := r.IntN(40)
		if it%100 == 0 {
			n = 300 + r.IntN(200)
		}
		in := asYuma3(r, wildInput(r, n))
		st := run(in)
		checkState(t, st)
		out := st.output()
		checkInvariants(t, in, out)
		checkYuma3(t, in, out)
		if again := Epoch(in); !reflect.DeepEqual(again, out) {
			t.Fatalf("iteration %d: Epoch is not deterministic", it)
		}
	}
}

// FuzzYuma3 decodes arbitrary bytes into a bounded Yuma 3 input and checks
// that Epoch does not panic, is deterministic and keeps every invariant.
func FuzzYuma3(f *testing.F) {
	f.Add([]byte{}, uint64(1))
	f.Add([]byte{5, 4, 100, 0, 0, 4, 200, 127, 255, 4, 1, 64,
		7, 4, 9, 4, 50, 0, 3, 2, 0, 255, 255, 3, 0, 255, 4, 0, 1, 1, 0, 1,
		7, 4, 3, 4, 50, 0, 2, 2, 0, 255, 255, 3, 0, 255, 1, 2, 0, 1}, uint64(7))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		in := asYuma3(rand.New(rand.NewPCG(seed, 0)), decodeInput(data))
		st := run(in)
		checkState(t, st)
		out := st.output()
		checkInvariants(t, in, out)
		checkYuma3(t, in, out)
		if again := Epoch(in); !reflect.DeepEqual(again, out) {
			t.Fatalf("Epoch is not deterministic")
		}
	})
}

// BenchmarkEpochYuma3 is BenchmarkEpoch's steady-state subnet under Yuma 3
// with liquid alpha, full-precision bond rows fed back from a previous
// epoch.
func BenchmarkEpochYuma3(b *testing.B) {
	for _, n := range []int{256, 1024, 4096} {
		in := benchInput(n)
		in.Version, in.BondsPenalty, in.LiquidAlpha = 3, 65535, true
		in.AlphaLow, in.AlphaHigh = 45875, 58982
		prev := Epoch(in)
		for i := range in.Neurons {
			in.Neurons[i].BondsFixed = prev.BondsFixed[i]
		}
		b.Run(fmt.Sprintf("validators=64/uids=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Epoch(in)
			}
		})
	}
}
