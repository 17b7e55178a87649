// Package queryutil holds the request checks that the taochain modules' gRPC query servers share,
// so that every module answers a malformed request with the same status code and message.
package queryutil

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
)

// CheckRequest returns codes.InvalidArgument "empty request" when req is nil: gRPC hands a query
// server a nil request when the client sent none.
func CheckRequest[T any](req *T) error {
	if req == nil {
		return status.Error(codes.InvalidArgument, "empty request")
	}
	return nil
}

// Address parses s, the request field named field, as a bech32 account address; a bad address is
// codes.InvalidArgument naming the field and the value.
func Address(field, s string) (sdk.AccAddress, error) {
	a, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "%s %q: %s", field, s, err)
	}
	return a, nil
}

// NetuidRequest is a query request (a *T) that names a subnet.
type NetuidRequest[T any] interface {
	*T
	GetNetuid() uint32
}

// RequestNetuid checks a request that names a subnet: req must be present (CheckRequest) and its
// netuid must pass check, the module's rule for which netuids a query may name.
func RequestNetuid[T any, R NetuidRequest[T]](req R, check func(uint32) (uint16, error)) (uint16, error) {
	if err := CheckRequest[T](req); err != nil {
		return 0, err
	}
	return check(req.GetNetuid())
}

// NetuidAtMost returns a netuid check for RequestNetuid that accepts 0..limit and answers any other
// netuid with codes.InvalidArgument.
func NetuidAtMost(limit uint32) func(uint32) (uint16, error) {
	return func(n uint32) (uint16, error) {
		if n > limit {
			return 0, status.Errorf(codes.InvalidArgument, "netuid %d: must be at most %d", n, limit)
		}
		return uint16(n), nil
	}
}

// Paginate is query.CollectionPaginate whose errors (a bad page request, or one returned by
// transform) are codes.InvalidArgument.
func Paginate[K, V any, C query.Collection[K, V], T any](
	ctx context.Context,
	coll C,
	pageReq *query.PageRequest,
	transform func(key K, value V) (T, error),
	opts ...func(opt *query.CollectionsPaginateOptions[K]),
) ([]T, *query.PageResponse, error) {
	items, page, err := query.CollectionPaginate(ctx, coll, pageReq, transform, opts...)
	if err != nil {
		return nil, nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return items, page, nil
}
