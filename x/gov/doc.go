// Package gov is taochain's x/gov: the SDK gov module (proposals, deposits, votes, expedited
// proposals, its CLI and module account) decorated so that voting power is bonded chain stake plus
// the voter's subnet stake, with a voting-power breakdown query. It embeds the SDK AppModule under
// the same module name instead of forking it. See README.md.
package gov
