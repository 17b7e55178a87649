package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

// occupied lists the uids OccupiedUIDs reports for netuid (out of the first 16).
func occupied(t *testing.T, f *fixture, netuid uint16) []uint32 {
	t.Helper()
	set, err := f.k.OccupiedUIDs(f.ctx, netuid)
	require.NoError(t, err)
	var uids []uint32
	for uid := uint32(0); uid < 16; uid++ {
		if set.Has(uid) {
			uids = append(uids, uid)
		}
	}
	require.Equal(t, uint32(len(uids)), set.Len(), "Len counts a uid above 15")
	return uids
}

// TestOccupiedUIDsFollowNeurons: the occupied-uid set changes with every registration,
// deregistration, replacement and dissolution, and is gone with the subnet.
func TestOccupiedUIDsFollowNeurons(t *testing.T) {
	f := newFixture(t)
	owner := addr("owner")
	netuid := f.registerSubnet(t, owner)
	require.Empty(t, occupied(t, f, netuid))
	for i := range 3 {
		f.registerNeuron(t, owner, netuid, newHotkey(fmt.Sprint("uids-", i)))
		f.advance(1)
	}
	require.Equal(t, []uint32{0, 1, 2}, occupied(t, f, netuid))

	_, err := f.k.DeregisterNeuron(f.ctx, netuid, 1)
	require.NoError(t, err)
	require.Equal(t, []uint32{0, 2}, occupied(t, f, netuid))
	_, err = f.k.DeregisterNeuron(f.ctx, netuid, 2)
	require.NoError(t, err)
	require.Equal(t, []uint32{0}, occupied(t, f, netuid))
	stored, err := f.k.UIDs.Get(f.ctx, netuid)
	require.NoError(t, err)
	require.Equal(t, []byte{0b1}, stored, "the stored set keeps no trailing zero byte")

	require.Equal(t, uint16(1), f.registerNeuron(t, owner, netuid, newHotkey("uids-again")), "the lowest free uid")
	require.Equal(t, []uint32{0, 1}, occupied(t, f, netuid))
	require.NoError(t, f.k.CheckInvariants(f.ctx))

	require.NoError(t, f.k.DissolveSubnet(f.ctx, owner, netuid))
	has, err := f.k.UIDs.Has(f.ctx, netuid)
	require.NoError(t, err)
	require.False(t, has, "a dissolved subnet keeps an occupied uid set")
}

// subnetEntries counts the Neurons and NeuronUIDs entries stored under netuid and reports whether
// it has a UIDs entry.
func subnetEntries(t *testing.T, f *fixture, netuid uint16) (neurons, index int, set bool) {
	t.Helper()
	require.NoError(t, f.k.Neurons.Walk(f.ctx, collections.NewPrefixedPairRange[uint16, uint16](netuid),
		func(collections.Pair[uint16, uint16], types.Neuron) (bool, error) { neurons++; return false, nil }))
	require.NoError(t, f.k.NeuronUIDs.Walk(f.ctx, collections.NewPrefixedPairRange[uint16, sdk.AccAddress](netuid),
		func(collections.Pair[uint16, sdk.AccAddress], uint16) (bool, error) { index++; return false, nil }))
	set, err := f.k.UIDs.Has(f.ctx, netuid)
	require.NoError(t, err)
	return neurons, index, set
}

// TestDissolveSubnetDropsEveryNeuron: dissolving a subnet whose uids have a gap leaves no Neurons,
// NeuronUIDs or UIDs entry for its netuid, leaves another subnet's entries as they were, and keeps
// the invariants.
func TestDissolveSubnetDropsEveryNeuron(t *testing.T) {
	f := newFixture(t)
	owner := addr("owner")
	a := f.registerSubnet(t, owner)
	f.advance(1)
	b := f.registerSubnet(t, owner)
	for i := range 9 {
		f.registerNeuron(t, owner, []uint16{a, a, b}[i%3], newHotkey(fmt.Sprint("dissolve-", i)))
		f.advance(1)
	}
	_, err := f.k.DeregisterNeuron(f.ctx, a, 2)
	require.NoError(t, err)
	require.Equal(t, []uint32{0, 1, 3, 4, 5}, occupied(t, f, a))
	require.Equal(t, []uint32{0, 1, 2}, occupied(t, f, b))
	require.NoError(t, f.k.CheckInvariants(f.ctx))

	require.NoError(t, f.k.DissolveSubnet(f.ctx, owner, a))
	neurons, index, set := subnetEntries(t, f, a)
	require.Zero(t, neurons, "Neurons entries left for dissolved subnet %d", a)
	require.Zero(t, index, "NeuronUIDs entries left for dissolved subnet %d", a)
	require.False(t, set, "UIDs entry left for dissolved subnet %d", a)
	neurons, index, set = subnetEntries(t, f, b)
	require.Equal(t, 3, neurons)
	require.Equal(t, 3, index)
	require.True(t, set)
	require.Equal(t, []uint32{0, 1, 2}, occupied(t, f, b))
	require.NoError(t, f.k.CheckInvariants(f.ctx))
}

