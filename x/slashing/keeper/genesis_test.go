package keeper_test

import (
	"errors"
	"testing"

	sdkmath "cosmossdk.io/math"

	slashingtypes "github.com/taochain/taochain/x/slashing/types"
)

// TestGenesisRoundTrip exports the state after a real equivocation slash and jail, imports it
// into a fresh store and exports it again: identical, and the imported state still refuses the
// same report.
func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t, isolated())
	v0 := f.validators[0]
	a, b := f.equivocation(v0)
	f.deliver(f.reporter, &slashingtypes.MsgReportEquivocation{Reporter: f.reporter.Address.String(), First: a, Second: b})
	k := f.c.App.SlashingKeeper
	exported, err := k.ExportPoIGenesis(f.c.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(exported.Offences) != 1 || len(exported.Jails) != 1 || exported.NextOffenceId != 2 || len(exported.Trackers) == 0 {
		t.Fatalf("export %+v: want 1 offence, 1 jail, next id 2 and trackers", exported)
	}
	if err := exported.Validate(); err != nil {
		t.Fatal(err)
	}

	// A fresh store: clear everything in a cache context and import.
	ctx, _ := f.c.Context().CacheContext()
	for _, clear := range []func() error{
		func() error { return k.Offences.Clear(ctx, nil) }, func() error { return k.OffencesByHotkey.Clear(ctx, nil) },
		func() error { return k.OffencesByNetuid.Clear(ctx, nil) }, func() error { return k.Equivocations.Clear(ctx, nil) },
		func() error { return k.Jails.Clear(ctx, nil) }, func() error { return k.Trackers.Clear(ctx, nil) },
	} {
		if err := clear(); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.InitPoIGenesis(ctx, exported); err != nil {
		t.Fatal(err)
	}
	again, err := k.ExportPoIGenesis(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !sameProto(t, exported, again) {
		t.Fatalf("round trip changed the state:\n%+v\n%+v", exported, again)
	}
	_, err = srvFor(f).ReportEquivocation(ctx.WithBlockHeight(f.c.Height+1), &slashingtypes.MsgReportEquivocation{Reporter: f.reporter.Address.String(), First: b, Second: a})
	if !errors.Is(err, slashingtypes.ErrAlreadyReported) {
		t.Fatalf("report after import: %v, want ErrAlreadyReported", err)
	}
}

func TestGenesisValidate(t *testing.T) {
	hot := "tao1wx4j0jk0c57mdgmzme6643rztgr7k5df2tt0t2"
	offence := func(id uint64) slashingtypes.Offence {
		return slashingtypes.Offence{Id: id, Kind: slashingtypes.OffenceKind_OFFENCE_KIND_EQUIVOCATION, Netuid: 1, Hotkey: hot, Epoch: 3,
			Slashed: sdkmath.NewInt(10), Reward: sdkmath.NewInt(1), Burned: sdkmath.NewInt(9)}
	}
	tests := []struct {
		name string
		edit func(*slashingtypes.GenesisState)
		ok   bool
	}{
		{"default", func(*slashingtypes.GenesisState) {}, true},
		{"one offence", func(g *slashingtypes.GenesisState) {
			g.Offences = []slashingtypes.Offence{offence(1)}
			g.NextOffenceId = 2
		}, true},
		{"id not below next", func(g *slashingtypes.GenesisState) { g.Offences = []slashingtypes.Offence{offence(1)} }, false},
		{"same equivocation twice", func(g *slashingtypes.GenesisState) {
			g.Offences = []slashingtypes.Offence{offence(1), offence(2)}
			g.NextOffenceId = 3
		}, false},
		{"amounts do not add up", func(g *slashingtypes.GenesisState) {
			o := offence(1)
			o.Burned = sdkmath.NewInt(1)
			g.Offences, g.NextOffenceId = []slashingtypes.Offence{o}, 2
		}, false},
		{"zero next id", func(g *slashingtypes.GenesisState) { g.NextOffenceId = 0 }, false},
		{"empty jail", func(g *slashingtypes.GenesisState) {
			g.Jails = []slashingtypes.Jail{{Netuid: 1, Hotkey: hot}}
		}, false},
		{"bad params", func(g *slashingtypes.GenesisState) { g.Params.ReporterReward = sdkmath.LegacyNewDec(2) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := slashingtypes.DefaultGenesisState()
			tc.edit(gs)
			if err := gs.Validate(); (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
