// Package packedrows is the upgrade that stores weight and bond rows packed: uids as a bitmap or
// a gap list and values as u16s (or packed varints for full-precision bonds) instead of one
// protobuf message per entry. A weight row of 256 scores shrinks from about 2,100 bytes to about
// 590, which takes about 47,000 gas off an evaluation and shrinks what every epoch reads and writes.
package packedrows

import (
	"github.com/taochain/taochain/app/upgrades"
)

// UpgradeName is the name the governance upgrade plan must carry.
const UpgradeName = "packedrows"

// Upgrade is the packedrows upgrade. All of its work is in the migration x/intelligence 3→4. It
// adds, renames and deletes no store.
var Upgrade = upgrades.MigrationsOnly(UpgradeName)
