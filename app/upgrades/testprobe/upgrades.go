package testprobe

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/runtime"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/taochain/taochain/app/upgrades"
)

// Store is the content of the testprobe store.
type Store struct {
	// UpgradeHeight is the height the handler ran at.
	UpgradeHeight collections.Item[uint64]
	// ModuleVersions are the module versions x/upgrade had stored when the handler ran.
	ModuleVersions collections.Map[string, uint64]
}

// NewStore opens the testprobe store through the added store key.
func NewStore() Store {
	sb := collections.NewSchemaBuilder(runtime.NewKVStoreService(StoreKey))
	s := Store{
		UpgradeHeight:  collections.NewItem(sb, UpgradeHeightPrefix, "upgrade_height", collections.Uint64Value),
		ModuleVersions: collections.NewMap(sb, ModuleVersionsPrefix, "module_versions", collections.StringKey, collections.Uint64Value),
	}
	if _, err := sb.Build(); err != nil {
		panic(err)
	}
	return s
}

// CreateUpgradeHandler returns the testprobe handler: the module migrations (none is pending on a
// network at the current versions, so the version map comes back unchanged), then the record of
// the upgrade in the added store. Writing there fails unless the store loader created the store.
func CreateUpgradeHandler(mm *module.Manager, configurator module.Configurator, _ *upgrades.AppKeepers) upgradetypes.UpgradeHandler {
	store := NewStore()
	return func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		sdk.UnwrapSDKContext(ctx).Logger().Info("running upgrade handler", "name", plan.Name, "height", plan.Height)
		vm, err := mm.RunMigrations(ctx, configurator, fromVM)
		if err != nil {
			return nil, err
		}
		if err := store.UpgradeHeight.Set(ctx, uint64(plan.Height)); err != nil {
			return nil, fmt.Errorf("recording the upgrade height: %w", err)
		}
		// Sorted: the order of a Go map must not decide the order of state writes.
		names := make([]string, 0, len(fromVM))
		for name := range fromVM {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if err := store.ModuleVersions.Set(ctx, name, fromVM[name]); err != nil {
				return nil, fmt.Errorf("recording the version of %s: %w", name, err)
			}
		}
		return vm, nil
	}
}
