package scoring

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/model"
)

// Two tasks with two candidates each; the true candidate is at index 1 then 0.
var tasks = []Task{
	{Prompt: "ab", Candidates: []string{"xy", "cd"}, Answer: 1},
	{Prompt: "gh", Candidates: []string{"ij", "zz"}, Answer: 0},
}

func gain(q float64, k int) float64 {
	return math.Log((1-DefaultFloor)*q+DefaultFloor/float64(k)) + math.Log(float64(k))
}

func TestScoreFormula(t *testing.T) {
	boom := errors.New("timeout")
	ln := math.Log
	outcomes := []Outcome{
		{UID: 2, LogProbs: [][]float64{{ln(0.2), ln(0.8)}, {ln(0.9), ln(0.1)}}}, // confident and right (best)
		{UID: 4, LogProbs: [][]float64{{-3, -3}, {-7, -7}}},                     // no opinion: exactly chance
		{UID: 9, LogProbs: [][]float64{{ln(0.4), ln(0.6)}, {ln(0.6), ln(0.4)}}}, // right, less sure
		{UID: 1, Err: boom},                                                      // failed
		{UID: 3, LogProbs: [][]float64{{-1, -1}}},                                // incomplete
		{UID: 5, LogProbs: [][]float64{{-1, 0.25}, {-1, -1}}},                    // impossible log-probability
		{UID: 6, LogProbs: [][]float64{{-1, math.NaN()}, {-1, -1}}},              // garbage
		{UID: 7, LogProbs: [][]float64{{0, -100}, {-100, 0}}},                    // confident and wrong
		{UID: 8, LogProbs: [][]float64{{-1, -1, -1}, {-1, -1}}},                  // wrong shape
		{UID: 10, LogProbs: [][]float64{{ln(0.2), ln(0.8)}, {ln(0.9), ln(0.1)}}}, // tie with uid 2
	}
	got, err := Score(tasks, outcomes, Config{})
	if err != nil {
		t.Fatal(err)
	}
	g2 := (gain(0.8, 2) + gain(0.9, 2)) / 2
	g9 := (gain(0.6, 2) + gain(0.6, 2)) / 2
	want := map[uint16]uint16{
		1: 0, 3: 0, 5: 0, 6: 0, 7: 0, 8: 0, 4: 0,
		2: 65535, 10: 65535,
		9: uint16(math.Round(65535 * g9 / g2)),
	}
	for i, s := range got {
		if i > 0 && got[i-1].UID >= s.UID {
			t.Fatal("result not sorted by uid")
		}
		if s.Score != want[s.UID] {
			t.Fatalf("uid %d: score %d, want %d (gain %v)", s.UID, s.Score, want[s.UID], s.Gain)
		}
	}
	if s := find(got, 1); !errors.Is(s.Err, boom) || !math.IsInf(s.Gain, -1) {
		t.Fatalf("failed miner %+v", s)
	}
	for _, uid := range []uint16{3, 5, 6, 8} {
		if s := find(got, uid); !errors.Is(s.Err, ErrIncomplete) {
			t.Fatalf("uid %d: err %v", uid, s.Err)
		}
	}
	if s := find(got, 4); s.Err != nil || math.Abs(s.Gain) > 1e-12 {
		t.Fatalf("no-opinion miner should be exactly at chance: %+v", s)
	}
	if s := find(got, 7); s.Err != nil || s.Gain >= 0 {
		t.Fatalf("confidently wrong miner above chance: %+v", s)
	}
	r := Ranking(got)
	if r[0].UID != 2 || r[1].UID != 10 || r[2].UID != 9 || r[3].UID != 4 || r[4].UID != 7 {
		t.Fatalf("ranking order %v", uids(r))
	}
}

