package scoring

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/taochain/taochain/inference/corpus"
)

// MaxScore is the score of the best miner.
const MaxScore = math.MaxUint16

// Defaults for Config.
const (
	// DefaultFloor is ε in the formula.
	DefaultFloor = 0.05
	// DefaultSharpness is β in the formula.
	DefaultSharpness = 1.0
)

// Task is one evaluation task: a prompt and shuffled candidate continuations, one of them true.
type Task struct {
	// Prompt is the context shown to the miner.
	Prompt string
	// Candidates are the continuations shown to the miner, in the (secret) shuffled order.
	Candidates []string
	// Answer is the index in Candidates of the true continuation; never sent to miners.
	Answer int
}

// TaskConfig says how many tasks BuildTasks draws and how they look.
type TaskConfig struct {
	// Count is the number of tasks drawn. The validator draws one set per epoch and puts every task
	// to every miner, so Count is also the number of tasks each miner answers per epoch; Score
	// averages a miner's gain over all of them.
	Count int
	// PromptChars is the prompt length in characters.
	PromptChars int
	// ContinuationChars is the length of every candidate in characters.
	ContinuationChars int
	// Candidates is K, the number of candidates per task including the true one (≥ 2).
	Candidates int
}

// BuildTasks draws cfg.Count tasks from text (held-out text the miners are not trained on):
// windows of PromptChars + ContinuationChars characters, each with Candidates−1 distinct decoys of
// ContinuationChars characters cut from other random places of text, shuffled. Everything is
// derived from seed, so a validator uses a fresh secret seed per epoch and can reproduce the tasks
// later from it.
func BuildTasks(text string, seed [32]byte, cfg TaskConfig) ([]Task, error) {
	if cfg.Candidates < 2 || cfg.Candidates > 64 {
		return nil, fmt.Errorf("scoring: %d candidates per task, want 2..64", cfg.Candidates)
	}
	windows, err := corpus.Windows(text, binary.BigEndian.Uint64(seed[0:8]), cfg.Count, cfg.PromptChars, cfg.ContinuationChars)
	if err != nil {
		return nil, err
	}
	// A generous pool of decoys: duplicates of the true continuation (or of each other) are skipped.
	pool, err := corpus.Windows(text, binary.BigEndian.Uint64(seed[8:16]), cfg.Count*(cfg.Candidates-1)*3, 1, cfg.ContinuationChars)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewChaCha8(seed))
	tasks := make([]Task, len(windows))
	next := 0
	for i, w := range windows {
		cands := []string{w.Continuation}
		seen := map[string]bool{w.Continuation: true}
		for len(cands) < cfg.Candidates && next < len(pool) {
			d := pool[next].Continuation
			next++
			if !seen[d] {
				seen[d] = true
				cands = append(cands, d)
			}
		}
		if len(cands) < 2 {
			return nil, fmt.Errorf("scoring: text too repetitive to find a decoy for task %d", i)
		}
		perm := rng.Perm(len(cands))
		t := Task{Prompt: w.Prompt, Candidates: make([]string, len(cands))}
		for from, to := range perm {
			t.Candidates[to] = cands[from]
			if from == 0 {
				t.Answer = to
			}
		}
		tasks[i] = t
	}
	return tasks, nil
}

// Outcome is what one miner answered on an evaluation's tasks.
type Outcome struct {
	// UID is the miner's uid in the subnet.
	UID uint16
	// Hotkey is the miner's hotkey address.
	Hotkey string
	// Model is the model name the miner reported (informational).
	Model string
	// LogProbs holds, per task in task order, the miner's log P(candidate | prompt) per candidate.
	LogProbs [][]float64
	// Err records why the miner failed; non-nil means score 0.
	Err error
}

// Config tunes the score formula.
type Config struct {
	// Sharpness is β in the formula; 0 means DefaultSharpness.
	Sharpness float64
	// Floor is ε in the formula, in [0, 1); 0 means DefaultFloor. Use a tiny positive value for
	// (almost) no floor.
	Floor float64
}

