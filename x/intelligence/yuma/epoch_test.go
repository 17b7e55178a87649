package yuma

import (
	"reflect"
	"slices"
	"testing"
)

const (
	testBlock  = 100
	chainKappa = 32767 // ≈ 0.5, the default hyperparameter
)

func wt(uid, value uint16) Weight { return Weight{UID: uid, Value: value} }

func validator(stake uint64, weights ...Weight) Neuron {
	return Neuron{Stake: stake, ValidatorPermit: true, LastUpdate: testBlock, Weights: weights}
}

func miner() Neuron { return Neuron{LastUpdate: testBlock} }

func input(neurons ...Neuron) Input {
	return Input{
		CurrentBlock:       testBlock,
		ActivityCutoff:     5000,
		Kappa:              chainKappa,
		BondsMovingAverage: 0,
		MaxValidators:      64,
		Neurons:            neurons,
	}
}

func expectVector(t *testing.T, name string, got, want []I32F32) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

func expectU16(t *testing.T, name string, got, want []uint16) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

// TestEpochTwoValidatorsThreeMiners is worked out by hand. Validators 0
// (stake 3) and 1 (stake 1) give S = (3/4, 1/4). Validator 0 weights miners
// 2, 3, 4 as 1:1:2 → (1/4, 1/4, 1/2); validator 1 weights 2, 3 as 1:1 →
// (1/2, 1/2). Consensus (kappa ≈ 1/2): c2 = c3 = 1/4 (3/4 of stake is at
// 1/4), c4 = 1/2. Validator 1 is clipped to (1/4, 1/4): VT = (1, 1/2).
// R = (1/4, 1/4, 3/8), ΣR = 7/8, I = (2/7, 2/7, 3/7). Pre-clip ranks of 2
// and 3 are 5/16, so their trust is 4/5. With a = 1 (no moving average) B is
// the column-normalized ΔB: columns 2, 3 = (3/4, 1/4), column 4 = (1, 0),
// so D = (3/4·4/7 + 3/7, 1/4·4/7) = (6/7, 1/7).
func TestEpochTwoValidatorsThreeMiners(t *testing.T) {
	in := input(
		validator(3_000_000_000, wt(2, 1), wt(3, 1), wt(4, 2)),
		validator(1_000_000_000, wt(2, 1), wt(3, 1)),
		miner(), miner(), miner(),
	)
	out := Epoch(in)

	const twoSevenths, threeSevenths = 1227133513, 1840700269 // floor(x·2^32)
	expectVector(t, "ActiveStake", out.ActiveStake, []I32F32{3 * One / 4, One / 4, 0, 0, 0})
	expectVector(t, "Consensus", out.Consensus, []I32F32{0, 0, One / 4, One / 4, One / 2})
	expectVector(t, "ValidatorTrust", out.ValidatorTrust, []I32F32{One, One / 2, 0, 0, 0})
	expectVector(t, "Rank", out.Rank, []I32F32{0, 0, One / 4, One / 4, 3 * One / 8})
	expectVector(t, "Trust", out.Trust, []I32F32{0, 0, 3435973836, 3435973836, One})
	expectVector(t, "Incentive", out.Incentive, []I32F32{0, 0, twoSevenths, twoSevenths, threeSevenths})
	// D before normalization: 3/4·I2·2 + I4 and 1/4·I2·2, each product
	// floored: 3681400537 and 613566756, summing to 4294967293.
	expectVector(t, "Dividends", out.Dividends, []I32F32{3681400539, 613566756, 0, 0, 0})

	expectU16(t, "ConsensusU16", out.ConsensusU16, []uint16{0, 0, 16383, 16383, 32767})
	expectU16(t, "ValidatorTrustU16", out.ValidatorTrustU16, []uint16{65535, 32767, 0, 0, 0})
	expectU16(t, "RankU16", out.RankU16, []uint16{0, 0, 16383, 16383, 24575})
	expectU16(t, "TrustU16", out.TrustU16, []uint16{0, 0, 52427, 52427, 65535})
	expectU16(t, "IncentiveU16", out.IncentiveU16, []uint16{0, 0, 18724, 18724, 28086})
	expectU16(t, "DividendsU16", out.DividendsU16, []uint16{56172, 9362, 0, 0, 0})

	if !slices.Equal(out.Active, []bool{true, true, true, true, true}) {
		t.Errorf("Active = %v", out.Active)
	}
	if !slices.Equal(out.ValidatorPermit, []bool{true, true, false, false, false}) {
		t.Errorf("ValidatorPermit = %v", out.ValidatorPermit)
	}
	// Column max-upscaled bonds: validator 0 holds the column maximum
	// everywhere; validator 1 holds 1/3 of it in columns 2 and 3, stored as
	// floor(floor(2^32/3)·65535/2^32) = 21844.
	wantBonds := [][]Weight{
		{wt(2, 65535), wt(3, 65535), wt(4, 65535)},
		{wt(2, 21844), wt(3, 21844)},
		nil, nil, nil,
	}
	if !reflect.DeepEqual(out.Bonds, wantBonds) {
		t.Errorf("Bonds = %v, want %v", out.Bonds, wantBonds)
	}

	// Emission payout: miners by incentive, conserving every rao.
	parts, ok := Split(41_000_000, out.Incentive)
	if !ok || parts[2]+parts[3]+parts[4] != 41_000_000 || parts[0] != 0 {
		t.Errorf("Split by incentive = %v, %v", parts, ok)
	}
}

