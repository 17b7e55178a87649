// Package federated is the upgrade that lets federated subnets commit their model updates on a
// network that ran a binary from before x/intelligence's max_model_update_bytes: its stored params
// read 0 for the new param, which refuses every MsgCommitModelUpdate, and the upgrade gives it its
// default instead of leaving the feature closed until governance sets it.
package federated

import (
	"github.com/taochain/taochain/app/upgrades"
)

// UpgradeName is the name the governance upgrade plan must carry.
const UpgradeName = "federated"

// Upgrade is the federated upgrade. All of its work is in the migration x/intelligence 4→5
// (max_model_update_bytes 262144 where it is 0). It adds, renames and deletes no store: model
// update commitments live in x/intelligence's store under a new prefix, and x/subnet's new
// hyperparameter federated reads false on existing subnets, which needs no migration. Nor does a
// commitment's previous (the one it replaced), added before this upgrade was released: a record
// stored without it decodes with previous unset, as after a gap of an epoch.
var Upgrade = upgrades.MigrationsOnly(UpgradeName)
