// Package tao is the x/tao module: TAO emission with supply-based halving under a 21M cap. Each
// block it mints the emission, sends the security share to the fee collector and accrues the rest
// as pending emission of subnets in proportion to their stake. See README.md.
package tao
