package scoring

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"unicode/utf8"

	"github.com/taochain/taochain/inference/corpus"
)

// MaxScore is the score of the best miner.
const MaxScore = math.MaxUint16

// Outcome is what one miner answered on an evaluation's windows.
type Outcome struct {
	// UID is the miner's uid in the subnet.
	UID uint16
	// Hotkey is the miner's hotkey address.
	Hotkey string
	// Model is the model name the miner reported (informational).
	Model string
	// LogProbs holds the miner's log P(continuation | prompt) per window, in window order.
	LogProbs []float64
	// Err records why the miner failed; non-nil means score 0.
	Err error
}

// Config tunes the score formula.
type Config struct {
	// Sharpness is β in the formula; 0 means 1.
	Sharpness float64
}

// MinerScore is one miner's result.
type MinerScore struct {
	// UID is the miner's uid.
	UID uint16
	// Hotkey is the miner's hotkey address.
	Hotkey string
	// PerChar is L, the mean log-likelihood per character; -Inf for a failed miner.
	PerChar float64
	// Score is the u16 score sent on chain.
	Score uint16
	// Err is why the miner scored 0 by failure (nil for a successful miner).
	Err error
}

// ErrIncomplete marks a miner whose answers do not cover every window or are not valid
// log-probabilities.
var ErrIncomplete = errors.New("scoring: answers missing or invalid")

// Score applies the package formula to outcomes over windows. The result is sorted by UID; UIDs
// must be unique.
func Score(windows []corpus.Window, outcomes []Outcome, cfg Config) ([]MinerScore, error) {
	beta := cfg.Sharpness
	if beta == 0 {
		beta = 1
	}
	if beta < 0 || math.IsNaN(beta) || math.IsInf(beta, 0) {
		return nil, fmt.Errorf("scoring: sharpness %v must be a positive number", cfg.Sharpness)
	}
	if len(windows) == 0 {
		return nil, errors.New("scoring: no windows")
	}
	chars := 0
	for _, w := range windows {
		chars += utf8.RuneCountInString(w.Continuation)
	}
	if chars == 0 {
		return nil, errors.New("scoring: windows have empty continuations")
	}

	out := make([]MinerScore, len(outcomes))
	best := math.Inf(-1)
	for i, o := range outcomes {
		out[i] = MinerScore{UID: o.UID, Hotkey: o.Hotkey, PerChar: math.Inf(-1), Err: o.Err}
		if o.Err != nil {
			continue
		}
		if len(o.LogProbs) != len(windows) {
			out[i].Err = fmt.Errorf("%w: %d answers for %d windows", ErrIncomplete, len(o.LogProbs), len(windows))
			continue
		}
		sum := 0.0
		for w, lp := range o.LogProbs {
			if math.IsNaN(lp) || math.IsInf(lp, 0) || lp > 0 {
				out[i].Err = fmt.Errorf("%w: window %d log-probability %v", ErrIncomplete, w, lp)
				break
			}
			sum += lp
		}
		if out[i].Err != nil {
			continue
		}
		out[i].PerChar = sum / float64(chars)
		best = max(best, out[i].PerChar)
	}
	for i := range out {
		if out[i].Err != nil {
			continue
		}
		s := math.Round(MaxScore * math.Exp(beta*(out[i].PerChar-best)))
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

// Ranking returns scores ordered best first: by Score descending, then PerChar descending, then
// UID ascending.
func Ranking(scores []MinerScore) []MinerScore {
	r := append([]MinerScore(nil), scores...)
	sort.SliceStable(r, func(a, b int) bool {
		if r[a].Score != r[b].Score {
			return r[a].Score > r[b].Score
		}
		if r[a].PerChar != r[b].PerChar {
			return r[a].PerChar > r[b].PerChar
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
	// TaskCommitment is TaskCommitment(windows, outcomes).
	TaskCommitment [32]byte
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
const commitmentDomain = "taochain/evaluation/tasks/v1"

// TaskCommitment hashes the windows and every miner's answers (the "hash of tasks+responses" of
// the design), so a validator is bound to the evidence behind its scores. Encoding: SHA-256 over the
// domain, then per window the length-prefixed (u32 big-endian) prompt and continuation, then per
// outcome in ascending UID order: uid (u16), length-prefixed hotkey, a status byte (1 ok, 0 failed),
// the number of answers (u32) and each answer's IEEE-754 bits (u64 big-endian).
func TaskCommitment(windows []corpus.Window, outcomes []Outcome) [32]byte {
	h := sha256.New()
	var buf [8]byte
	str := func(s string) {
		binary.BigEndian.PutUint32(buf[:4], uint32(len(s)))
		h.Write(buf[:4])
		h.Write([]byte(s))
	}
	h.Write([]byte(commitmentDomain))
	binary.BigEndian.PutUint32(buf[:4], uint32(len(windows)))
	h.Write(buf[:4])
	for _, w := range windows {
		str(w.Prompt)
		str(w.Continuation)
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
		binary.BigEndian.PutUint32(buf[:4], uint32(len(o.LogProbs)))
		h.Write(buf[:4])
		for _, lp := range o.LogProbs {
			binary.BigEndian.PutUint64(buf[:], math.Float64bits(lp))
			h.Write(buf[:])
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}