// TestEpochDishonestValidatorIsClipped: validators 0 and 1 (75% of stake)
// agree on miners 3 and 4; validator 2 (25%) puts most of its weight on
// miner 5, which nobody else supports. Consensus on 5 is 0, so that weight
// is clipped: miner 5 earns nothing and validator 2's trust and dividends
// per unit of stake fall far below the honest validators'.
func TestEpochDishonestValidatorIsClipped(t *testing.T) {
	in := input(
		validator(400, wt(3, 40000), wt(4, 20000)),
		validator(350, wt(3, 41000), wt(4, 19000)),
		validator(250, wt(3, 10000), wt(5, 55535)),
		miner(), miner(), miner(),
	)
	out := Epoch(in)

	if out.Consensus[5] != 0 || out.Incentive[5] != 0 || out.Rank[5] != 0 {
		t.Errorf("miner 5: consensus %s incentive %s rank %s, want all 0", out.Consensus[5], out.Incentive[5], out.Rank[5])
	}
	if out.Incentive[3] <= out.Incentive[4] || out.Incentive[4] == 0 {
		t.Errorf("incentives of honest miners = %s, %s", out.Incentive[3], out.Incentive[4])
	}
	// Validator 2 keeps only its weight on 3, which is below consensus:
	// VT2 = 10000/65535 rounded down.
	if want := Ratio(10000, 65535); out.ValidatorTrust[2] != want {
		t.Errorf("VT2 = %s, want %s", out.ValidatorTrust[2], want)
	}
	for i := 0; i < 2; i++ {
		if out.ValidatorTrust[i] <= out.ValidatorTrust[2] {
			t.Errorf("honest VT%d = %s not above dishonest %s", i, out.ValidatorTrust[i], out.ValidatorTrust[2])
		}
		// Dividends per unit of stake: D_i/stake_i > D_2/stake_2, compared
		// by cross-multiplication.
		lhs := out.Dividends[i].MulUint64(in.Neurons[2].Stake)
		rhs := out.Dividends[2].MulUint64(in.Neurons[i].Stake)
		if lhs <= rhs {
			t.Errorf("dividends per stake: honest %d (%s) not above dishonest (%s)", i, out.Dividends[i], out.Dividends[2])
		}
	}
	if out.Dividends[2] == 0 {
		t.Errorf("dishonest validator still supported miner 3 and should earn some dividends")
	}
	// Trust of miner 3: validator 0 gave 40000/60000, validator 1
	// 41000/60000; c3 is validator 0's value (kappa ≈ 1/2, 35% + 25% below).
	if want := Ratio(40000, 60000); out.Consensus[3] != want {
		t.Errorf("c3 = %s, want %s", out.Consensus[3], want)
	}
}

