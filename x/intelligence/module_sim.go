package intelligence

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/taochain/taochain/x/intelligence/keeper"
	"github.com/taochain/taochain/x/intelligence/simulation"
	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/modulekit"
)

var (
	_ module.AppModuleSimulation   = AppModule{}
	_ simsx.HasProposalMsgsX       = AppModule{}
	_ module.AppModuleSimulation   = SimulationModule{}
	_ simsx.HasWeightedOperationsX = SimulationModule{}
)

// GenerateGenesisState creates a randomized x/intelligence genesis (see
// simulation.RandomizedGenState).
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	simulation.RandomizedGenState(simState)
}

// RegisterStoreDecoder decodes x/intelligence store entries (for simulation store diffs) from the
// collections schema.
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	modulekit.RegisterStoreDecoder(sdr, types.StoreKey, am.keeper.Schema)
}

// WeightedOperations is the legacy operations hook and returns none: the message factories need
// x/subnet state, which AppModule cannot read; SimulationModule provides them as simsx factories.
func (AppModule) WeightedOperations(module.SimulationState) []simtypes.WeightedOperation {
	return nil
}

// ProposalMsgsX registers MsgUpdateParams as a governance proposal payload.
func (AppModule) ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry) {
	reg.Add(weights.Get("msg_update_params", 100), simulation.MsgUpdateParamsFactory())
}

// SimulationModule is x/intelligence in the simulator: AppModule's genesis, store decoder and
// proposals plus message factories that find validators in x/subnet. Register it in the app's
// SimulationManager in place of AppModule (module.NewSimulationManagerFromAppModules overrides).
type SimulationModule struct {
	AppModule
	subnetKeeper types.SubnetKeeper
	commits      *simulation.CommitBook
}

// NewSimulationModule returns the simulation module of x/intelligence reading subnets and neurons
// through subnetKeeper. Each app gets its own: it books the payloads of its weight commits.
func NewSimulationModule(cdc codec.Codec, k keeper.Keeper, subnetKeeper types.SubnetKeeper) SimulationModule {
	return SimulationModule{AppModule: NewAppModule(cdc, k), subnetKeeper: subnetKeeper, commits: simulation.NewCommitBook()}
}

// WeightedOperationsX registers x/intelligence's message factories with their default weights; the
// weights can be overridden in a simulation params file as op_weight_<name>.
func (sm SimulationModule) WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry) {
	k, sk := sm.keeper, sm.subnetKeeper
	reg.Add(weights.Get("msg_set_weights", 100), simulation.MsgSetWeightsFactory(k, sk))
	reg.Add(weights.Get("msg_submit_evaluation", 100), simulation.MsgSubmitEvaluationFactory(k, sk))
	reg.Add(weights.Get("msg_commit_weights", 60), simulation.MsgCommitWeightsFactory(k, sk, sm.commits))
	reg.Add(weights.Get("msg_reveal_weights", 100), simulation.MsgRevealWeightsFactory(k, sk, sm.commits))
}
