package keeper_test

import (
	"testing"

	sdkmath "cosmossdk.io/math"

	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
)

// submit delivers an evaluation of hot for the current epoch (scoring the miner).
func (f *fixture) submit(t *testing.T, idx int, score uint32) {
	t.Helper()
	s := f.evaluation(f.validators[idx], f.validators[idx], score)
	f.deliver(f.owner, &intelligencetypes.MsgSubmitEvaluation{Submitter: f.owner.Address.String(), Evaluation: s.Evaluation, Signature: s.Signature})
}

func (f *fixture) offences(t *testing.T) []slashingtypes.Offence {
	t.Helper()
	var out []slashingtypes.Offence
	if err := f.c.App.SlashingKeeper.Offences.Walk(f.c.Context(), nil, func(_ uint64, o slashingtypes.Offence) (bool, error) {
		out = append(out, o)
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLivenessThroughEpochs: validator 0 submits an evaluation every epoch, validator 1 stays
// silent. After max_missed_epochs (2) silent epochs validator 1 loses its permit, 1% of its stake
// is burned and it is jailed for one epoch; then it wins the permit back by stake. Validator 0 is
// never punished.
func TestLivenessThroughEpochs(t *testing.T) {
	p := slashingtypes.DefaultParams()
	p.MaxMissedEpochs, p.JailEpochs, p.MinUsefulEpochs = 2, 1, 0
	p.LivenessSlash = sdkmath.LegacyNewDecWithPrec(1, 2)
	f := newFixture(t, p)
	silent := hotkeyAddr(f.validators[1])

	// Both validators are active in the first epoch, so both start from zero missed epochs.
	f.submit(t, 0, 1000)
	f.submit(t, 1, 1000)
	f.advanceToNextEpoch()
	var stakeBefore sdkmath.Int
	for epoch := 1; epoch <= 2; epoch++ {
		if len(f.offences(t)) != 0 {
			t.Fatalf("an offence before %d silent epochs: %+v", p.MaxMissedEpochs, f.offences(t))
		}
		if !f.neuron(silent).ValidatorPermit {
			t.Fatalf("silent validator lost its permit after %d silent epoch(s), before max_missed_epochs", epoch-1)
		}
		stakeBefore = f.snapshot(f.c.Context(), silent).pool
		f.submit(t, 0, 1000)
		f.advanceToNextEpoch()
	}
	offences := f.offences(t)
	if len(offences) != 1 {
		t.Fatalf("want one liveness offence, got %+v", offences)
	}
	o := offences[0]
	if o.Kind != slashingtypes.OffenceKind_OFFENCE_KIND_LIVENESS || o.Hotkey != silent.String() || o.Netuid != uint32(netuid) || !o.Registered {
		t.Fatalf("offence %+v is not validator 1's liveness fault", o)
	}
	// The epoch pays the validators before the check, so the slash applies to the pool as the
	// epoch left it: after = pre - floor(pre * 1%).
	pre := f.snapshot(f.c.Context(), silent).pool.Add(o.Slashed)
	if !pre.GT(stakeBefore) {
		t.Fatalf("pool before the slash %s is not above the pool before the epoch %s", pre, stakeBefore)
	}
	wantSlash := sdkmath.LegacyNewDecFromInt(pre).Mul(p.LivenessSlash).TruncateInt()
	if !o.Slashed.Equal(wantSlash) || !o.Burned.Equal(wantSlash) || !o.Reward.IsZero() {
		t.Fatalf("liveness slashed %s burned %s reward %s; want %s all burned", o.Slashed, o.Burned, o.Reward, wantSlash)
	}
	if f.neuron(silent).ValidatorPermit {
		t.Fatal("silent validator kept its permit")
	}
	if !f.neuron(hotkeyAddr(f.validators[0])).ValidatorPermit {
		t.Fatal("active validator lost its permit")
	}
	checkInvariants(t, f)

	f.submit(t, 0, 1000)
	f.advanceToNextEpoch() // the jail (1 epoch) masks this close and ends
	if f.neuron(silent).ValidatorPermit {
		t.Fatal("jailed validator regained its permit inside the jail")
	}
	f.submit(t, 0, 1000)
	f.advanceToNextEpoch()
	if !f.neuron(silent).ValidatorPermit {
		t.Fatal("validator did not win its permit back after the jail")
	}
	if n := len(f.offences(t)); n != 1 {
		t.Fatalf("%d offences; the active validator must never be punished", n)
	}
}

// TestUselessMinerThroughEpochs: two new miners (immunity 0); validator 0 scores only the second.
// After min_useful_epochs (2) epochs with zero incentive the first is deregistered, the second
// and the validators stay.
func TestUselessMinerThroughEpochs(t *testing.T) {
	p := slashingtypes.DefaultParams()
	p.MaxMissedEpochs, p.MinUsefulEpochs = 0, 2
	f := newFixture(t, p)
	f.advanceToNextEpoch()
	// Two new miners right after an epoch close: the counting starts from zero for both.
	uselessKey := f.register(f.c.Accounts[3], "slash-miner-useless")
	good := f.register(f.c.Accounts[3], "slash-miner-good")
	useless := hotkeyAddr(uselessKey)
	goodUID := f.neuron(hotkeyAddr(good)).Uid
	uselessUID := f.neuron(useless).Uid

	scoreGood := func() {
		s := f.evaluation(f.validators[0], f.validators[0], 0)
		s.Evaluation.Uids, s.Evaluation.Scores = []uint32{goodUID}, []uint32{65535}
		s = resign(t, f.validators[0], s)
		f.deliver(f.owner, &intelligencetypes.MsgSubmitEvaluation{Submitter: f.owner.Address.String(), Evaluation: s.Evaluation, Signature: s.Signature})
	}
	for i := 0; i < 2; i++ {
		if !f.registered(useless) {
			t.Fatalf("useless miner deregistered after %d epoch(s)", i)
		}
		scoreGood()
		f.advanceToNextEpoch()
	}
	if f.registered(useless) {
		t.Fatalf("miner with zero incentive for %d epochs is still registered", p.MinUsefulEpochs)
	}
	if !f.registered(hotkeyAddr(good)) || f.neuron(hotkeyAddr(good)).Incentive == 0 {
		t.Fatal("the useful miner was deregistered or earned nothing")
	}
	for i, v := range f.validators {
		if !f.registered(hotkeyAddr(v)) {
			t.Fatalf("validator %d was deregistered", i)
		}
	}
	var offences []slashingtypes.Offence
	for _, o := range f.offences(t) {
		if o.Hotkey == useless.String() || o.Hotkey == hotkeyAddr(good).String() {
			offences = append(offences, o)
		}
	}
	if len(offences) != 1 || offences[0].Kind != slashingtypes.OffenceKind_OFFENCE_KIND_USELESS_MINER ||
		offences[0].Hotkey != useless.String() || offences[0].Uid != uselessUID || !offences[0].Slashed.IsZero() {
		t.Fatalf("want one useless-miner offence for uid %d, got %+v", uselessUID, offences)
	}
	// The freed uid is reused by the next registration.
	again := f.register(f.c.Accounts[3], "slash-miner-new")
	if uid := f.neuron(hotkeyAddr(again)).Uid; uid != uselessUID {
		t.Fatalf("new neuron got uid %d, want the freed uid %d", uid, uselessUID)
	}
	checkInvariants(t, f)
}

// TestJailedValidatorIsNotAlsoSilent: a validator jailed for equivocation during an epoch lost its
// permit then, so closing that epoch without weights is not also a liveness offence.
func TestJailedValidatorIsNotAlsoSilent(t *testing.T) {
	p := slashingtypes.DefaultParams()
	p.MaxMissedEpochs, p.JailEpochs, p.MinUsefulEpochs = 2, 1, 0
	f := newFixture(t, p)
	f.submit(t, 0, 1000)
	v1 := f.validators[1]
	accepted, conflicting := f.equivocation(v1) // signed now, reported two epochs later
	f.advanceToNextEpoch()
	f.submit(t, 0, 1000) // validator 1 silent: one missed epoch
	f.advanceToNextEpoch()
	if !f.neuron(hotkeyAddr(v1)).ValidatorPermit || len(f.offences(t)) != 0 {
		t.Fatalf("after one silent epoch: permit %v, offences %+v", f.neuron(hotkeyAddr(v1)).ValidatorPermit, f.offences(t))
	}
	// Jailed in the epoch that would be its second silent one.
	f.deliver(f.reporter, &slashingtypes.MsgReportEquivocation{Reporter: f.reporter.Address.String(), First: accepted, Second: conflicting})
	f.submit(t, 0, 1000)
	f.advanceToNextEpoch()
	offences := f.offences(t)
	if len(offences) != 1 || offences[0].Kind != slashingtypes.OffenceKind_OFFENCE_KIND_EQUIVOCATION {
		t.Fatalf("want only the equivocation, got %+v", offences)
	}
}