// heldOutTasks are tasks as a validator builds them from the shipped held-out text.
func heldOutTasks(t *testing.T, seed byte, n int) []Task {
	t.Helper()
	var s [32]byte
	s[0], s[31] = seed, seed
	ts, err := BuildTasks(corpus.HeldOut(), s, TaskConfig{Count: n, PromptChars: 64, ContinuationChars: 2, Candidates: 8})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func honest(t *testing.T, uid uint16, m model.Model, ts []Task) Outcome {
	t.Helper()
	o := Outcome{UID: uid, Model: m.Name()}
	for _, task := range ts {
		lps := make([]float64, len(task.Candidates))
		for k, c := range task.Candidates {
			lp, err := m.Score(context.Background(), task.Prompt, c)
			if err != nil {
				t.Fatal(err)
			}
			lps[k] = lp
		}
		o.LogProbs = append(o.LogProbs, lps)
	}
	return o
}

// TestBetterModelScoresHigherAndLiarsGetNothing: honest n-gram miners of orders 1, 3 and 5 trained
// on the training split rank by order on held-out tasks, while miners that do not know the answer
// but claim certainty (the exploit of self-reported log-likelihoods), report constants or random
// numbers get no more than chance, hence score 0.
func TestBetterModelScoresHigherAndLiarsGetNothing(t *testing.T) {
	train := corpus.Train()
	o1, o3, o5 := model.Train(train, 1), model.Train(train, 3), model.Train(train, 5)
	for _, seed := range []byte{1, 2, 3} {
		ts := heldOutTasks(t, seed, 48)
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		claimAll := Outcome{UID: 10}  // claims log P = 0 for every candidate
		constant := Outcome{UID: 11}  // same value everywhere
		random := Outcome{UID: 12}    // random numbers
		confident := Outcome{UID: 13} // certain of one random candidate
		for _, task := range ts {
			k := len(task.Candidates)
			a, b, c, d := make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
			pick := rng.IntN(k)
			for i := range k {
				b[i] = -4.2
				c[i] = -20 * rng.Float64()
				d[i] = -50
			}
			d[pick] = 0
			claimAll.LogProbs = append(claimAll.LogProbs, a)
			constant.LogProbs = append(constant.LogProbs, b)
			random.LogProbs = append(random.LogProbs, c)
			confident.LogProbs = append(confident.LogProbs, d)
		}
		outs := []Outcome{honest(t, 1, o1, ts), honest(t, 3, o3, ts), honest(t, 5, o5, ts), claimAll, constant, random, confident}
		got, err := Score(ts, outs, Config{})
		if err != nil {
			t.Fatal(err)
		}
		s1, s3, s5 := find(got, 1), find(got, 3), find(got, 5)
		t.Logf("seed %d: gains o1 %.3f o3 %.3f o5 %.3f  liars %.3f %.3f %.3f %.3f; scores %d %d %d",
			seed, s1.Gain, s3.Gain, s5.Gain, find(got, 10).Gain, find(got, 11).Gain, find(got, 12).Gain, find(got, 13).Gain,
			s1.Score, s3.Score, s5.Score)
		if !(s5.Score == MaxScore && s5.Score > s3.Score && s3.Score > s1.Score) {
			t.Fatalf("seed %d: scores o1 %d o3 %d o5 %d not ranked by order", seed, s1.Score, s3.Score, s5.Score)
		}
		for _, uid := range []uint16{10, 11} {
			if s := find(got, uid); s.Score != 0 || math.Abs(s.Gain) > 1e-9 {
				t.Fatalf("seed %d: liar uid %d got %+v, want exactly chance and score 0", seed, uid, s)
			}
		}
		for _, uid := range []uint16{12, 13} {
			if s := find(got, uid); s.Score != 0 || s.Gain >= s3.Gain {
				t.Fatalf("seed %d: guessing liar uid %d got %+v", seed, uid, s)
			}
		}
	}
}

func TestBuildTasks(t *testing.T) {
	text := corpus.HeldOut()
	a := heldOutTasks(t, 1, 40)
	b := heldOutTasks(t, 1, 40)
	c := heldOutTasks(t, 2, 40)
	answers := map[int]int{}
	for i, task := range a {
		if len(task.Candidates) != 8 || task.Prompt != b[i].Prompt || task.Answer != b[i].Answer {
			t.Fatalf("task %d not deterministic or wrong size: %+v vs %+v", i, task, b[i])
		}
		if !strings.Contains(text, task.Prompt+task.Candidates[task.Answer]) {
			t.Fatalf("task %d: true candidate %q does not follow its prompt", i, task.Candidates[task.Answer])
		}
		seen := map[string]bool{}
		for _, cand := range task.Candidates {
			if seen[cand] || utf8.RuneCountInString(cand) != 2 {
				t.Fatalf("task %d: candidates %q not distinct or not 2 characters", i, task.Candidates)
			}
			seen[cand] = true
		}
		answers[task.Answer]++
	}
	if len(answers) < 4 {
		t.Fatalf("true candidate positions not shuffled: %v", answers)
	}
	same := 0
	for i := range a {
		if a[i].Prompt == c[i].Prompt {
			same++
		}
	}
	if same == len(a) {
		t.Fatal("another seed gave the same tasks")
	}
	if _, err := BuildTasks(text, [32]byte{}, TaskConfig{Count: 1, PromptChars: 4, ContinuationChars: 2, Candidates: 1}); err == nil {
		t.Fatal("one candidate accepted")
	}
	if _, err := BuildTasks("aaaaaaaaaaaa", [32]byte{}, TaskConfig{Count: 1, PromptChars: 4, ContinuationChars: 2, Candidates: 4}); err == nil {
		t.Fatal("text without decoys accepted")
	}
}

func TestSharpness(t *testing.T) {
	ln := math.Log
	outcomes := []Outcome{
		{UID: 1, LogProbs: [][]float64{{ln(0.4), ln(0.6)}, {ln(0.6), ln(0.4)}}},
		{UID: 2, LogProbs: [][]float64{{ln(0.2), ln(0.8)}, {ln(0.9), ln(0.1)}}},
	}
	soft, _ := Score(tasks, outcomes, Config{Sharpness: 1})
	sharp, _ := Score(tasks, outcomes, Config{Sharpness: 4})
	if !(sharp[0].Score < soft[0].Score) || sharp[1].Score != MaxScore {
		t.Fatalf("sharpness 4 gave %d vs %d", sharp[0].Score, soft[0].Score)
	}
	if _, err := Score(tasks, outcomes, Config{Sharpness: -1}); err == nil {
		t.Fatal("negative sharpness accepted")
	}
	if _, err := Score(tasks, outcomes, Config{Floor: 1}); err == nil {
		t.Fatal("floor 1 accepted")
	}
}

func TestScoreEdgeCases(t *testing.T) {
	all, err := Score(tasks, []Outcome{{UID: 1, Err: errors.New("x")}, {UID: 2, LogProbs: [][]float64{{-1, -1}, {-1, -1}}}}, Config{})
	if err != nil || all[0].Score != 0 || all[1].Score != 0 {
		t.Fatalf("nobody above chance: %+v, %v", all, err)
	}
	ev := NewEvaluation(1, 1, all, [32]byte{})
	if ev.HasWeight() {
		t.Fatal("all-zero evaluation reports weight")
	}
	if _, err := Score(nil, nil, Config{}); err == nil {
		t.Fatal("no tasks accepted")
	}
	if _, err := Score([]Task{{Prompt: "a", Candidates: []string{"b", "c"}, Answer: 2}}, nil, Config{}); err == nil {
		t.Fatal("answer out of range accepted")
	}
	good := [][]float64{{-2, -1}, {-1, -2}}
	if _, err := Score(tasks, []Outcome{{UID: 1, LogProbs: good}, {UID: 1, LogProbs: good}}, Config{}); err == nil {
		t.Fatal("duplicate uid accepted")
	}
	// Input order does not matter.
	a, _ := Score(tasks, []Outcome{{UID: 1, LogProbs: good}, {UID: 2, LogProbs: [][]float64{{-3, -1}, {-1, -2}}}}, Config{})
	b, _ := Score(tasks, []Outcome{{UID: 2, LogProbs: [][]float64{{-3, -1}, {-1, -2}}}, {UID: 1, LogProbs: good}}, Config{})
	if a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("order dependent: %+v vs %+v", a, b)
	}
}