func TestEpochMasks(t *testing.T) {
	t.Run("self weights are dropped", func(t *testing.T) {
		out := Epoch(input(
			validator(100, wt(0, 65535), wt(1, 65535)),
			miner(),
		))
		expectVector(t, "Incentive", out.Incentive, []I32F32{0, One})
		expectVector(t, "ValidatorTrust", out.ValidatorTrust, []I32F32{One, 0})
	})
	t.Run("rows without permit are dropped", func(t *testing.T) {
		noPermit := validator(900, wt(2, 65535))
		noPermit.ValidatorPermit = false
		out := Epoch(input(
			validator(100, wt(3, 65535)),
			noPermit,
			miner(), miner(),
		))
		expectVector(t, "Incentive", out.Incentive, []I32F32{0, 0, 0, One})
		expectVector(t, "ActiveStake", out.ActiveStake, []I32F32{One, 0, 0, 0})
		expectVector(t, "ValidatorTrust", out.ValidatorTrust, []I32F32{One, 0, 0, 0})
		// Stake alone earns the permit for the next epoch.
		if !slices.Equal(out.ValidatorPermit, []bool{true, true, false, false}) {
			t.Errorf("ValidatorPermit = %v", out.ValidatorPermit)
		}
	})
	t.Run("inactive validators have no stake in consensus", func(t *testing.T) {
		inactive := validator(900, wt(2, 65535))
		inactive.LastUpdate = 10
		in := input(validator(100, wt(3, 65535)), inactive, miner(), miner())
		in.ActivityCutoff = 50 // 10 + 50 < 100
		out := Epoch(in)
		if !slices.Equal(out.Active, []bool{true, false, true, true}) {
			t.Errorf("Active = %v", out.Active)
		}
		expectVector(t, "ActiveStake", out.ActiveStake, []I32F32{One, 0, 0, 0})
		expectVector(t, "Incentive", out.Incentive, []I32F32{0, 0, 0, One})
		// Its row still exists; all of it is clipped away.
		expectVector(t, "ValidatorTrust", out.ValidatorTrust, []I32F32{One, 0, 0, 0})
		in.ActivityCutoff = 90 // 10 + 90 ≥ 100: active again
		if out := Epoch(in); !out.Active[1] || out.ActiveStake[1] == 0 {
			t.Errorf("validator at the cutoff boundary should be active")
		}
	})
	t.Run("weights set before the target registered are dropped", func(t *testing.T) {
		late := miner()
		late.RegisteredAt = testBlock // validator updated at testBlock: not after
		out := Epoch(input(validator(100, wt(1, 65535), wt(2, 65535)), late, miner()))
		expectVector(t, "Incentive", out.Incentive, []I32F32{0, 0, One})
	})
	t.Run("out of range, zero, repeated and unsorted entries", func(t *testing.T) {
		messy := Epoch(input(
			validator(100, wt(9, 65535), wt(2, 1), wt(1, 0), wt(1, 1), wt(2, 1)),
			miner(), miner(),
		))
		clean := Epoch(input(validator(100, wt(1, 1), wt(2, 2)), miner(), miner()))
		if !reflect.DeepEqual(messy, clean) {
			t.Errorf("messy row gave %+v, want %+v", messy, clean)
		}
	})
}

func TestEpochNoWeights(t *testing.T) {
	out := Epoch(input(validator(100), validator(300), miner()))
	for j := range out.Incentive {
		if out.Incentive[j] != 0 || out.Dividends[j] != 0 || out.Consensus[j] != 0 {
			t.Fatalf("uid %d: I %s D %s C %s, want 0", j, out.Incentive[j], out.Dividends[j], out.Consensus[j])
		}
	}
	// The caller falls back to paying validators by stake.
	expectVector(t, "ActiveStake", out.ActiveStake, []I32F32{One / 4, 3 * One / 4, 0})
	parts, ok := Split(1000, out.ActiveStake)
	if !ok || !slices.Equal(parts, []uint64{250, 750, 0}) {
		t.Errorf("fallback split = %v, %v", parts, ok)
	}

	empty := Epoch(Input{})
	if len(empty.Incentive) != 0 || len(empty.Bonds) != 0 || len(empty.IncentiveU16) != 0 {
		t.Errorf("empty input gave %+v", empty)
	}
}

