package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/taochain/taochain/app/upgrades/lastupdate"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestLastupdateUpgrade runs the lastupdate upgrade on the state a network at x/subnet version 3
// holds — every neuron stored with its last_update — through x/upgrade's pre-blocker at the
// plan's height. The Metagraph reads the same before and after; afterwards the last updates are
// kept apart, the invariants hold, and an evaluation after the next epoch sets the validator's.
func TestLastupdateUpgrade(t *testing.T) {
	s := newEvalSubnet(t)
	c := s.c
	const netuid = 1
	s.submit(t)
	advanceToNextEpoch(c, netuid)

	// Back to version 3: each neuron stored with its last update, no LastUpdates entries.
	ctx := c.Context()
	sk := c.App.SubnetKeeper
	q := subnetkeeper.NewQueryServerImpl(sk)
	before, err := q.Metagraph(ctx, &subnettypes.QueryMetagraphRequest{Netuid: netuid})
	require.NoError(t, err)
	require.Len(t, before.Neurons, evalUIDs)
	validator := before.Neurons[0]
	require.Greater(t, validator.LastUpdate, validator.RegisteredAt, "the validator's evaluation set its last update")
	for _, e := range before.Neurons {
		key := collections.Join[uint16, uint16](netuid, uint16(e.Uid))
		n, err := sk.Neurons.Get(ctx, key)
		require.NoError(t, err)
		n.LastUpdate = e.LastUpdate
		require.NoError(t, sk.Neurons.Set(ctx, key, n))
		require.NoError(t, sk.LastUpdates.Remove(ctx, key))
	}
	c.NextBlock()
	ctx = c.Context()
	old, err := q.Metagraph(ctx, &subnettypes.QueryMetagraphRequest{Netuid: netuid})
	require.NoError(t, err)
	require.Equal(t, before.Neurons, old.Neurons, "a neuron without an entry shows the last update stored in it")
	require.ErrorIs(t, sk.CheckInvariants(ctx), subnettypes.ErrInvariantBroken, "the version-3 state breaks the new invariant")

	ctx = applyUpgrade(t, c, lastupdate.UpgradeName, map[string]uint64{subnettypes.ModuleName: 3})
	after, err := q.Metagraph(ctx, &subnettypes.QueryMetagraphRequest{Netuid: netuid})
	require.NoError(t, err)
	require.Len(t, after.Neurons, evalUIDs)
	for i, e := range after.Neurons {
		require.Equal(t, before.Neurons[i].LastUpdate, e.LastUpdate, "uid %d", e.Uid)
		stored, err := sk.Neurons.Get(ctx, collections.Join[uint16, uint16](netuid, uint16(e.Uid)))
		require.NoError(t, err)
		require.Zero(t, stored.LastUpdate, "uid %d still stored with its last update", e.Uid)
	}
	require.NoError(t, sk.CheckInvariants(ctx))

	advanceToNextEpoch(c, netuid)
	gas := s.submit(t)
	require.LessOrEqual(t, gas, int64(evaluationGasTarget))
	shown, err := q.Metagraph(c.Context(), &subnettypes.QueryMetagraphRequest{Netuid: netuid})
	require.NoError(t, err)
	require.Equal(t, c.Height, shown.Neurons[0].LastUpdate, "the evaluation after the upgrade sets the validator's last update")
	require.NoError(t, sk.CheckInvariants(c.Context()))
	t.Logf("an evaluation of %d scores after the upgrade: %d gas", evalUIDs, gas)
}
