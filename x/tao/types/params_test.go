package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/tao/types"
)

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	require.Equal(t, math.NewInt(500_000_000), types.DefaultParams().BaseBlockEmission)
	require.Equal(t, "21000000000000000", types.DefaultParams().MaxSupply.String())

	tests := []struct {
		name   string
		mutate func(p *types.Params)
	}{
		{"empty denom", func(p *types.Params) { p.MintDenom = "" }},
		{"bad denom", func(p *types.Params) { p.MintDenom = "1rao" }},
		{"zero max supply", func(p *types.Params) { p.MaxSupply = math.ZeroInt() }},
		{"nil max supply", func(p *types.Params) { p.MaxSupply = math.Int{} }},
		{"negative base", func(p *types.Params) { p.BaseBlockEmission = math.NewInt(-1) }},
		{"base above max", func(p *types.Params) { p.BaseBlockEmission = p.MaxSupply.AddRaw(1) }},
		{"negative share", func(p *types.Params) { p.SecurityShare = math.LegacyNewDec(-1) }},
		{"share above one", func(p *types.Params) { p.SecurityShare = math.LegacyMustNewDecFromStr("1.01") }},
		{"nil share", func(p *types.Params) { p.SecurityShare = math.LegacyDec{} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := types.DefaultParams()
			tc.mutate(&p)
			require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
		})
	}

	ok := types.DefaultParams()
	ok.BaseBlockEmission = math.ZeroInt()
	ok.SecurityShare = math.LegacyOneDec()
	require.NoError(t, ok.Validate(), "zero base (emission off) and a 100% security share are allowed")
}
