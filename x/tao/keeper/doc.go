// Package keeper implements the x/tao emission module: it mints each block's TAO emission under
// the supply cap, sends the security share to the fee collector and accrues the rest as pending
// emission per subnet, which x/intelligence takes at each subnet's epoch.
package keeper
