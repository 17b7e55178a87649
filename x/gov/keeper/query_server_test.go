package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/taochain/taochain/x/gov/keeper"
	"github.com/taochain/taochain/x/gov/types"
)

func TestQueryVotingPower(t *testing.T) {
	f := newFixture(t)
	_, d1 := f.standardValidator(t)
	unbonded := f.validator(t, acct("jailed-operator"), 50*tao, stakingtypes.Unbonded)
	f.delegate(t, d1, unbonded, 50*tao)
	netuid2, hot2 := f.addSubnet(t, "second")
	hot2b := f.registerExtraNeuron(t, netuid2, "second-b")
	f.stakeOn(t, d1, hot2, netuid2, 70*tao)
	f.stake(t, d1, 200*tao)
	f.stakeOn(t, d1, hot2b, netuid2, 30*tao)
	// Unbonding stake leaves the breakdown.
	_, err := f.subnet.RemoveStake(f.ctx, d1, f.hotkey, f.netuid, taoInt(20))
	require.NoError(t, err)

	q := keeper.NewQueryServerImpl(f.k)
	d1Str, err := f.accCodec.BytesToString(d1)
	require.NoError(t, err)
	res, err := q.VotingPower(f.ctx, &types.QueryVotingPowerRequest{Address: d1Str})
	require.NoError(t, err)
	require.Equal(t, d1Str, res.Address)
	require.Equal(t, taoInt(900).String(), res.BondedStake.String(), "only the delegation to the bonded validator")
	require.Len(t, res.SubnetStakes, 2)
	require.Equal(t, uint32(f.netuid), res.SubnetStakes[0].Netuid)
	require.Equal(t, taoInt(180).String(), res.SubnetStakes[0].Amount.String())
	require.Equal(t, uint32(netuid2), res.SubnetStakes[1].Netuid)
	require.Equal(t, taoInt(100).String(), res.SubnetStakes[1].Amount.String(), "two hotkeys of one netuid summed")
	require.Equal(t, taoInt(280).String(), res.SubnetStake.String())
	require.Equal(t, taoInt(1180).String(), res.Total.String())

	// An address with nothing staked has zero power, not an error.
	nobody, err := f.accCodec.BytesToString(acct("nobody"))
	require.NoError(t, err)
	res, err = q.VotingPower(f.ctx, &types.QueryVotingPowerRequest{Address: nobody})
	require.NoError(t, err)
	require.True(t, res.Total.IsZero())
	require.Empty(t, res.SubnetStakes)

	for _, bad := range []*types.QueryVotingPowerRequest{nil, {Address: ""}, {Address: "not-an-address"}} {
		_, err := q.VotingPower(f.ctx, bad)
		require.Equal(t, codes.InvalidArgument, status.Code(err), "request %v: %v", bad, err)
	}

	total, err := q.TotalVotingPower(f.ctx, &types.QueryTotalVotingPowerRequest{})
	require.NoError(t, err)
	require.Equal(t, taoInt(1000).String(), total.BondedTokens.String(), "unbonded validators are not in the quorum base")
	require.Equal(t, taoInt(280).String(), total.SubnetStake.String())
	require.Equal(t, taoInt(1280).String(), total.Total.String())
}
