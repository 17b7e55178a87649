package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
)

// InitGenesis validates gs and loads it into the store.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, r := range gs.Weights {
		if err := k.Weights.Set(ctx, collections.Join(uint16(r.Netuid), uint16(r.Uid)), r); err != nil {
			return err
		}
	}
	for _, r := range gs.Bonds {
		if err := k.Bonds.Set(ctx, collections.Join(uint16(r.Netuid), uint16(r.Uid)), r); err != nil {
			return err
		}
	}
	for _, e := range gs.Evaluations {
		ev := e.Signed.Evaluation
		hotkey := sdk.MustAccAddressFromBech32(ev.ValidatorHotkey)
		if err := k.Evaluations.Set(ctx, collections.Join3(uint16(ev.Netuid), ev.Epoch, hotkey), e); err != nil {
			return err
		}
	}
	for _, n := range gs.Nonces {
		if err := k.Nonces.Set(ctx, collections.Join(uint16(n.Netuid), sdk.MustAccAddressFromBech32(n.Hotkey)), n.Nonce); err != nil {
			return err
		}
	}
	for _, sc := range gs.Schedules {
		if err := k.Schedules.Set(ctx, uint16(sc.Netuid), sc); err != nil {
			return err
		}
	}
	for _, w := range gs.WorkMarks {
		if err := k.WorkMarks.Set(ctx, collections.Join(uint16(w.Netuid), uint16(w.Uid)), w.Height); err != nil {
			return err
		}
	}
	for _, m := range gs.ModelUpdates {
		if err := k.ModelUpdates.Set(ctx, collections.Join(uint16(m.Netuid), uint16(m.Uid)), m); err != nil {
			return err
		}
	}
	for _, c := range gs.Commits {
		key := collections.Join3(uint16(c.Netuid), sdk.MustAccAddressFromBech32(c.Hotkey), c.RevealEpoch)
		if err := k.Commits.Set(ctx, key, c); err != nil {
			return err
		}
	}
	for _, r := range gs.LastEpochs {
		if err := k.LastEpochs.Set(ctx, uint16(r.Netuid), r); err != nil {
			return err
		}
	}
	for _, q := range gs.EpochQueue {
		if err := k.enqueue(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis exports the whole module state, in store order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	if gs.Weights, err = values(ctx, k.Weights); err != nil {
		return nil, err
	}
	if gs.Bonds, err = values(ctx, k.Bonds); err != nil {
		return nil, err
	}
	if gs.Evaluations, err = values(ctx, k.Evaluations); err != nil {
		return nil, err
	}
	if gs.Commits, err = values(ctx, k.Commits); err != nil {
		return nil, err
	}
	if gs.LastEpochs, err = values(ctx, k.LastEpochs); err != nil {
		return nil, err
	}
	err = k.Nonces.Walk(ctx, nil, func(key collections.Pair[uint16, sdk.AccAddress], n uint64) (bool, error) {
		gs.Nonces = append(gs.Nonces, types.HotkeyNonce{Netuid: uint32(key.K1()), Hotkey: key.K2().String(), Nonce: n})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.Schedules, err = values(ctx, k.Schedules); err != nil {
		return nil, err
	}
	err = k.WorkMarks.Walk(ctx, nil, func(key collections.Pair[uint16, uint16], h int64) (bool, error) {
		gs.WorkMarks = append(gs.WorkMarks, types.WorkMark{Netuid: uint32(key.K1()), Uid: uint32(key.K2()), Height: h})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.ModelUpdates, err = values(ctx, k.ModelUpdates); err != nil {
		return nil, err
	}
	err = k.EpochQueue.Walk(ctx, nil, func(key collections.Pair[int64, uint16], epoch uint64) (bool, error) {
		gs.EpochQueue = append(gs.EpochQueue, types.QueuedEpoch{Netuid: uint32(key.K2()), Epoch: epoch, DueHeight: key.K1()})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return gs, nil
}

// values returns all values of m in key order.
func values[K, V any](ctx context.Context, m collections.Map[K, V]) ([]V, error) {
	it, err := m.Iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	return it.Values()
}
