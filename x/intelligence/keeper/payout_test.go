package keeper

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/intelligence/yuma"
)

// TestSplitEmissionConserves checks on random inputs that the owner, miner and validator parts
// always sum to the emission exactly and that uids without a neuron are never paid.
func TestSplitEmissionConserves(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for iter := 0; iter < 2000; iter++ {
		n := rng.Intn(12)
		out := yuma.Output{
			Incentive:   make([]yuma.I32F32, n),
			Dividends:   make([]yuma.I32F32, n),
			ActiveStake: make([]yuma.I32F32, n),
		}
		stakes := make([]uint64, n)
		exists := make([]bool, n)
		for i := 0; i < n; i++ {
			exists[i] = rng.Intn(5) != 0
			if rng.Intn(2) == 0 {
				out.Incentive[i] = yuma.I32F32(rng.Int63n(int64(yuma.One)))
			}
			if rng.Intn(2) == 0 {
				out.Dividends[i] = yuma.I32F32(rng.Int63n(int64(yuma.One)))
			}
			if rng.Intn(3) == 0 {
				out.ActiveStake[i] = yuma.I32F32(rng.Int63n(int64(yuma.One)))
			}
			if rng.Intn(2) == 0 {
				stakes[i] = rng.Uint64()
			}
		}
		total := rng.Uint64()
		if iter%3 == 0 {
			total = uint64(rng.Intn(1000))
		}
		owner := uint32(rng.Intn(types.PPM + 1))
		miner := uint32(rng.Intn(types.PPM - int(owner) + 1))
		p := types.Params{OwnerShare: owner, MinerShare: miner, ValidatorShare: types.PPM - owner - miner}

		pay := splitEmission(total, p, out, stakes, exists)
		require.Len(t, pay.miner, n)
		require.Len(t, pay.validator, n)
		got := pay.owner
		for i := 0; i < n; i++ {
			if !exists[i] {
				require.Zero(t, pay.miner[i], "iteration %d uid %d", iter, i)
				require.Zero(t, pay.validator[i], "iteration %d uid %d", iter, i)
			}
			got += pay.miner[i] + pay.validator[i]
		}
		require.Equal(t, total, got, "iteration %d", iter)
		require.GreaterOrEqual(t, pay.owner, mulDivPPM(total, owner))
	}
}

func TestSplitEmissionDefaultShares(t *testing.T) {
	out := yuma.Output{
		Incentive:   []yuma.I32F32{0, yuma.One / 2, yuma.One / 2},
		Dividends:   []yuma.I32F32{yuma.One, 0, 0},
		ActiveStake: []yuma.I32F32{yuma.One, 0, 0},
	}
	pay := splitEmission(1_000_000_000, types.DefaultParams(), out, []uint64{1, 0, 0}, []bool{true, true, true})
	require.Equal(t, uint64(180_000_000), pay.owner)
	require.Equal(t, []uint64{0, 205_000_000, 205_000_000}, pay.miner)
	require.Equal(t, []uint64{410_000_000, 0, 0}, pay.validator)
	require.False(t, pay.byStake)
}

func TestMulDiv(t *testing.T) {
	require.Equal(t, uint64(18446744073709551615/65535*11796+(18446744073709551615%65535)*11796/65535), mulDivU16(18446744073709551615, 11796))
	require.Equal(t, uint64(18446744073709551615), mulDivU16(18446744073709551615, 65535))
	require.Equal(t, uint64(18446744073709551615), mulDivPPM(18446744073709551615, types.PPM))
	require.Equal(t, uint64(1), mulDivPPM(10, 100_000))
}
