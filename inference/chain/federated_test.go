package chain

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/cosmos/cosmos-sdk/types/query"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

// pagedIntel answers Query/ModelUpdateCommitments from a list, in pages whose key is the index of
// the next entry; every other query panics (the embedded nil interface).
type pagedIntel struct {
	inteltypes.QueryClient
	all   []inteltypes.ModelUpdateCommitment
	calls int
	// stuck makes every page answer the same next key.
	stuck bool
}

func (p *pagedIntel) ModelUpdateCommitments(_ context.Context, req *inteltypes.QueryModelUpdateCommitmentsRequest, _ ...grpc.CallOption) (*inteltypes.QueryModelUpdateCommitmentsResponse, error) {
	p.calls++
	start := 0
	if len(req.Pagination.Key) > 0 {
		start = int(binary.BigEndian.Uint32(req.Pagination.Key))
	}
	end := min(start+int(req.Pagination.Limit), len(p.all))
	res := &inteltypes.QueryModelUpdateCommitmentsResponse{Commitments: p.all[start:end], Pagination: &query.PageResponse{}}
	if end < len(p.all) || p.stuck {
		res.Pagination.NextKey = binary.BigEndian.AppendUint32(nil, uint32(end))
	}
	return res, nil
}

// TestModelUpdateCommitmentsWalksAllPages: every commitment of a subnet larger than one page comes
// back once, in order, and a node that repeats a page key is an error rather than an endless loop.
func TestModelUpdateCommitmentsWalksAllPages(t *testing.T) {
	for _, n := range []int{0, 1, modelUpdatesPage, modelUpdatesPage + 1, 3*modelUpdatesPage + 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			fake := &pagedIntel{}
			for i := range n {
				fake.all = append(fake.all, inteltypes.ModelUpdateCommitment{Netuid: 3, Uid: uint32(i), Size_: uint64(i + 1)})
			}
			c := &Client{cfg: Config{RequestTimeout: time.Second}, intel: fake}
			got, err := c.ModelUpdateCommitments(context.Background(), 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("%d commitments, want %d", len(got), n)
			}
			for i, cm := range got {
				if cm.Uid != uint32(i) {
					t.Fatalf("commitment %d has uid %d", i, cm.Uid)
				}
			}
			if want := max(1, (n+modelUpdatesPage-1)/modelUpdatesPage); fake.calls != want {
				t.Fatalf("%d pages read, want %d", fake.calls, want)
			}
		})
	}
	fake := &pagedIntel{all: make([]inteltypes.ModelUpdateCommitment, 3), stuck: true}
	c := &Client{cfg: Config{RequestTimeout: time.Second}, intel: fake}
	if _, err := c.ModelUpdateCommitments(context.Background(), 3); err == nil {
		t.Fatal("a node repeating its page key was followed")
	}
	if fake.calls != 2 {
		t.Fatalf("%d pages read from a stuck node, want 2", fake.calls)
	}
}
