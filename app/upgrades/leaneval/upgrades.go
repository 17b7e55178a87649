package leaneval

import (
	"context"

	upgradetypes "cosmossdk.io/x/upgrade/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/taochain/taochain/app/upgrades"
)

// CreateUpgradeHandler returns the leaneval handler. All of its work is in the module migrations
// x/subnet 2→3 (occupied uid sets) and x/intelligence 2→3 (stored evaluations reduced to their
// hashes), which RunMigrations runs.
func CreateUpgradeHandler(mm *module.Manager, configurator module.Configurator, _ *upgrades.AppKeepers) upgradetypes.UpgradeHandler {
	return func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		sdk.UnwrapSDKContext(ctx).Logger().Info("running upgrade handler", "name", plan.Name, "height", plan.Height)
		return mm.RunMigrations(ctx, configurator, fromVM)
	}
}
