package app

import (
	"bytes"
	"encoding/json"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// GenesisState is the app state in genesis: module name → that module's genesis JSON.
type GenesisState map[string]json.RawMessage

// NewDefaultGenesisState returns every module's default genesis with taochain's choices applied:
// rao as bond and deposit denom, TAO metadata registered, deposits sized in TAO.
func NewDefaultGenesisState(cdc codec.JSONCodec, basics module.BasicManager) GenesisState {
	gen := GenesisState(basics.DefaultGenesis(cdc))

	var staking stakingtypes.GenesisState
	cdc.MustUnmarshalJSON(gen[stakingtypes.ModuleName], &staking)
	staking.Params.BondDenom = BondDenom
	gen[stakingtypes.ModuleName] = cdc.MustMarshalJSON(&staking)

	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(gen[banktypes.ModuleName], &bank)
	bank.DenomMetadata = []banktypes.Metadata{TAOMetadata()}
	gen[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)

	var gov govv1.GenesisState
	cdc.MustUnmarshalJSON(gen[govtypes.ModuleName], &gov)
	gov.Params.MinDeposit = sdk.NewCoins(sdk.NewCoin(BaseDenom, TAO(10)))
	gov.Params.ExpeditedMinDeposit = sdk.NewCoins(sdk.NewCoin(BaseDenom, TAO(50)))
	gen[govtypes.ModuleName] = cdc.MustMarshalJSON(&gov)

	return gen
}

// GenesisBasics returns basics with every module's default genesis taken from
// NewDefaultGenesisState, so commands that build a genesis from module defaults (`taod init`) write
// taochain's choices — TAO deposits, rao metadata — rather than the SDK's bare defaults.
func GenesisBasics(cdc codec.JSONCodec, basics module.BasicManager) module.BasicManager {
	defaults := NewDefaultGenesisState(cdc, basics)
	sdkDefaults := basics.DefaultGenesis(cdc)
	out := make(module.BasicManager, len(basics))
	for name, b := range basics {
		// Only modules whose default taochain changes are wrapped: callers such as the genutil
		// commands type-assert some basics (genutil's own) to their concrete types.
		if _, ok := b.(module.HasGenesisBasics); ok && !bytes.Equal(defaults[name], sdkDefaults[name]) {
			out[name] = genesisDefaultOverride{AppModuleBasic: b, genesis: defaults[name]}
			continue
		}
		out[name] = b
	}
	return out
}

// genesisDefaultOverride is a module basic whose DefaultGenesis is fixed; everything else,
// validation included, is the module's own.
type genesisDefaultOverride struct {
	module.AppModuleBasic
	genesis json.RawMessage
}

// DefaultGenesis returns the fixed default genesis.
func (o genesisDefaultOverride) DefaultGenesis(codec.JSONCodec) json.RawMessage { return o.genesis }

// ValidateGenesis validates with the module's own rules.
func (o genesisDefaultOverride) ValidateGenesis(cdc codec.JSONCodec, txCfg client.TxEncodingConfig, bz json.RawMessage) error {
	return o.AppModuleBasic.(module.HasGenesisBasics).ValidateGenesis(cdc, txCfg, bz)
}
