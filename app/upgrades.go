package app

import (
	"fmt"

	storetypes "cosmossdk.io/store/types"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/taochain/taochain/app/upgrades"
	"github.com/taochain/taochain/app/upgrades/federated"
	"github.com/taochain/taochain/app/upgrades/lastupdate"
	"github.com/taochain/taochain/app/upgrades/leaneval"
	"github.com/taochain/taochain/app/upgrades/packedrows"
	"github.com/taochain/taochain/app/upgrades/yuma3"
)

// Upgrades are the named software upgrades this binary can run, oldest first. Each entry stays
// for as long as nodes may replay blocks across its height.
var Upgrades = []upgrades.Upgrade{
	yuma3.Upgrade,
	leaneval.Upgrade,
	packedrows.Upgrade,
	federated.Upgrade,
	lastupdate.Upgrade,
}

// upgradeStoreKeys are KV stores that belong to an upgrade rather than to a module, mounted with
// the module stores. Only the test-only upgrade of upgrades_e2e.go (built with -tags upgrade_e2e)
// has one; a module's store key belongs in newStoreKeys.
var upgradeStoreKeys []*storetypes.KVStoreKey

// setupUpgradeHandlers registers the handler of every entry of Upgrades with x/upgrade, which runs
// it at the height of the governance plan of the same name. It needs the configurator, so it runs
// after RegisterServices.
func (app *App) setupUpgradeHandlers() {
	keepers := &upgrades.AppKeepers{
		SubnetKeeper:       app.SubnetKeeper,
		IntelligenceKeeper: app.IntelligenceKeeper,
	}
	for _, u := range Upgrades {
		if app.UpgradeKeeper.HasHandler(u.Name) {
			panic(fmt.Sprintf("upgrade %q is listed twice", u.Name))
		}
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, u.CreateUpgradeHandler(app.ModuleManager, app.configurator, keepers))
	}
}

// setupUpgradeStoreLoaders adds, renames and deletes stores when the node restarts at the height
// of a pending upgrade: the old binary wrote the plan to data/upgrade-info.json when it halted. It
// must run before the stores are loaded. It also mounts upgradeStoreKeys.
func (app *App) setupUpgradeStoreLoaders() {
	for _, key := range upgradeStoreKeys {
		app.MountStore(key, storetypes.StoreTypeIAVL)
	}
	info, err := app.UpgradeKeeper.ReadUpgradeInfoFromDisk()
	if err != nil {
		panic(fmt.Errorf("reading upgrade info from disk: %w", err))
	}
	if info.Name == "" || app.UpgradeKeeper.IsSkipHeight(info.Height) {
		return
	}
	for _, u := range Upgrades {
		if u.Name != info.Name {
			continue
		}
		su := u.StoreUpgrades
		if len(su.Added) > 0 || len(su.Renamed) > 0 || len(su.Deleted) > 0 {
			app.SetStoreLoader(upgradetypes.UpgradeStoreLoader(info.Height, &su))
		}
	}
}