// TestEpochBondsMovingAverage: validator 0 held all bonds on the miner;
// now both validators (equal stake) weight it equally. With a moving
// average of 0.9, B = 0.1·(1/2, 1/2) + 0.9·(1, 0) = (0.95, 0.05).
func TestEpochBondsMovingAverage(t *testing.T) {
	v0 := validator(500, wt(2, 65535))
	v0.Bonds = []Weight{wt(2, 65535)}
	v1 := validator(500, wt(2, 65535))
	v1.Bonds = []Weight{wt(2, 0)}
	in := input(v0, v1, miner())
	in.BondsMovingAverage = 900_000
	in.LastEpochBlock = 50 // everyone registered at 0: no reset

	out := Epoch(in)
	near := func(name string, got I32F32, want, tolerance float64) {
		t.Helper()
		if d := float64(got)/float64(One) - want; d > tolerance || d < -tolerance {
			t.Errorf("%s = %s, want %.10f", name, got, want)
		}
	}
	near("D0", out.Dividends[0], 0.95, 1e-8)
	near("D1", out.Dividends[1], 0.05, 1e-8)
	// Stored bonds: 0.05/0.95 of the column maximum = 3449.2 → 3449.
	want := [][]Weight{{wt(2, 65535)}, {wt(2, 3449)}, nil}
	if !reflect.DeepEqual(out.Bonds, want) {
		t.Errorf("Bonds = %v, want %v", out.Bonds, want)
	}

	// Feeding the bonds back converges toward the new equal split (up to
	// the bias of rounding the stored u16 bonds down every epoch).
	for epoch := 0; epoch < 200; epoch++ {
		in.Neurons[0].Bonds, in.Neurons[1].Bonds = out.Bonds[0], out.Bonds[1]
		in.CurrentBlock++
		in.LastEpochBlock++
		out = Epoch(in)
	}
	near("D0 after 200 epochs", out.Dividends[0], 0.5, 1e-3)

	// A moving average of 1,000,000 (or more) freezes the bonds.
	in.Neurons[0].Bonds, in.Neurons[1].Bonds = []Weight{wt(2, 65535)}, nil
	in.BondsMovingAverage = 5_000_000
	frozen := Epoch(in)
	expectVector(t, "frozen Dividends", frozen.Dividends, []I32F32{One, 0, 0})
}

// TestEpochNewlyRegisteredResetsBonds: the miner at uid 2 registered after
// the previous epoch, so the bonds in its column (held on the previous
// occupant) are ignored; so is the bond row of validator 1, which also
// registered since then.
func TestEpochNewlyRegisteredResetsBonds(t *testing.T) {
	v0 := validator(500, wt(2, 65535), wt(3, 65535))
	v0.Bonds = []Weight{wt(2, 65535), wt(3, 65535)}
	v1 := validator(500, wt(2, 65535), wt(3, 65535))
	v1.RegisteredAt = 60
	v1.Bonds = []Weight{wt(2, 65535), wt(3, 65535)}
	fresh := miner()
	fresh.RegisteredAt = 60
	in := input(v0, v1, fresh, miner())
	in.BondsMovingAverage = 900_000
	in.LastEpochBlock = 60

	out := Epoch(in)
	// Column 2: only ΔB = (1/2, 1/2). Column 3: 0.1·(1/2, 1/2) + 0.9·(1, 0).
	wantBonds := [][]Weight{{wt(2, 65535), wt(3, 65535)}, {wt(2, 65535), wt(3, 3449)}, nil, nil}
	if !reflect.DeepEqual(out.Bonds, wantBonds) {
		t.Errorf("Bonds = %v, want %v", out.Bonds, wantBonds)
	}
}

