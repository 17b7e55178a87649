package validator_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/taochain/taochain/inference/scoring"
	"github.com/taochain/taochain/inference/validator"
)

func ms(uid uint16, hotkey string, score uint16) scoring.MinerScore {
	return scoring.MinerScore{UID: uid, Hotkey: hotkey, Score: score}
}

// TestScoreEMA: a new miner starts at its first score (fair start), a known one moves by α towards
// each new score, a failure (score 0) is averaged in, a uid that changed hotkey starts over, and
// miners not measured keep their average.
func TestScoreEMA(t *testing.T) {
	s := validator.ScoreEMA{Netuid: 1}
	s, err := s.Apply(10, []scoring.MinerScore{ms(1, "a", 1000), ms(2, "b", 60000)}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if s.Weight(1, "a") != 1000 || s.Weight(2, "b") != 60000 {
		t.Fatalf("first epoch: weights %d %d, want the scores themselves", s.Weight(1, "a"), s.Weight(2, "b"))
	}
	// uid 2 fails (0); uid 3 is new and starts at its score, not at 0.
	s, err = s.Apply(11, []scoring.MinerScore{ms(1, "a", 3000), ms(2, "b", 0), ms(3, "c", 20000)}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if s.Weight(1, "a") != 2000 || s.Weight(2, "b") != 30000 || s.Weight(3, "c") != 20000 {
		t.Fatalf("second epoch: weights %d %d %d, want 2000 30000 20000", s.Weight(1, "a"), s.Weight(2, "b"), s.Weight(3, "c"))
	}
	// uid 1 changed hands: the new hotkey starts at its own score; uid 3 is not measured.
	s, err = s.Apply(12, []scoring.MinerScore{ms(1, "z", 500), ms(2, "b", 0)}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if s.Weight(1, "z") != 500 || s.Weight(1, "a") != 0 || s.Weight(3, "c") != 20000 || s.Weight(2, "b") != 15000 {
		t.Fatalf("third epoch: weights z %d a %d c %d b %d", s.Weight(1, "z"), s.Weight(1, "a"), s.Weight(3, "c"), s.Weight(2, "b"))
	}
	if s.Miners[0].Epochs != 1 || s.Miners[1].Epochs != 3 {
		t.Fatalf("epochs averaged %+v", s.Miners)
	}
	// α = 1 keeps no memory.
	one, err := s.Apply(13, []scoring.MinerScore{ms(2, "b", 7)}, 1)
	if err != nil || one.Weight(2, "b") != 7 {
		t.Fatalf("alpha 1: weight %d err %v", one.Weight(2, "b"), err)
	}
	for _, alpha := range []float64{0, -0.1, 1.5} {
		if _, err := s.Apply(13, nil, alpha); err == nil {
			t.Fatalf("alpha %v accepted", alpha)
		}
	}
	if _, err := s.Apply(11, nil, 0.5); err == nil {
		t.Fatal("an epoch before the last applied one was accepted")
	}
}

// TestScoreEMAAppliesAnEpochOnce: measuring the last applied epoch again (a restart after the file
// was written but before the evaluation was signed) replaces that epoch's contribution, after a
// save and reload too, instead of averaging it in twice.
func TestScoreEMAAppliesAnEpochOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "score-ema.json")
	s, err := validator.LoadScoreEMA(path, 4)
	if err != nil || s.LastEpoch != nil || len(s.Miners) != 0 {
		t.Fatalf("missing file: %+v %v", s, err)
	}
	s, _ = s.Apply(20, []scoring.MinerScore{ms(1, "a", 40000)}, 0.25)
	s, _ = s.Apply(21, []scoring.MinerScore{ms(1, "a", 0)}, 0.25)
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	re, err := validator.LoadScoreEMA(path, 4)
	if err != nil || re.LastEpoch == nil || *re.LastEpoch != 21 || re.Weight(1, "a") != 30000 {
		t.Fatalf("reloaded: %+v %v, want epoch 21 and weight 30000", re, err)
	}
	again, err := re.Apply(21, []scoring.MinerScore{ms(1, "a", 8000)}, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	if w := again.Weight(1, "a"); w != 32000 || again.Miners[0].Epochs != 2 {
		t.Fatalf("epoch 21 measured again: weight %d epochs %d, want 32000 (0.75·40000 + 0.25·8000) over 2 epochs", w, again.Miners[0].Epochs)
	}
	if _, err := os.Stat(path + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temporary file left behind: %v", err)
	}
	if _, err := validator.LoadScoreEMA(path, 5); err == nil {
		t.Fatal("history of subnet 4 loaded for subnet 5")
	}
}
