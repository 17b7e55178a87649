package keeper

import (
	"context"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/intelligence/yuma"
)

// EpochSteps exposes RunEpoch's steps to keeper_test, so that each can be tested on its own.
type EpochSteps struct {
	k   Keeper
	in  epochInput
	res epochResult
}

// LoadEpoch runs the load step for netuid.
func (k Keeper) LoadEpoch(ctx context.Context, netuid uint16) (*EpochSteps, error) {
	ei, err := k.loadEpoch(ctx, netuid)
	return &EpochSteps{k: k, in: ei}, err
}

// Compute runs the pure compute step.
func (s *EpochSteps) Compute(p types.Params) error {
	res, err := computeEpoch(s.in, p)
	s.res = res
	return err
}

// Record runs the record step.
func (s *EpochSteps) Record(ctx context.Context) error {
	_, err := s.k.recordEpoch(ctx, s.in, s.res)
	return err
}

// Pay runs the pay step and returns the takes.
func (s *EpochSteps) Pay(ctx context.Context) (uint64, error) { return s.k.payEpoch(ctx, s.in, s.res) }

// Input, Emission, Output and Payout read what the steps loaded and computed.
func (s *EpochSteps) Input() yuma.Input   { return s.in.in }
func (s *EpochSteps) Emission() uint64    { return s.in.emission }
func (s *EpochSteps) Output() yuma.Output { return s.res.out }
func (s *EpochSteps) Payout() (owner uint64, miner, validator []uint64) {
	return s.res.pay.owner, s.res.pay.miner, s.res.pay.validator
}

// PruneEpoch runs the prune step.
func (k Keeper) PruneEpoch(ctx context.Context, netuid uint16, epoch, retention uint64) (uint32, error) {
	return k.pruneEpoch(ctx, netuid, epoch, retention)
}
