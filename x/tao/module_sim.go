package tao

import (
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/tao/simulation"
	"github.com/taochain/taochain/x/tao/types"
)

var (
	_ module.AppModuleSimulation = AppModule{}
	_ simsx.HasProposalMsgsX     = AppModule{}
)

// GenerateGenesisState creates a randomized x/tao genesis (see simulation.RandomizedGenState).
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	simulation.RandomizedGenState(simState)
}

// RegisterStoreDecoder decodes x/tao store entries (for simulation store diffs) from the
// collections schema.
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	modulekit.RegisterStoreDecoder(sdr, types.StoreKey, am.keeper.Schema)
}

// WeightedOperations returns no operations: x/tao has no user messages. Its state changes every
// block through BeginBlock (emission) and x/intelligence (payouts), and its params through the
// governance proposals of ProposalMsgsX.
func (AppModule) WeightedOperations(module.SimulationState) []simtypes.WeightedOperation {
	return nil
}

// ProposalMsgsX registers MsgUpdateParams as a governance proposal payload.
func (am AppModule) ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry) {
	reg.Add(weights.Get("msg_update_params", 100), simulation.MsgUpdateParamsFactory(am.keeper))
}
