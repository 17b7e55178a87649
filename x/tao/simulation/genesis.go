package simulation

import (
	"math/rand"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/module"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/x/tao/types"
)

// ParamsKey is the simulation app params key that overrides the randomized x/tao params.
const ParamsKey = "tao_params"

// RandomParams returns valid params for a chain whose mint-denom supply is supply: a base emission
// between 0.01 and 10 TAO (rarely zero), a random security share, and a max_supply that is either
// generous or — a quarter of the time — only up to 100 blocks of base emission above the supply,
// so the simulation reaches the cap and the halvings near it.
func RandomParams(r *rand.Rand, denom string, supply math.Int) types.Params {
	p := types.DefaultParams()
	p.MintDenom = denom
	p.BaseBlockEmission = math.NewInt(types.RaoPerTao / 100 * (1 + r.Int63n(1000)))
	if r.Intn(20) == 0 {
		p.BaseBlockEmission = math.ZeroInt()
	}
	p.SecurityShare = math.LegacyNewDecWithPrec(r.Int63n(101), 2)
	switch r.Intn(4) {
	case 0:
		p.MaxSupply = supply.Add(p.BaseBlockEmission.MulRaw(r.Int63n(100)))
	default:
		p.MaxSupply = math.MaxInt(types.DefaultMaxSupply, supply.MulRaw(2))
	}
	if !p.MaxSupply.IsPositive() {
		p.MaxSupply = types.DefaultMaxSupply
	}
	p.BaseBlockEmission = math.MinInt(p.BaseBlockEmission, p.MaxSupply)
	return p
}

// GenesisSupply returns the supply of denom in the bank genesis that simState holds so far
// (the simulation manager generates modules in name order, so bank comes before tao), or zero.
func GenesisSupply(simState *module.SimulationState, denom string) math.Int {
	bz, ok := simState.GenState[banktypes.ModuleName]
	if !ok {
		return math.ZeroInt()
	}
	var bank banktypes.GenesisState
	simState.Cdc.MustUnmarshalJSON(bz, &bank)
	if !bank.Supply.Empty() {
		return bank.Supply.AmountOf(denom)
	}
	total := math.ZeroInt()
	for _, b := range bank.Balances {
		total = total.Add(b.Coins.AmountOf(denom))
	}
	return total
}

// RandomizedGenState generates a random x/tao genesis: random params, nothing pending and zero
// totals (the x/tao module account starts empty).
func RandomizedGenState(simState *module.SimulationState) {
	var params types.Params
	simState.AppParams.GetOrGenerate(ParamsKey, &params, simState.Rand, func(r *rand.Rand) {
		params = RandomParams(r, simState.BondDenom, GenesisSupply(simState, simState.BondDenom))
	})
	gs := types.DefaultGenesisState()
	gs.Params = params
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}
