package keeper

import "github.com/taochain/taochain/x/slashing/types"

// ShiftHeights rewrites every absolute height in the intelligence slashing state gs, exported at
// the end of block haltHeight, for a chain restarted from that export at block 1 (`taod export
// --for-zero-height`): each height h becomes h - haltHeight. Jails and fault counters run in
// subnet epochs, not blocks, so only the record heights move; epochs are kept.
func ShiftHeights(gs *types.GenesisState, haltHeight int64) {
	shift := func(h int64) int64 { return h - haltHeight }
	for i := range gs.Offences {
		gs.Offences[i].Height = shift(gs.Offences[i].Height)
	}
	for i := range gs.Jails {
		gs.Jails[i].SinceHeight = shift(gs.Jails[i].SinceHeight)
	}
	for i := range gs.Trackers {
		gs.Trackers[i].CheckedHeight = shift(gs.Trackers[i].CheckedHeight)
	}
}
