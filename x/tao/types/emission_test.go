package types_test

import (
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/tao/types"
)

var (
	maxSupply = types.DefaultMaxSupply
	base      = types.DefaultBaseBlockEmission
)

func tao(n int64) math.Int { return math.NewInt(n).MulRaw(types.RaoPerTao) }

func TestHalvingsAtThresholds(t *testing.T) {
	tests := []struct {
		name     string
		issuance math.Int
		wantK    uint32
		wantOK   bool
	}{
		{"genesis", math.ZeroInt(), 0, true},
		{"just below 10.5M", tao(10_500_000).SubRaw(1), 0, true},
		{"10.5M", tao(10_500_000), 1, true},
		{"just below 15.75M", tao(15_750_000).SubRaw(1), 1, true},
		{"15.75M", tao(15_750_000), 2, true},
		{"18.375M", math.NewInt(18_375_000_000_000_000), 3, true},
		{"one rao below cap", maxSupply.SubRaw(1), 54, true},
		{"at cap", maxSupply, 0, false},
		{"above cap", maxSupply.AddRaw(5), 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, ok := types.Halvings(maxSupply, tc.issuance)
			require.Equal(t, tc.wantOK, ok)
			require.Equal(t, tc.wantK, k)
			rk, rok := refHalvingsBig(maxSupply, tc.issuance)
			require.Equal(t, rok, ok)
			require.Equal(t, rk, k)
		})
	}
}

func TestBlockEmissionHalvesExactlyAtThresholds(t *testing.T) {
	issuance := math.ZeroInt()
	require.Equal(t, base, types.BlockEmission(base, maxSupply, issuance))
	for k := uint32(0); k < 8; k++ { // base = 2^8 * 1953125, so the first 8 halvings are exact
		threshold, ok := types.NextHalving(maxSupply, issuance)
		require.True(t, ok)
		before := types.BlockEmission(base, maxSupply, threshold.SubRaw(1))
		at := types.BlockEmission(base, maxSupply, threshold)
		require.Equal(t, base.QuoRaw(1<<k), before, "k=%d", k)
		require.Equal(t, before.QuoRaw(2), at, "k=%d", k)
		require.Equal(t, before, at.MulRaw(2), "k=%d", k)
		gotK, _ := types.Halvings(maxSupply, threshold)
		require.Equal(t, k+1, gotK)
		issuance = threshold
	}
	first, _ := types.NextHalving(maxSupply, math.ZeroInt())
	require.Equal(t, tao(10_500_000), first)
	second, _ := types.NextHalving(maxSupply, first)
	require.Equal(t, tao(15_750_000), second)
}

func TestBlockEmissionMonotoneNonIncreasing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	points := make([]math.Int, 0, 2002)
	for i := 0; i < 2000; i++ {
		points = append(points, math.NewIntFromUint64(r.Uint64N(maxSupply.Uint64()+1000)))
	}
	points = append(points, math.ZeroInt(), maxSupply)
	sort.Slice(points, func(i, j int) bool { return points[i].LT(points[j]) })
	prev := types.BlockEmission(base, maxSupply, points[0])
	for _, p := range points[1:] {
		cur := types.BlockEmission(base, maxSupply, p)
		require.True(t, cur.LTE(prev), "emission rose from %s to %s at issuance %s", prev, cur, p)
		prev = cur
	}
}

func TestBlockEmissionZeroAtAndAboveCap(t *testing.T) {
	require.True(t, types.BlockEmission(base, maxSupply, maxSupply).IsZero())
	require.True(t, types.BlockEmission(base, maxSupply, maxSupply.AddRaw(1)).IsZero())
	require.True(t, types.BlockEmission(math.ZeroInt(), maxSupply, math.ZeroInt()).IsZero())
	require.True(t, types.BlockEmission(base, math.ZeroInt(), math.ZeroInt()).IsZero())
	// One rao below the cap the cap limits the emission to that one rao.
	require.Equal(t, math.OneInt(), types.BlockEmission(maxSupply, maxSupply, maxSupply.SubRaw(1)))
	_, ok := types.NextHalving(maxSupply, maxSupply)
	require.False(t, ok)
}

func TestIteratedMintingNeverPassesCap(t *testing.T) {
	cases := []struct{ base, max, start int64 }{
		{1_000, 10_000, 0},
		{7_000, 10_000, 0},  // base close to the cap
		{10_000, 10_000, 0}, // base equal to the cap
		{3, 1_000_000, 999_990},
		{500, 21_000, 20_999},
	}
	for _, c := range cases {
		supply := math.NewInt(c.start)
		max := math.NewInt(c.max)
		b := math.NewInt(c.base)
		steps := 0
		for ; steps < 1_000_000; steps++ {
			e := types.BlockEmission(b, max, supply)
			if e.IsZero() {
				break
			}
			supply = supply.Add(e)
			require.True(t, supply.LTE(max), "supply %s passed cap %s (base %d)", supply, max, c.base)
		}
		require.Less(t, steps, 1_000_000, "emission never ended for %+v", c)
		require.True(t, types.BlockEmission(b, max, supply).IsZero())
	}
}

func TestSplitSecurity(t *testing.T) {
	sec, rest := types.SplitSecurity(math.NewInt(500_000_000), types.DefaultSecurityShare)
	require.Equal(t, math.NewInt(50_000_000), sec)
	require.Equal(t, math.NewInt(450_000_000), rest)
	sec, rest = types.SplitSecurity(math.NewInt(123), types.DefaultSecurityShare)
	require.Equal(t, math.NewInt(12), sec) // floor(12.3)
	require.Equal(t, math.NewInt(111), rest)
	sec, rest = types.SplitSecurity(math.NewInt(7), math.LegacyOneDec())
	require.Equal(t, math.NewInt(7), sec)
	require.True(t, rest.IsZero())
}

