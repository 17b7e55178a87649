package keeper

import (
	"context"

	"cosmossdk.io/core/address"
	"cosmossdk.io/math"

	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/taochain/taochain/x/gov/types"
)

// Keeper holds no state of its own: the SDK gov keeper owns proposals, deposits and votes. It reads
// bonded stake from x/staking and subnet stake from x/subnet.
type Keeper struct {
	staking      types.StakingKeeper
	subnet       types.SubnetKeeper
	accountCodec address.Codec
}

// NewKeeper returns the keeper. accountCodec decodes voter addresses (the account bech32 codec).
func NewKeeper(staking types.StakingKeeper, subnet types.SubnetKeeper, accountCodec address.Codec) Keeper {
	if staking == nil || subnet == nil || accountCodec == nil {
		panic("x/gov keeper needs the staking keeper, the subnet keeper and the account address codec")
	}
	return Keeper{staking: staking, subnet: subnet, accountCodec: accountCodec}
}

// GovStakingKeeper returns the staking keeper to hand to the SDK gov keeper (govkeeper.NewKeeper).
// It is x/staking except that TotalBondedTokens also counts the TAO staked in subnets: the SDK's
// Tally divides the voting power cast by TotalBondedTokens to check quorum, and that denominator
// must include every kind of stake that can vote. The SDK gov keeper uses TotalBondedTokens for
// nothing else.
func (k Keeper) GovStakingKeeper() govtypes.StakingKeeper {
	return votingStakingKeeper{StakingKeeper: k.staking, subnet: k.subnet}
}

// TotalVotingPower is the voting power quorum is measured against: bonded tokens, subnet stake,
// and their sum.
func (k Keeper) TotalVotingPower(ctx context.Context) (bonded, subnet, total math.Int, err error) {
	bonded, err = k.staking.TotalBondedTokens(ctx)
	if err != nil {
		return math.Int{}, math.Int{}, math.Int{}, err
	}
	subnet, err = k.subnet.TotalSubnetStake(ctx)
	if err != nil {
		return math.Int{}, math.Int{}, math.Int{}, err
	}
	return bonded, subnet, bonded.Add(subnet), nil
}

// votingStakingKeeper decorates x/staking for the SDK gov keeper; see GovStakingKeeper.
type votingStakingKeeper struct {
	types.StakingKeeper
	subnet types.SubnetKeeper
}

// TotalBondedTokens is the bonded tokens of the validator set plus all subnet stake.
func (s votingStakingKeeper) TotalBondedTokens(ctx context.Context) (math.Int, error) {
	bonded, err := s.StakingKeeper.TotalBondedTokens(ctx)
	if err != nil {
		return math.Int{}, err
	}
	subnet, err := s.subnet.TotalSubnetStake(ctx)
	if err != nil {
		return math.Int{}, err
	}
	return bonded.Add(subnet), nil
}
