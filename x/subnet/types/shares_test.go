package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/subnet/types"
)

// TestSharePoolNeverCreatesValue runs random deposits, withdrawals and dividends against one pool
// and checks that the rao paid out never exceeds the rao put in, and that the remaining shares are
// always backed.
func TestSharePoolNeverCreatesValue(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		pool := types.NewStakePool("h", 1)
		holders := make([]math.Int, 4)
		for i := range holders {
			holders[i] = math.ZeroInt()
		}
		in, out := math.ZeroInt(), math.ZeroInt()
		steps := rapid.IntRange(1, 60).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			who := rapid.IntRange(0, 3).Draw(rt, "who")
			switch rapid.IntRange(0, 2).Draw(rt, "op") {
			case 0:
				amt := math.NewInt(rapid.Int64Range(1, 1_000_000_007).Draw(rt, "deposit"))
				sh := types.SharesForDeposit(pool, amt)
				if !sh.IsPositive() {
					continue
				}
				pool.TotalStake, pool.TotalShares = pool.TotalStake.Add(amt), pool.TotalShares.Add(sh)
				holders[who] = holders[who].Add(sh)
				in = in.Add(amt)
			case 1:
				value := types.ValueOfShares(pool, holders[who])
				if !value.IsPositive() {
					continue
				}
				amt := math.NewInt(rapid.Int64Range(1, value.Int64()).Draw(rt, "withdraw"))
				burn := types.SharesForWithdrawal(pool, amt)
				require.True(rt, burn.LTE(holders[who]), "withdrawing at most the value never needs more shares than held")
				paid := amt
				if burn.Equal(pool.TotalShares) {
					paid = pool.TotalStake
				}
				pool.TotalStake, pool.TotalShares = pool.TotalStake.Sub(paid), pool.TotalShares.Sub(burn)
				holders[who] = holders[who].Sub(burn)
				out = out.Add(paid)
			case 2:
				if pool.TotalShares.IsZero() {
					continue
				}
				d := math.NewInt(rapid.Int64Range(0, 1_000_003).Draw(rt, "dividend"))
				pool.TotalStake = pool.TotalStake.Add(d)
				in = in.Add(d)
			}
			require.False(rt, pool.TotalStake.IsNegative())
			require.Equal(rt, pool.TotalShares.IsZero(), pool.TotalStake.IsZero(), "stake and shares vanish together")
			sum, val := math.ZeroInt(), math.ZeroInt()
			for _, h := range holders {
				sum = sum.Add(h)
				val = val.Add(types.ValueOfShares(pool, h))
			}
			require.True(rt, sum.Equal(pool.TotalShares))
			require.True(rt, val.LTE(pool.TotalStake), "holders can never claim more than the pool")
			require.True(rt, in.Equal(out.Add(pool.TotalStake)), "rao conserved")
		}
		// Everyone exits: the total paid equals the total put in, nothing more.
		for i, h := range holders {
			if h.IsZero() {
				continue
			}
			v := types.ValueOfShares(pool, h)
			burn := h
			pool.TotalStake, pool.TotalShares = pool.TotalStake.Sub(v), pool.TotalShares.Sub(burn)
			holders[i] = math.ZeroInt()
			out = out.Add(v)
		}
		require.True(rt, pool.TotalStake.IsZero() && pool.TotalShares.IsZero())
		require.True(rt, out.Equal(in))
	})
}

func TestShareRoundingFavoursPool(t *testing.T) {
	pool := types.StakePool{TotalStake: math.NewInt(10), TotalShares: math.NewInt(3)}
	require.Equal(t, "0", types.SharesForDeposit(pool, math.NewInt(3)).String(), "3 rao buys 0.9 shares → 0")
	require.Equal(t, "1", types.SharesForWithdrawal(pool, math.NewInt(1)).String(), "withdrawing 1 rao burns a whole share")
	require.Equal(t, "3", types.ValueOfShares(pool, math.NewInt(1)).String())
	require.Equal(t, "10", types.ValueOfShares(pool, math.NewInt(3)).String(), "all shares own the whole pool")
}
