package gov_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	"github.com/taochain/taochain/x/gov/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

const votingPeriod = 30 * time.Second

// shortVotingPeriod makes proposals end after a few 6-second blocks.
func shortVotingPeriod(enc app.EncodingConfig, state app.GenesisState) {
	var gs govv1.GenesisState
	enc.Codec.MustUnmarshalJSON(state[govtypes.ModuleName], &gs)
	vp, evp := votingPeriod, votingPeriod/2
	gs.Params.VotingPeriod = &vp
	gs.Params.ExpeditedVotingPeriod = &evp
	state[govtypes.ModuleName] = enc.Codec.MustMarshalJSON(&gs)
}

func ok(t *testing.T, what string, code uint32, log string) {
	t.Helper()
	require.Zerof(t, code, "%s: %s", what, log)
}

// proposeEmission submits (and fully deposits) a proposal that sets x/tao's base_block_emission,
// and returns its id.
func proposeEmission(t *testing.T, c *apptest.Chain, proposer apptest.Account, emission sdkmath.Int) uint64 {
	t.Helper()
	params, err := c.App.TaoKeeper.GetParams(c.Context())
	require.NoError(t, err)
	params.BaseBlockEmission = emission
	msg := &taotypes.MsgUpdateParams{Authority: authtypes.NewModuleAddress(govtypes.ModuleName).String(), Params: params}
	submit, err := govv1.NewMsgSubmitProposal([]sdk.Msg{msg}, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, app.TAO(10))),
		proposer.Address.String(), "", "base emission "+emission.String(), "set x/tao base_block_emission", false)
	require.NoError(t, err)
	res := c.DeliverMsgs(proposer, submit)
	ok(t, "submit proposal", res.Code, res.Log)
	id, err := c.App.GovKeeper.ProposalID.Peek(c.Context())
	require.NoError(t, err)
	p, err := c.App.GovKeeper.Proposals.Get(c.Context(), id-1)
	require.NoError(t, err)
	require.Equal(t, govv1.StatusVotingPeriod, p.Status)
	return p.Id
}

func vote(t *testing.T, c *apptest.Chain, voter apptest.Account, id uint64, option govv1.VoteOption) {
	t.Helper()
	res := c.DeliverMsgs(voter, govv1.NewMsgVote(voter.Address, id, option, ""))
	ok(t, "vote", res.Code, res.Log)
}

// finish runs blocks until the voting period of proposal id has ended and returns the proposal.
func finish(t *testing.T, c *apptest.Chain, id uint64) govv1.Proposal {
	t.Helper()
	p, err := c.App.GovKeeper.Proposals.Get(c.Context(), id)
	require.NoError(t, err)
	for i := 0; i < 20 && !c.Time.After(*p.VotingEndTime); i++ {
		c.NextBlock()
	}
	c.NextBlock()
	p, err = c.App.GovKeeper.Proposals.Get(c.Context(), id)
	require.NoError(t, err)
	return p
}

func baseEmission(t *testing.T, c *apptest.Chain) sdkmath.Int {
	t.Helper()
	p, err := c.App.TaoKeeper.GetParams(c.Context())
	require.NoError(t, err)
	return p.BaseBlockEmission
}

