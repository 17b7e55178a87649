// Package app wires the taochain application: the SDK modules it reuses, IBC, and taochain's own
// modules, into one deterministic state machine driven by CometBFT.
//
// New (app.go) is a short constructor over the wiring files: keepers.go (store keys, keepers),
// modules.go (module list, module accounts, block and genesis orders) and upgrades.go (software
// upgrades, one sub-package each under upgrades/). README.md says which file holds what and lists
// the edits that add a module.
package app
