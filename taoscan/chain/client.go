// Package chain is taoscan's client of a taochain node: CometBFT RPC for blocks, block results
// and new-block wake-ups over the websocket, and gRPC for the state the explorer shows (read at a
// block's height while indexing it, or live for the pages). It turns one block into the rows of
// a store.BlockData and implements web.Chain.
package chain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/codec"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"
	"github.com/cosmos/cosmos-sdk/types/query"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/taochain/taochain/app"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// rpcTimeout bounds every CometBFT RPC call, so a node that accepts the connection but hangs
// cannot stall the indexer forever (the indexer retries after it).
const rpcTimeout = 15 * time.Second

// Client talks to one taochain node. It is safe for concurrent use.
type Client struct {
	rpcAddr string
	rpc     *rpchttp.HTTP
	conn    *grpc.ClientConn
	cdc     codec.Codec
	txDec   sdk.TxDecoder

	subnet       subnettypes.QueryClient
	intelligence intelligencetypes.QueryClient
	tao          taotypes.QueryClient
	gov          govv1.QueryClient
}

// New connects to a node: rpcAddr is its CometBFT RPC ("tcp://127.0.0.1:26657" or
// "http://…"), grpcAddr its gRPC endpoint ("127.0.0.1:9090", plaintext). Neither is dialled
// here; a node that is down makes the calls fail, not New.
func New(rpcAddr, grpcAddr string) (*Client, error) {
	app.SetAddressPrefixes()
	rpc, err := rpchttp.NewWithTimeout(rpcAddr, "/websocket", uint(rpcTimeout/time.Second))
	if err != nil {
		return nil, fmt.Errorf("node RPC address %q: %w (want e.g. tcp://127.0.0.1:26657)", rpcAddr, err)
	}
	cdc, txDec, err := appCodecs()
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(grpcAddr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		// The chain's messages are gogoproto types (math.Int custom types, Any with the app's
		// interfaces); the SDK's codec marshals them as the node does.
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(cdc.InterfaceRegistry()).GRPCCodec())),
	)
	if err != nil {
		return nil, fmt.Errorf("node gRPC address %q: %w (want host:port, e.g. 127.0.0.1:9090)", grpcAddr, err)
	}
	return &Client{
		rpcAddr:      rpcAddr,
		rpc:          rpc,
		conn:         conn,
		cdc:          cdc,
		txDec:        txDec,
		subnet:       subnettypes.NewQueryClient(conn),
		intelligence: intelligencetypes.NewQueryClient(conn),
		tao:          taotypes.NewQueryClient(conn),
		gov:          govv1.NewQueryClient(conn),
	}, nil
}

// appCodecs builds the codec and tx decoder exactly as taod does, from a throwaway in-memory app
// (the module manager is what registers every module's interfaces), so any tx the chain accepts
// decodes here.
func appCodecs() (codec.Codec, sdk.TxDecoder, error) {
	dir, err := os.MkdirTemp("", "taoscan-app")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(dir))
	return a.AppCodec(), a.TxConfig().TxDecoder(), nil
}

// Close closes the gRPC connection.
func (c *Client) Close() error { return c.conn.Close() }

// atHeight makes the gRPC queries made with the returned context read the state committed at
// height (the state after that block).
func atHeight(ctx context.Context, height int64) context.Context {
	return metadata.AppendToOutgoingContext(ctx, grpctypes.GRPCBlockHeightHeader, strconv.FormatInt(height, 10))
}

func (c *Client) status(ctx context.Context) (*coretypes.ResultStatus, error) {
	st, err := c.rpc.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("node status from %s: %w", c.rpcAddr, err)
	}
	return st, nil
}

