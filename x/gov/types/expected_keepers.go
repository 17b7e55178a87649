package types

import (
	"context"

	"cosmossdk.io/core/address"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// StakingKeeper is the part of x/staking governance reads: the SDK gov keeper's expected staking
// keeper plus a validator lookup for the voting-power query.
type StakingKeeper interface {
	ValidatorAddressCodec() address.Codec
	IterateBondedValidatorsByPower(ctx context.Context, fn func(index int64, validator stakingtypes.ValidatorI) (stop bool)) error
	TotalBondedTokens(ctx context.Context) (math.Int, error)
	IterateDelegations(ctx context.Context, delegator sdk.AccAddress, fn func(index int64, delegation stakingtypes.DelegationI) (stop bool)) error
	GetValidator(ctx context.Context, addr sdk.ValAddress) (stakingtypes.Validator, error)
}

// SubnetKeeper is the part of x/subnet governance reads: a coldkey's stake positions (an indexed
// prefix walk) and the total stake in all subnets.
type SubnetKeeper interface {
	IterateColdkeyStake(ctx context.Context, coldkey sdk.AccAddress,
		cb func(hotkey sdk.AccAddress, netuid uint16, value math.Int) (stop bool)) error
	StakeValueByColdkey(ctx context.Context, coldkey sdk.AccAddress) (math.Int, error)
	TotalSubnetStake(ctx context.Context) (math.Int, error)
}
