package app

import (
	"encoding/json"

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
