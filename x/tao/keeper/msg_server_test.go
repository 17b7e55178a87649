package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/tao/types"
)

func TestMsgUpdateParams(t *testing.T) {
	newParams := types.DefaultParams()
	newParams.BaseBlockEmission = math.NewInt(250_000_000)
	newParams.SecurityShare = math.LegacyNewDecWithPrec(2, 1)

	tests := []struct {
		name    string
		setup   func(f *fixture)
		msg     func(f *fixture) *types.MsgUpdateParams
		wantErr error
	}{
		{
			name:    "valid",
			msg:     func(f *fixture) *types.MsgUpdateParams { return types.NewMsgUpdateParams(f.authority, newParams) },
			wantErr: nil,
		},
		{
			name: "wrong authority",
			msg: func(f *fixture) *types.MsgUpdateParams {
				other, err := fakeAccountKeeper{}.AddressCodec().BytesToString([]byte("someone_else________"))
				require.NoError(t, err)
				return types.NewMsgUpdateParams(other, newParams)
			},
			wantErr: types.ErrInvalidAuthority,
		},
		{
			name:    "malformed authority",
			msg:     func(f *fixture) *types.MsgUpdateParams { return types.NewMsgUpdateParams("tao1invalid", newParams) },
			wantErr: types.ErrInvalidAuthority,
		},
		{
			name: "invalid params",
			msg: func(f *fixture) *types.MsgUpdateParams {
				p := newParams
				p.SecurityShare = math.LegacyMustNewDecFromStr("1.5")
				return types.NewMsgUpdateParams(f.authority, p)
			},
			wantErr: types.ErrInvalidParams,
		},
		{
			name: "mint denom change",
			msg: func(f *fixture) *types.MsgUpdateParams {
				p := newParams
				p.MintDenom = "stake"
				return types.NewMsgUpdateParams(f.authority, p)
			},
			wantErr: types.ErrInvalidParams,
		},
		{
			name:  "max supply below issuance",
			setup: func(f *fixture) { f.bank.setSupply(denom, math.NewInt(1_000_000)) },
			msg: func(f *fixture) *types.MsgUpdateParams {
				p := newParams
				p.MaxSupply = math.NewInt(999_999)
				p.BaseBlockEmission = math.NewInt(1)
				return types.NewMsgUpdateParams(f.authority, p)
			},
			wantErr: types.ErrInvalidParams,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			before, err := f.keeper.Params.Get(f.ctx)
			require.NoError(t, err)
			msg := tc.msg(f)
			_, err = f.msgServer.UpdateParams(f.ctx, msg)
			after, gerr := f.keeper.Params.Get(f.ctx)
			require.NoError(t, gerr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, before, after, "params must be unchanged after a rejected update")
				return
			}
			require.NoError(t, err)
			require.Equal(t, msg.Params, after)
			found := false
			for _, ev := range f.ctx.EventManager().Events() {
				found = found || ev.Type == "taochain.tao.v1.EventParamsUpdated"
			}
			require.True(t, found, "EventParamsUpdated emitted")
		})
	}
}

func TestUpdatedParamsTakeEffect(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	p := types.DefaultParams()
	p.BaseBlockEmission = math.NewInt(1_000)
	p.SecurityShare = math.LegacyNewDecWithPrec(25, 2)
	_, err := f.msgServer.UpdateParams(f.ctx, types.NewMsgUpdateParams(f.authority, p))
	require.NoError(t, err)
	f.beginBlock(t)
	requireIntEq(t, 1_000, f.totals(t).Minted, "minted")
	requireIntEq(t, 250, f.totals(t).Security, "security")
	requireIntEq(t, 750, f.pending(t, 1), "pending")
}
