package fednode

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/model"
)

// CommitmentSource is what a validator needs from the chain to score sharing: the subnet's latest
// model update commitments, each with the one it replaced. It is the one read method of Chain, so
// a worker's Chain adapter serves both roles.
type CommitmentSource interface {
	// ModelUpdateCommitments returns every miner of the subnet that has committed an update: its
	// latest commitment and, when the chain kept it, the one before (PeerInfo.Previous), both with
	// the chain id, netuid, hotkey and height filled in; its axon's URL and its incentive.
	ModelUpdateCommitments(ctx context.Context) ([]PeerInfo, error)
}

// ErrNoCommitment marks a miner with no commitment on chain for the epoch scored: it published
// nothing, or neither its latest commitment nor the one the chain kept before it is for that
// epoch. It wraps federated.ErrMissing.
var ErrNoCommitment = fmt.Errorf("%w: no commitment for the epoch", federated.ErrMissing)

// SharingConfig configures a SharingScorer.
type SharingConfig struct {
	ChainID string
	Netuid  uint16
	// Order is the subnet's n-gram order: updates of another order are refused.
	Order int
	// HeldOut is the validator's held-out text gains are measured on; it never leaves the
	// validator, so miners cannot fit their updates to it.
	HeldOut string
	// Limits bound the fetched updates; zero means federated.LimitsOf(federated.DefaultPrivacy(),
	// Order), what taoworker miners publish under.
	Limits federated.Limits
	// NullSeed seeds the random updates gains are compared with (federated.Validator.NullSeed);
	// 0 draws a secret one from the OS.
	NullSeed uint64
	// Commitments reads the subnet's commitments. Required.
	Commitments CommitmentSource
	// HTTPClient fetches updates; nil means http.DefaultClient.
	HTTPClient *http.Client
	// MaxParallelFetches bounds concurrent fetches; 0 means DefaultMaxParallelFetches.
	MaxParallelFetches int
	// FetchTimeout bounds each fetch; 0 means FetchTimeout, and it is never longer.
	FetchTimeout time.Duration
	// Logger receives a line per update that earned nothing, with the reason; nil discards.
	Logger *slog.Logger
}

// SharingScore is one miner's sharing result for an epoch.
type SharingScore struct {
	UID    uint16
	Hotkey string
	// Gain is the update's held-out gain over chance in nats per character
	// (federated.MinerScore.Gain); 0 when it earned nothing.
	Gain float64
	// Share is Gain as a fraction of the epoch's total: shares sum to 1 over the miners whose
	// update helped, and are all 0 when none did.
	Share float64
	// Err says why the update earned nothing (ErrNoCommitment, ErrFetch, a federated error such as
	// federated.ErrCopied or federated.ErrReplayed); nil when it was accepted, even if it gained
	// nothing (an empty or harmful update).
	Err error
}

// SharingScorer is the validator's side of a federated subnet: for each epoch it fetches the
// updates its miners committed, checks them (federated.Accept) and measures each one's marginal
// held-out gain (federated.Validator.Score). It holds the validator's reference model and the
// content hashes already seen, so it must score the epochs of one subnet in order, in one
// process; that state is not persisted, so after a restart the reference starts from the prior
// again and a replay of an update seen before the restart goes undetected. It is safe for
// concurrent use.
type SharingScorer struct {
	cfg SharingConfig

	mu        sync.Mutex
	v         *federated.Validator
	lastEpoch uint64 // last epoch scored (0: none)
	last      []SharingScore
}

