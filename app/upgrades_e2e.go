//go:build upgrade_e2e

package app

import "github.com/taochain/taochain/app/upgrades/testprobe"

// A binary built with -tags upgrade_e2e also knows the test-only testprobe upgrade and mounts the
// store it adds; TestSoftwareUpgradeLive upgrades a live network to such a binary.
func init() {
	Upgrades = append(Upgrades, testprobe.Upgrade)
	upgradeStoreKeys = append(upgradeStoreKeys, testprobe.StoreKey)
}
