package scoring

import (
	"errors"
	"math"
	"testing"

	"github.com/taochain/taochain/inference/corpus"
)

// Two windows with 4 + 6 = 10 continuation characters (one multi-byte).
var windows = []corpus.Window{{Prompt: "ab", Continuation: "cdéf"}, {Prompt: "gh", Continuation: "ijklmn"}}

func TestScoreFormula(t *testing.T) {
	boom := errors.New("timeout")
	outcomes := []Outcome{
		{UID: 4, LogProbs: []float64{-10, -10}},        // L = -2
		{UID: 2, LogProbs: []float64{-5, -10}},         // L = -1.5 (best)
		{UID: 9, LogProbs: []float64{-7.5, -7.5}},      // L = -1.5 (tie with uid 2)
		{UID: 1, LogProbs: []float64{-1}, Err: boom},   // failed
		{UID: 3, LogProbs: []float64{-1}},              // incomplete
		{UID: 5, LogProbs: []float64{-1, 0.25}},        // impossible log-probability
		{UID: 6, LogProbs: []float64{-1, math.NaN()}},  // garbage
		{UID: 7, LogProbs: []float64{-200, -200}},      // L = -40: rounds to 0 but did not fail
		{UID: 8, LogProbs: []float64{-15.5, -16.9999}}, // L = -3.24999
	}
	got, err := Score(windows, outcomes, Config{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint16]uint16{
		1: 0, 3: 0, 5: 0, 6: 0,
		2: 65535, 9: 65535,
		4: uint16(math.Round(65535 * math.Exp(-0.5))),
		7: 0,
		8: uint16(math.Round(65535 * math.Exp(-3.24999+1.5))),
	}
	for i, s := range got {
		if i > 0 && got[i-1].UID >= s.UID {
			t.Fatal("result not sorted by uid")
		}
		if s.Score != want[s.UID] {
			t.Fatalf("uid %d: score %d, want %d", s.UID, s.Score, want[s.UID])
		}
	}
	if got[0].UID != 1 || !errors.Is(got[0].Err, boom) || !math.IsInf(got[0].PerChar, -1) {
		t.Fatalf("failed miner %+v", got[0])
	}
	for _, uid := range []uint16{3, 5, 6} {
		if s := find(got, uid); !errors.Is(s.Err, ErrIncomplete) {
			t.Fatalf("uid %d: err %v", uid, s.Err)
		}
	}
	if s := find(got, 7); s.Err != nil || s.PerChar != -40 {
		t.Fatalf("uid 7 %+v", s)
	}
	r := Ranking(got)
	if r[0].UID != 2 || r[1].UID != 9 || r[2].UID != 4 || r[3].UID != 8 || r[4].UID != 7 || r[5].UID != 1 {
		t.Fatalf("ranking order %v", uids(r))
	}
}

func TestSharpness(t *testing.T) {
	outcomes := []Outcome{{UID: 1, LogProbs: []float64{-10, -10}}, {UID: 2, LogProbs: []float64{-5, -10}}}
	soft, _ := Score(windows, outcomes, Config{Sharpness: 1})
	sharp, _ := Score(windows, outcomes, Config{Sharpness: 4})
	if !(sharp[0].Score < soft[0].Score) || sharp[1].Score != MaxScore {
		t.Fatalf("sharpness 4 gave %d vs %d", sharp[0].Score, soft[0].Score)
	}
	if _, err := Score(windows, outcomes, Config{Sharpness: -1}); err == nil {
		t.Fatal("negative sharpness accepted")
	}
}

func TestScoreEdgeCases(t *testing.T) {
	all, err := Score(windows, []Outcome{{UID: 1, Err: errors.New("x")}, {UID: 2, LogProbs: []float64{-1}}}, Config{})
	if err != nil || all[0].Score != 0 || all[1].Score != 0 {
		t.Fatalf("all failed: %+v, %v", all, err)
	}
	if _, err := Score(nil, nil, Config{}); err == nil {
		t.Fatal("no windows accepted")
	}
	if _, err := Score([]corpus.Window{{Prompt: "a"}}, nil, Config{}); err == nil {
		t.Fatal("empty continuations accepted")
	}
	if _, err := Score(windows, []Outcome{{UID: 1, LogProbs: []float64{-1, -1}}, {UID: 1, LogProbs: []float64{-1, -1}}}, Config{}); err == nil {
		t.Fatal("duplicate uid accepted")
	}
	// Input order does not matter.
	a, _ := Score(windows, []Outcome{{UID: 1, LogProbs: []float64{-3, -4}}, {UID: 2, LogProbs: []float64{-5, -6}}}, Config{})
	b, _ := Score(windows, []Outcome{{UID: 2, LogProbs: []float64{-5, -6}}, {UID: 1, LogProbs: []float64{-3, -4}}}, Config{})
	if a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("order dependent: %+v vs %+v", a, b)
	}
}

func TestTaskCommitment(t *testing.T) {
	o := []Outcome{{UID: 2, Hotkey: "tao1b", LogProbs: []float64{-1, -2}}, {UID: 1, Hotkey: "tao1a", Err: errors.New("x")}}
	base := TaskCommitment(windows, o)
	if base != TaskCommitment(windows, []Outcome{o[1], o[0]}) {
		t.Fatal("commitment depends on outcome order")
	}
	changed := []Outcome{{UID: 2, Hotkey: "tao1b", LogProbs: []float64{-1, -2.0000001}}, o[1]}
	if base == TaskCommitment(windows, changed) {
		t.Fatal("commitment ignores answers")
	}
	w2 := []corpus.Window{windows[0], {Prompt: "gh", Continuation: "ijklmo"}}
	if base == TaskCommitment(w2, o) {
		t.Fatal("commitment ignores windows")
	}
	// Length prefixes prevent moving text between prompt and continuation.
	w3 := []corpus.Window{{Prompt: "abc", Continuation: "déf"}, windows[1]}
	if base == TaskCommitment(w3, o) {
		t.Fatal("commitment is ambiguous")
	}
	ev := NewEvaluation(3, 9, []MinerScore{{UID: 1, Score: 0}, {UID: 2, Score: 65535}}, base)
	if ev.Netuid != 3 || ev.Epoch != 9 || len(ev.UIDs) != 2 || ev.UIDs[1] != 2 || ev.Scores[1] != 65535 || ev.TaskCommitment != base {
		t.Fatalf("evaluation %+v", ev)
	}
}

func find(s []MinerScore, uid uint16) MinerScore {
	for _, x := range s {
		if x.UID == uid {
			return x
		}
	}
	return MinerScore{}
}

func uids(s []MinerScore) []uint16 {
	var out []uint16
	for _, x := range s {
		out = append(out, x.UID)
	}
	return out
}
