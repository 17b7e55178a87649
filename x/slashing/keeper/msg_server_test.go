package keeper_test

import (
	"errors"
	"strings"
	"testing"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/slashing/keeper"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// isolated returns params that keep the epoch-time checks out of a test about equivocation.
func isolated() slashingtypes.Params {
	p := slashingtypes.DefaultParams()
	p.MaxMissedEpochs, p.MinUsefulEpochs, p.JailEpochs = 0, 0, 2
	return p
}

func TestReportEquivocation(t *testing.T) {
	f := newFixture(t, isolated())
	v0, v1 := f.validators[0], f.validators[1]
	outsider := secp256k1.GenPrivKeyFromSecret([]byte("never-registered"))
	// Direct msg-server calls run at the height the next block would have.
	base := func() sdk.Context { return f.c.Context().WithBlockHeight(f.c.Height + 1) }
	msg := func(a, b intelligencetypes.SignedEvaluation) *slashingtypes.MsgReportEquivocation {
		return &slashingtypes.MsgReportEquivocation{Reporter: f.reporter.Address.String(), First: a, Second: b}
	}
	edit := func(hot *secp256k1.PrivKey, s intelligencetypes.SignedEvaluation, fn func(*intelligencetypes.Evaluation)) intelligencetypes.SignedEvaluation {
		fn(&s.Evaluation)
		return resign(t, hot, s)
	}
	srv := keeper.NewMsgServerImpl(f.c.App.SlashingKeeper)
	// v0 validated in the current epoch: the chain holds its evaluation (score 50).
	accepted := f.evaluation(v0, v0, 50)
	f.deliver(f.owner, &intelligencetypes.MsgSubmitEvaluation{Submitter: f.owner.Address.String(), Evaluation: accepted.Evaluation, Signature: accepted.Signature})

	tests := []struct {
		name    string
		setup   func(ctx sdk.Context) // runs in the case's context before the report
		msg     func() *slashingtypes.MsgReportEquivocation
		wantErr error
		wantMsg string
	}{
		{
			name:    "same evaluation twice",
			msg:     func() *slashingtypes.MsgReportEquivocation { a := f.evaluation(v0, v0, 100); return msg(a, a) },
			wantErr: slashingtypes.ErrInvalidEvidence, wantMsg: "carry the same scores",
		},
		{
			// The stale-nonce retry of an honest worker: the same scores signed again.
			name: "same scores re-signed with another nonce and task commitment",
			msg: func() *slashingtypes.MsgReportEquivocation {
				return msg(accepted, edit(v0, accepted, func(e *intelligencetypes.Evaluation) {
					e.Nonce += 5
					e.TaskCommitment = append(make([]byte, 31), 7)
				}))
			},
			wantErr: slashingtypes.ErrInvalidEvidence, wantMsg: "not an equivocation",
		},
		{
			name: "an epoch in which the hotkey had no accepted evaluation",
			msg: func() *slashingtypes.MsgReportEquivocation {
				return msg(f.evaluation(v1, v1, 100), f.evaluation(v1, v1, 200))
			},
			wantErr: slashingtypes.ErrNoPermitInEpoch, wantMsg: "validated with a permit",
		},
		{
			name: "an earlier epoch without an accepted evaluation",
			msg: func() *slashingtypes.MsgReportEquivocation {
				earlier := func(e *intelligencetypes.Evaluation) { e.Epoch-- }
				return msg(edit(v0, f.evaluation(v0, v0, 100), earlier), edit(v0, f.evaluation(v0, v0, 200), earlier))
			},
			wantErr: slashingtypes.ErrNoPermitInEpoch,
		},
		{
			name: "evidence older than evidence_retention_epochs",
			setup: func(ctx sdk.Context) {
				p := intelligencetypes.DefaultParams()
				p.EvidenceRetentionEpochs = 1
				if err := f.c.App.IntelligenceKeeper.Params.Set(ctx, p); err != nil {
					t.Fatal(err)
				}
			},
			msg: func() *slashingtypes.MsgReportEquivocation {
				earlier := func(e *intelligencetypes.Evaluation) { e.Epoch-- }
				return msg(edit(v0, f.evaluation(v0, v0, 100), earlier), edit(v0, f.evaluation(v0, v0, 200), earlier))
			},
			wantErr: slashingtypes.ErrEvidenceTooOld, wantMsg: "evidence_retention_epochs",
		},
		{
			name: "different netuid",
			msg: func() *slashingtypes.MsgReportEquivocation {
				a := f.evaluation(v0, v0, 100)
				return msg(a, edit(v0, f.evaluation(v0, v0, 200), func(e *intelligencetypes.Evaluation) { e.Netuid = 2 }))
			},
			wantErr: slashingtypes.ErrInvalidEvidence, wantMsg: "must share chain, subnet, epoch and hotkey",
		},
		{
			name: "different epoch",
			msg: func() *slashingtypes.MsgReportEquivocation {
				a := f.evaluation(v0, v0, 100)
				return msg(a, edit(v0, f.evaluation(v0, v0, 200), func(e *intelligencetypes.Evaluation) { e.Epoch-- }))
			},
			wantErr: slashingtypes.ErrInvalidEvidence, wantMsg: "must share chain, subnet, epoch and hotkey",
		},
		{
			name: "bad signature",
			msg: func() *slashingtypes.MsgReportEquivocation {
				b := f.evaluation(v0, v1, 200) // claims v0, signed by v1
				return msg(f.evaluation(v0, v0, 100), b)
			},
			wantErr: slashingtypes.ErrInvalidEvidence, wantMsg: "signature does not verify",
		},
		{
			name: "evaluations of two hotkeys",
			msg: func() *slashingtypes.MsgReportEquivocation {
				return msg(f.evaluation(v0, v0, 100), f.evaluation(v1, v1, 200))
			},
			wantErr: slashingtypes.ErrInvalidEvidence, wantMsg: "not to validator_hotkey",
		},
		{
			name: "unknown hotkey",
			msg: func() *slashingtypes.MsgReportEquivocation {
				return msg(f.evaluation(outsider, outsider, 100), f.evaluation(outsider, outsider, 200))
			},
			wantErr: slashingtypes.ErrUnknownHotkey, wantMsg: "never registered",
		},
		{
			name: "another chain",
			msg: func() *slashingtypes.MsgReportEquivocation {
				other := func(e *intelligencetypes.Evaluation) { e.ChainId = "other-chain-1" }
				return msg(edit(v0, f.evaluation(v0, v0, 100), other), edit(v0, f.evaluation(v0, v0, 200), other))
			},
			wantErr: slashingtypes.ErrWrongChain,
		},
		{
			name: "unknown subnet",
			msg: func() *slashingtypes.MsgReportEquivocation {
				s7 := func(e *intelligencetypes.Evaluation) { e.Netuid = 7 }
				return msg(edit(v0, f.evaluation(v0, v0, 100), s7), edit(v0, f.evaluation(v0, v0, 200), s7))
			},
			wantErr: slashingtypes.ErrUnknownSubnet,
		},
		{
			name: "future epoch",
			msg: func() *slashingtypes.MsgReportEquivocation {
				later := func(e *intelligencetypes.Evaluation) { e.Epoch += 3 }
				return msg(edit(v0, f.evaluation(v0, v0, 100), later), edit(v0, f.evaluation(v0, v0, 200), later))
			},
			wantErr: slashingtypes.ErrFutureEpoch,
		},
		{
			name: "invalid reporter",
			msg: func() *slashingtypes.MsgReportEquivocation {
				m := msg(f.evaluation(v0, v0, 100), f.evaluation(v0, v0, 200))
				m.Reporter = "tao1notanaddress"
				return m
			},
			wantErr: sdkerrors.ErrInvalidAddress,
		},
		{
			name: "already reported",
			setup: func(ctx sdk.Context) {
				if _, err := srv.ReportEquivocation(ctx, msg(f.evaluation(v0, v0, 1), f.evaluation(v0, v0, 2))); err != nil {
					t.Fatalf("first report: %v", err)
				}
			},
			msg: func() *slashingtypes.MsgReportEquivocation {
				return msg(f.evaluation(v0, v0, 300), f.evaluation(v0, v0, 400))
			},
			wantErr: slashingtypes.ErrAlreadyReported, wantMsg: "punished by offence 1",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, _ := base().CacheContext()
			if tc.setup != nil {
				tc.setup(ctx)
			}
			m := tc.msg()
			before := f.snapshot(ctx, hotkeyAddr(v0))
			jailsBefore := countJails(t, f, ctx)
			_, err := srv.ReportEquivocation(ctx, m)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if tc.wantMsg != "" && !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error %q does not say %q", err, tc.wantMsg)
			}
			if after := f.snapshot(ctx, hotkeyAddr(v0)); !equalState(before, after) {
				t.Fatalf("a rejected report changed state: %+v -> %+v", before, after)
			}
			if got := countJails(t, f, ctx); got != jailsBefore {
				t.Fatalf("a rejected report changed the jails: %d -> %d", jailsBefore, got)
			}
		})
	}
}

