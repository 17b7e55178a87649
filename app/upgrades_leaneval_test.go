package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/app/upgrades/leaneval"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestLeanevalUpgrade runs the leaneval upgrade on the state a version-2 network holds — stored
// evaluations with their whole score rows, no occupied-uid sets — through x/upgrade's pre-blocker
// at the plan's height. Afterwards every subnet has its set, every record its hashes and no
// scores, the invariants hold, and the next evaluation is accepted at the lower gas.
func TestLeanevalUpgrade(t *testing.T) {
	s := newEvalSubnet(t)
	c := s.c
	const netuid = 1
	before := s.submit(t)
	advanceToNextEpoch(c, netuid)
	s.submit(t)

	// Back to version 2: every record as the old msg server wrote it, no uid sets.
	ctx := c.Context()
	type record struct {
		key collections.Triple[uint16, uint64, sdk.AccAddress]
		ev  intelligencetypes.StoredEvaluation
	}
	var records []record
	ik, sk := c.App.IntelligenceKeeper, c.App.SubnetKeeper
	require.NoError(t, ik.Evaluations.Walk(ctx, nil, func(k collections.Triple[uint16, uint64, sdk.AccAddress], ev intelligencetypes.StoredEvaluation) (bool, error) {
		records = append(records, record{k, ev})
		return false, nil
	}))
	require.Len(t, records, 2)
	for i, r := range records {
		// The weight row holds the canonical scores; an old record held the signed ones, which
		// the test rebuilds from the submitter's side: uid i scored as submit scored it.
		ev := r.ev.Signed.Evaluation
		ev.Uids, ev.Scores = make([]uint32, evalUIDs), make([]uint32, evalUIDs)
		for uid := range ev.Uids {
			ev.Uids[uid], ev.Scores[uid] = uint32(uid), uint32((uid*7919+int(ev.Nonce)*31)%65535)+1
		}
		require.True(t, r.ev.SameStatement(ev), "record %d: the rebuilt evaluation is not the one signed", i)
		old := intelligencetypes.StoredEvaluation{Signed: intelligencetypes.SignedEvaluation{Evaluation: ev, Signature: r.ev.Signed.Signature},
			Submitter: r.ev.Submitter, Height: r.ev.Height}
		require.NoError(t, ik.Evaluations.Set(ctx, r.key, old))
	}
	require.NoError(t, sk.UIDs.Remove(ctx, netuid))
	require.ErrorIs(t, sk.CheckInvariants(ctx), subnettypes.ErrInvariantBroken, "a version-2 state has no uid sets")

	ctx = applyUpgrade(t, c, leaneval.UpgradeName, map[string]uint64{intelligencetypes.ModuleName: 2, subnettypes.ModuleName: 2})
	require.NoError(t, sk.CheckInvariants(ctx))
	set, err := sk.OccupiedUIDs(ctx, netuid)
	require.NoError(t, err)
	require.Equal(t, uint32(evalUIDs), set.Len())
	for _, r := range records {
		got, err := ik.Evaluations.Get(ctx, r.key)
		require.NoError(t, err)
		require.Equal(t, r.ev, got, "the migrated record is the one the msg server writes")
	}

	advanceToNextEpoch(c, netuid)
	after := s.submit(t)
	require.LessOrEqual(t, after, int64(evaluationGasTarget))
	t.Logf("gas of an evaluation of %d scores: %d before the upgrade (same binary), %d after", evalUIDs, before, after)
}
