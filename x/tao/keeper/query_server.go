package keeper

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/queryutil"
	"github.com/taochain/taochain/x/tao/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/tao Query service implementation.
func NewQueryServerImpl(k Keeper) types.QueryServer {
	return queryServer{k: k}
}

// Params returns the module params.
func (q queryServer) Params(ctx context.Context, req *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	params, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: params}, nil
}

// Issuance returns the supply of the mint denom, the cap and the running totals.
func (q queryServer) Issuance(ctx context.Context, req *types.QueryIssuanceRequest) (*types.QueryIssuanceResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	params, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	totals, err := q.k.GetTotals(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	issuance := q.k.Issuance(ctx, params)
	return &types.QueryIssuanceResponse{
		Denom:     params.MintDenom,
		Issuance:  issuance,
		MaxSupply: params.MaxSupply,
		Remaining: math.MaxInt(params.MaxSupply.Sub(issuance), math.ZeroInt()),
		Totals:    totals,
	}, nil
}

// CurrentEmission returns the per-block emission at the current issuance and its split.
func (q queryServer) CurrentEmission(ctx context.Context, req *types.QueryCurrentEmissionRequest) (*types.QueryCurrentEmissionResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	be, err := q.k.computeBlockEmission(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryCurrentEmissionResponse{
		Height:           sdk.UnwrapSDKContext(ctx).BlockHeight(),
		Issuance:         be.issuance,
		Halvings:         be.halvings,
		Emission:         be.emission,
		Security:         be.security,
		Subnets:          be.subnets,
		TotalSubnetStake: be.totalStake,
	}, nil
}

// NextHalving returns the next halving threshold and an estimated height at the current emission.
func (q queryServer) NextHalving(ctx context.Context, req *types.QueryNextHalvingRequest) (*types.QueryNextHalvingResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	params, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	issuance := q.k.Issuance(ctx, params)
	threshold, ok := types.NextHalving(params.MaxSupply, issuance)
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no next halving: issuance %s has reached max_supply %s", issuance, params.MaxSupply)
	}
	emission := types.BlockEmission(params.BaseBlockEmission, params.MaxSupply, issuance)
	if !emission.IsPositive() {
		return nil, status.Errorf(codes.NotFound, "no next halving: block emission is zero at issuance %s", issuance)
	}
	k, _ := types.Halvings(params.MaxSupply, issuance)
	gap := threshold.Sub(issuance)
	blocks := gap.Add(emission).SubRaw(1).Quo(emission) // ceil(gap / emission)
	if !blocks.IsUint64() || !blocks.IsInt64() {
		return nil, status.Errorf(codes.OutOfRange, "blocks to next halving %s overflow int64", blocks)
	}
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	return &types.QueryNextHalvingResponse{
		Threshold:       threshold,
		Issuance:        issuance,
		Halvings:        k + 1,
		BlocksRemaining: blocks.Uint64(),
		EstimatedHeight: height + blocks.Int64(),
	}, nil
}

// PendingEmission returns one subnet's pending emission, zero when nothing is pending: an epoch
// takes the whole amount, so right after a subnet's epoch block there is none until the next
// block accrues more.
func (q queryServer) PendingEmission(ctx context.Context, req *types.QueryPendingEmissionRequest) (*types.QueryPendingEmissionResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryutil.NetuidAtMost(types.MaxNetuid))
	if err != nil {
		return nil, err
	}
	amount, err := q.k.PendingEmission(ctx, netuid)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryPendingEmissionResponse{
		PendingEmission: types.PendingEmission{Netuid: req.Netuid, Amount: amount},
	}, nil
}

// PendingEmissions returns all subnets' pending emissions by ascending netuid, paginated.
func (q queryServer) PendingEmissions(ctx context.Context, req *types.QueryPendingEmissionsRequest) (*types.QueryPendingEmissionsResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	entries, pageRes, err := queryutil.Paginate(ctx, q.k.PendingEmissions, req.Pagination,
		func(netuid uint16, amount math.Int) (types.PendingEmission, error) {
			return types.PendingEmission{Netuid: uint32(netuid), Amount: amount}, nil
		})
	if err != nil {
		return nil, err
	}
	return &types.QueryPendingEmissionsResponse{PendingEmissions: entries, Pagination: pageRes}, nil
}
