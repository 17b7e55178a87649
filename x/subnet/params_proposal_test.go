package subnet_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// TestUpdateParamsProposalsValidatedAtSubmission submits governance proposals through the real
// app and checks that MsgUpdateParams of x/subnet, x/tao, x/slashing and x/intelligence with
// invalid params are refused by gov submit-proposal itself (through ValidateBasic) and leave no
// proposal behind, while a valid one is stored for voting (issue 12: max_uids 65,535 and
// max_block_work 2^32−1 used to pass submission and voting).
func TestUpdateParamsProposalsValidatedAtSubmission(t *testing.T) {
	c := apptest.NewChain(t, 1, app.TAO(100_000))
	proposer := c.Accounts[0]
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	ctx := c.Context()

	subnetParams, err := c.App.SubnetKeeper.Params.Get(ctx)
	require.NoError(t, err)
	taoParams, err := c.App.TaoKeeper.GetParams(ctx)
	require.NoError(t, err)
	subnetWith := func(edit func(*subnettypes.Params)) sdk.Msg {
		p := subnetParams
		edit(&p)
		return &subnettypes.MsgUpdateParams{Authority: gov, Params: p}
	}

	tests := []struct {
		name    string
		msg     sdk.Msg
		wantLog string // empty: the proposal is accepted
	}{
		{name: "x/subnet max_uids bound 65535",
			msg:     subnetWith(func(p *subnettypes.Params) { p.MaxHyperparams.MaxUids = 65535 }),
			wantLog: "max_uids 65535 must be in [1, 1024]"},
		{name: "x/subnet max_block_work 2^32-1",
			msg:     subnetWith(func(p *subnettypes.Params) { p.MaxBlockWork = 1<<32 - 1 }),
			wantLog: "max_block_work 4294967295 must be in"},
		{name: "x/subnet default subnet above the epoch work limit",
			msg: subnetWith(func(p *subnettypes.Params) {
				p.DefaultHyperparams.MaxUids, p.DefaultHyperparams.MaxValidators = subnettypes.MaxUIDsLimit, subnettypes.MaxValidatorsLimit
			}),
			wantLog: "above the epoch work limit"},
		{name: "x/subnet free registration",
			msg:     subnetWith(func(p *subnettypes.Params) { p.MinHyperparams.MinBurn = p.MinHyperparams.MinBurn.SubRaw(1) }),
			wantLog: "min_burn"},
		{name: "x/subnet authority not an address",
			msg:     &subnettypes.MsgUpdateParams{Authority: "gov", Params: subnetParams},
			wantLog: "invalid authority"},
		{name: "x/tao security_share above 1",
			msg: func() sdk.Msg {
				p := taoParams
				p.SecurityShare = sdkmath.LegacyNewDec(2)
				return &taotypes.MsgUpdateParams{Authority: gov, Params: p}
			}(),
			wantLog: "security_share"},
		{name: "x/slashing equivocation_slash 1",
			msg: func() sdk.Msg {
				p := slashingtypes.DefaultParams()
				p.EquivocationSlash = sdkmath.LegacyOneDec()
				return &slashingtypes.MsgUpdateParams{Authority: gov, Params: p}
			}(),
			wantLog: "equivocation_slash"},
		{name: "x/intelligence shares not summing to 1",
			msg: func() sdk.Msg {
				p := intelligencetypes.DefaultParams()
				p.OwnerShare++
				return &intelligencetypes.MsgUpdateParams{Authority: gov, Params: p}
			}(),
			wantLog: "must sum to"},
		{name: "x/subnet valid params are stored for voting",
			msg: subnetWith(func(p *subnettypes.Params) { p.MaxBlockWork = subnettypes.MaxBlockWorkLimit })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next, err := c.App.GovKeeper.ProposalID.Peek(c.Context())
			require.NoError(t, err)
			submit, err := govv1.NewMsgSubmitProposal([]sdk.Msg{tc.msg}, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, app.TAO(10))),
				proposer.Address.String(), "", tc.name, "issue 12 params bounds", false)
			require.NoError(t, err)
			res := c.DeliverMsgs(proposer, submit)

			after, err := c.App.GovKeeper.ProposalID.Peek(c.Context())
			require.NoError(t, err)
			stored, err := c.App.GovKeeper.Proposals.Has(c.Context(), next)
			require.NoError(t, err)
			if tc.wantLog == "" {
				require.Zerof(t, res.Code, "submit: %s", res.Log)
				require.True(t, stored, "valid proposal stored")
				require.Equal(t, next+1, after)
				return
			}
			require.NotZero(t, res.Code, "submission of invalid params must be refused")
			require.Equal(t, govtypes.ErrInvalidProposalMsg.Codespace(), res.Codespace, res.Log)
			require.Equal(t, govtypes.ErrInvalidProposalMsg.ABCICode(), res.Code, res.Log)
			require.Contains(t, res.Log, tc.wantLog)
			require.False(t, stored, "no proposal stored")
			require.Equal(t, next, after, "no proposal id used")
		})
	}
}
