package yuma3

import (
	"context"

	upgradetypes "cosmossdk.io/x/upgrade/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/taochain/taochain/app/upgrades"
)

// CreateUpgradeHandler returns the yuma3 handler. All of its work is in the module migrations
// (x/subnet 1→2, x/intelligence 1→2), which RunMigrations runs for every module whose stored
// version is below its ConsensusVersion; the returned version map is what x/upgrade stores.
func CreateUpgradeHandler(mm *module.Manager, configurator module.Configurator, _ *upgrades.AppKeepers) upgradetypes.UpgradeHandler {
	return func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		sdk.UnwrapSDKContext(ctx).Logger().Info("running upgrade handler", "name", plan.Name, "height", plan.Height)
		return mm.RunMigrations(ctx, configurator, fromVM)
	}
}
