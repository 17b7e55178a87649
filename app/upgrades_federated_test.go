package app_test

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/app/upgrades/federated"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencekeeper "github.com/taochain/taochain/x/intelligence/keeper"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// preFederatedChain is a network from before max_model_update_bytes: its stored x/intelligence
// params have no such field, which reads as 0.
func preFederatedChain(enc app.EncodingConfig, state app.GenesisState) {
	fastSubnets(enc, state)
	var gs intelligencetypes.GenesisState
	enc.Codec.MustUnmarshalJSON(state[intelligencetypes.ModuleName], &gs)
	gs.Params.MaxModelUpdateBytes = 0
	state[intelligencetypes.ModuleName] = enc.Codec.MustMarshalJSON(&gs)
}

// TestFederatedUpgrade runs the federated upgrade on the state a version-4 network holds —
// max_model_update_bytes 0 — through x/upgrade's pre-blocker at the plan's height. Before it, a
// miner of a federated subnet cannot commit its model update (0 refuses every commitment); after
// it the param is 262144, every other param is as it was, and the same commitment is accepted.
func TestFederatedUpgrade(t *testing.T) {
	c := apptest.NewChain(t, 2, app.TAO(100_000), preFederatedChain)
	owner, coldkey := c.Accounts[0], c.Accounts[1]
	if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "federated", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1
	s, err := c.App.SubnetKeeper.GetSubnet(c.Context(), netuid)
	require.NoError(t, err)
	hp := s.Hyperparams
	hp.Federated = true
	if res := c.DeliverMsgs(owner, &subnettypes.MsgUpdateHyperparams{Owner: owner.Address.String(), Netuid: netuid, Hyperparams: hp}); res.Code != 0 {
		t.Fatalf("switch federated on: %s", res.Log)
	}
	hot, _ := registerNeuron(t, c, netuid, coldkey, "federated-upgrade-miner")
	miner := apptest.Account{Priv: hot, Address: sdk.AccAddress(hot.PubKey().Address())}
	commit := func(label string) *intelligencetypes.MsgCommitModelUpdate {
		e, err := c.App.IntelligenceKeeper.CurrentEpoch(c.Context().WithBlockHeight(c.Height+1), netuid)
		require.NoError(t, err)
		return intelligencetypes.NewMsgCommitModelUpdate(miner.Address.String(), netuid, e, sha256.Sum256([]byte(label)), 4096)
	}

	before, err := c.App.IntelligenceKeeper.GetParams(c.Context())
	require.NoError(t, err)
	require.Zero(t, before.MaxModelUpdateBytes)
	res := c.DeliverMsgs(miner, commit("before the upgrade"))
	require.Equal(t, intelligencetypes.ModuleName, res.Codespace, res.Log)
	require.Equal(t, intelligencetypes.ErrModelUpdateTooLarge.ABCICode(), res.Code, "a commitment with max_model_update_bytes 0: %s", res.Log)

	ctx := applyUpgrade(t, c, federated.UpgradeName, map[string]uint64{intelligencetypes.ModuleName: 4})
	after, err := c.App.IntelligenceKeeper.GetParams(ctx)
	require.NoError(t, err)
	want := before
	want.MaxModelUpdateBytes = 262_144
	require.Equal(t, want, after)
	require.NoError(t, c.App.SubnetKeeper.CheckInvariants(ctx))

	msg := commit("after the upgrade")
	if res := c.DeliverMsgs(miner, msg); res.Code != 0 {
		t.Fatalf("commitment after the upgrade: code %d (%s): %s", res.Code, res.Codespace, res.Log)
	}
	got, err := intelligencekeeper.NewQueryServerImpl(c.App.IntelligenceKeeper).ModelUpdateCommitment(c.Context(),
		&intelligencetypes.QueryModelUpdateCommitmentRequest{Netuid: netuid, Hotkey: miner.Address.String()})
	require.NoError(t, err)
	require.Equal(t, msg.Epoch, got.Commitment.Epoch)
	require.Equal(t, msg.Hash, got.Commitment.Hash)
	require.Equal(t, msg.Size_, got.Commitment.Size_)
}
