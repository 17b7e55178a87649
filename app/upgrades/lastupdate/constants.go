// Package lastupdate is the upgrade that keeps each neuron's last_update apart from the neuron, in
// x/subnet's LastUpdates: before it every weight row (MsgSetWeights, MsgSubmitEvaluation,
// MsgRevealWeights) read and rewrote the whole neuron, about 260 bytes, to change one height. It
// takes about 8,000 gas off each of them and shrinks what every weight update commits.
package lastupdate

import (
	storetypes "cosmossdk.io/store/types"

	"github.com/taochain/taochain/app/upgrades"
)

// UpgradeName is the name the governance upgrade plan must carry.
const UpgradeName = "lastupdate"

// Upgrade is the lastupdate upgrade. All of its work is in the migration x/subnet 3→4. It adds,
// renames and deletes no store: LastUpdates lives in x/subnet's store under a new prefix.
var Upgrade = upgrades.Upgrade{
	Name:                 UpgradeName,
	CreateUpgradeHandler: upgrades.RunMigrations,
	StoreUpgrades:        storetypes.StoreUpgrades{},
}
