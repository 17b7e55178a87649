// Package yuma3 is the upgrade that moves every subnet to Yuma 3 consensus: x/subnet sets
// yuma_version 3 on all subnets and in the default hyperparameters, and x/intelligence stores the
// full-precision (fixed point) form of every bond row that so far had only its u16 form.
package yuma3

import (
	"github.com/taochain/taochain/app/upgrades"
)

// UpgradeName is the name the governance upgrade plan must carry.
const UpgradeName = "yuma3"

// Upgrade is the yuma3 upgrade. All of its work is in the module migrations x/subnet 1→2 and
// x/intelligence 1→2. It adds, renames and deletes no store.
var Upgrade = upgrades.MigrationsOnly(UpgradeName)
