package chain_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/taochain/taochain/taoscan/chain"
	"github.com/taochain/taochain/testutil/e2e"
)

// TestNewBlocksAndFetchE2E: the websocket subscription delivers increasing heights from a real
// node, and its latest block fetches with the bank supply as issuance source when needed.
func TestNewBlocksAndFetchE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)
	n.Start()
	n.WaitHeight(2, 60*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := chain.New(n.RPCAddr(), fmt.Sprintf("127.0.0.1:%d", n.GRPC))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, err := c.NewBlocks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var prev int64
	for i := 0; i < 3; i++ {
		select {
		case h, ok := <-ch:
			if !ok {
				t.Fatal("subscription closed")
			}
			if h <= prev {
				t.Fatalf("wake-up height %d after %d", h, prev)
			}
			prev = h
		case <-time.After(20 * time.Second):
			t.Fatalf("no new block header within 20 s (after %d)", prev)
		}
	}
	earliest, err := c.Earliest(ctx)
	if err != nil || earliest != 1 {
		t.Fatalf("earliest %d, %v", earliest, err)
	}
	d, err := c.FetchFirstBlock(ctx, prev)
	if err != nil {
		t.Fatal(err)
	}
	if d.Block.Height != prev || len(d.Block.Hash) != 64 || d.Block.Issuance == "" || d.Block.Issuance == "0" {
		t.Fatalf("block %d: %+v", prev, d.Block)
	}
	iss, err := c.Issuance(ctx)
	if err != nil || iss.Issuance.IsZero() {
		t.Fatalf("issuance %v, %v", iss, err)
	}
	if _, err := c.Proposals(ctx, 10); err != nil {
		t.Fatalf("proposals: %v", err)
	}
}
