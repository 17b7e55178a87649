// Package types holds the x/tao emission module's state types, parameters, genesis, messages,
// errors, expected keepers of other modules, and the pure emission curve (emission.go) that the
// keeper applies each block: supply-based halving of a base block reward under a hard cap.
package types
