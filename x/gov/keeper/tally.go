package keeper

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	v1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

var _ govkeeper.CalculateVoteResultsAndVotingPowerFn = Keeper{}.CalculateVoteResultsAndVotingPower

// CalculateVoteResultsAndVotingPower is taochain's tally, installed in the SDK gov keeper with
// govkeeper.WithCustomCalculateVoteResultsAndVotingPowerFn. It is the SDK's bonded-stake tally
// unchanged — a bonded validator votes with its delegators' tokens, and a delegator who votes
// himself takes his share back from the validator's vote — plus, for every voter, the TAO value of
// the voter's (coldkey's) stake in all subnets, cast with the voter's own options. Stake that is
// unbonding (in x/staking or x/subnet) does not count.
//
// Like the SDK tally it deletes the proposal's votes. Work is bounded by the votes cast: per voter,
// its delegations and its own subnet stake positions (a prefix walk), never all pools. Results are
// deterministic: votes and delegations are walked in store order, validators in address order, and
// all arithmetic is LegacyDec (exact sums, one truncating division per validator or delegation).
func (k Keeper) CalculateVoteResultsAndVotingPower(
	ctx context.Context,
	gk govkeeper.Keeper,
	proposal v1.Proposal,
	validators map[string]v1.ValidatorGovInfo,
) (math.LegacyDec, map[v1.VoteOption]math.LegacyDec, error) {
	totalVotingPower := math.LegacyZeroDec()
	results := map[v1.VoteOption]math.LegacyDec{
		v1.OptionYes:        math.LegacyZeroDec(),
		v1.OptionAbstain:    math.LegacyZeroDec(),
		v1.OptionNo:         math.LegacyZeroDec(),
		v1.OptionNoWithVeto: math.LegacyZeroDec(),
	}
	cast := func(options v1.WeightedVoteOptions, power math.LegacyDec) error {
		for _, option := range options {
			weight, err := math.LegacyNewDecFromStr(option.Weight)
			if err != nil {
				return fmt.Errorf("vote option %s has weight %q: %w", option.Option, option.Weight, err)
			}
			results[option.Option] = results[option.Option].Add(power.Mul(weight))
		}
		totalVotingPower = totalVotingPower.Add(power)
		return nil
	}

	var votesToRemove []collections.Pair[uint64, sdk.AccAddress]
	rng := collections.NewPrefixedPairRange[uint64, sdk.AccAddress](proposal.Id)
	err := gk.Votes.Walk(ctx, rng, func(key collections.Pair[uint64, sdk.AccAddress], vote v1.Vote) (bool, error) {
		voter, err := k.accountCodec.StringToBytes(vote.Voter)
		if err != nil {
			return true, fmt.Errorf("voter %q of proposal %d: %w", vote.Voter, proposal.Id, err)
		}

		// A voter that operates a bonded validator sets the validator's vote.
		valAddr, err := k.staking.ValidatorAddressCodec().BytesToString(voter)
		if err != nil {
			return true, err
		}
		if val, ok := validators[valAddr]; ok {
			val.Vote = vote.Options
			validators[valAddr] = val
		}

		// Bonded stake: the voter's delegations to bonded validators, deducted from those
		// validators' own vote (the delegator overrides the validator).
		var castErr error
		err = k.staking.IterateDelegations(ctx, voter, func(_ int64, delegation stakingtypes.DelegationI) bool {
			val, ok := validators[delegation.GetValidatorAddr()]
			if !ok {
				return false
			}
			val.DelegatorDeductions = val.DelegatorDeductions.Add(delegation.GetShares())
			validators[delegation.GetValidatorAddr()] = val
			power := delegation.GetShares().MulInt(val.BondedTokens).Quo(val.DelegatorShares)
			castErr = cast(vote.Options, power)
			return castErr != nil
		})
		if err != nil {
			return true, err
		}
		if castErr != nil {
			return true, castErr
		}

		// Subnet stake: the voter's coldkey positions in every subnet.
		subnetStake, err := k.subnet.StakeValueByColdkey(ctx, voter)
		if err != nil {
			return true, err
		}
		if subnetStake.IsPositive() {
			if err := cast(vote.Options, math.LegacyNewDecFromInt(subnetStake)); err != nil {
				return true, err
			}
		}

		votesToRemove = append(votesToRemove, key)
		return false, nil
	})
	if err != nil {
		return math.LegacyZeroDec(), nil, fmt.Errorf("tallying the votes of proposal %d: %w", proposal.Id, err)
	}

	for _, key := range votesToRemove {
		if err := gk.Votes.Remove(ctx, key); err != nil {
			return math.LegacyZeroDec(), nil, fmt.Errorf("removing vote (%d/%s): %w", key.K1(), key.K2(), err)
		}
	}

	// Validators that voted, with the shares of delegators who voted themselves taken out.
	for _, valAddr := range slices.Sorted(maps.Keys(validators)) {
		val := validators[valAddr]
		if len(val.Vote) == 0 {
			continue
		}
		sharesAfterDeductions := val.DelegatorShares.Sub(val.DelegatorDeductions)
		power := sharesAfterDeductions.MulInt(val.BondedTokens).Quo(val.DelegatorShares)
		if err := cast(val.Vote, power); err != nil {
			return math.LegacyZeroDec(), nil, fmt.Errorf("validator %s: %w", valAddr, err)
		}
	}
	return totalVotingPower, results, nil
}