func TestTaskCommitment(t *testing.T) {
	o := []Outcome{{UID: 2, Hotkey: "tao1b", LogProbs: [][]float64{{-1, -2}, {-3, -4}}}, {UID: 1, Hotkey: "tao1a", Err: errors.New("x")}}
	base := TaskCommitment(tasks, o)
	if base != TaskCommitment(tasks, []Outcome{o[1], o[0]}) {
		t.Fatal("commitment depends on outcome order")
	}
	changed := []Outcome{{UID: 2, Hotkey: "tao1b", LogProbs: [][]float64{{-1, -2}, {-3, -4.0000001}}}, o[1]}
	if base == TaskCommitment(tasks, changed) {
		t.Fatal("commitment ignores answers")
	}
	t2 := []Task{tasks[0], {Prompt: "gh", Candidates: []string{"ij", "zz"}, Answer: 1}}
	if base == TaskCommitment(t2, o) {
		t.Fatal("commitment ignores the secret answer")
	}
	// Length prefixes prevent moving text between prompt and candidates.
	t3 := []Task{{Prompt: "abx", Candidates: []string{"y", "cd"}, Answer: 1}, tasks[1]}
	if base == TaskCommitment(t3, o) {
		t.Fatal("commitment is ambiguous")
	}
	ev := NewEvaluation(3, 9, []MinerScore{{UID: 1, Score: 0}, {UID: 2, Score: 65535}}, base)
	if ev.Netuid != 3 || ev.Epoch != 9 || len(ev.UIDs) != 2 || ev.UIDs[1] != 2 || ev.Scores[1] != 65535 || ev.TaskCommitment != base || !ev.HasWeight() {
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

// TestScoreAveragesEveryTask: a miner's gain is its mean over all the tasks it was given, so one
// good answer among k counts 1/k, and answering fewer than k tasks is a failure.
func TestScoreAveragesEveryTask(t *testing.T) {
	ln := math.Log
	var ts []Task
	for i := 0; i < 4; i++ {
		ts = append(ts, Task{Prompt: strings.Repeat("p", i+1), Candidates: []string{"aa", "bb"}, Answer: 0})
	}
	chance := []float64{ln(0.5), ln(0.5)}
	sure := []float64{ln(0.9), ln(0.1)}
	got, err := Score(ts, []Outcome{
		{UID: 1, LogProbs: [][]float64{sure, chance, chance, chance}},
		{UID: 2, LogProbs: [][]float64{sure, sure, sure, sure}},
		{UID: 3, LogProbs: [][]float64{sure, sure, sure}},
	}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if g := find(got, 1).Gain; math.Abs(g-gain(0.9, 2)/4) > 1e-12 {
		t.Fatalf("gain %v, want a quarter of one task's %v", g, gain(0.9, 2))
	}
	if s := find(got, 1).Score; s != uint16(math.Round(MaxScore/4.0)) {
		t.Fatalf("score %d, want a quarter of the best", s)
	}
	if s := find(got, 3); !errors.Is(s.Err, ErrIncomplete) || s.Score != 0 {
		t.Fatalf("3 answers for 4 tasks: score %d err %v", s.Score, s.Err)
	}
}
