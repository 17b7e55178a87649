// Package upgrades holds the chain's named software upgrades: one sub-package per upgrade, each
// exporting an Upgrade that the app registers with x/upgrade. See README.md.
package upgrades

import (
	"context"

	storetypes "cosmossdk.io/store/types"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	intelligencekeeper "github.com/taochain/taochain/x/intelligence/keeper"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
)

// AppKeepers are the keepers an upgrade handler may use for work that is not a module store
// migration. Add a keeper here when a handler needs one.
type AppKeepers struct {
	SubnetKeeper       subnetkeeper.Keeper
	IntelligenceKeeper intelligencekeeper.Keeper
}

// Upgrade is one named software upgrade: the name a governance plan carries, the handler the new
// binary runs at the plan height, and the stores it adds, renames or deletes.
type Upgrade struct {
	// Name is the upgrade plan name; nodes halt at the plan height until a binary that registers
	// a handler under this name is started.
	Name string
	// CreateUpgradeHandler builds the handler; it normally runs the module migrations with
	// mm.RunMigrations.
	CreateUpgradeHandler func(mm *module.Manager, configurator module.Configurator, keepers *AppKeepers) upgradetypes.UpgradeHandler
	// StoreUpgrades are the store keys added, renamed or deleted at the upgrade height.
	StoreUpgrades storetypes.StoreUpgrades
}

// RunMigrations is the CreateUpgradeHandler of an upgrade whose work is all in module store
// migrations: its handler logs the upgrade and runs mm.RunMigrations, which runs the registered
// migrations of every module whose stored version is below its ConsensusVersion. The returned
// version map is what x/upgrade stores.
func RunMigrations(mm *module.Manager, configurator module.Configurator, _ *AppKeepers) upgradetypes.UpgradeHandler {
	return func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		sdk.UnwrapSDKContext(ctx).Logger().Info("running upgrade handler", "name", plan.Name, "height", plan.Height)
		return mm.RunMigrations(ctx, configurator, fromVM)
	}
}

// MigrationsOnly is an upgrade named name whose work is all in module store migrations: its
// handler is RunMigrations and it adds, renames and deletes no store.
func MigrationsOnly(name string) Upgrade {
	return Upgrade{Name: name, CreateUpgradeHandler: RunMigrations, StoreUpgrades: storetypes.StoreUpgrades{}}
}
