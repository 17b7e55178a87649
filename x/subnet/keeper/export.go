package keeper

import "github.com/taochain/taochain/x/subnet/types"

// ShiftHeights rewrites every absolute height in gs, exported at the end of block haltHeight, for
// a chain restarted from that export at block 1 (`taod export --for-zero-height`): each height h
// becomes h - haltHeight, so block 1 of the new chain stands for block haltHeight+1 of the old one
// and every distance to a height in the state (remaining immunity, unbonding completion, rate
// limits, burn and lock decay) is unchanged. Heights before the restart become zero or negative;
// the keeper's height arithmetic is signed, so they keep their meaning.
//
// Fields where 0 means "never" (hyperparams_updated_at, take_updated_at, axon.block) stay 0, and a
// real value that would shift to exactly 0 (set in the halt block) becomes -1 instead, so it is not
// read as "never": that rate limit ends one block earlier than on the old chain.
func ShiftHeights(gs *types.GenesisState, haltHeight int64) {
	shift := func(h int64) int64 { return h - haltHeight }
	gs.LockState.LastLockHeight = shift(gs.LockState.LastLockHeight)
	for i := range gs.Subnets {
		s := &gs.Subnets[i]
		s.CreatedAt = shift(s.CreatedAt)
		s.HyperparamsUpdatedAt = shiftUnlessNever(s.HyperparamsUpdatedAt, haltHeight)
		s.BurnUpdatedAt = shift(s.BurnUpdatedAt)
		s.BlockRegistrationsHeight = shift(s.BlockRegistrationsHeight)
	}
	for i := range gs.Neurons {
		n := &gs.Neurons[i]
		n.RegisteredAt = shift(n.RegisteredAt)
		n.LastUpdate = shift(n.LastUpdate)
		n.Axon.Block = shiftUnlessNever(n.Axon.Block, haltHeight)
	}
	for i := range gs.Hotkeys {
		gs.Hotkeys[i].TakeUpdatedAt = shiftUnlessNever(gs.Hotkeys[i].TakeUpdatedAt, haltHeight)
	}
	for i := range gs.Unbonding {
		e := &gs.Unbonding[i]
		e.CreationHeight = shift(e.CreationHeight)
		e.CompletionHeight = shift(e.CompletionHeight)
	}
}

// shiftUnlessNever shifts a height whose zero value means "never": 0 stays 0 and a height that
// would shift to 0 becomes -1.
func shiftUnlessNever(h, haltHeight int64) int64 {
	if h == 0 {
		return 0
	}
	if s := h - haltHeight; s != 0 {
		return s
	}
	return -1
}