func countJails(t *testing.T, f *fixture, ctx sdk.Context) int {
	t.Helper()
	n := 0
	if err := f.c.App.SlashingKeeper.Jails.Walk(ctx, nil, func(collections.Pair[uint16, sdk.AccAddress], slashingtypes.Jail) (bool, error) {
		n++
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func equalState(a, b stakeState) bool {
	return a.pool.Equal(b.pool) && a.unbonding.Equal(b.unbonding) && a.reporter.Equal(b.reporter) &&
		a.supply.Equal(b.supply) && a.offences == b.offences
}

// TestEquivocationSlashThroughTheApp delivers a report in a real tx and follows the jail through
// real epochs: 5% of the pool (nominators included) and of the unbonding is slashed, 10% of that
// paid to the reporter, the rest burned; the permit stays away for jail_epochs epochs and comes
// back after; the invariants hold.
func TestEquivocationSlashThroughTheApp(t *testing.T) {
	f := newFixture(t, isolated())
	v0 := f.validators[0]
	hot := hotkeyAddr(v0)
	a, b := f.evaluation(v0, v0, 100), f.evaluation(v0, v0, 200)
	// The first evaluation goes on chain; the conflicting one is refused there but proves the offence.
	f.deliver(f.owner, &intelligencetypes.MsgSubmitEvaluation{Submitter: f.owner.Address.String(), Evaluation: a.Evaluation, Signature: a.Signature})
	if res := f.c.DeliverMsgs(f.owner, &intelligencetypes.MsgSubmitEvaluation{Submitter: f.owner.Address.String(), Evaluation: b.Evaluation, Signature: b.Signature}); res.Code == 0 {
		t.Fatal("the chain accepted a second evaluation for the same epoch")
	}
	before := f.snapshot(f.c.Context(), hot)
	nominatorShares, err := f.c.App.SubnetKeeper.StakeValue(f.c.Context(), f.nominator.Address, hot, netuid)
	if err != nil {
		t.Fatal(err)
	}
	res := f.c.DeliverMsgs(f.reporter, &slashingtypes.MsgReportEquivocation{Reporter: f.reporter.Address.String(), First: b, Second: a})
	if res.Code != 0 {
		t.Fatalf("report: code %d: %s", res.Code, res.Log)
	}
	events := map[string]bool{}
	for _, e := range res.Events {
		events[e.Type] = true
	}
	for _, want := range []string{"taochain.slashing.v1.EventOffence", "taochain.slashing.v1.EventJailed", "taochain.subnet.v1.EventStakeSlashed"} {
		if !events[want] {
			t.Fatalf("report emitted no %s", want)
		}
	}
	ctx := f.c.Context()
	after := f.snapshot(ctx, hot)

	fraction := slashingtypes.DefaultEquivocationSlash
	poolCut := sdkmath.LegacyNewDecFromInt(before.pool).Mul(fraction).TruncateInt()
	unbondingCut := sdkmath.LegacyNewDecFromInt(before.unbonding).Mul(fraction).TruncateInt()
	slashed := poolCut.Add(unbondingCut)
	reward := sdkmath.LegacyNewDecFromInt(slashed).Mul(slashingtypes.DefaultReporterReward).TruncateInt()
	burned := slashed.Sub(reward)
	if !before.pool.Sub(after.pool).Equal(poolCut) || !before.unbonding.Sub(after.unbonding).Equal(unbondingCut) {
		t.Fatalf("pool %s -> %s, unbonding %s -> %s; want cuts %s and %s", before.pool, after.pool, before.unbonding, after.unbonding, poolCut, unbondingCut)
	}
	if !unbondingCut.IsPositive() {
		t.Fatal("the pending unbonding was not slashed")
	}
	fee := sdkmath.NewInt(2000)
	if got := after.reporter.Sub(before.reporter).Add(fee); !got.Equal(reward) {
		t.Fatalf("reporter gained %s (+ fee), want the reward %s", got, reward)
	}
	if got := before.supply.Sub(after.supply); !got.Equal(burned) {
		t.Fatalf("supply fell by %s, want the burn %s", got, burned)
	}
	nominatorAfter, err := f.c.App.SubnetKeeper.StakeValue(ctx, f.nominator.Address, hot, netuid)
	if err != nil {
		t.Fatal(err)
	}
	if !nominatorAfter.LT(nominatorShares) {
		t.Fatalf("nominator stake %s -> %s: nominators must share the slash", nominatorShares, nominatorAfter)
	}

	o, err := f.c.App.SlashingKeeper.Offences.Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := slashingtypes.Offence{
		Id: 1, Kind: slashingtypes.OffenceKind_OFFENCE_KIND_EQUIVOCATION, Netuid: uint32(netuid), Hotkey: hot.String(),
		Epoch: a.Evaluation.Epoch, Height: f.c.Height, EvidenceHash: keeper.EquivocationEvidenceHash(a.Evaluation, b.Evaluation),
		Slashed: slashed, Reward: reward, Burned: burned, Reporter: f.reporter.Address.String(), JailEpochs: 2,
		Uid: f.neuron(hot).Uid, Registered: true,
	}
	if !sameProto(t, &o, &want) {
		t.Fatalf("offence\n%+v\nwant\n%+v", o, want)
	}
	if f.neuron(hot).ValidatorPermit {
		t.Fatal("the equivocating hotkey kept its permit")
	}
	if bal := f.c.App.BankKeeper.GetBalance(ctx, authtypes.NewModuleAddress(slashingtypes.ModuleName), "rao"); !bal.IsZero() {
		t.Fatalf("the slashing module account kept %s", bal)
	}
	checkInvariants(t, f)

	// Jailed for 2 epochs: no permit after the next two epoch closes, a permit after the third.
	for i := 1; i <= 3; i++ {
		f.advanceToNextEpoch()
		jailed, err := f.c.App.SlashingKeeper.IsJailed(f.c.Context(), netuid, hot)
		if err != nil {
			t.Fatal(err)
		}
		permit := f.neuron(hot).ValidatorPermit
		t.Logf("after epoch close %d: jailed %v, permit %v", i, jailed, permit)
		if i <= 2 && permit {
			t.Fatalf("jailed hotkey regained its permit at epoch close %d", i)
		}
		if i == 2 && jailed {
			t.Fatal("jail did not end after 2 epochs")
		}
		if i == 3 && !permit {
			t.Fatal("hotkey did not regain its permit after the jail")
		}
	}
	if f.neuron(hotkeyAddr(f.validators[1])).ValidatorPermit == false {
		t.Fatal("the honest validator lost its permit")
	}
	checkInvariants(t, f)
}

func checkInvariants(t *testing.T, f *fixture) {
	t.Helper()
	ctx := f.c.Context()
	if err := f.c.App.SubnetKeeper.CheckInvariants(ctx); err != nil {
		t.Fatalf("x/subnet invariants: %v", err)
	}
	if err := f.c.App.TaoKeeper.CheckInvariants(ctx); err != nil {
		t.Fatalf("x/tao invariants: %v", err)
	}
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t, isolated())
	srv := keeper.NewMsgServerImpl(f.c.App.SlashingKeeper)
	authority := authtypes.NewModuleAddress("gov").String()
	good := slashingtypes.DefaultParams()
	good.JailEpochs = 42
	bad := slashingtypes.DefaultParams()
	bad.EquivocationSlash = sdkmath.LegacyOneDec()
	tests := []struct {
		name    string
		msg     *slashingtypes.MsgUpdateParams
		wantErr error
	}{
		{"not the authority", &slashingtypes.MsgUpdateParams{Authority: f.reporter.Address.String(), Params: good}, slashingtypes.ErrInvalidAuthority},
		{"slash of 100%", &slashingtypes.MsgUpdateParams{Authority: authority, Params: bad}, slashingtypes.ErrInvalidParams},
		{"valid", &slashingtypes.MsgUpdateParams{Authority: authority, Params: good}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, _ := f.c.Context().CacheContext()
			_, err := srv.UpdateParams(ctx, tc.msg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			got, err := f.c.App.SlashingKeeper.GetPoIParams(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := isolated()
			if tc.wantErr == nil {
				want = tc.msg.Params
			}
			if !sameProto(t, &got, &want) {
				t.Fatalf("params %+v, want %+v", got, want)
			}
		})
	}
}

// sameProto compares two messages by their deterministic encoding.
func sameProto(t *testing.T, a, b interface{ Marshal() ([]byte, error) }) bool {
	t.Helper()
	ba, err := a.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	bb, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return string(ba) == string(bb)
}

// TestDissolvedSubnetDropsJails: dissolving a subnet drops its jails and trackers (x/subnet hook),
// while the offence records stay.
func TestDissolvedSubnetDropsJails(t *testing.T) {
	f := newFixture(t, isolated())
	v0 := f.validators[0]
	a, b := f.equivocation(v0)
	f.deliver(f.reporter, &slashingtypes.MsgReportEquivocation{Reporter: f.reporter.Address.String(), First: a, Second: b})
	if n := countJails(t, f, f.c.Context()); n != 1 {
		t.Fatalf("%d jails after the report, want 1", n)
	}
	f.deliver(f.owner, &subnettypes.MsgDissolveSubnet{Owner: f.owner.Address.String(), Netuid: uint32(netuid)})
	ctx := f.c.Context()
	if n := countJails(t, f, ctx); n != 0 {
		t.Fatalf("%d jails after the subnet was dissolved, want 0", n)
	}
	trackers := 0
	if err := f.c.App.SlashingKeeper.Trackers.Walk(ctx, nil, func(collections.Pair[uint16, sdk.AccAddress], slashingtypes.NeuronTracker) (bool, error) {
		trackers++
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	if trackers != 0 {
		t.Fatalf("%d trackers left after the subnet was dissolved", trackers)
	}
	if _, err := f.c.App.SlashingKeeper.Offences.Get(ctx, 1); err != nil {
		t.Fatalf("the offence record is gone: %v", err)
	}
}
