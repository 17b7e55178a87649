package watch

import (
	"bytes"
	"strings"
	"testing"

	"cosmossdk.io/math"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

func state(epoch uint64, lastHeight int64, emissions ...int64) State {
	mg := &subnettypes.QueryMetagraphResponse{Netuid: 1}
	for i, e := range emissions {
		mg.Neurons = append(mg.Neurons, subnettypes.MetagraphEntry{
			Uid: uint32(i), Hotkey: []string{"hkA", "hkB", "hkC"}[i], Stake: math.NewInt(2_500_000_000),
			Emission: math.NewInt(e), Incentive: uint32(i) * 30000, Axon: subnettypes.AxonInfo{Port: 8091},
		})
	}
	mg.Neurons[0].ValidatorPermit = true
	return State{
		Metagraph: mg,
		Epoch:     &inteltypes.QueryEpochInfoResponse{Height: lastHeight + 3, Tempo: 10, CurrentEpoch: epoch + 1, NextEpochHeight: lastHeight + 11},
		Last:      &inteltypes.EpochRecord{Netuid: 1, Epoch: epoch, Height: lastHeight, Emission: math.NewInt(4_500_000_000)},
	}
}

func TestTrackerCountsEachEpochOnce(t *testing.T) {
	tr := NewTracker()
	if tr.Observe(State{Metagraph: &subnettypes.QueryMetagraphResponse{}}) {
		t.Fatal("a state without an epoch run was counted")
	}
	if !tr.Observe(state(4, 50, 100, 200, 0)) {
		t.Fatal("first epoch run not counted")
	}
	// Polling again within the same epoch must not add its pay a second time.
	if tr.Observe(state(4, 50, 100, 200, 0)) {
		t.Fatal("same epoch counted twice")
	}
	if !tr.Observe(state(5, 61, 10, 20, 30)) {
		t.Fatal("next epoch run not counted")
	}
	for hk, want := range map[string]int64{"hkA": 110, "hkB": 220, "hkC": 30, "nobody": 0} {
		if got := tr.Earned(hk); !got.Equal(math.NewInt(want)) {
			t.Errorf("earned %s = %s, want %d", hk, got, want)
		}
	}
	if tr.EpochsSeen() != 2 {
		t.Errorf("epochs seen %d, want 2", tr.EpochsSeen())
	}
}

func TestRenderNamesRolesAndAmounts(t *testing.T) {
	tr := NewTracker()
	s := state(4, 50, 1_234_567_890, 200, 0)
	tr.Observe(s)
	var buf bytes.Buffer
	if err := tr.Render(&buf, s, map[string]string{"hkB": "miner2-hot"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"height 53 · subnet 1 · epoch 5 (tempo 10, next at 61) · last epoch 4 at 50 paid 4.5000 TAO",
		"miner2-hot", "validator", "1.2345", "2.5000", "0.9155",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if err := tr.Render(&buf, State{}, nil); err == nil {
		t.Error("rendering an empty state did not fail")
	}
}

func TestFormats(t *testing.T) {
	cases := map[uint32]string{0: "0.0000", 65535: "1.0000", 32767: "0.5000", 1: "0.0000", 7: "0.0001"}
	for v, want := range cases {
		if got := Fraction(v); got != want {
			t.Errorf("Fraction(%d) = %s, want %s", v, got, want)
		}
	}
	taos := map[int64]string{0: "0.0000", 1_000_000_000: "1.0000", 21_000_000_123_456_789: "21000000.1234", 99_999: "0.0000"}
	for rao, want := range taos {
		if got := FormatTAO(math.NewInt(rao)); got != want {
			t.Errorf("FormatTAO(%d) = %s, want %s", rao, got, want)
		}
	}
}
