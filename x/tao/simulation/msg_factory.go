package simulation

import (
	"context"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"

	"github.com/taochain/taochain/x/tao/keeper"
	"github.com/taochain/taochain/x/tao/types"
)

// govModuleName is the x/gov module account, the params authority.
const govModuleName = "gov"

// MsgUpdateParamsFactory proposes new random params through x/gov. The mint denom is kept and
// max_supply stays at least twice the issuance when the proposal is made, so the proposal passes
// the msg server's checks when it executes unless the supply doubles meanwhile.
func MsgUpdateParamsFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		current, err := k.GetParams(ctx)
		if err != nil {
			reporter.Skipf("params: %s", err)
			return nil, nil
		}
		issuance := k.Issuance(ctx, current)
		p := RandomParams(testData.Rand().Rand, current.MintDenom, issuance)
		p.MaxSupply = math.MaxInt(p.MaxSupply, issuance.MulRaw(2))
		return nil, &types.MsgUpdateParams{
			Authority: testData.ModuleAccountAddress(reporter, govModuleName),
			Params:    p,
		}
	}
}
