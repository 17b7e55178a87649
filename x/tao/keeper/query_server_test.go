package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/tao/types"
)

func requireCode(t *testing.T, want codes.Code, err error) {
	t.Helper()
	require.Error(t, err)
	st, ok := status.FromError(err)
	require.True(t, ok, "not a gRPC status error: %v", err)
	require.Equal(t, want, st.Code(), st.Message())
}

func TestQueryParamsAndIssuance(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	f.beginBlock(t)

	pr, err := f.query.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), pr.Params)

	ir, err := f.query.Issuance(f.ctx, &types.QueryIssuanceRequest{})
	require.NoError(t, err)
	require.Equal(t, denom, ir.Denom)
	requireIntEq(t, 500_000_000, ir.Issuance, "issuance")
	require.True(t, ir.MaxSupply.Equal(types.DefaultMaxSupply))
	require.True(t, ir.Remaining.Equal(types.DefaultMaxSupply.SubRaw(500_000_000)))
	requireIntEq(t, 500_000_000, ir.Totals.Minted, "minted")
	requireIntEq(t, 450_000_000, ir.Totals.Pending, "pending")

	_, err = f.query.Params(f.ctx, nil)
	requireCode(t, codes.InvalidArgument, err)
	_, err = f.query.Issuance(f.ctx, nil)
	requireCode(t, codes.InvalidArgument, err)
}

func TestQueryCurrentEmission(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 40)
	f.subnets.set(2, 2)
	f.bank.setSupply(denom, types.DefaultMaxSupply.QuoRaw(2)) // first halving reached

	r, err := f.query.CurrentEmission(f.ctx, &types.QueryCurrentEmissionRequest{})
	require.NoError(t, err)
	require.Equal(t, int64(100), r.Height)
	require.Equal(t, uint32(1), r.Halvings)
	requireIntEq(t, 250_000_000, r.Emission, "emission")
	requireIntEq(t, 25_000_000, r.Security, "security")
	requireIntEq(t, 225_000_000, r.Subnets, "subnets")
	requireIntEq(t, 42, r.TotalSubnetStake, "stake")

	_, err = f.query.CurrentEmission(f.ctx, nil)
	requireCode(t, codes.InvalidArgument, err)
}

func TestQueryNextHalving(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(1, 1)
	// 1001.5 TAO + 1 rao short of the first halving at 0.5 TAO per block.
	gap := math.NewInt(1_001_500_000_001)
	f.bank.setSupply(denom, types.DefaultMaxSupply.QuoRaw(2).Sub(gap))

	r, err := f.query.NextHalving(f.ctx, &types.QueryNextHalvingRequest{})
	require.NoError(t, err)
	require.True(t, r.Threshold.Equal(types.DefaultMaxSupply.QuoRaw(2)))
	require.Equal(t, uint32(1), r.Halvings)
	require.Equal(t, uint64(2004), r.BlocksRemaining) // ceil(1001500000001 / 500000000)
	require.Equal(t, int64(100+2004), r.EstimatedHeight)

	// At the cap there is no next halving.
	f.bank.setSupply(denom, types.DefaultMaxSupply)
	_, err = f.query.NextHalving(f.ctx, &types.QueryNextHalvingRequest{})
	requireCode(t, codes.NotFound, err)

	// With emission switched off there is no estimate either.
	f.bank.setSupply(denom, math.ZeroInt())
	p := types.DefaultParams()
	p.BaseBlockEmission = math.ZeroInt()
	require.NoError(t, f.keeper.Params.Set(f.ctx, p))
	_, err = f.query.NextHalving(f.ctx, &types.QueryNextHalvingRequest{})
	requireCode(t, codes.NotFound, err)

	_, err = f.query.NextHalving(f.ctx, nil)
	requireCode(t, codes.InvalidArgument, err)
}

func TestQueryPendingEmission(t *testing.T) {
	f := newFixture(t)
	f.subnets.set(3, 1)
	f.beginBlock(t)

	r, err := f.query.PendingEmission(f.ctx, &types.QueryPendingEmissionRequest{Netuid: 3})
	require.NoError(t, err)
	require.Equal(t, uint32(3), r.PendingEmission.Netuid)
	requireIntEq(t, 450_000_000, r.PendingEmission.Amount, "pending")

	// Nothing pending (an epoch just took it, or no such subnet): zero, not an error.
	r, err = f.query.PendingEmission(f.ctx, &types.QueryPendingEmissionRequest{Netuid: 4})
	require.NoError(t, err)
	require.Equal(t, uint32(4), r.PendingEmission.Netuid)
	requireIntEq(t, 0, r.PendingEmission.Amount, "pending of a subnet with none")
	_, err = f.query.PendingEmission(f.ctx, &types.QueryPendingEmissionRequest{Netuid: 70_000})
	requireCode(t, codes.InvalidArgument, err)
	_, err = f.query.PendingEmission(f.ctx, nil)
	requireCode(t, codes.InvalidArgument, err)
}

func TestQueryPendingEmissionsPaginated(t *testing.T) {
	f := newFixture(t)
	for _, n := range []uint16{9, 2, 5} {
		f.subnets.set(n, 1)
	}
	f.beginBlock(t)

	page1, err := f.query.PendingEmissions(f.ctx, &types.QueryPendingEmissionsRequest{
		Pagination: &query.PageRequest{Limit: 2, CountTotal: true},
	})
	require.NoError(t, err)
	require.Len(t, page1.PendingEmissions, 2)
	require.Equal(t, uint32(2), page1.PendingEmissions[0].Netuid)
	require.Equal(t, uint32(5), page1.PendingEmissions[1].Netuid)
	require.Equal(t, uint64(3), page1.Pagination.Total)
	require.NotEmpty(t, page1.Pagination.NextKey)

	page2, err := f.query.PendingEmissions(f.ctx, &types.QueryPendingEmissionsRequest{
		Pagination: &query.PageRequest{Key: page1.Pagination.NextKey, Limit: 2},
	})
	require.NoError(t, err)
	require.Len(t, page2.PendingEmissions, 1)
	require.Equal(t, uint32(9), page2.PendingEmissions[0].Netuid)
	require.Empty(t, page2.Pagination.NextKey)

	// 450000000 / 3 each, all equal.
	sum := math.ZeroInt()
	for _, pe := range append(page1.PendingEmissions, page2.PendingEmissions...) {
		requireIntEq(t, 150_000_000, pe.Amount, "pending")
		sum = sum.Add(pe.Amount)
	}
	requireIntEq(t, 450_000_000, sum, "sum")

	_, err = f.query.PendingEmissions(f.ctx, &types.QueryPendingEmissionsRequest{
		Pagination: &query.PageRequest{Key: []byte{1}, Offset: 1},
	})
	requireCode(t, codes.InvalidArgument, err)
	_, err = f.query.PendingEmissions(f.ctx, nil)
	requireCode(t, codes.InvalidArgument, err)
}
