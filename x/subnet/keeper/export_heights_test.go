package keeper_test

import (
	"testing"

	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

// TestShiftHeights checks the zero-height shift of x/subnet's heights: every height moves back by
// the halt height, and a "0 = never" height stays 0, or becomes -1 when it was set in the halt
// block (so it is not read as "never").
func TestShiftHeights(t *testing.T) {
	const halt = 100
	gs := types.GenesisState{
		LockState: types.LockState{LastLockHeight: 40},
		Subnets: []types.Subnet{
			{Netuid: 1, CreatedAt: 10, HyperparamsUpdatedAt: 0, BurnUpdatedAt: 90, BlockRegistrationsHeight: 100},
			{Netuid: 2, CreatedAt: 20, HyperparamsUpdatedAt: halt, BurnUpdatedAt: 20, BlockRegistrationsHeight: 20},
			{Netuid: 3, CreatedAt: 30, HyperparamsUpdatedAt: 60, BurnUpdatedAt: 30, BlockRegistrationsHeight: 30},
		},
		Neurons: []types.Neuron{
			{Netuid: 1, Uid: 0, RegisteredAt: 10, LastUpdate: 99, Axon: types.AxonInfo{Block: 0}},
			{Netuid: 1, Uid: 1, RegisteredAt: 95, LastUpdate: 95, Axon: types.AxonInfo{Block: 97}},
			{Netuid: 1, Uid: 2, RegisteredAt: 100, LastUpdate: 100, Axon: types.AxonInfo{Block: halt}},
		},
		Hotkeys:   []types.HotkeyInfo{{TakeUpdatedAt: 0}, {TakeUpdatedAt: 1}, {TakeUpdatedAt: halt}},
		Unbonding: []types.UnbondingEntry{{Id: 1, CreationHeight: 80, CompletionHeight: 180}, {Id: 2, CreationHeight: 5, CompletionHeight: 95}},
	}
	keeper.ShiftHeights(&gs, halt)

	if got := gs.LockState.LastLockHeight; got != -60 {
		t.Errorf("last_lock_height %d, want -60", got)
	}
	wantSubnets := [][4]int64{{-90, 0, -10, 0}, {-80, -1, -80, -80}, {-70, -40, -70, -70}}
	for i, s := range gs.Subnets {
		got := [4]int64{s.CreatedAt, s.HyperparamsUpdatedAt, s.BurnUpdatedAt, s.BlockRegistrationsHeight}
		if got != wantSubnets[i] {
			t.Errorf("subnet %d: created, hyperparams updated, burn updated, registrations height = %v, want %v", s.Netuid, got, wantSubnets[i])
		}
	}
	wantNeurons := [][3]int64{{-90, -1, 0}, {-5, -5, -3}, {0, 0, -1}}
	for i, n := range gs.Neurons {
		got := [3]int64{n.RegisteredAt, n.LastUpdate, n.Axon.Block}
		if got != wantNeurons[i] {
			t.Errorf("neuron %d: registered, last update, axon block = %v, want %v", n.Uid, got, wantNeurons[i])
		}
	}
	for i, want := range []int64{0, -99, -1} {
		if got := gs.Hotkeys[i].TakeUpdatedAt; got != want {
			t.Errorf("hotkey %d take_updated_at %d, want %d", i, got, want)
		}
	}
	for i, want := range [][2]int64{{-20, 80}, {-95, -5}} {
		e := gs.Unbonding[i]
		if got := [2]int64{e.CreationHeight, e.CompletionHeight}; got != want {
			t.Errorf("unbonding %d: creation, completion = %v, want %v", e.Id, got, want)
		}
	}
}