func TestEpochValidatorPermits(t *testing.T) {
	in := input(
		Neuron{Stake: 5}, Neuron{Stake: 9}, Neuron{Stake: 5}, Neuron{Stake: 0}, Neuron{Stake: 7},
	)
	for _, tc := range []struct {
		max  uint16
		want []bool
	}{
		{0, []bool{false, false, false, false, false}},
		{1, []bool{false, true, false, false, false}},
		{3, []bool{true, true, false, false, true}}, // tie at 5: lower uid
		{4, []bool{true, true, true, false, true}},
		{64, []bool{true, true, true, false, true}}, // zero stake never
	} {
		in.MaxValidators = tc.max
		if got := Epoch(in).ValidatorPermit; !slices.Equal(got, tc.want) {
			t.Errorf("MaxValidators %d: permits %v, want %v", tc.max, got, tc.want)
		}
	}
	// Losing the permit clears the bond row.
	in = input(validator(1, wt(2, 1)), validator(100, wt(2, 1)), miner())
	in.MaxValidators = 1
	out := Epoch(in)
	if out.Bonds[0] != nil || out.Bonds[1] == nil {
		t.Errorf("bonds after permit loss = %v", out.Bonds)
	}
	if out.Dividends[0] == 0 {
		t.Errorf("validator 0 still held a permit this epoch and earns dividends")
	}
}

func TestEpochKappaExtremes(t *testing.T) {
	build := func(kappa uint16) Output {
		in := input(
			validator(600, wt(2, 30000), wt(3, 35535)),
			validator(400, wt(2, 65535)),
			miner(), miner(),
		)
		in.Kappa = kappa
		return Epoch(in)
	}
	// kappa = 1: consensus is the minimum over stake holders, clipping
	// everything not supported by all: c2 = 30000/65535, c3 = 0.
	all := build(65535)
	expectVector(t, "Consensus kappa=1", all.Consensus, []I32F32{0, 0, Ratio(30000, 65535), 0})
	// kappa = 0: consensus is the maximum, nothing is clipped.
	none := build(0)
	expectVector(t, "Consensus kappa=0", none.Consensus, []I32F32{0, 0, One, Ratio(35535, 65535)})
	// Each normalized weight is rounded down, so the row sums 1 ulp short.
	rowSum := Ratio(30000, 65535) + Ratio(35535, 65535)
	expectVector(t, "ValidatorTrust kappa=0", none.ValidatorTrust, []I32F32{rowSum, One, 0, 0})
}

func TestEpochHugeStakesAndUids(t *testing.T) {
	// Stakes whose sum overflows 64 bits are still normalized exactly
	// enough: three equal maximal stakes give thirds.
	const max64 = ^uint64(0)
	out := Epoch(input(validator(max64, wt(3, 1)), validator(max64, wt(3, 1)), validator(max64, wt(3, 1)), miner()))
	third := Ratio(1, 3)
	expectVector(t, "ActiveStake", out.ActiveStake, []I32F32{third, third, third, 0})
	expectVector(t, "Incentive", out.Incentive, []I32F32{0, 0, 0, One})

	// More uids than a uint16 can address: uids beyond 65535 can still
	// validate (their weights address the low uids) but cannot be weighted.
	neurons := make([]Neuron, 70_000)
	neurons[69_999] = validator(10, wt(65535, 7), wt(4, 7))
	neurons[5] = validator(10, wt(65535, 7))
	in := input(neurons...)
	out = Epoch(in)
	if out.Incentive[65535] == 0 || out.Incentive[4] == 0 || len(out.Bonds) != 70_000 {
		t.Fatalf("large subnet: I[65535] = %s, I[4] = %s", out.Incentive[65535], out.Incentive[4])
	}
	if row := out.Bonds[69_999]; len(row) != 2 || row[0].UID != 4 || row[1].UID != 65535 {
		t.Errorf("bond row of uid 69999 = %v", row)
	}
	checkInvariants(t, in, out)
}
