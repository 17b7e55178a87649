package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

// allSubnets returns every stored subnet in netuid order.
func allSubnets(t *testing.T, f *fixture) []types.Subnet {
	t.Helper()
	var out []types.Subnet
	require.NoError(t, f.k.IterateSubnets(f.ctx, func(s types.Subnet) bool {
		out = append(out, s)
		return false
	}))
	return out
}

func TestMigrate1to2MovesSubnetsToYuma3(t *testing.T) {
	f := newFixture(t)
	// The state a version-1 chain has: Yuma 2 everywhere and a bound that does not allow Yuma 3.
	f.setParams(t, func(p *types.Params) {
		p.DefaultHyperparams.YumaVersion = 2
		p.MaxHyperparams.YumaVersion = 2
		p.DefaultHyperparams.LiquidAlpha, p.DefaultHyperparams.TrustWeightedConsensus = false, false
		p.MaxHyperparams.TrustWeightedConsensus = false // the field did not exist
		p.DefaultHyperparams.RevealPeriod = 1
	})
	owner := addr("owner")
	a := f.registerSubnet(t, owner)
	f.advance(1)
	b := f.registerSubnet(t, owner)
	f.advance(1)
	c := f.registerSubnet(t, owner)

	// Subnet a has owner-tuned hyperparameters and a hyperparams_updated_at that the migration
	// must keep; subnet c is already on Yuma 3.
	sa, err := f.k.GetSubnet(f.ctx, a)
	require.NoError(t, err)
	sa.Hyperparams.Tempo = 77
	sa.Hyperparams.BondsPenalty = 1234
	sa.Hyperparams.Kappa = 40000
	sa.HyperparamsUpdatedAt = 2
	require.NoError(t, f.k.Subnets.Set(f.ctx, a, sa))
	sc, err := f.k.GetSubnet(f.ctx, c)
	require.NoError(t, err)
	sc.Hyperparams.YumaVersion = 3
	require.NoError(t, f.k.Subnets.Set(f.ctx, c, sc))

	before := allSubnets(t, f)
	require.Len(t, before, 3)
	require.Equal(t, uint32(2), before[0].Hyperparams.YumaVersion)
	require.Equal(t, uint32(2), before[1].Hyperparams.YumaVersion)
	paramsBefore, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)

	m := keeper.NewMigrator(f.k)
	require.NoError(t, m.Migrate1to2(f.ctx))

	// Only the Yuma 3 fields change; reveal_period stays.
	want := make([]types.Subnet, len(before))
	copy(want, before)
	for i := range want {
		want[i].Hyperparams.YumaVersion = 3
		want[i].Hyperparams.LiquidAlpha = true
		want[i].Hyperparams.TrustWeightedConsensus = true
	}
	after := allSubnets(t, f)
	require.Equal(t, want, after)
	require.Equal(t, []uint32{uint32(a), uint32(b), uint32(c)}, []uint32{after[0].Netuid, after[1].Netuid, after[2].Netuid})
	for _, s := range after {
		require.NoError(t, s.Hyperparams.Validate())
	}

	wantParams := paramsBefore
	wantParams.DefaultHyperparams.YumaVersion = 3
	wantParams.DefaultHyperparams.LiquidAlpha = true
	wantParams.DefaultHyperparams.TrustWeightedConsensus = true
	wantParams.DefaultHyperparams.RevealPeriod = 3
	wantParams.MaxHyperparams.YumaVersion = 3
	wantParams.MaxHyperparams.TrustWeightedConsensus = true
	params, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, wantParams, params)
	require.NoError(t, params.Validate())
	for _, s := range after {
		require.NoError(t, s.Hyperparams.ValidateWithin(params.MinHyperparams, params.MaxHyperparams))
	}

	// A second run changes nothing.
	require.NoError(t, m.Migrate1to2(f.ctx))
	require.Equal(t, after, allSubnets(t, f))
	params2, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, params, params2)
}

func TestMigrate1to2KeepsAHigherMaxYumaVersion(t *testing.T) {
	f := newFixture(t)
	f.setParams(t, func(p *types.Params) {
		p.DefaultHyperparams.YumaVersion = 2
		p.MaxHyperparams.YumaVersion = 3
	})
	require.NoError(t, keeper.NewMigrator(f.k).Migrate1to2(f.ctx))
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, uint32(3), p.DefaultHyperparams.YumaVersion)
	require.Equal(t, uint32(3), p.MaxHyperparams.YumaVersion)
	require.Empty(t, allSubnets(t, f))
}

// Governance that forbade liquid alpha keeps it forbidden: the migration turns on only what the
// bounds allow.
func TestMigrate1to2RespectsForbiddenLiquidAlpha(t *testing.T) {
	f := newFixture(t)
	f.setParams(t, func(p *types.Params) {
		p.DefaultHyperparams.YumaVersion, p.DefaultHyperparams.LiquidAlpha = 2, false
		p.MaxHyperparams.LiquidAlpha = false
	})
	a := f.registerSubnet(t, addr("owner"))
	require.NoError(t, keeper.NewMigrator(f.k).Migrate1to2(f.ctx))
	s, err := f.k.GetSubnet(f.ctx, a)
	require.NoError(t, err)
	require.Equal(t, uint32(3), s.Hyperparams.YumaVersion)
	require.False(t, s.Hyperparams.LiquidAlpha)
	require.True(t, s.Hyperparams.TrustWeightedConsensus)
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.False(t, p.DefaultHyperparams.LiquidAlpha)
	require.NoError(t, s.Hyperparams.ValidateWithin(p.MinHyperparams, p.MaxHyperparams))
}