// TestMigrate2to3WritesUIDSets: from a version-2 state (neurons, no sets) the migration writes
// each subnet's set exactly as registrations keep it, and a second run changes nothing.
func TestMigrate2to3WritesUIDSets(t *testing.T) {
	f := newFixture(t)
	owner := addr("owner")
	a := f.registerSubnet(t, owner)
	f.advance(1)
	b := f.registerSubnet(t, owner)
	for i := range 10 {
		f.registerNeuron(t, owner, []uint16{a, b}[i%2], newHotkey(fmt.Sprint("mig-", i)))
		f.advance(1)
	}
	_, err := f.k.DeregisterNeuron(f.ctx, b, 2)
	require.NoError(t, err)
	want := map[uint16][]uint32{a: occupied(t, f, a), b: occupied(t, f, b)}
	require.Equal(t, []uint32{0, 1, 3, 4}, want[b])

	for _, netuid := range []uint16{a, b} {
		require.NoError(t, f.k.UIDs.Remove(f.ctx, netuid))
	}
	require.ErrorIs(t, f.k.CheckInvariants(f.ctx), types.ErrInvariantBroken, "the invariant must see a missing set")
	m := keeper.NewMigrator(f.k)
	for run := range 2 {
		require.NoError(t, m.Migrate2to3(f.ctx), "run %d", run)
		for netuid, uids := range want {
			require.Equal(t, uids, occupied(t, f, netuid), "run %d subnet %d", run, netuid)
		}
		require.NoError(t, f.k.CheckInvariants(f.ctx))
	}
}

// TestCheckUIDSetsNamesTheSubnet: the invariant names the subnet whose occupied uid set is
// missing, wrong or stale, not a neighbour of it in netuid order.
func TestCheckUIDSetsNamesTheSubnet(t *testing.T) {
	tests := []struct {
		name   string
		which  int // index of the subnet whose set is broken
		mutate func(f *fixture, netuid uint16) error
		want   string // the message, with %d for the broken subnet's netuid
	}{
		{"missing set of a middle subnet", 1, func(f *fixture, n uint16) error { return f.k.UIDs.Remove(f.ctx, n) }, "subnet %d has neurons (uids 07) but no occupied uid set"},
		{"missing set of the first subnet", 0, func(f *fixture, n uint16) error { return f.k.UIDs.Remove(f.ctx, n) }, "subnet %d has neurons (uids 07) but no occupied uid set"},
		{"missing set of the last subnet", 2, func(f *fixture, n uint16) error { return f.k.UIDs.Remove(f.ctx, n) }, "subnet %d has neurons (uids 07) but no occupied uid set"},
		{"wrong set", 1, func(f *fixture, n uint16) error { return f.k.UIDs.Set(f.ctx, n, []byte{0b11}) }, "subnet %d's occupied uid set is 03; its neurons hold uids 07"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			owner := addr("owner")
			var netuids []uint16
			for range 3 {
				netuids = append(netuids, f.registerSubnet(t, owner))
				f.advance(1)
			}
			for i := range 9 {
				f.registerNeuron(t, owner, netuids[i%3], newHotkey(fmt.Sprint("names-", i)))
				f.advance(1)
			}
			require.NoError(t, f.k.CheckInvariants(f.ctx))
			broken := netuids[tc.which]
			saved, err := f.k.UIDs.Get(f.ctx, broken)
			require.NoError(t, err)
			require.NoError(t, tc.mutate(f, broken))
			err = f.k.CheckInvariants(f.ctx)
			require.ErrorIs(t, err, types.ErrInvariantBroken)
			require.ErrorContains(t, err, fmt.Sprintf(tc.want, broken))
			require.NoError(t, f.k.UIDs.Set(f.ctx, broken, saved))
		})
	}

	t.Run("set without neurons", func(t *testing.T) {
		f := newFixture(t)
		owner := addr("owner")
		a := f.registerSubnet(t, owner)
		f.advance(1)
		b := f.registerSubnet(t, owner)
		f.registerNeuron(t, owner, b, newHotkey("stale"))
		require.NoError(t, f.k.UIDs.Set(f.ctx, a, []byte{0b1}))
		err := f.k.CheckInvariants(f.ctx)
		require.ErrorIs(t, err, types.ErrInvariantBroken)
		require.ErrorContains(t, err, fmt.Sprintf("subnet %d has an occupied uid set 01 but no neurons", a))
		require.NoError(t, f.k.UIDs.Remove(f.ctx, a))
	})
}
