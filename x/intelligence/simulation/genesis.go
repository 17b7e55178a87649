package simulation

import (
	"math/rand"

	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/taochain/taochain/x/intelligence/types"
)

// ParamsKey is the simulation app params key that overrides the randomized x/intelligence params.
const ParamsKey = "intelligence_params"

// RandomParams returns valid params: a small epoch budget per block (one epoch per block defers
// the others), emission shares that sum to one million ppm, a short evaluation window and
// evidence retention. max_model_update_bytes is the default rather than a draw, so that simulated
// chains accept model update commitments (0 would refuse them all) and the seeded draws of the
// other params stay what they were before the param existed.
func RandomParams(r *rand.Rand) types.Params {
	owner := uint32(r.Intn(types.PPM/2 + 1))
	miner := uint32(r.Intn(int(types.PPM - owner + 1)))
	return types.Params{
		MaxEpochsPerBlock:       uint32(1 + r.Intn(8)),
		OwnerShare:              owner,
		MinerShare:              miner,
		ValidatorShare:          types.PPM - owner - miner,
		EvaluationWindow:        uint64(r.Intn(3)),
		EvidenceRetentionEpochs: uint64(1 + r.Intn(20)),
		MaxModelUpdateBytes:     types.DefaultMaxModelUpdateBytes,
	}
}

// RandomizedGenState generates a random x/intelligence genesis: random params and no rows (the
// genesis subnets of x/subnet start without weights, so the first epochs exercise empty rows).
func RandomizedGenState(simState *module.SimulationState) {
	var params types.Params
	simState.AppParams.GetOrGenerate(ParamsKey, &params, simState.Rand, func(r *rand.Rand) { params = RandomParams(r) })
	gs := types.DefaultGenesisState()
	gs.Params = params
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}