// MinerScore is one miner's result.
type MinerScore struct {
	// UID is the miner's uid.
	UID uint16
	// Hotkey is the miner's hotkey address.
	Hotkey string
	// Gain is G, the mean gain over chance per task in nats; -Inf for a failed miner.
	Gain float64
	// Score is the u16 score sent on chain.
	Score uint16
	// Err is why the miner scored 0 by failure (nil for a miner that answered everything).
	Err error
}

// ErrIncomplete marks a miner whose answers do not cover every task and candidate or are not valid
// log-probabilities.
var ErrIncomplete = errors.New("scoring: answers missing or invalid")

// TaskGain returns g for one task: the floored log-probability the answers lps give the true
// candidate after renormalising over the candidates, minus log(1/K). lps must be finite and ≤ 0.
func TaskGain(t Task, lps []float64, floor float64) (float64, error) {
	if len(lps) != len(t.Candidates) {
		return 0, fmt.Errorf("%w: %d log-probabilities for %d candidates", ErrIncomplete, len(lps), len(t.Candidates))
	}
	best := math.Inf(-1)
	for k, lp := range lps {
		if math.IsNaN(lp) || math.IsInf(lp, 0) || lp > 0 {
			return 0, fmt.Errorf("%w: candidate %d log-probability %v", ErrIncomplete, k, lp)
		}
		best = max(best, lp)
	}
	sum := 0.0
	for _, lp := range lps {
		sum += math.Exp(lp - best)
	}
	k := float64(len(lps))
	q := math.Exp(lps[t.Answer]-best) / sum
	return math.Log((1-floor)*q+floor/k) + math.Log(k), nil
}

// Score applies the package formula to outcomes over tasks. The result is sorted by UID; UIDs must
// be unique.
func Score(tasks []Task, outcomes []Outcome, cfg Config) ([]MinerScore, error) {
	beta, floor := cfg.Sharpness, cfg.Floor
	if beta == 0 {
		beta = DefaultSharpness
	}
	if floor == 0 {
		floor = DefaultFloor
	}
	if beta < 0 || math.IsNaN(beta) || math.IsInf(beta, 0) {
		return nil, fmt.Errorf("scoring: sharpness %v must be a positive number", cfg.Sharpness)
	}
	if !(floor > 0 && floor < 1) {
		return nil, fmt.Errorf("scoring: floor %v must be in [0, 1)", cfg.Floor)
	}
	if len(tasks) == 0 {
		return nil, errors.New("scoring: no tasks")
	}
	for i, t := range tasks {
		if len(t.Candidates) < 2 || t.Answer < 0 || t.Answer >= len(t.Candidates) {
			return nil, fmt.Errorf("scoring: task %d has %d candidates and answer %d", i, len(t.Candidates), t.Answer)
		}
	}

	out := make([]MinerScore, len(outcomes))
	best := 0.0
	for i, o := range outcomes {
		out[i] = MinerScore{UID: o.UID, Hotkey: o.Hotkey, Gain: math.Inf(-1), Err: o.Err}
		if o.Err != nil {
			continue
		}
		if len(o.LogProbs) != len(tasks) {
			out[i].Err = fmt.Errorf("%w: %d answers for %d tasks", ErrIncomplete, len(o.LogProbs), len(tasks))
			continue
		}
		sum := 0.0
		for ti, t := range tasks {
			g, err := TaskGain(t, o.LogProbs[ti], floor)
			if err != nil {
				out[i].Err = fmt.Errorf("task %d: %w", ti, err)
				break
			}
			sum += g
		}
		if out[i].Err != nil {
			continue
		}
		out[i].Gain = sum / float64(len(tasks))
		best = max(best, out[i].Gain)
	}
	for i := range out {
		if out[i].Err != nil || out[i].Gain <= 0 || best <= 0 {
			continue
		}
		s := math.Round(MaxScore * math.Pow(out[i].Gain/best, beta))
		out[i].Score = uint16(min(max(s, 0), MaxScore))
	}
	sort.Slice(out, func(a, b int) bool { return out[a].UID < out[b].UID })
	for i := 1; i < len(out); i++ {
		if out[i].UID == out[i-1].UID {
			return nil, fmt.Errorf("scoring: uid %d appears twice", out[i].UID)
		}
	}
	return out, nil
}

