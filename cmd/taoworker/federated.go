package main

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/metagraph"
	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// federatedChain is fednode.Chain over the worker's chain client: the subnet's epoch, the
// hotkey's commitments, and every peer's latest commitment (with the one before it, when the
// chain kept it) joined with its axon and incentive from the metagraph.
type federatedChain struct {
	client *chain.Client
	netuid uint16
	hotkey string // keyring key name that signs and pays for commitments
}

var _ fednode.Chain = federatedChain{}

// CurrentEpoch implements fednode.Chain: the epoch a transaction sent now lands in.
func (f federatedChain) CurrentEpoch(ctx context.Context) (uint64, error) {
	info, err := f.client.EpochInfo(ctx, f.netuid)
	if err != nil {
		return 0, err
	}
	return info.CurrentEpoch, nil
}

// CommitModelUpdate implements fednode.Chain with MsgCommitModelUpdate. A transaction that
// failed in a block is marked fednode.ErrCommitFailedInBlock: its fee is spent, so the miner does
// not send it again.
func (f federatedChain) CommitModelUpdate(ctx context.Context, epoch uint64, hash [32]byte, size uint64) error {
	_, err := f.client.CommitModelUpdate(ctx, f.hotkey, f.netuid, epoch, hash, size)
	if txErr := (*chain.TxError)(nil); errors.As(err, &txErr) && txErr.Stage == "deliver" {
		return fmt.Errorf("%w: %w", fednode.ErrCommitFailedInBlock, err)
	}
	return err
}

// ModelUpdateCommitments implements fednode.Chain: the subnet's commitments whose uid still
// belongs to the committing hotkey and serves an axon.
func (f federatedChain) ModelUpdateCommitments(ctx context.Context) ([]fednode.PeerInfo, error) {
	commitments, err := f.client.ModelUpdateCommitments(ctx, f.netuid)
	if err != nil {
		return nil, err
	}
	mg, err := f.client.Metagraph(ctx, f.netuid)
	if err != nil {
		return nil, err
	}
	return peersOf(f.client.ChainID(), f.netuid, commitments, mg), nil
}

// peersOf joins commitments with the metagraph: a commitment counts only while its uid is held by
// the hotkey that made it and that neuron serves an axon; its incentive is the neuron's, a
// fraction of one. The commitment the latest one replaced (the chain's previous, kept for the
// epoch before) becomes Previous when it is as well formed as the latest must be; a malformed one
// is left out without costing the peer its latest.
func peersOf(chainID string, netuid uint16, commitments []inteltypes.ModelUpdateCommitment, mg *subnettypes.QueryMetagraphResponse) []fednode.PeerInfo {
	miners, _ := chain.Miners(mg)
	endpoint := make(map[string]metagraph.Miner, len(miners))
	for _, m := range miners {
		endpoint[m.Hotkey] = m
	}
	incentive := make(map[string]uint32, len(mg.Neurons))
	for _, n := range mg.Neurons {
		incentive[n.Hotkey] = n.Incentive
	}
	var peers []fednode.PeerInfo
	// commitment is the chain's (epoch, hash, size, height) as the worker checks it, or false when
	// it could not have been accepted by the chain or does not fit a fetch.
	commitment := func(hotkey string, epoch uint64, hash []byte, size uint64, height int64) (federated.Commitment, bool) {
		if len(hash) != 32 || size == 0 || size > math.MaxUint32 || height < 0 {
			return federated.Commitment{}, false
		}
		return federated.Commitment{
			ChainID: chainID, Netuid: netuid, Epoch: epoch, Hotkey: hotkey,
			Hash: [32]byte(hash), Size: uint32(size), Height: uint64(height),
		}, true
	}
	for _, c := range commitments {
		m, ok := endpoint[c.Hotkey]
		if !ok || uint32(m.UID) != c.Uid {
			continue
		}
		latest, ok := commitment(c.Hotkey, c.Epoch, c.Hash, c.Size_, c.Height)
		if !ok {
			continue
		}
		p := fednode.PeerInfo{
			Hotkey: c.Hotkey, AxonURL: m.Endpoint, Commitment: latest,
			Incentive: float64(incentive[c.Hotkey]) / float64(math.MaxUint16),
		}
		if prev := c.Previous; prev != nil {
			if pc, ok := commitment(c.Hotkey, prev.Epoch, prev.Hash, prev.Size_, prev.Height); ok {
				p.Previous = &pc
			}
		}
		peers = append(peers, p)
	}
	return peers
}