// Latest returns the node's latest committed height.
func (c *Client) Latest(ctx context.Context) (int64, error) {
	st, err := c.status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

// Earliest returns the earliest block the node still stores (1 unless it was pruned or
// state-synced).
func (c *Client) Earliest(ctx context.Context) (int64, error) {
	st, err := c.status(ctx)
	if err != nil {
		return 0, err
	}
	if st.SyncInfo.EarliestBlockHeight < 1 {
		return 1, nil
	}
	return st.SyncInfo.EarliestBlockHeight, nil
}

// NewBlocks subscribes over the websocket to new block headers and sends each height. The
// channel is closed when ctx ends or the subscription breaks; the heights are wake-ups only
// (some are dropped when the reader is slow), the caller still polls.
func (c *Client) NewBlocks(ctx context.Context) (<-chan int64, error) {
	// A websocket client of its own: an rpchttp client can be started only once, and each
	// subscription must be able to start over after the node came back.
	ws, err := rpchttp.New(c.rpcAddr, "/websocket")
	if err != nil {
		return nil, err
	}
	if err := ws.Start(); err != nil {
		return nil, fmt.Errorf("websocket to %s: %w", c.rpcAddr, err)
	}
	events, err := ws.Subscribe(ctx, "taoscan", "tm.event='NewBlockHeader'", 16)
	if err != nil {
		_ = ws.Stop()
		return nil, fmt.Errorf("subscribing to new blocks on %s: %w", c.rpcAddr, err)
	}
	out := make(chan int64, 1)
	go func() {
		defer close(out)
		defer func() { _ = ws.Stop() }()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ws.Quit():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				var h int64
				if hdr, ok := ev.Data.(cmttypes.EventDataNewBlockHeader); ok {
					h = hdr.Header.Height
				}
				select {
				case out <- h:
				default: // a wake-up is already pending; that one is enough
				}
			}
		}
	}()
	return out, nil
}

// Issuance is the bank supply of rao and the 21M cap (x/tao Query/Issuance), live.
func (c *Client) Issuance(ctx context.Context) (*taotypes.QueryIssuanceResponse, error) {
	return c.tao.Issuance(ctx, &taotypes.QueryIssuanceRequest{})
}

// CurrentEmission is the per-block emission now (x/tao Query/CurrentEmission).
func (c *Client) CurrentEmission(ctx context.Context) (*taotypes.QueryCurrentEmissionResponse, error) {
	return c.tao.CurrentEmission(ctx, &taotypes.QueryCurrentEmissionRequest{})
}

// NextHalving is when the emission halves next (x/tao Query/NextHalving).
func (c *Client) NextHalving(ctx context.Context) (*taotypes.QueryNextHalvingResponse, error) {
	return c.tao.NextHalving(ctx, &taotypes.QueryNextHalvingRequest{})
}

// Wallet is the balance, spendable coins, stake positions and unbonding of a coldkey (x/subnet
// Query/Wallet).
func (c *Client) Wallet(ctx context.Context, coldkey string) (*subnettypes.QueryWalletResponse, error) {
	return c.subnet.Wallet(ctx, &subnettypes.QueryWalletRequest{Coldkey: coldkey})
}

// maxWeightPages bounds AllWeights: a subnet has at most 4096 uids, so 100 pages of 100 rows is
// far more than any real subnet and stops a node that keeps answering next keys.
const maxWeightPages = 100

// AllWeights is every weight row of a subnet, all pages read.
func (c *Client) AllWeights(ctx context.Context, netuid uint16) ([]intelligencetypes.WeightsRow, error) {
	var rows []intelligencetypes.WeightsRow
	err := allPages(maxWeightPages, func(page *query.PageRequest) (*query.PageResponse, error) {
		res, err := c.intelligence.AllWeights(ctx, &intelligencetypes.QueryAllWeightsRequest{Netuid: uint32(netuid), Pagination: page})
		if err != nil {
			return nil, err
		}
		rows = append(rows, res.Weights...)
		return res.Pagination, nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// Proposals are the governance proposals, newest first, at most limit.
func (c *Client) Proposals(ctx context.Context, limit int) ([]*govv1.Proposal, error) {
	if limit <= 0 {
		return nil, errors.New("proposals: limit must be positive")
	}
	res, err := c.gov.Proposals(ctx, &govv1.QueryProposalsRequest{
		Pagination: &query.PageRequest{Limit: uint64(limit), Reverse: true},
	})
	if err != nil {
		return nil, err
	}
	return res.Proposals, nil
}

// Proposal is one governance proposal; a NotFound status when there is none with that id.
func (c *Client) Proposal(ctx context.Context, id uint64) (*govv1.Proposal, error) {
	res, err := c.gov.Proposal(ctx, &govv1.QueryProposalRequest{ProposalId: id})
	if err != nil {
		return nil, err
	}
	return res.Proposal, nil
}
