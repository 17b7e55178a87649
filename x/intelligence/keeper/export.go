package keeper

import "github.com/taochain/taochain/x/intelligence/types"

// ShiftHeights rewrites every absolute height in gs, exported at the end of block haltHeight, for
// a chain restarted from that export at block 1 (`taod export --for-zero-height`): each height h
// becomes h - haltHeight. A subnet's stored epoch clock thus closes its current epoch after the
// same number of blocks as on the old chain, with the same index, so commits (which carry epoch
// indexes) are revealed in the same window; weight rate limits, work marks, commit masks and the
// heights of model update commitments (and of the ones they replaced) keep their distances, and
// HeightOffset grows by haltHeight so that every later epoch keeps the subnet's phase. Epoch
// indexes are not heights and are kept.
func ShiftHeights(gs *types.GenesisState, haltHeight int64) {
	shift := func(h int64) int64 { return h - haltHeight }
	for i := range gs.Weights {
		gs.Weights[i].Block = shift(gs.Weights[i].Block)
	}
	for i := range gs.Evaluations {
		gs.Evaluations[i].Height = shift(gs.Evaluations[i].Height)
	}
	for i := range gs.Commits {
		gs.Commits[i].CommitBlock = shift(gs.Commits[i].CommitBlock)
	}
	for i := range gs.LastEpochs {
		gs.LastEpochs[i].Height = shift(gs.LastEpochs[i].Height)
	}
	for i := range gs.EpochQueue {
		gs.EpochQueue[i].DueHeight = shift(gs.EpochQueue[i].DueHeight)
	}
	for i := range gs.Schedules {
		sc := &gs.Schedules[i]
		sc.StartHeight = shift(sc.StartHeight)
		sc.NextEpochHeight = shift(sc.NextEpochHeight)
		sc.HeightOffset += haltHeight // later epochs stay on the old chain's phase
	}
	for i := range gs.WorkMarks {
		gs.WorkMarks[i].Height = shift(gs.WorkMarks[i].Height)
	}
	for i := range gs.ModelUpdates {
		c := &gs.ModelUpdates[i]
		c.Height = shift(c.Height)
		if c.Previous != nil {
			// A copy, so that a caller's other slice of the same records keeps its heights.
			prev := *c.Previous
			prev.Height = shift(prev.Height)
			c.Previous = &prev
		}
	}
}