func TestSplitByStake(t *testing.T) {
	st := func(n uint16, s int64) types.SubnetStake { return types.SubnetStake{Netuid: n, Stake: math.NewInt(s)} }
	am := func(n uint16, a int64) types.SubnetAmount {
		return types.SubnetAmount{Netuid: n, Amount: math.NewInt(a)}
	}
	tests := []struct {
		name   string
		amount int64
		stakes []types.SubnetStake
		want   []types.SubnetAmount
	}{
		{"even", 300, []types.SubnetStake{st(1, 5), st(2, 5), st(3, 5)}, []types.SubnetAmount{am(1, 100), am(2, 100), am(3, 100)}},
		{"remainder to largest", 10, []types.SubnetStake{st(1, 1), st(2, 2)}, []types.SubnetAmount{am(1, 3), am(2, 7)}},
		{"tie goes to lowest netuid", 10, []types.SubnetStake{st(7, 1), st(3, 1), st(9, 1)}, []types.SubnetAmount{am(3, 4), am(7, 3), am(9, 3)}},
		{"zero stake omitted", 9, []types.SubnetStake{st(1, 0), st(2, 3), st(4, -1)}, []types.SubnetAmount{am(2, 9)}},
		{"no stake", 9, []types.SubnetStake{st(1, 0)}, nil},
		{"nothing to split", 0, []types.SubnetStake{st(1, 4)}, nil},
		{"amount below subnet count", 2, []types.SubnetStake{st(1, 1), st(2, 1), st(3, 1)}, []types.SubnetAmount{am(1, 2), am(2, 0), am(3, 0)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := types.SplitByStake(math.NewInt(tc.amount), tc.stakes)
			require.Equal(t, len(tc.want), len(got))
			for i := range tc.want {
				require.Equal(t, tc.want[i].Netuid, got[i].Netuid)
				require.True(t, tc.want[i].Amount.Equal(got[i].Amount), "netuid %d: want %s got %s", got[i].Netuid, tc.want[i].Amount, got[i].Amount)
			}
		})
	}
}

func TestSplitByStakeConserves(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 500; iter++ {
		n := 1 + r.IntN(64)
		stakes := make([]types.SubnetStake, n)
		for i := range stakes {
			stakes[i] = types.SubnetStake{Netuid: uint16(i * 3), Stake: math.NewIntFromUint64(r.Uint64N(1 << 55))}
		}
		amount := math.NewIntFromUint64(r.Uint64N(1 << 40))
		sum := math.ZeroInt()
		for _, a := range types.SplitByStake(amount, stakes) {
			require.False(t, a.Amount.IsNegative())
			sum = sum.Add(a.Amount)
		}
		require.True(t, sum.Equal(amount), "split of %s summed to %s", amount, sum)
	}
}

func FuzzBlockEmission(f *testing.F) {
	f.Add(uint64(500_000_000), uint64(21_000_000_000_000_000), uint64(0))
	f.Add(uint64(500_000_000), uint64(21_000_000_000_000_000), uint64(10_500_000_000_000_000))
	f.Add(uint64(500_000_000), uint64(21_000_000_000_000_000), uint64(20_999_999_999_999_999))
	f.Add(uint64(10), uint64(10), uint64(9))
	f.Add(uint64(1), uint64(1<<63), uint64(1<<62))
	f.Fuzz(func(t *testing.T, b, m, i uint64) {
		bi, mi, ii := math.NewIntFromUint64(b), math.NewIntFromUint64(m), math.NewIntFromUint64(i)
		e := types.BlockEmission(bi, mi, ii)
		if e.IsNegative() || e.GT(bi) {
			t.Fatalf("emission %s outside [0, base %s]", e, bi)
		}
		if ii.GTE(mi) {
			if !e.IsZero() {
				t.Fatalf("emission %s at issuance %s >= max %s", e, ii, mi)
			}
			return
		}
		if ii.Add(e).GT(mi) {
			t.Fatalf("minting %s at %s passes max %s", e, ii, mi)
		}
		k, ok := types.Halvings(mi, ii)
		rk, rok := refHalvingsBig(mi, ii)
		if ok != rok || k != rk {
			t.Fatalf("Halvings(%s, %s) = %d,%v want %d,%v", mi, ii, k, ok, rk, rok)
		}
		if next := types.BlockEmission(bi, mi, ii.AddRaw(1)); next.GT(e) {
			t.Fatalf("emission rose from %s to %s", e, next)
		}
		threshold, ok := types.NextHalving(mi, ii)
		if !ok || threshold.LTE(ii) || threshold.GT(mi) {
			t.Fatalf("NextHalving(%s, %s) = %s,%v", mi, ii, threshold, ok)
		}
		if threshold.LT(mi) {
			if kt, _ := types.Halvings(mi, threshold); kt != k+1 {
				t.Fatalf("halvings at threshold %s = %d, want %d", threshold, kt, k+1)
			}
		}
		if kb, _ := types.Halvings(mi, threshold.SubRaw(1)); kb != k {
			t.Fatalf("halvings just below threshold %s = %d, want %d", threshold, kb, k)
		}
	})
}

// refHalvingsBig is a slow reference: the largest k with (max - issuance) * 2^k <= max.
func refHalvingsBig(maxSupply, issuance math.Int) (uint32, bool) {
	r := maxSupply.Sub(issuance)
	if !maxSupply.IsPositive() || !r.IsPositive() {
		return 0, false
	}
	k := uint32(0)
	for r.BigInt().Lsh(r.BigInt(), uint(k+1)).Cmp(maxSupply.BigInt()) <= 0 {
		k++
	}
	return k, true
}
