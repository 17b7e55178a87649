package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/queryutil"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/intelligence Query service implementation.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// maxCommitsPage bounds one page of Query/Commits.
const maxCommitsPage = 1000

// queryNetuid checks a requested netuid: any uint16.
var queryNetuid = queryutil.NetuidAtMost(types.U16Max)

// lookupStatus is the gRPC status of a keeper read that reports whether the entry exists: a failed
// read is codes.Internal, a missing entry codes.NotFound with the formatted message.
func lookupStatus(found bool, err error, format string, args ...any) error {
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	if !found {
		return status.Errorf(codes.NotFound, format, args...)
	}
	return nil
}

// uidRequest is a query request that names one neuron by netuid and uid.
type uidRequest[T any] interface {
	queryutil.NetuidRequest[T]
	GetUid() uint32
}

// readNeuronRow answers a request for one neuron's row of weights or bonds (what) with read, once
// the request, netuid and uid are checked; a missing row is codes.NotFound.
func readNeuronRow[V, T any, R uidRequest[T]](ctx context.Context, req R, read func(context.Context, uint16, uint16) (V, bool, error), what string) (V, error) {
	var zero V
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return zero, err
	}
	uid := req.GetUid()
	if uid > types.U16Max {
		return zero, status.Errorf(codes.InvalidArgument, "uid %d: must be at most %d", uid, types.U16Max)
	}
	row, found, err := read(ctx, netuid, uint16(uid))
	if err := lookupStatus(found, err, "uid %d on subnet %d has no %s", uid, netuid, what); err != nil {
		return zero, err
	}
	return row, nil
}

// hotkeyRequest is a query request that names a hotkey on a subnet.
type hotkeyRequest[T any] interface {
	queryutil.NetuidRequest[T]
	GetHotkey() string
}

// requestHotkey checks a request that names a hotkey on a subnet: present, then its netuid, then
// its hotkey address.
func requestHotkey[T any, R hotkeyRequest[T]](req R) (uint16, sdk.AccAddress, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return 0, nil, err
	}
	hotkey, err := queryutil.Address("hotkey", req.GetHotkey())
	return netuid, hotkey, err
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// Weights implements types.QueryServer.
func (q queryServer) Weights(ctx context.Context, req *types.QueryWeightsRequest) (*types.QueryWeightsResponse, error) {
	row, err := readNeuronRow(ctx, req, q.k.GetWeights, "weights")
	if err != nil {
		return nil, err
	}
	return &types.QueryWeightsResponse{Weights: row}, nil
}

// AllWeights implements types.QueryServer.
func (q queryServer) AllWeights(ctx context.Context, req *types.QueryAllWeightsRequest) (*types.QueryAllWeightsResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return nil, err
	}
	rows, page, err := queryutil.Paginate(ctx, q.k.Weights, req.Pagination,
		func(_ collections.Pair[uint16, uint16], r types.WeightsRow) (types.WeightsRow, error) { return r, nil },
		query.WithCollectionPaginationPairPrefix[uint16, uint16](netuid))
	if err != nil {
		return nil, err
	}
	return &types.QueryAllWeightsResponse{Weights: rows, Pagination: page}, nil
}

// Bonds implements types.QueryServer.
func (q queryServer) Bonds(ctx context.Context, req *types.QueryBondsRequest) (*types.QueryBondsResponse, error) {
	row, err := readNeuronRow(ctx, req, q.k.GetBonds, "bonds")
	if err != nil {
		return nil, err
	}
	return &types.QueryBondsResponse{Bonds: row}, nil
}

// LastEpoch implements types.QueryServer.
func (q queryServer) LastEpoch(ctx context.Context, req *types.QueryLastEpochRequest) (*types.QueryLastEpochResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return nil, err
	}
	rec, found, err := q.k.GetLastEpoch(ctx, netuid)
	if err := lookupStatus(found, err, "subnet %d has not run an epoch yet", netuid); err != nil {
		return nil, err
	}
	return &types.QueryLastEpochResponse{LastEpoch: rec}, nil
}

