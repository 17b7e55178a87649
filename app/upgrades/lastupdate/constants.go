// Package lastupdate is the upgrade that keeps each neuron's last_update apart from the neuron, in
// x/subnet's LastUpdates: before it every weight row (MsgSetWeights, MsgSubmitEvaluation,
// MsgRevealWeights) read and rewrote the whole neuron, about 154 bytes, to change one height. It
// takes 4,668 gas off an evaluation of 256 scores and shrinks what every weight update commits.
package lastupdate

import "github.com/taochain/taochain/app/upgrades"

// UpgradeName is the name the governance upgrade plan must carry.
const UpgradeName = "lastupdate"

// Upgrade is the lastupdate upgrade. All of its work is in the migration x/subnet 3→4. It adds,
// renames and deletes no store: LastUpdates lives in x/subnet's store under a new prefix.
var Upgrade = upgrades.MigrationsOnly(UpgradeName)
