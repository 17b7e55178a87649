package keeper

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/taochain/taochain/x/gov/types"
	"github.com/taochain/taochain/x/internal/queryutil"
)

var _ types.QueryServer = queryServer{}

type queryServer struct{ k Keeper }

// NewQueryServerImpl returns the taochain.gov.v1.Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// VotingPower implements types.QueryServer.
func (q queryServer) VotingPower(ctx context.Context, req *types.QueryVotingPowerRequest) (*types.QueryVotingPowerResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	addr, err := q.k.accountCodec.StringToBytes(req.Address)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "address %q is not a valid account address: %v", req.Address, err)
	}
	res, err := q.k.VotingPower(ctx, addr)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &res, nil
}

// TotalVotingPower implements types.QueryServer.
func (q queryServer) TotalVotingPower(ctx context.Context, _ *types.QueryTotalVotingPowerRequest) (*types.QueryTotalVotingPowerResponse, error) {
	bonded, subnet, total, err := q.k.TotalVotingPower(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryTotalVotingPowerResponse{BondedTokens: bonded, SubnetStake: subnet, Total: total}, nil
}
