package chain

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/cosmos/cosmos-sdk/types/query"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

// modelUpdatesPage is how many commitments one Query/ModelUpdateCommitments page asks for: a
// subnet of 256 uids fits in one.
const modelUpdatesPage = 256

// maxModelUpdatePages bounds the walk over a subnet's commitments: at most one per uid, and uids are
// u16, so an honest node never needs more pages than this.
const maxModelUpdatePages = (1<<16)/modelUpdatesPage + 1

// CommitModelUpdate commits, signed by and paid for by the hotkey of keyring key key, to the model
// update the miner publishes for epoch of federated subnet netuid: hash is sha256 of the update's
// canonical encoding and size its length in bytes (inference/federated CommitmentOf). The chain
// refuses a second commitment in the same epoch with inteltypes.ErrModelUpdateCommitted; the first
// one stands.
func (c *Client) CommitModelUpdate(ctx context.Context, key string, netuid uint16, epoch uint64, hash [32]byte, size uint64) (TxStatus, error) {
	addr, err := c.KeyAddress(key)
	if err != nil {
		return TxStatus{}, err
	}
	return c.Send(ctx, key, inteltypes.NewMsgCommitModelUpdate(addr, netuid, epoch, hash, size))
}

// ModelUpdateCommitments returns the latest model update commitment of every uid of subnet netuid
// that has one, by ascending uid, walking all pages of the query.
func (c *Client) ModelUpdateCommitments(ctx context.Context, netuid uint16) ([]inteltypes.ModelUpdateCommitment, error) {
	var all []inteltypes.ModelUpdateCommitment
	var key []byte
	for range maxModelUpdatePages {
		res, err := c.modelUpdatesPage(ctx, netuid, key)
		if err != nil {
			return nil, err
		}
		all = append(all, res.Commitments...)
		next := res.GetPagination().GetNextKey()
		if len(next) == 0 {
			return all, nil
		}
		if bytes.Equal(next, key) {
			return nil, errors.New("chain: model update commitments: the node answered the same page key twice")
		}
		key = next
	}
	return nil, fmt.Errorf("chain: model update commitments of subnet %d: more than %d pages", netuid, maxModelUpdatePages)
}

func (c *Client) modelUpdatesPage(ctx context.Context, netuid uint16, key []byte) (*inteltypes.QueryModelUpdateCommitmentsResponse, error) {
	ctx, cancel := c.rctx(ctx)
	defer cancel()
	return c.intel.ModelUpdateCommitments(ctx, &inteltypes.QueryModelUpdateCommitmentsRequest{
		Netuid: uint32(netuid), Pagination: &query.PageRequest{Key: key, Limit: modelUpdatesPage},
	})
}
