package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

func TestStakeValueByColdkeyForGovernance(t *testing.T) {
	f := newFixture(t)
	owner := addr("gov-owner")
	n1 := f.registerSubnet(t, owner)
	n2 := f.registerSubnet(t, owner)
	h1, h2 := newHotkey("gov-1"), newHotkey("gov-2")
	f.registerNeuron(t, addr("gov-miner-1"), n1, h1)
	f.registerNeuron(t, addr("gov-miner-2"), n2, h2)
	f.registerNeuron(t, addr("gov-miner-2"), n1, h2)

	voter, other := addr("gov-voter"), addr("gov-other")
	f.addStake(t, voter, h1.addr(), n1, 300*tao)
	f.addStake(t, voter, h2.addr(), n1, 50*tao)
	f.addStake(t, voter, h2.addr(), n2, 70*tao)
	f.addStake(t, other, h1.addr(), n1, 100*tao)

	value := func(a sdk.AccAddress) math.Int {
		v, err := f.k.StakeValueByColdkey(f.ctx, a)
		require.NoError(t, err)
		return v
	}
	require.Equal(t, math.NewInt(420*tao).String(), value(voter).String())
	require.Equal(t, math.NewInt(100*tao).String(), value(other).String())
	require.True(t, value(addr("gov-nobody")).IsZero())

	// Dividends raise the pool of (h1, n1) by 40 TAO: voter holds 3/4 of it.
	f.fund(t, addr("gov-payer"), 40*tao)
	require.NoError(t, f.bk.SendCoinsFromAccountToModule(f.ctx, addr("gov-payer"), "subnet", sdk.NewCoins(sdk.NewInt64Coin(denom, 40*tao))))
	require.NoError(t, f.k.AddToPool(f.ctx, h1.addr(), n1, math.NewInt(40*tao)))
	require.Equal(t, math.NewInt(450*tao).String(), value(voter).String())

	// Unbonding stake leaves the value at once.
	_, err := f.k.RemoveStake(f.ctx, voter, h2.addr(), n2, math.NewInt(70*tao))
	require.NoError(t, err)
	require.Equal(t, math.NewInt(380*tao).String(), value(voter).String())

	var positions []uint16
	require.NoError(t, f.k.IterateColdkeyStake(f.ctx, voter, func(_ sdk.AccAddress, netuid uint16, _ math.Int) bool {
		positions = append(positions, netuid)
		return false
	}))
	require.Len(t, positions, 2, "positions after the (h2, n2) position was fully unstaked")

	total, err := f.k.TotalSubnetStake(f.ctx)
	require.NoError(t, err)
	require.Equal(t, math.NewInt((300+50+100+40)*tao).String(), total.String())
}
