package keeper

import (
	"testing"

	"github.com/taochain/taochain/x/intelligence/types"
)

// A chain restarted from a zero-height export at old height 38 (HeightOffset 38): subnet 1 with
// tempo 10 closes epochs where (old height + 2) is a multiple of 11, i.e. at old 42, 53, … =
// new 4, 15, …; without the offset the clock would jump to the new chain's own phase (new 9).
func TestScheduleKeepsPhaseAcrossRestart(t *testing.T) {
	const netuid, tempo = 1, 10
	sc := types.EpochSchedule{Netuid: netuid, Epoch: 3, StartHeight: -6, NextEpochHeight: 4, Tempo: tempo, HeightOffset: 38}
	if got := nextAfter(sc, netuid, tempo, 4); got != 15 {
		t.Fatalf("next epoch after new height 4: %d, want 15 (old 53)", got)
	}
	sc.HeightOffset = 0
	if got := nextAfter(sc, netuid, tempo, 4); got != 9 {
		t.Fatalf("without a restart the next epoch after 4 is %d, want 9", got)
	}

	// Tempo 10 → 5 at new height 2 (old 40) for the epoch that started at new -6 (old 32): the
	// first tempo-5 boundary of the old phase at least 6 blocks after the start and not before now
	// is old 40 = new 2. The start is negative: it must not be clamped to 0 (that would give 10).
	sc = types.EpochSchedule{Netuid: netuid, Epoch: 3, StartHeight: -6, NextEpochHeight: 4, Tempo: tempo, HeightOffset: 38}
	if got := rescheduled(sc, netuid, 5, 2); got.NextEpochHeight != 2 || got.Tempo != 5 || got.StartHeight != -6 || got.Epoch != 3 {
		t.Fatalf("rescheduled after a restart: %+v, want next 2, tempo 5, start -6, epoch 3", got)
	}
}
