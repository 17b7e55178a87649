package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/internal/queryutil"
	"github.com/taochain/taochain/x/slashing/types"
)

type queryServer struct{ k Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the intelligence slashing Query service implementation.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// PoIParams implements types.QueryServer.
func (q queryServer) PoIParams(ctx context.Context, _ *types.QueryPoIParamsRequest) (*types.QueryPoIParamsResponse, error) {
	p, err := q.k.PoIParams.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryPoIParamsResponse{Params: p}, nil
}

// Offence implements types.QueryServer.
func (q queryServer) Offence(ctx context.Context, req *types.QueryOffenceRequest) (*types.QueryOffenceResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	o, err := q.k.Offences.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "no offence with id %d", req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryOffenceResponse{Offence: o}, nil
}

// Offences implements types.QueryServer.
func (q queryServer) Offences(ctx context.Context, req *types.QueryOffencesRequest) (*types.QueryOffencesResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	list, page, err := queryutil.Paginate(ctx, q.k.Offences, req.Pagination,
		func(_ uint64, o types.Offence) (types.Offence, error) { return o, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryOffencesResponse{Offences: list, Pagination: page}, nil
}

// OffencesByHotkey implements types.QueryServer.
func (q queryServer) OffencesByHotkey(ctx context.Context, req *types.QueryOffencesByHotkeyRequest) (*types.QueryOffencesResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	hotkey, err := queryutil.Address("hotkey", req.Hotkey)
	if err != nil {
		return nil, err
	}
	list, page, err := queryutil.Paginate(ctx, q.k.OffencesByHotkey, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Offence, error) {
			return q.k.Offences.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](hotkey))
	if err != nil {
		return nil, err
	}
	return &types.QueryOffencesResponse{Offences: list, Pagination: page}, nil
}

// OffencesByNetuid implements types.QueryServer.
func (q queryServer) OffencesByNetuid(ctx context.Context, req *types.QueryOffencesByNetuidRequest) (*types.QueryOffencesResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryutil.NetuidAtMost(types.MaxNetuid))
	if err != nil {
		return nil, err
	}
	list, page, err := queryutil.Paginate(ctx, q.k.OffencesByNetuid, req.Pagination,
		func(key collections.Pair[uint16, uint64], _ collections.NoValue) (types.Offence, error) {
			return q.k.Offences.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[uint16, uint64](netuid))
	if err != nil {
		return nil, err
	}
	return &types.QueryOffencesResponse{Offences: list, Pagination: page}, nil
}

// Jails implements types.QueryServer.
func (q queryServer) Jails(ctx context.Context, req *types.QueryJailsRequest) (*types.QueryJailsResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	list, page, err := queryutil.Paginate(ctx, q.k.Jails, req.Pagination,
		func(_ collections.Pair[uint16, sdk.AccAddress], j types.Jail) (types.Jail, error) { return j, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryJailsResponse{Jails: list, Pagination: page}, nil
}
