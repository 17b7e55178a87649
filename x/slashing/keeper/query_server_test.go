package keeper_test

import (
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/slashing/keeper"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
)

// seedOffences stores five offences: ids 1..5 alternating between two hotkeys, netuids 1 and 2.
func seedOffences(t *testing.T, k keeper.Keeper, ctx sdk.Context, hotkeys [2]sdk.AccAddress) {
	t.Helper()
	for id := uint64(1); id <= 5; id++ {
		o := slashingtypes.Offence{
			Id: id, Kind: slashingtypes.OffenceKind_OFFENCE_KIND_LIVENESS, Netuid: uint32(1 + id%2),
			Hotkey: hotkeys[id%2].String(), Epoch: id, Slashed: sdkmath.ZeroInt(), Reward: sdkmath.ZeroInt(), Burned: sdkmath.ZeroInt(),
		}
		if err := k.Offences.Set(ctx, id, o); err != nil {
			t.Fatal(err)
		}
		if err := k.OffencesByHotkey.Set(ctx, collections.Join(hotkeys[id%2], id)); err != nil {
			t.Fatal(err)
		}
		if err := k.OffencesByNetuid.Set(ctx, collections.Join(uint16(o.Netuid), id)); err != nil {
			t.Fatal(err)
		}
	}
}

func ids(os []slashingtypes.Offence) []uint64 {
	out := make([]uint64, len(os))
	for i, o := range os {
		out[i] = o.Id
	}
	return out
}

func TestQueries(t *testing.T) {
	f := newFixture(t, isolated())
	ctx, _ := f.c.Context().CacheContext()
	k := f.c.App.SlashingKeeper
	hk := [2]sdk.AccAddress{hotkeyAddr(f.validators[0]), hotkeyAddr(f.validators[1])}
	seedOffences(t, k, ctx, hk)
	q := keeper.NewQueryServerImpl(k)

	p, err := q.PoIParams(ctx, &slashingtypes.QueryPoIParamsRequest{})
	if err != nil || p.Params.JailEpochs != isolated().JailEpochs {
		t.Fatalf("params %+v %v", p, err)
	}
	one, err := q.Offence(ctx, &slashingtypes.QueryOffenceRequest{Id: 3})
	if err != nil || one.Offence.Id != 3 || one.Offence.Hotkey != hk[1].String() {
		t.Fatalf("offence 3: %+v %v", one, err)
	}
	if _, err := q.Offence(ctx, &slashingtypes.QueryOffenceRequest{Id: 99}); status.Code(err) != codes.NotFound {
		t.Fatalf("missing offence: %v, want NotFound", err)
	}

	all, err := q.Offences(ctx, &slashingtypes.QueryOffencesRequest{Pagination: &query.PageRequest{Limit: 2, CountTotal: true}})
	if err != nil || len(all.Offences) != 2 || all.Pagination.Total != 5 || all.Offences[0].Id != 1 {
		t.Fatalf("first page: %+v %v", all, err)
	}
	next, err := q.Offences(ctx, &slashingtypes.QueryOffencesRequest{Pagination: &query.PageRequest{Key: all.Pagination.NextKey, Limit: 10}})
	if err != nil || len(next.Offences) != 3 || next.Offences[0].Id != 3 {
		t.Fatalf("second page: %+v %v", next, err)
	}

	byHotkey, err := q.OffencesByHotkey(ctx, &slashingtypes.QueryOffencesByHotkeyRequest{Hotkey: hk[1].String()})
	if err != nil || len(byHotkey.Offences) != 3 {
		t.Fatalf("by hotkey: %+v %v", byHotkey, err)
	}
	for _, o := range byHotkey.Offences {
		if o.Hotkey != hk[1].String() {
			t.Fatalf("by hotkey returned %+v", o)
		}
	}
	page, err := q.OffencesByHotkey(ctx, &slashingtypes.QueryOffencesByHotkeyRequest{Hotkey: hk[1].String(), Pagination: &query.PageRequest{Offset: 1, Limit: 1}})
	if err != nil || len(page.Offences) != 1 || page.Offences[0].Id != 3 {
		t.Fatalf("by hotkey, offset 1: %v %v", ids(page.Offences), err)
	}
	if _, err := q.OffencesByHotkey(ctx, &slashingtypes.QueryOffencesByHotkeyRequest{Hotkey: "nope"}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("bad hotkey: %v, want InvalidArgument", err)
	}

	byNetuid, err := q.OffencesByNetuid(ctx, &slashingtypes.QueryOffencesByNetuidRequest{Netuid: 1})
	if err != nil || len(byNetuid.Offences) != 2 || byNetuid.Offences[0].Id != 2 || byNetuid.Offences[1].Id != 4 {
		t.Fatalf("by netuid 1: %v %v", ids(byNetuid.Offences), err)
	}
	if _, err := q.OffencesByNetuid(ctx, &slashingtypes.QueryOffencesByNetuidRequest{Netuid: 70000}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("netuid 70000: %v, want InvalidArgument", err)
	}

	jails, err := q.Jails(ctx, &slashingtypes.QueryJailsRequest{})
	if err != nil || len(jails.Jails) != 0 {
		t.Fatalf("jails: %+v %v", jails, err)
	}
}
