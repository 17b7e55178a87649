package types

import "cosmossdk.io/math"

// Share-pool math. A pool holds TotalStake rao owned pro rata by TotalShares shares. Every
// conversion rounds in the pool's favour, so no sequence of deposits and withdrawals can take out
// more rao than was put in.

// SharesForDeposit is the number of shares minted for depositing amount into the pool (rounded
// down). An empty pool mints shares 1:1.
func SharesForDeposit(pool StakePool, amount math.Int) math.Int {
	if pool.TotalShares.IsNil() || pool.TotalShares.IsZero() || pool.TotalStake.IsZero() {
		return amount
	}
	return amount.Mul(pool.TotalShares).Quo(pool.TotalStake)
}

// SharesForWithdrawal is the number of shares burned to withdraw amount rao (rounded up).
func SharesForWithdrawal(pool StakePool, amount math.Int) math.Int {
	if pool.TotalStake.IsZero() {
		return pool.TotalShares
	}
	num := amount.Mul(pool.TotalShares)
	q := num.Quo(pool.TotalStake)
	if !num.Mod(pool.TotalStake).IsZero() {
		q = q.AddRaw(1)
	}
	return q
}

// ValueOfShares is the rao value of shares in the pool (rounded down); all the shares of the pool
// are worth exactly its stake.
func ValueOfShares(pool StakePool, shares math.Int) math.Int {
	if pool.TotalShares.IsNil() || pool.TotalShares.IsZero() {
		return math.ZeroInt()
	}
	if shares.Equal(pool.TotalShares) {
		return pool.TotalStake
	}
	return shares.Mul(pool.TotalStake).Quo(pool.TotalShares)
}

// NewStakePool returns an empty pool of (hotkey, netuid).
func NewStakePool(hotkey string, netuid uint16) StakePool {
	return StakePool{Netuid: uint32(netuid), Hotkey: hotkey, TotalStake: math.ZeroInt(), TotalShares: math.ZeroInt()}
}
