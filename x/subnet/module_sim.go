package subnet

import (
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/subnet/simulation"
	"github.com/taochain/taochain/x/subnet/types"
)

var (
	_ module.AppModuleSimulation   = AppModule{}
	_ simsx.HasWeightedOperationsX = AppModule{}
	_ simsx.HasProposalMsgsX       = AppModule{}
)

// GenerateGenesisState creates a randomized x/subnet genesis: params, subnets, neurons and funded
// stake pools (see simulation.RandomizedGenState).
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	simulation.RandomizedGenState(simState)
}

// RegisterStoreDecoder decodes x/subnet store entries (for simulation store diffs) from the
// collections schema.
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	modulekit.RegisterStoreDecoder(sdr, types.StoreKey, am.keeper.Schema)
}

// WeightedOperations is the legacy operations hook. The simsx runner ignores it because
// WeightedOperationsX exists; x/subnet's operations are only provided as simsx message factories,
// which need the runner's account and balance sources that this hook does not receive.
func (AppModule) WeightedOperations(module.SimulationState) []simtypes.WeightedOperation {
	return nil
}

// WeightedOperationsX registers x/subnet's message factories with their default weights; the
// weights can be overridden in a simulation params file as op_weight_<name>.
func (am AppModule) WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry) {
	reg.Add(weights.Get("msg_register_subnet", 15), simulation.MsgRegisterSubnetFactory(am.keeper))
	reg.Add(weights.Get("msg_dissolve_subnet", 2), simulation.MsgDissolveSubnetFactory(am.keeper))
	reg.Add(weights.Get("msg_update_hyperparams", 10), simulation.MsgUpdateHyperparamsFactory(am.keeper))
	reg.Add(weights.Get("msg_register_neuron", 60), simulation.MsgRegisterNeuronFactory(am.keeper))
	reg.Add(weights.Get("msg_serve_axon", 30), simulation.MsgServeAxonFactory(am.keeper))
	reg.Add(weights.Get("msg_add_stake", 80), simulation.MsgAddStakeFactory(am.keeper))
	reg.Add(weights.Get("msg_remove_stake", 40), simulation.MsgRemoveStakeFactory(am.keeper))
	reg.Add(weights.Get("msg_move_stake", 30), simulation.MsgMoveStakeFactory(am.keeper))
	reg.Add(weights.Get("msg_set_take", 15), simulation.MsgSetTakeFactory(am.keeper))
}

// ProposalMsgsX registers MsgUpdateParams as a governance proposal payload.
func (AppModule) ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry) {
	reg.Add(weights.Get("msg_update_params", 100), simulation.MsgUpdateParamsFactory())
}
