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
// hotkey's commitments, and every peer's latest commitment joined with its axon and incentive
// from the metagraph.
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
// fraction of one.
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
	for _, c := range commitments {
		m, ok := endpoint[c.Hotkey]
		if !ok || uint32(m.UID) != c.Uid || len(c.Hash) != 32 || c.Size_ == 0 || c.Size_ > math.MaxUint32 || c.Height < 0 {
			continue
		}
		peers = append(peers, fednode.PeerInfo{
			Hotkey: c.Hotkey, AxonURL: m.Endpoint,
			Commitment: federated.Commitment{
				ChainID: chainID, Netuid: netuid, Epoch: c.Epoch, Hotkey: c.Hotkey,
				Hash: [32]byte(c.Hash), Size: uint32(c.Size_), Height: uint64(c.Height),
			},
			Incentive: float64(incentive[c.Hotkey]) / float64(math.MaxUint16),
		})
	}
	return peers
}