// NewSharingScorer checks cfg and returns a scorer whose reference model is the public prior.
func NewSharingScorer(cfg SharingConfig) (*SharingScorer, error) {
	if cfg.Commitments == nil {
		return nil, errors.New("fednode: SharingConfig.Commitments is required")
	}
	if cfg.Order < 1 || cfg.Order > model.MaxOrder {
		return nil, fmt.Errorf("fednode: order %d outside [1, %d]", cfg.Order, model.MaxOrder)
	}
	if cfg.HeldOut == "" {
		return nil, errors.New("fednode: SharingConfig.HeldOut (the held-out text) is required")
	}
	if cfg.MaxParallelFetches < 0 || cfg.FetchTimeout < 0 {
		return nil, errors.New("fednode: MaxParallelFetches and FetchTimeout must not be negative")
	}
	if cfg.MaxParallelFetches == 0 {
		cfg.MaxParallelFetches = DefaultMaxParallelFetches
	}
	if cfg.FetchTimeout == 0 || cfg.FetchTimeout > FetchTimeout {
		cfg.FetchTimeout = FetchTimeout
	}
	if cfg.Limits == (federated.Limits{}) {
		cfg.Limits = federated.LimitsOf(federated.DefaultPrivacy(), cfg.Order)
	}
	if cfg.NullSeed == 0 {
		var b [8]byte
		if _, err := crand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("fednode: null seed: %w", err)
		}
		cfg.NullSeed = binary.BigEndian.Uint64(b[:])
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// Only gains are read from the core's scores; the served models' quality is the validator
	// loop's, measured through inference tasks.
	v := federated.NewValidator(cfg.ChainID, cfg.Netuid, cfg.Order, cfg.Limits, cfg.HeldOut, 1)
	v.NullSeed = cfg.NullSeed
	return &SharingScorer{cfg: cfg, v: v}, nil
}

// SharingScores implements the validator loop's hook (inference/validator.Sharing): the sharing
// shares, by uid, to combine into epoch current's scores. They are those of the updates committed
// for epoch current−1 (ScoreEpoch): a miner publishes and commits an epoch's update during that
// epoch, so when the validator's epoch begins the previous one's commitments are the newest
// complete set. Epoch 0 has no previous epoch and scores nothing.
func (s *SharingScorer) SharingScores(ctx context.Context, current uint64, miners []metagraph.Miner) (map[uint16]float64, error) {
	out := make(map[uint16]float64, len(miners))
	if current == 0 {
		return out, nil
	}
	scores, err := s.ScoreEpoch(ctx, current-1, miners)
	if err != nil {
		return nil, err
	}
	for _, sc := range scores {
		out[sc.UID] = sc.Share
	}
	return out, nil
}

