package queryutil_test

import (
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/taochain/taochain/x/internal/queryutil"
)

type netuidReq struct{ Netuid uint32 }

func (r *netuidReq) GetNetuid() uint32 {
	if r == nil {
		return 0
	}
	return r.Netuid
}

func requireStatus(t *testing.T, err error, code codes.Code, msg string) {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok || st.Code() != code || st.Message() != msg {
		t.Fatalf("got %v, want %s %q", err, code, msg)
	}
}

func TestCheckRequest(t *testing.T) {
	requireStatus(t, queryutil.CheckRequest[netuidReq](nil), codes.InvalidArgument, "empty request")
	if err := queryutil.CheckRequest(&netuidReq{}); err != nil {
		t.Fatal(err)
	}
}

func TestRequestNetuid(t *testing.T) {
	check := queryutil.NetuidAtMost(10)
	var none *netuidReq
	_, err := queryutil.RequestNetuid(none, check)
	requireStatus(t, err, codes.InvalidArgument, "empty request")
	_, err = queryutil.RequestNetuid(&netuidReq{Netuid: 11}, check)
	requireStatus(t, err, codes.InvalidArgument, "netuid 11: must be at most 10")
	n, err := queryutil.RequestNetuid(&netuidReq{Netuid: 10}, check)
	if err != nil || n != 10 {
		t.Fatalf("got %d, %v", n, err)
	}
}

func TestCheckRequestThenAddress(t *testing.T) {
	var none *netuidReq
	requireStatus(t, queryutil.CheckRequest(none), codes.InvalidArgument, "empty request")
	if err := queryutil.CheckRequest(&netuidReq{}); err != nil {
		t.Fatalf("a present request: %v", err)
	}
	_, err := queryutil.Address("hotkey", "")
	requireStatus(t, err, codes.InvalidArgument, `hotkey "": empty address string is not allowed`)
}
