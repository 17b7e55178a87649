package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

// lastUpdateFixture is a subnet of six neurons registered one block apart, the ones at even uids
// with a later weight update, and uid 3 deregistered (a gap in both collections).
func lastUpdateFixture(t *testing.T) (*fixture, uint16, map[uint32]int64) {
	t.Helper()
	f := newFixture(t)
	owner := addr("owner")
	netuid := f.registerSubnet(t, owner)
	want := map[uint32]int64{}
	for i := range 6 {
		f.advance(1)
		uid := f.registerNeuron(t, owner, netuid, newHotkey(fmt.Sprint("lu-", i)))
		want[uint32(uid)] = f.ctx.BlockHeight()
	}
	f.advance(10)
	for uid := range want {
		if uid%2 == 0 {
			require.NoError(t, f.k.SetNeuronLastUpdate(f.ctx, netuid, uint16(uid), f.ctx.BlockHeight()+int64(uid)))
			want[uid] = f.ctx.BlockHeight() + int64(uid)
		}
	}
	_, err := f.k.DeregisterNeuron(f.ctx, netuid, 3)
	require.NoError(t, err)
	delete(want, 3)
	return f, netuid, want
}

// iterated returns uid → LastUpdate as IterateNeurons fills them in.
func iterated(t *testing.T, f *fixture, netuid uint16) map[uint32]int64 {
	t.Helper()
	got := map[uint32]int64{}
	require.NoError(t, f.k.IterateNeurons(f.ctx, netuid, func(n types.Neuron) bool {
		got[n.Uid] = n.LastUpdate
		return false
	}))
	return got
}

// TestLastUpdateKeptApart: a weight update writes only the LastUpdates entry, stored neurons keep
// last_update 0, and every read that shows a neuron's last update — IterateNeurons (the epoch and
// the Metagraph), the Neuron, NeuronByHotkey, Neurons and Metagraph queries and the genesis
// export — shows the height of its last update, or of its registration.
func TestLastUpdateKeptApart(t *testing.T) {
	f, netuid, want := lastUpdateFixture(t)
	require.Equal(t, want, iterated(t, f, netuid))
	require.NoError(t, f.k.CheckInvariants(f.ctx))

	for uid, at := range want {
		stored, err := f.k.Neurons.Get(f.ctx, collections.Join(netuid, uint16(uid)))
		require.NoError(t, err)
		require.Zero(t, stored.LastUpdate, "uid %d is stored with its last update", uid)
		one, err := f.q.Neuron(f.ctx, &types.QueryNeuronRequest{Netuid: uint32(netuid), Uid: uid})
		require.NoError(t, err)
		require.Equal(t, at, one.Neuron.LastUpdate, "Neuron query, uid %d", uid)
		byHotkey, err := f.q.NeuronByHotkey(f.ctx, &types.QueryNeuronByHotkeyRequest{Netuid: uint32(netuid), Hotkey: one.Neuron.Hotkey})
		require.NoError(t, err)
		require.Equal(t, at, byHotkey.Neuron.LastUpdate, "NeuronByHotkey query, uid %d", uid)
	}
	page, err := f.q.Neurons(f.ctx, &types.QueryNeuronsRequest{Netuid: uint32(netuid), Pagination: &query.PageRequest{Limit: 100}})
	require.NoError(t, err)
	require.Len(t, page.Neurons, len(want))
	for _, n := range page.Neurons {
		require.Equal(t, want[n.Uid], n.LastUpdate, "Neurons query, uid %d", n.Uid)
	}
	mg, err := f.q.Metagraph(f.ctx, &types.QueryMetagraphRequest{Netuid: uint32(netuid)})
	require.NoError(t, err)
	require.Len(t, mg.Neurons, len(want))
	for _, e := range mg.Neurons {
		require.Equal(t, want[e.Uid], e.LastUpdate, "Metagraph, uid %d", e.Uid)
	}
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	for _, n := range gs.Neurons {
		require.Equal(t, want[n.Uid], n.LastUpdate, "genesis export, uid %d", n.Uid)
	}

	// A neuron that leaves takes its entry with it; SetNeuronLastUpdate refuses an empty slot.
	has, err := f.k.LastUpdates.Has(f.ctx, collections.Join[uint16, uint16](netuid, 3))
	require.NoError(t, err)
	require.False(t, has, "the deregistered uid 3 kept its last update")
	require.ErrorIs(t, f.k.SetNeuronLastUpdate(f.ctx, netuid, 3, 99), types.ErrNeuronNotFound)
}

// TestIterateNeuronsSkipsStrayEntries: an entry without a neuron (which CheckInvariants reports)
// is not given to the next neuron, and a neuron without an entry reads 0.
func TestIterateNeuronsSkipsStrayEntries(t *testing.T) {
	f, netuid, want := lastUpdateFixture(t)
	require.NoError(t, f.k.LastUpdates.Set(f.ctx, collections.Join[uint16, uint16](netuid, 3), 12345))
	require.NoError(t, f.k.LastUpdates.Remove(f.ctx, collections.Join[uint16, uint16](netuid, 4)))
	want[4] = 0
	require.Equal(t, want, iterated(t, f, netuid))
	require.ErrorIs(t, f.k.CheckInvariants(f.ctx), types.ErrInvariantBroken)
	require.NoError(t, f.k.LastUpdates.Remove(f.ctx, collections.Join[uint16, uint16](netuid, 3))) // for the fixture's own check
}

// TestMigrate3to4MovesLastUpdates: from a version-3 state (last_update inside each neuron, no
// LastUpdates) the migration moves every last update apart, reads see the same heights, and a
// second run changes nothing.
func TestMigrate3to4MovesLastUpdates(t *testing.T) {
	f, netuid, want := lastUpdateFixture(t)
	// Back to version 3: each neuron stored with its last update, no entries.
	for uid, at := range want {
		key := collections.Join(netuid, uint16(uid))
		n, err := f.k.Neurons.Get(f.ctx, key)
		require.NoError(t, err)
		n.LastUpdate = at
		require.NoError(t, f.k.Neurons.Set(f.ctx, key, n))
		require.NoError(t, f.k.LastUpdates.Remove(f.ctx, key))
	}
	require.ErrorIs(t, f.k.CheckInvariants(f.ctx), types.ErrInvariantBroken, "the invariant must see a neuron stored with its last update")

	m := keeper.NewMigrator(f.k)
	for run := range 2 {
		require.NoError(t, m.Migrate3to4(f.ctx), "run %d", run)
		require.Equal(t, want, iterated(t, f, netuid), "run %d", run)
		require.NoError(t, f.k.CheckInvariants(f.ctx), "run %d", run)
	}
}
