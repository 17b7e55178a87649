// Package keeper implements taochain's governance additions to the SDK gov keeper: the tally that
// counts subnet stake beside bonded stake (installed with the SDK's
// WithCustomCalculateVoteResultsAndVotingPowerFn option), the staking view whose total bonded
// tokens include subnet stake (so quorum is measured against all voting power), and the
// voting-power queries.
package keeper
