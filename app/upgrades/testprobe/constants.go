// Package testprobe is a test-only software upgrade: it exists so the end-to-end test
// TestSoftwareUpgradeLive (cmd/taod/upgrade_e2e_test.go) can move a live 4-validator network from
// a binary that does not know it to one that does. Only a binary built with `-tags upgrade_e2e`
// registers it (app/upgrades_e2e.go); a released taod never does.
//
// It uses both paths an upgrade has: StoreUpgrades adds the new KV store "testprobe" at the upgrade
// height (the store loader must create it, or the new binary cannot load its stores), and the
// handler runs the module migrations, then records in that store the height it ran at and the
// module versions it found, so the effect can be read back from every node.
package testprobe

import (
	"cosmossdk.io/collections"
	storetypes "cosmossdk.io/store/types"

	"github.com/taochain/taochain/app/upgrades"
)

// UpgradeName is the name the governance upgrade plan must carry.
const UpgradeName = "testprobe"

// StoreName is the KV store the upgrade adds. Its raw entries can be read with an ABCI store
// query, e.g. path "/store/testprobe/key", data 0x00 for the upgrade height.
const StoreName = "testprobe"

var (
	// UpgradeHeightPrefix keys the height the handler ran at (big-endian uint64).
	UpgradeHeightPrefix = collections.NewPrefix(0)
	// ModuleVersionsPrefix keys, per module name, the consensus version the module's state was at
	// when the upgrade ran (big-endian uint64): prefix byte, then the module name.
	ModuleVersionsPrefix = collections.NewPrefix(1)
)

// StoreKey is the key of the added store. The app mounts it with the module stores
// (app/upgrades_e2e.go) in the binary that knows this upgrade.
var StoreKey = storetypes.NewKVStoreKey(StoreName)

// Upgrade is the testprobe upgrade: it adds the testprobe store and fills it.
var Upgrade = upgrades.Upgrade{
	Name:                 UpgradeName,
	CreateUpgradeHandler: CreateUpgradeHandler,
	StoreUpgrades:        storetypes.StoreUpgrades{Added: []string{StoreName}},
}
