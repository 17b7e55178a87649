package validator

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/taochain/taochain/inference/internal/atomicfile"
	"github.com/taochain/taochain/inference/scoring"
)

// DefaultScoreEMAAlpha is the weight of the newest epoch in the score EMA when Config leaves it 0.
const DefaultScoreEMAAlpha = 0.3

// MinerEMA is one miner's moving average. The hotkey is part of the identity: a uid that changed
// hands starts over instead of inheriting its previous owner's record.
type MinerEMA struct {
	// UID is the miner's uid.
	UID uint16 `json:"uid"`
	// Hotkey is the hotkey the average was measured on.
	Hotkey string `json:"hotkey"`
	// EMA is the moving average of the miner's u16 epoch scores.
	EMA float64 `json:"ema"`
	// Epochs counts the epochs averaged in.
	Epochs uint64 `json:"epochs"`
}

// ScoreEMA is the per-miner exponential moving average of epoch scores that a validator submits as
// its weights, with enough history to apply every epoch exactly once across restarts: it keeps the
// averages before the last applied epoch, so measuring that epoch again (a restart after the file
// was written but before the evaluation was signed) replaces the epoch's contribution instead of
// adding it a second time.
type ScoreEMA struct {
	// Netuid is the evaluated subnet.
	Netuid uint16 `json:"netuid"`
	// LastEpoch is the last epoch applied; nil when none was.
	LastEpoch *uint64 `json:"last_epoch,omitempty"`
	// Miners are the averages after LastEpoch, ascending by uid.
	Miners []MinerEMA `json:"miners"`
	// Before are the averages before LastEpoch, ascending by uid.
	Before []MinerEMA `json:"before"`
}

// LoadScoreEMA reads the averages of netuid from path; a missing file is an empty history.
func LoadScoreEMA(path string, netuid uint16) (ScoreEMA, error) {
	s := ScoreEMA{Netuid: netuid}
	bz, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("score EMA: %w", err)
	}
	if err := json.Unmarshal(bz, &s); err != nil {
		return s, fmt.Errorf("score EMA %s: %w", path, err)
	}
	if s.Netuid != netuid {
		return s, fmt.Errorf("score EMA %s is for subnet %d, not %d", path, s.Netuid, netuid)
	}
	return s, nil
}

// Save writes s to path atomically (temporary file, fsync, rename, fsync of the directory), so a
// crash leaves the old or the new history, never a torn one.
func (s ScoreEMA) Save(path string) error {
	bz, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, bz)
}

// Apply returns the history with epoch's scores averaged in: ema ← (1−α)·ema + α·score for a miner
// known under the same uid and hotkey, ema ← score for a miner seen for the first time or whose uid
// changed hotkey (a fair start: not held down by an average it never had). A miner that failed
// the epoch comes with score 0 and is averaged in like any other. Miners absent from scores keep
// their averages. Applying LastEpoch again replaces its contribution; an epoch before LastEpoch
// is an error (the file is ahead of the chain). s itself is not changed.
func (s ScoreEMA) Apply(epoch uint64, scores []scoring.MinerScore, alpha float64) (ScoreEMA, error) {
	if !(alpha > 0 && alpha <= 1) {
		return s, fmt.Errorf("score EMA: alpha %v must be in (0, 1]", alpha)
	}
	base := s.Miners
	if s.LastEpoch != nil {
		switch {
		case epoch < *s.LastEpoch:
			return s, fmt.Errorf("score EMA: epoch %d is before the last applied epoch %d (history of another chain? remove the file to start over)", epoch, *s.LastEpoch)
		case epoch == *s.LastEpoch:
			base = s.Before
		}
	}
	byUID := make(map[uint16]MinerEMA, len(base)+len(scores))
	for _, m := range base {
		byUID[m.UID] = m
	}
	for _, sc := range scores {
		m, ok := byUID[sc.UID]
		if !ok || m.Hotkey != sc.Hotkey {
			byUID[sc.UID] = MinerEMA{UID: sc.UID, Hotkey: sc.Hotkey, EMA: float64(sc.Score), Epochs: 1}
			continue
		}
		m.EMA = (1-alpha)*m.EMA + alpha*float64(sc.Score)
		m.Epochs++
		byUID[sc.UID] = m
	}
	next := ScoreEMA{Netuid: s.Netuid, LastEpoch: &epoch, Before: append([]MinerEMA(nil), base...)}
	for _, m := range byUID {
		next.Miners = append(next.Miners, m)
	}
	sort.Slice(next.Miners, func(a, b int) bool { return next.Miners[a].UID < next.Miners[b].UID })
	return next, nil
}

// Weight returns the u16 weight of uid under hotkey: its average rounded, or 0 when unknown.
func (s ScoreEMA) Weight(uid uint16, hotkey string) uint16 {
	i := sort.Search(len(s.Miners), func(i int) bool { return s.Miners[i].UID >= uid })
	if i == len(s.Miners) || s.Miners[i].UID != uid || s.Miners[i].Hotkey != hotkey {
		return 0
	}
	return uint16(min(max(math.Round(s.Miners[i].EMA), 0), scoring.MaxScore))
}