// TestSubnetStakeGovernsTaoParams runs governance through the real app: a coldkey with no bonded
// stake but large subnet stake carries a x/tao MsgUpdateParams proposal against the only bonded
// delegator's "no"; a second proposal fails when subnet-stake holders vote it down, and the params
// stay as the first proposal set them.
func TestSubnetStakeGovernsTaoParams(t *testing.T) {
	c := apptest.NewChain(t, 5, app.TAO(100_000), shortVotingPeriod)
	bonder, owner, miner, whale, minnow := c.Accounts[0], c.Accounts[1], c.Accounts[2], c.Accounts[3], c.Accounts[4]

	// Chain stake: bonder delegates 1000 TAO to the genesis validator.
	vals, err := c.App.StakingKeeper.GetAllValidators(c.Context())
	require.NoError(t, err)
	require.Len(t, vals, 1)
	res := c.DeliverMsgs(bonder, stakingtypes.NewMsgDelegate(bonder.Address.String(), vals[0].OperatorAddress,
		sdk.NewCoin(app.BondDenom, app.TAO(1000))))
	ok(t, "delegate", res.Code, res.Log)

	// Subnet stake: whale 1500 TAO, minnow 500 TAO on one miner's hotkey.
	res = c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "gov", MaxLock: app.TAO(10_000)})
	ok(t, "register subnet", res.Code, res.Log)
	const netuid = 1
	hot := secp256k1.GenPrivKeyFromSecret([]byte("gov-integration-hotkey"))
	proof, err := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, miner.Address.String()))
	require.NoError(t, err)
	res = c.DeliverMsgs(miner, &subnettypes.MsgRegisterNeuron{
		Coldkey: miner.Address.String(), Netuid: netuid, HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: app.TAO(1000),
	})
	ok(t, "register neuron", res.Code, res.Log)
	hotAddr := subnettypes.HotkeyAddress(hot.PubKey().(*secp256k1.PubKey)).String()
	for _, s := range []struct {
		acc    apptest.Account
		amount int64
	}{{whale, 1500}, {minnow, 500}} {
		res = c.DeliverMsgs(s.acc, &subnettypes.MsgAddStake{Coldkey: s.acc.Address.String(), Hotkey: hotAddr, Netuid: netuid, Amount: app.TAO(s.amount)})
		ok(t, "add stake", res.Code, res.Log)
	}

	// The voting-power query is served by the app and shows the breakdown.
	require.NotNil(t, c.App.GRPCQueryRouter().Route("/taochain.gov.v1.Query/VotingPower"))
	vp, err := c.App.TaoGovKeeper.VotingPower(c.Context(), whale.Address)
	require.NoError(t, err)
	require.True(t, vp.BondedStake.IsZero(), "whale bonded stake %s", vp.BondedStake)
	require.Equal(t, app.TAO(1500).String(), vp.SubnetStake.String())
	require.Equal(t, []types.SubnetStake{{Netuid: netuid, Amount: app.TAO(1500)}}, vp.SubnetStakes)
	vp, err = c.App.TaoGovKeeper.VotingPower(c.Context(), bonder.Address)
	require.NoError(t, err)
	require.True(t, vp.BondedStake.GTE(app.TAO(1000)), "bonder bonded stake %s", vp.BondedStake)
	require.True(t, vp.SubnetStake.IsZero())

	before := baseEmission(t, c)
	first, second := before.MulRaw(4).QuoRaw(5), before.MulRaw(3).QuoRaw(5)

	// Proposal 1: the bonded delegator (1000 TAO) says no, the subnet whale (1500 TAO) says yes.
	id := proposeEmission(t, c, owner, first)
	vote(t, c, bonder, id, govv1.OptionNo)
	vote(t, c, whale, id, govv1.OptionYes)
	p := finish(t, c, id)
	require.Equal(t, govv1.StatusPassed, p.Status, "proposal %d: %s, tally %+v", id, p.FailedReason, p.FinalTallyResult)
	require.Equal(t, app.TAO(1500).String(), p.FinalTallyResult.YesCount)
	require.Equal(t, first.String(), baseEmission(t, c).String(), "x/tao base_block_emission after the passed proposal")

	// Proposal 2: the bonded delegator says yes, both subnet stakers say no and outweigh him.
	id = proposeEmission(t, c, owner, second)
	vote(t, c, bonder, id, govv1.OptionYes)
	vote(t, c, whale, id, govv1.OptionNo)
	vote(t, c, minnow, id, govv1.OptionNo)
	p = finish(t, c, id)
	require.Equal(t, govv1.StatusRejected, p.Status, "proposal %d tally %+v", id, p.FinalTallyResult)
	require.Equal(t, app.TAO(2000).String(), p.FinalTallyResult.NoCount)
	require.Equal(t, first.String(), baseEmission(t, c).String(), "x/tao params changed by a rejected proposal")
}