// ScoreEpoch scores the updates miners committed for epoch: it reads the commitments, fetches
// every miner's update whose commitment is for epoch (its latest, or the one the chain kept before
// it when the miner has already committed the next epoch) from its axon (the commitment's axon
// URL, else the metagraph's), at most MaxParallelFetches at once and each within FetchTimeout and
// the committed size, then verifies them and measures their gains in commitment-height order
// (federated.Validator.Score). A miner without a commitment for epoch, whose update cannot be
// fetched or is refused (copied, replayed, forged, malformed) scores 0, and so does one whose
// update does not help; each that earned nothing for a reason is logged with it. Results are in
// the order of miners; a hotkey listed twice is scored once, for its first uid.
//
// Scoring an epoch again returns the first result, since the scorer's state already holds the
// epoch's updates (they would all be copies of themselves); an epoch before the last one scored
// is an error. Only reading the commitments can fail: a miner's failure is its score.
func (s *SharingScorer) ScoreEpoch(ctx context.Context, epoch uint64, miners []metagraph.Miner) ([]SharingScore, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.lastEpoch != 0 && epoch == s.lastEpoch:
		return append([]SharingScore(nil), s.last...), nil
	case epoch < s.lastEpoch:
		return nil, fmt.Errorf("fednode: sharing of epoch %d asked after epoch %d was scored; epochs are scored in order", epoch, s.lastEpoch)
	}
	peers, err := s.cfg.Commitments.ModelUpdateCommitments(ctx)
	if err != nil {
		return nil, fmt.Errorf("fednode: model update commitments: %w", err)
	}
	byHotkey := make(map[string]PeerInfo, len(peers))
	for _, p := range peers {
		byHotkey[p.Hotkey] = p
	}

	out := make([]SharingScore, len(miners))
	type job struct {
		i   int // index in out
		url string
		c   federated.Commitment
	}
	var jobs []job
	first := map[string]int{} // hotkey → index of its first uid
	for i, m := range miners {
		out[i] = SharingScore{UID: m.UID, Hotkey: m.Hotkey}
		if j, dup := first[m.Hotkey]; dup {
			out[i].Err = fmt.Errorf("fednode: hotkey %s is also uid %d, scored there", m.Hotkey, miners[j].UID)
			continue
		}
		first[m.Hotkey] = i
		p, ok := byHotkey[m.Hotkey]
		if !ok {
			out[i].Err = fmt.Errorf("%w %d: none on chain", ErrNoCommitment, epoch)
			continue
		}
		c, ok := commitmentFor(p, epoch)
		if !ok {
			held := fmt.Sprintf("the latest is for epoch %d", p.Commitment.Epoch)
			if p.Previous != nil {
				held += fmt.Sprintf(", the one before for epoch %d", p.Previous.Epoch)
			}
			out[i].Err = fmt.Errorf("%w %d: %s", ErrNoCommitment, epoch, held)
			continue
		}
		if c.ChainID != s.cfg.ChainID || c.Netuid != s.cfg.Netuid || c.Hotkey != m.Hotkey {
			out[i].Err = fmt.Errorf("%w: commitment for (%s, subnet %d, %s), scoring (%s, subnet %d, %s)",
				federated.ErrWrongEpoch, c.ChainID, c.Netuid, c.Hotkey, s.cfg.ChainID, s.cfg.Netuid, m.Hotkey)
			continue
		}
		url := p.AxonURL
		if url == "" {
			url = m.Endpoint
		}
		jobs = append(jobs, job{i: i, url: url, c: c})
	}

	fetchJobs := make([]fetchJob, len(jobs))
	for k, j := range jobs {
		fetchJobs[k] = fetchJob{url: j.url, c: j.c}
	}
	fetched := fetchAll(ctx, s.cfg.HTTPClient, s.cfg.Limits, fetchJobs, s.cfg.MaxParallelFetches, s.cfg.FetchTimeout)
	for k, j := range jobs {
		if fetched[k].err != nil {
			out[j.i].Err = fetched[k].err
		}
	}

	// Every fetched update goes to the core, which verifies it again, drops copies and replays and
	// measures gains in commitment-height order.
	var subs []federated.Submission
	var index []int // subs[k] is out[index[k]]
	for k, j := range jobs {
		if fetched[k].err != nil {
			continue
		}
		c, u := j.c, fetched[k].signed
		subs = append(subs, federated.Submission{Hotkey: out[j.i].Hotkey, Commitment: &c, Update: &u})
		index = append(index, j.i)
	}
	for k, ms := range s.v.Score(epoch, subs) {
		i := index[k]
		out[i].Gain, out[i].Share, out[i].Err = ms.Gain, ms.GainShare, ms.Rejected
	}
	s.lastEpoch, s.last = epoch, out
	for _, sc := range out {
		if sc.Err != nil {
			s.cfg.Logger.Info("model update earned nothing", "epoch", epoch, "uid", sc.UID, "hotkey", sc.Hotkey, "reason", sc.Err)
		} else {
			s.cfg.Logger.Debug("model update scored", "epoch", epoch, "uid", sc.UID, "hotkey", sc.Hotkey,
				"gain_nats", fmt.Sprintf("%.4f", sc.Gain), "share", fmt.Sprintf("%.4f", sc.Share))
		}
	}
	return append([]SharingScore(nil), out...), nil
}

// commitmentFor returns p's commitment for epoch: its latest, or the one the chain kept before it.
// A miner commits epoch E+1 early in E+1, while the validator scores E; the chain's previous
// keeps E's commitment until then.
func commitmentFor(p PeerInfo, epoch uint64) (federated.Commitment, bool) {
	switch {
	case p.Commitment.Epoch == epoch:
		return p.Commitment, true
	case p.Previous != nil && p.Previous.Epoch == epoch:
		return *p.Previous, true
	}
	return federated.Commitment{}, false
}