// Ranking returns scores ordered best first: by Score descending, then Gain descending, then UID
// ascending.
func Ranking(scores []MinerScore) []MinerScore {
	r := append([]MinerScore(nil), scores...)
	sort.SliceStable(r, func(a, b int) bool {
		if r[a].Score != r[b].Score {
			return r[a].Score > r[b].Score
		}
		if r[a].Gain != r[b].Gain {
			return r[a].Gain > r[b].Gain
		}
		return r[a].UID < r[b].UID
	})
	return r
}

// Evaluation is the chain-independent content of an x/intelligence evaluation. A chain client adds
// chain_id, validator hotkey, nonce and signature when it builds MsgSubmitEvaluation.
type Evaluation struct {
	// Netuid is the evaluated subnet.
	Netuid uint16
	// Epoch is the epoch the evaluation is for.
	Epoch uint64
	// UIDs are the evaluated miners, ascending.
	UIDs []uint16
	// Scores are the u16 scores, aligned with UIDs.
	Scores []uint16
	// TaskCommitment is TaskCommitment(tasks, outcomes).
	TaskCommitment [32]byte
}

// HasWeight reports whether at least one score is non-zero (the chain rejects all-zero rows).
func (e Evaluation) HasWeight() bool {
	for _, s := range e.Scores {
		if s != 0 {
			return true
		}
	}
	return false
}

// EvaluationSink receives finished evaluations; the chain client implements it by signing and
// broadcasting MsgSubmitEvaluation. Submit must be idempotent for the same (Netuid, Epoch).
type EvaluationSink interface {
	Submit(ctx context.Context, ev Evaluation) error
}

// NewEvaluation assembles an Evaluation from Score's result (sorted by UID).
func NewEvaluation(netuid uint16, epoch uint64, scores []MinerScore, commitment [32]byte) Evaluation {
	ev := Evaluation{Netuid: netuid, Epoch: epoch, TaskCommitment: commitment}
	for _, s := range scores {
		ev.UIDs = append(ev.UIDs, s.UID)
		ev.Scores = append(ev.Scores, s.Score)
	}
	return ev
}

// commitmentDomain separates task commitments from other hashes.
const commitmentDomain = "taochain/evaluation/tasks/v2"

// TaskCommitment hashes the tasks (with their secret answers) and every miner's answers (the "hash
// of tasks+responses" of the design), so a validator is bound to the evidence behind its scores.
// Encoding: SHA-256 over the domain, u32 task count, then per task the length-prefixed (u32
// big-endian) prompt, u32 candidate count, each length-prefixed candidate and the u32 answer index;
// then per outcome in ascending UID order: uid (u16), length-prefixed hotkey, a status byte (1 ok,
// 0 failed) and for an ok outcome u32 task count and per task u32 count and each answer's IEEE-754
// bits (u64 big-endian).
func TaskCommitment(tasks []Task, outcomes []Outcome) [32]byte {
	h := sha256.New()
	var buf [8]byte
	u32 := func(v int) {
		binary.BigEndian.PutUint32(buf[:4], uint32(v))
		h.Write(buf[:4])
	}
	str := func(s string) {
		u32(len(s))
		h.Write([]byte(s))
	}
	h.Write([]byte(commitmentDomain))
	u32(len(tasks))
	for _, t := range tasks {
		str(t.Prompt)
		u32(len(t.Candidates))
		for _, c := range t.Candidates {
			str(c)
		}
		u32(t.Answer)
	}
	sorted := append([]Outcome(nil), outcomes...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].UID < sorted[b].UID })
	for _, o := range sorted {
		binary.BigEndian.PutUint16(buf[:2], o.UID)
		h.Write(buf[:2])
		str(o.Hotkey)
		if o.Err != nil {
			h.Write([]byte{0})
			continue
		}
		h.Write([]byte{1})
		u32(len(o.LogProbs))
		for _, lps := range o.LogProbs {
			u32(len(lps))
			for _, lp := range lps {
				binary.BigEndian.PutUint64(buf[:], math.Float64bits(lp))
				h.Write(buf[:])
			}
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}
