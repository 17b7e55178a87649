package keeper

import (
	"context"
	"slices"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/taochain/taochain/x/gov/types"
)

// VotingPower is the breakdown of the voting power addr would vote with: the token value of its
// delegations to bonded validators (rounded down per delegation) and the value of its subnet stake
// per netuid. A validator operator's vote additionally carries its delegators who do not vote;
// that depends on the other votes and is not part of this breakdown.
func (k Keeper) VotingPower(ctx context.Context, addr sdk.AccAddress) (types.QueryVotingPowerResponse, error) {
	addrStr, err := k.accountCodec.BytesToString(addr)
	if err != nil {
		return types.QueryVotingPowerResponse{}, err
	}
	bonded, err := k.BondedStake(ctx, addr)
	if err != nil {
		return types.QueryVotingPowerResponse{}, err
	}
	perNetuid, subnetTotal, err := k.SubnetStakeByNetuid(ctx, addr)
	if err != nil {
		return types.QueryVotingPowerResponse{}, err
	}
	return types.QueryVotingPowerResponse{
		Address:      addrStr,
		BondedStake:  bonded,
		SubnetStakes: perNetuid,
		SubnetStake:  subnetTotal,
		Total:        bonded.Add(subnetTotal),
	}, nil
}

// BondedStake is the token value of addr's delegations to bonded validators, the part of its
// x/staking stake that votes. Delegations to unbonded or unbonding validators, and unbonding
// delegations, do not vote.
func (k Keeper) BondedStake(ctx context.Context, addr sdk.AccAddress) (math.Int, error) {
	total := math.ZeroInt()
	var lookupErr error
	err := k.staking.IterateDelegations(ctx, addr, func(_ int64, d stakingtypes.DelegationI) bool {
		valAddr, err := k.staking.ValidatorAddressCodec().StringToBytes(d.GetValidatorAddr())
		if err != nil {
			lookupErr = err
			return true
		}
		val, err := k.staking.GetValidator(ctx, valAddr)
		if err != nil {
			lookupErr = err
			return true
		}
		if !val.IsBonded() || val.GetDelegatorShares().IsZero() {
			return false
		}
		total = total.Add(d.GetShares().MulInt(val.GetBondedTokens()).Quo(val.GetDelegatorShares()).TruncateInt())
		return false
	})
	if err != nil {
		return math.Int{}, err
	}
	return total, lookupErr
}

// SubnetStakeByNetuid is the value of addr's subnet stake per netuid (all hotkeys of a netuid
// together, ascending by netuid, only non-zero entries) and its total.
func (k Keeper) SubnetStakeByNetuid(ctx context.Context, addr sdk.AccAddress) ([]types.SubnetStake, math.Int, error) {
	var out []types.SubnetStake
	total := math.ZeroInt()
	err := k.subnet.IterateColdkeyStake(ctx, addr, func(_ sdk.AccAddress, netuid uint16, value math.Int) bool {
		total = total.Add(value)
		i, found := slices.BinarySearchFunc(out, uint32(netuid), func(s types.SubnetStake, n uint32) int {
			switch {
			case s.Netuid < n:
				return -1
			case s.Netuid > n:
				return 1
			}
			return 0
		})
		if found {
			out[i].Amount = out[i].Amount.Add(value)
		} else {
			out = slices.Insert(out, i, types.SubnetStake{Netuid: uint32(netuid), Amount: value})
		}
		return false
	})
	if err != nil {
		return nil, math.Int{}, err
	}
	out = slices.DeleteFunc(out, func(s types.SubnetStake) bool { return s.Amount.IsZero() })
	return out, total, nil
}
