package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

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
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
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
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	list, page, err := query.CollectionPaginate(ctx, q.k.Offences, req.Pagination,
		func(_ uint64, o types.Offence) (types.Offence, error) { return o, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOffencesResponse{Offences: list, Pagination: page}, nil
}

// OffencesByHotkey implements types.QueryServer.
func (q queryServer) OffencesByHotkey(ctx context.Context, req *types.QueryOffencesByHotkeyRequest) (*types.QueryOffencesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	hotkey, err := sdk.AccAddressFromBech32(req.Hotkey)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "hotkey %q: %s", req.Hotkey, err)
	}
	list, page, err := query.CollectionPaginate(ctx, q.k.OffencesByHotkey, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Offence, error) {
			return q.k.Offences.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](hotkey))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOffencesResponse{Offences: list, Pagination: page}, nil
}

// OffencesByNetuid implements types.QueryServer.
func (q queryServer) OffencesByNetuid(ctx context.Context, req *types.QueryOffencesByNetuidRequest) (*types.QueryOffencesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if req.Netuid > types.MaxNetuid {
		return nil, status.Errorf(codes.InvalidArgument, "netuid %d: must be at most %d", req.Netuid, types.MaxNetuid)
	}
	list, page, err := query.CollectionPaginate(ctx, q.k.OffencesByNetuid, req.Pagination,
		func(key collections.Pair[uint16, uint64], _ collections.NoValue) (types.Offence, error) {
			return q.k.Offences.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[uint16, uint64](uint16(req.Netuid)))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOffencesResponse{Offences: list, Pagination: page}, nil
}

// Jails implements types.QueryServer.
func (q queryServer) Jails(ctx context.Context, req *types.QueryJailsRequest) (*types.QueryJailsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	list, page, err := query.CollectionPaginate(ctx, q.k.Jails, req.Pagination,
		func(_ collections.Pair[uint16, sdk.AccAddress], j types.Jail) (types.Jail, error) { return j, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryJailsResponse{Jails: list, Pagination: page}, nil
}
