// Package leaneval is the upgrade that makes an evaluation cheap to check and to store: x/subnet
// keeps each subnet's set of occupied uids (so a row of 256 scores is checked with one read
// instead of 256), and x/intelligence stores an accepted evaluation's scores once, as the weight
// row, keeping only their hashes in the evaluation record.
package leaneval

import (
	"github.com/taochain/taochain/app/upgrades"
)

// UpgradeName is the name the governance upgrade plan must carry.
const UpgradeName = "leaneval"

// Upgrade is the leaneval upgrade. All of its work is in the module migrations x/subnet 2→3
// (occupied uid sets) and x/intelligence 2→3 (stored evaluations reduced to their hashes). It
// adds, renames and deletes no store: the new collection lives in x/subnet's store under a new
// prefix.
var Upgrade = upgrades.MigrationsOnly(UpgradeName)
