package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/subnet/types"
)

func TestDefaultParamsValid(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	require.NoError(t, types.DefaultGenesis().Validate())
	h := types.DefaultHyperparameters()
	require.Equal(t, uint64(360), h.Tempo)
	require.Equal(t, uint32(256), h.MaxUids)
	require.Equal(t, uint32(64), h.MaxValidators)
	require.Equal(t, uint32(32767), h.Kappa)
	require.Equal(t, uint64(900_000), h.BondsMovingAverage)
}

func TestParamsValidateRejects(t *testing.T) {
	tests := map[string]func(p *types.Params){
		"zero min_lock":          func(p *types.Params) { p.MinLock = math.ZeroInt() },
		"zero reduction":         func(p *types.Params) { p.LockReductionInterval = 0 },
		"zero max_subnets":       func(p *types.Params) { p.MaxSubnets = 0 },
		"zero min_stake":         func(p *types.Params) { p.MinStake = math.ZeroInt() },
		"zero unbonding entries": func(p *types.Params) { p.MaxUnbondingEntries = 0 },
		"take above 18%":         func(p *types.Params) { p.MaxTake = types.MaxTakeLimit + 1 },
		"default take above max": func(p *types.Params) { p.MaxTake = 10; p.DefaultTake = 11 },
		"zero block work":        func(p *types.Params) { p.MaxBlockWork = 0 },
		"block work 2^32-1":      func(p *types.Params) { p.MaxBlockWork = 1<<32 - 1 },
		"max_subnets above cap":  func(p *types.Params) { p.MaxSubnets = types.MaxSubnetsLimit + 1 },
		"max_uids 65535 bound":   func(p *types.Params) { p.MaxHyperparams.MaxUids = 65535 },
		"validators above cap":   func(p *types.Params) { p.MaxHyperparams.MaxValidators = types.MaxValidatorsLimit + 1 },
		"min tempo below floor":  func(p *types.Params) { p.MinHyperparams.Tempo = types.MinTempoLimit - 1 },
		"free registration":      func(p *types.Params) { p.MinHyperparams.MinBurn = math.ZeroInt() },
		"no registrations":       func(p *types.Params) { p.DefaultHyperparams.MaxRegistrationsPerBlock = 0 },
		"registrations above cap": func(p *types.Params) {
			p.MaxHyperparams.MaxRegistrationsPerBlock = types.MaxRegistrationsPerBlockLimit + 1
		},
		"default epoch too big": func(p *types.Params) {
			p.DefaultHyperparams.MaxUids, p.DefaultHyperparams.MaxValidators = types.MaxUIDsLimit, types.MaxValidatorsLimit
		},
		"default outside bounds":  func(p *types.Params) { p.MinHyperparams.Tempo = 400 },
		"invalid default":         func(p *types.Params) { p.DefaultHyperparams.Kappa = 70000 },
		"yuma version 1":          func(p *types.Params) { p.DefaultHyperparams.YumaVersion = 1 },
		"yuma version 4":          func(p *types.Params) { p.MaxHyperparams.YumaVersion = 4 },
		"bonds_penalty above u16": func(p *types.Params) { p.MaxHyperparams.BondsPenalty = types.U16Max + 1 },
		"alpha_low above alpha_high": func(p *types.Params) {
			p.DefaultHyperparams.AlphaLow, p.DefaultHyperparams.AlphaHigh = 50000, 40000
		},
		"liquid alpha disabled by governance": func(p *types.Params) {
			p.DefaultHyperparams.LiquidAlpha, p.MaxHyperparams.LiquidAlpha = true, false
		},
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			p := types.DefaultParams()
			mutate(&p)
			require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
		})
	}
}

func TestHyperparamsEpochWorkLimit(t *testing.T) {
	h := types.DefaultHyperparameters()
	require.Equal(t, uint64(256*(64+types.EpochWorkPerUID)), h.EpochWork())
	// The largest subnets: most uids, and most validators.
	for _, v := range []uint32{uint32(types.MaxEpochWork/types.MaxUIDsLimit - types.EpochWorkPerUID), types.MaxValidatorsLimit} {
		h.MaxValidators = v
		h.MaxUids = uint32(min(types.MaxEpochWork/(uint64(v)+types.EpochWorkPerUID), types.MaxUIDsLimit))
		require.NoError(t, h.Validate(), "%d uids × %d validators", h.MaxUids, v)
		require.LessOrEqual(t, h.EpochWork(), types.MaxEpochWork)
		h.MaxUids++
		require.ErrorIs(t, h.Validate(), types.ErrInvalidHyperparams, "%d uids × %d validators", h.MaxUids, v)
	}
	h.MaxUids, h.MaxValidators = types.MaxUIDsLimit+1, 1
	require.ErrorIs(t, h.Validate(), types.ErrInvalidHyperparams)
	h.MaxUids, h.MaxValidators = types.MaxValidatorsLimit+1, types.MaxValidatorsLimit+1
	require.ErrorIs(t, h.Validate(), types.ErrInvalidHyperparams)
	require.NoError(t, types.DefaultParams().Validate(), "default bounds allow each limit on its own")
}

func TestValidateAxonHosts(t *testing.T) {
	ok := []string{"1.2.3.4", "::1", "2001:db8::2", "example.com", "a-b.c.example.", "localhost"}
	bad := []string{"", "1.2.3.4:80", "[::1]", "a..b", "exa_mple.com", "1.2.3", "-a.com", "224.0.0.1", "::"}
	for _, h := range ok {
		require.NoError(t, types.ValidateAxon(h, 1, types.AXON_PROTOCOL_HTTP, 1), h)
	}
	for _, h := range bad {
		require.ErrorIs(t, types.ValidateAxon(h, 1, types.AXON_PROTOCOL_HTTP, 1), types.ErrInvalidAxon, h)
	}
	long := make([]byte, types.MaxHostLength+1)
	for i := range long {
		long[i] = 'a'
	}
	require.ErrorIs(t, types.ValidateAxon(string(long), 1, types.AXON_PROTOCOL_HTTP, 1), types.ErrInvalidAxon)
}