// EpochInfo implements types.QueryServer.
func (q queryServer) EpochInfo(ctx context.Context, req *types.QueryEpochInfoRequest) (*types.QueryEpochInfoResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return nil, err
	}
	s, err := q.k.subnetKeeper.GetSubnet(ctx, netuid)
	if err != nil {
		return nil, status.Errorf(codes.NotFound, "subnet %d: %s", netuid, err)
	}
	// A query sees the state committed at h, whose EndBlock already advanced the clock: the stored
	// schedule is the one a transaction sent now (landing in h+1) sees.
	sc, err := q.k.scheduleAt(ctx, s, blockHeight(ctx)+1)
	if err != nil {
		return nil, err
	}
	hp := s.Hyperparams
	return &types.QueryEpochInfoResponse{
		Height:       sdk.UnwrapSDKContext(ctx).BlockHeight(),
		CurrentEpoch: sc.Epoch, NextEpochHeight: sc.NextEpochHeight,
		Tempo: hp.Tempo, CommitReveal: hp.CommitReveal, RevealPeriod: hp.RevealPeriod,
	}, nil
}

// Evaluation implements types.QueryServer.
func (q queryServer) Evaluation(ctx context.Context, req *types.QueryEvaluationRequest) (*types.QueryEvaluationResponse, error) {
	netuid, hotkey, err := requestHotkey(req)
	if err != nil {
		return nil, err
	}
	ev, found, err := q.k.GetEvaluation(ctx, netuid, req.Epoch, hotkey)
	if err := lookupStatus(found, err, "no evaluation of %s for subnet %d epoch %d", hotkey, netuid, req.Epoch); err != nil {
		return nil, err
	}
	return &types.QueryEvaluationResponse{Evaluation: ev}, nil
}

// Nonce implements types.QueryServer.
func (q queryServer) Nonce(ctx context.Context, req *types.QueryNonceRequest) (*types.QueryNonceResponse, error) {
	netuid, hotkey, err := requestHotkey(req)
	if err != nil {
		return nil, err
	}
	n, err := q.k.LastNonce(ctx, netuid, hotkey)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryNonceResponse{Nonce: n}, nil
}

// Commits implements types.QueryServer. Pagination supports offset, limit (default 100, at most
// 1000) and count_total; page keys are not supported because the result is small (at most
// reveal_period + 1 commits per validator).
func (q queryServer) Commits(ctx context.Context, req *types.QueryCommitsRequest) (*types.QueryCommitsResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return nil, err
	}
	var r collections.Ranger[collections.Triple[uint16, sdk.AccAddress, uint64]]
	if req.Hotkey != "" {
		hotkey, err := queryutil.Address("hotkey", req.Hotkey)
		if err != nil {
			return nil, err
		}
		r = collections.NewSuperPrefixedTripleRange[uint16, sdk.AccAddress, uint64](netuid, hotkey)
	} else {
		r = collections.NewPrefixedTripleRange[uint16, sdk.AccAddress, uint64](netuid)
	}
	var offset, limit uint64 = 0, query.DefaultLimit
	countTotal := false
	if p := req.Pagination; p != nil {
		if len(p.Key) != 0 || p.Reverse {
			return nil, status.Error(codes.InvalidArgument, "commits pagination supports offset, limit and count_total only")
		}
		offset, countTotal = p.Offset, p.CountTotal
		if p.Limit != 0 {
			limit = p.Limit
		}
	}
	if limit > maxCommitsPage {
		return nil, status.Errorf(codes.InvalidArgument, "limit %d: at most %d", limit, maxCommitsPage)
	}
	var commits []types.WeightsCommit
	var seen uint64
	err = q.k.Commits.Walk(ctx, r, func(_ collections.Triple[uint16, sdk.AccAddress, uint64], c types.WeightsCommit) (bool, error) {
		seen++
		if seen > offset && uint64(len(commits)) < limit {
			commits = append(commits, c)
		}
		return !countTotal && uint64(len(commits)) >= limit, nil
	})
	if err != nil && !errors.Is(err, collections.ErrInvalidIterator) {
		return nil, status.Error(codes.Internal, err.Error())
	}
	page := &query.PageResponse{}
	if countTotal {
		page.Total = seen
	}
	return &types.QueryCommitsResponse{Commits: commits, Pagination: page}, nil
}
