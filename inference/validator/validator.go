package validator

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/inference/dendrite"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/scoring"
)

// Epoch is the chain's view of a subnet's schedule.
type Epoch struct {
	// Current is the epoch index evaluations must carry now: that of the block a transaction sent
	// now lands in (Height+1).
	Current uint64
	// Height is the height of the state the answer was computed on.
	Height int64
	// NextEpochHeight is the height whose EndBlock closes Current.
	NextEpochHeight int64
	// Tempo is the subnet's tempo (an epoch spans Tempo+1 blocks); 0 when unknown.
	Tempo uint64
	// CommitReveal reports whether the subnet uses commit-reveal.
	CommitReveal bool
	// RevealPeriod is the number of epochs between commit and reveal.
	RevealPeriod uint64
}

// StateInEpoch reports whether the state at Height already belongs to Current. It does not on the
// first block of an epoch: Height+1, where a transaction lands, opens Current, but gas simulation
// (and so every message check the chain runs before inclusion) sees the state at Height, still in
// the previous epoch, where a reveal due in Current is "too early". Unknown schedules count as in.
func (e Epoch) StateInEpoch() bool {
	if e.Tempo == 0 || e.NextEpochHeight == 0 {
		return true
	}
	return e.Height >= e.NextEpochHeight-int64(e.Tempo)
}

// Chain is what the loop reads from the chain.
type Chain interface {
	// Epoch returns the subnet's schedule.
	Epoch(ctx context.Context, netuid uint16) (Epoch, error)
	// Metagraph returns the miners with an axon and the hotkeys holding a validator permit.
	Metagraph(ctx context.Context, netuid uint16) (miners []metagraph.Miner, permitted []string, err error)
}

// Committer runs commit-reveal (chain.Committer implements it).
type Committer interface {
	// Commit commits ev's row in epoch current and returns the epoch the chain expects the
	// reveal in (later than current+revealPeriod when the commit landed in a later epoch).
	Commit(ctx context.Context, ev scoring.Evaluation, current, revealPeriod uint64) (revealEpoch uint64, err error)
	// RevealDue reveals the commits due in epoch current.
	RevealDue(ctx context.Context, netuid uint16, current uint64) (int, error)
}

// Resubmitter is a sink that keeps what it signed per epoch (chain.EvaluationSubmitter). The loop
// asks it first, so that a worker restarted within an epoch sends the evaluation it signed before
// instead of scoring the miners again.
type Resubmitter interface {
	// Resubmit sends the evaluation signed earlier for (netuid, epoch) again; signed is false when
	// there is none, and true with an error when the sink must not sign for the epoch.
	Resubmit(ctx context.Context, netuid uint16, epoch uint64) (signed bool, err error)
}

// DefaultShareWeight is the weight of the sharing share in a miner's epoch score when Config
// sets Sharing and leaves ShareWeight 0.
const DefaultShareWeight = 0.5

// Sharing scores what miners share on a federated subnet (issue 19): the marginal value of the
// model updates they publish (inference/fednode.SharingScorer implements it). The loop asks it
// once per epoch, while it queries the miners.
type Sharing interface {
	// SharingScores returns the sharing share of each of miners for epoch, by uid: non-negative,
	// summing to 1 over the miners whose update helped, 0 (or absent) for the others, all 0 when
	// none helped. An error means the shares could not be measured at all (the chain could not be
	// read); a miner's own failure is a share of 0.
	SharingScores(ctx context.Context, epoch uint64, miners []metagraph.Miner) (map[uint16]float64, error)
}

// Config configures a Validator.
type Config struct {
	// Netuid is the evaluated subnet.
	Netuid uint16
	// Hotkey is the validator's own hotkey address (not queried, checked for a permit).
	Hotkey string
	// Text is the held-out text tasks are drawn from.
	Text string
	// Tasks shapes the tasks. Tasks.Count is the number of tasks each miner answers per epoch: one
	// set drawn per epoch and put to every miner, so that scores, relative to the best miner, compare
	// miners on the same evidence. A miner's epoch score comes from its mean gain over them.
	Tasks scoring.TaskConfig
	// Scoring tunes the score formula.
	Scoring scoring.Config
	// ScoreEMAAlpha is α of the score EMA (the weight of the newest epoch, in (0, 1]; 1 keeps no
	// memory); 0 means DefaultScoreEMAAlpha.
	ScoreEMAAlpha float64
	// ScoreEMAPath is the file the score EMA is kept in across restarts; empty keeps it in memory.
	ScoreEMAPath string
	// EpochBudget bounds querying all miners in one epoch.
	EpochBudget time.Duration
	// Poll is how often the epoch is checked.
	Poll time.Duration
	// Sharing, when set, makes a miner's epoch score (1−ShareWeight)·q + ShareWeight·g before it is
	// averaged into the EMA: q is its quality score as computed without Sharing (relative to the
	// epoch's best miner), g its sharing share relative to the epoch's best sharer. A miner that
	// only consumes others' updates thus earns (1−ShareWeight)·q at most. Nil scores quality only.
	Sharing Sharing
	// ShareWeight is the weight of sharing, in [0, 1]; 0 means DefaultShareWeight. It is read only
	// with Sharing: a validator that gives sharing no weight leaves Sharing nil.
	ShareWeight float64
	// Registry receives the metrics; nil means none are exported.
	Registry prometheus.Registerer
	// Logger receives the loop's logs; nil discards.
	Logger *slog.Logger
}

// Validator runs the epoch loop.
type Validator struct {
	cfg       Config
	chain     Chain
	dendrite  *dendrite.Client
	sink      scoring.EvaluationSink
	committer Committer
	log       *slog.Logger
	m         metrics
	ema       ScoreEMA
	done      uint64 // last epoch handled + 1 (0: none)
	// revealRetry is set when revealing in the epoch being handled failed; later ticks of the same
	// epoch try again (a reveal is only accepted in its one epoch).
	revealRetry bool
}

type metrics struct {
	epochs      *prometheus.CounterVec
	submissions *prometheus.CounterVec
	queryErrors *prometheus.CounterVec
	scores      *prometheus.GaugeVec
	emas        *prometheus.GaugeVec
	gains       *prometheus.GaugeVec
	sharing     *prometheus.GaugeVec
	duration    prometheus.Histogram
}

// New returns a Validator; committer may be nil when the subnet never uses commit-reveal.
func New(cfg Config, c Chain, d *dendrite.Client, sink scoring.EvaluationSink, committer Committer) (*Validator, error) {
	if c == nil || d == nil || sink == nil || cfg.Text == "" || cfg.Hotkey == "" {
		return nil, errors.New("validator: chain, dendrite, sink, hotkey and text are required")
	}
	if cfg.EpochBudget <= 0 {
		cfg.EpochBudget = 10 * time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ScoreEMAAlpha == 0 {
		cfg.ScoreEMAAlpha = DefaultScoreEMAAlpha
	}
	if !(cfg.ScoreEMAAlpha > 0 && cfg.ScoreEMAAlpha <= 1) {
		return nil, fmt.Errorf("validator: score EMA alpha %v must be in (0, 1]", cfg.ScoreEMAAlpha)
	}
	if cfg.Sharing != nil {
		if cfg.ShareWeight == 0 {
			cfg.ShareWeight = DefaultShareWeight
		}
		if !(cfg.ShareWeight >= 0 && cfg.ShareWeight <= 1) {
			return nil, fmt.Errorf("validator: share weight %v must be in [0, 1]", cfg.ShareWeight)
		}
	}
	if cfg.Tasks.Count < 1 {
		return nil, fmt.Errorf("validator: %d tasks per miner, want at least 1", cfg.Tasks.Count)
	}
	ema := ScoreEMA{Netuid: cfg.Netuid}
	if cfg.ScoreEMAPath != "" {
		var err error
		if ema, err = LoadScoreEMA(cfg.ScoreEMAPath, cfg.Netuid); err != nil {
			return nil, fmt.Errorf("validator: %w", err)
		}
	}
	v := &Validator{cfg: cfg, chain: c, dendrite: d, sink: sink, committer: committer, log: cfg.Logger, ema: ema}
	v.m = metrics{
		epochs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "taoworker", Subsystem: "validator", Name: "epochs_total",
			Help: "Epochs handled by outcome (submitted, committed, skipped, failed)."}, []string{"outcome"}),
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "taoworker", Subsystem: "validator", Name: "submissions_total",
			Help: "Evaluation submissions by result (ok, error)."}, []string{"result"}),
		queryErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "taoworker", Subsystem: "validator", Name: "miner_failures_total",
			Help: "Miners that failed an epoch, by class (timeout, transport, status, bad_signature, garbage, invalid)."}, []string{"class"}),
		scores: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "taoworker", Subsystem: "validator", Name: "miner_score",
			Help: "Last epoch's u16 score of each miner uid (0 for a failure)."}, []string{"uid"}),
		emas: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "taoworker", Subsystem: "validator", Name: "miner_score_ema",
			Help: "Moving average of each miner uid's epoch scores: the weight submitted."}, []string{"uid"}),
		gains: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "taoworker", Subsystem: "validator", Name: "miner_gain_nats",
			Help: "Last mean gain over chance per task (nats) of each miner uid that answered."}, []string{"uid"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "taoworker", Subsystem: "validator", Name: "query_duration_seconds",
			Help: "Time to query all miners in an epoch.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)}),
	}
	collectors := []prometheus.Collector{v.m.epochs, v.m.submissions, v.m.queryErrors, v.m.scores, v.m.emas, v.m.gains, v.m.duration}
	if cfg.Sharing != nil {
		v.m.sharing = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "taoworker", Subsystem: "validator", Name: "miner_sharing_share",
			Help: "Last epoch's share of the value of the model updates shared, of each miner uid (federated subnets)."}, []string{"uid"})
		collectors = append(collectors, v.m.sharing)
	}
	if cfg.Registry != nil {
		for _, c := range collectors {
			if err := cfg.Registry.Register(c); err != nil {
				return nil, fmt.Errorf("validator: registering metrics: %w", err)
			}
		}
	}
	return v, nil
}

// Run handles each new epoch once until ctx ends; errors of one epoch are logged and the loop goes on.
func (v *Validator) Run(ctx context.Context) error {
	for {
		if err := v.Tick(ctx); err != nil && ctx.Err() == nil {
			v.log.Warn("epoch round failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(v.cfg.Poll):
		}
	}
}

// Tick checks the epoch and, if it was not handled yet, handles it (RunEpoch).
func (v *Validator) Tick(ctx context.Context) error {
	ep, err := v.chain.Epoch(ctx, v.cfg.Netuid)
	if err != nil {
		return fmt.Errorf("validator: epoch info: %w", err)
	}
	if v.done != 0 && ep.Current+1 <= v.done {
		if v.revealRetry && ep.Current+1 == v.done && ep.CommitReveal && v.committer != nil {
			v.reveal(ctx, ep)
		}
		return nil
	}
	if !ep.StateInEpoch() {
		v.log.Debug("epoch opens with the next block; waiting one block", "netuid", v.cfg.Netuid, "epoch", ep.Current, "height", ep.Height)
		return nil
	}
	v.done = ep.Current + 1
	_, err = v.RunEpoch(ctx, ep)
	return err
}

// Result is what one epoch produced.
type Result struct {
	// Scores are the miners' results of this epoch, by UID; with Config.Sharing their Score
	// combines quality and sharing.
	Scores []scoring.MinerScore
	// Sharing are the sharing shares by uid (Config.Sharing); nil without it.
	Sharing map[uint16]float64
	// Evaluation is what was submitted or committed (empty when skipped): the miners' score EMAs.
	Evaluation scoring.Evaluation
	// Outcome is submitted, committed, skipped or failed.
	Outcome string
}

// RunEpoch evaluates every miner once for epoch ep, averages the scores into the score EMA (saved
// before anything is signed) and submits (or commits) the EMAs as the weights.
func (v *Validator) RunEpoch(ctx context.Context, ep Epoch) (Result, error) {
	res := Result{Outcome: "skipped"}
	defer func() { v.m.epochs.WithLabelValues(res.Outcome).Inc() }()
	log := v.log.With("netuid", v.cfg.Netuid, "epoch", ep.Current)
	if ep.CommitReveal && v.committer != nil {
		v.reveal(ctx, ep)
	}
	if r, ok := v.sink.(Resubmitter); ok && !ep.CommitReveal {
		signed, err := r.Resubmit(ctx, v.cfg.Netuid, ep.Current)
		switch {
		case signed && err != nil:
			res.Outcome = "failed"
			v.m.submissions.WithLabelValues("error").Inc()
			return res, fmt.Errorf("validator: resubmit: %w", err)
		case signed:
			res.Outcome = "submitted"
			v.m.submissions.WithLabelValues("ok").Inc()
			log.Info("evaluation signed earlier in this epoch sent again")
			return res, nil
		case err != nil:
			res.Outcome = "failed"
			return res, fmt.Errorf("validator: resubmit: %w", err)
		}
	}
	miners, permitted, err := v.chain.Metagraph(ctx, v.cfg.Netuid)
	if err != nil {
		res.Outcome = "failed"
		return res, fmt.Errorf("validator: metagraph: %w", err)
	}
	if !contains(permitted, v.cfg.Hotkey) {
		log.Info("no validator permit yet; waiting for the next epoch", "hotkey", v.cfg.Hotkey)
		return res, nil
	}
	var targets []metagraph.Miner
	for _, m := range miners {
		if m.Hotkey != v.cfg.Hotkey {
			targets = append(targets, m)
		}
	}
	if len(targets) == 0 {
		log.Info("no miner serves an axon yet")
		return res, nil
	}
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		res.Outcome = "failed"
		return res, err
	}
	tasks, err := scoring.BuildTasks(v.cfg.Text, seed, v.cfg.Tasks)
	if err != nil {
		res.Outcome = "failed"
		return res, err
	}
	// Sharing is measured while the miners answer: reading the commitments early leaves miners the
	// least time to replace the epoch's with the next one's (the chain keeps only the latest).
	var shares map[uint16]float64
	var sharingErr error
	sharingDone := make(chan struct{})
	if v.cfg.Sharing != nil {
		go func() {
			defer close(sharingDone)
			shares, sharingErr = v.cfg.Sharing.SharingScores(ctx, ep.Current, targets)
		}()
	} else {
		close(sharingDone)
	}
	qctx, cancel := context.WithTimeout(ctx, v.cfg.EpochBudget)
	start := time.Now()
	outcomes := v.dendrite.ScoreAll(qctx, targets, tasks)
	cancel()
	v.m.duration.Observe(time.Since(start).Seconds())
	<-sharingDone
	scores, err := scoring.Score(tasks, outcomes, v.cfg.Scoring)
	if err != nil {
		res.Outcome = "failed"
		return res, err
	}
	if v.cfg.Sharing != nil {
		if sharingErr != nil {
			// Like every miner failing at once, this is the validator's own outage: averaging the
			// epoch in without the sharing part would pull every sharer down.
			res.Outcome = "failed"
			return res, fmt.Errorf("validator: sharing scores: %w", sharingErr)
		}
		scores = withSharing(scores, shares, v.cfg.ShareWeight)
		res.Sharing = shares
	}
	res.Scores = scores
	answered := false
	for _, s := range scores {
		answered = answered || s.Err == nil
	}
	if !answered {
		// Every miner failing at once is more likely this validator's own outage than theirs:
		// the epoch is not averaged in, so it cannot pull every miner down.
		for _, s := range scores {
			v.m.queryErrors.WithLabelValues(failureClass(s.Err)).Inc()
		}
		log.Warn("no miner answered; the epoch is not averaged in and nothing is submitted", "miners", len(scores))
		return res, nil
	}
	next, err := v.ema.Apply(ep.Current, scores, v.cfg.ScoreEMAAlpha)
	if err != nil {
		res.Outcome = "failed"
		return res, fmt.Errorf("validator: %w", err)
	}
	if v.cfg.ScoreEMAPath != "" {
		if err := next.Save(v.cfg.ScoreEMAPath); err != nil {
			res.Outcome = "failed"
			return res, fmt.Errorf("validator: saving score EMA: %w", err)
		}
	}
	v.ema = next
	weights := make([]scoring.MinerScore, len(scores))
	for i, s := range scores {
		uid := fmt.Sprint(s.UID)
		weights[i] = s
		weights[i].Score = v.ema.Weight(s.UID, s.Hotkey)
		v.m.scores.WithLabelValues(uid).Set(float64(s.Score))
		v.m.emas.WithLabelValues(uid).Set(float64(weights[i].Score))
		if v.m.sharing != nil {
			v.m.sharing.WithLabelValues(uid).Set(shares[s.UID])
		}
		if s.Err != nil {
			v.m.queryErrors.WithLabelValues(failureClass(s.Err)).Inc()
			v.m.gains.DeleteLabelValues(uid)
			log.Info("miner failed", "uid", s.UID, "hotkey", s.Hotkey, "ema", weights[i].Score, "error", s.Err)
			continue
		}
		v.m.gains.WithLabelValues(uid).Set(s.Gain)
		log.Info("miner scored", "uid", s.UID, "score", s.Score, "ema", weights[i].Score, "gain_nats", fmt.Sprintf("%.4f", s.Gain))
	}
	ev := scoring.NewEvaluation(v.cfg.Netuid, ep.Current, weights, scoring.TaskCommitment(tasks, outcomes))
	if !ev.HasWeight() {
		log.Info("every miner's score EMA is 0; nothing to submit")
		return res, nil
	}
	res.Evaluation = ev
	if ep.CommitReveal {
		if v.committer == nil {
			res.Outcome = "failed"
			return res, errors.New("validator: subnet uses commit-reveal but no committer is configured")
		}
		revealEpoch, err := v.committer.Commit(ctx, ev, ep.Current, ep.RevealPeriod)
		if err != nil {
			res.Outcome = "failed"
			v.m.submissions.WithLabelValues("error").Inc()
			return res, fmt.Errorf("validator: commit: %w", err)
		}
		res.Outcome = "committed"
		v.m.submissions.WithLabelValues("ok").Inc()
		log.Info("weights committed", "reveal_epoch", revealEpoch)
		return res, nil
	}
	if err := v.sink.Submit(ctx, ev); err != nil {
		res.Outcome = "failed"
		v.m.submissions.WithLabelValues("error").Inc()
		return res, fmt.Errorf("validator: submit: %w", err)
	}
	res.Outcome = "submitted"
	v.m.submissions.WithLabelValues("ok").Inc()
	log.Info("evaluation submitted", "uids", ev.UIDs, "scores", ev.Scores)
	return res, nil
}

// withSharing returns scores with each Score, the quality q (relative to the epoch's best miner),
// replaced by (1−weight)·q + weight·g, where g is the miner's sharing share relative to the
// largest share among the scored miners: both parts then give the epoch's best 1, so weight is the
// weight sharing has whatever the number of sharers. A share that is not a non-negative number
// counts 0; when no miner has a positive share, every score is (1−weight)·q.
func withSharing(scores []scoring.MinerScore, shares map[uint16]float64, weight float64) []scoring.MinerScore {
	share := func(uid uint16) float64 {
		if g := shares[uid]; g > 0 && !math.IsInf(g, 1) {
			return g
		}
		return 0
	}
	best := 0.0
	for _, s := range scores {
		best = max(best, share(s.UID))
	}
	out := make([]scoring.MinerScore, len(scores))
	for i, s := range scores {
		g := 0.0
		if best > 0 {
			g = share(s.UID) / best
		}
		q := float64(s.Score) / scoring.MaxScore
		out[i] = s
		out[i].Score = uint16(min(max(math.Round(scoring.MaxScore*((1-weight)*q+weight*g)), 0), scoring.MaxScore))
	}
	return out
}

// reveal reveals the commits due in ep.Current, remembering a failure so that Tick tries again
// while the epoch lasts.
func (v *Validator) reveal(ctx context.Context, ep Epoch) {
	log := v.log.With("netuid", v.cfg.Netuid, "epoch", ep.Current)
	n, err := v.committer.RevealDue(ctx, v.cfg.Netuid, ep.Current)
	v.revealRetry = err != nil
	switch {
	case err != nil:
		log.Warn("reveal failed; retrying while the epoch lasts", "error", err)
	case n > 0:
		log.Info("revealed weights", "commits", n)
	}
}

func failureClass(err error) string {
	for _, c := range []struct {
		err  error
		name string
	}{
		{dendrite.ErrTimeout, "timeout"}, {dendrite.ErrTransport, "transport"}, {dendrite.ErrStatus, "status"},
		{dendrite.ErrBadSignature, "bad_signature"}, {dendrite.ErrGarbage, "garbage"}, {context.DeadlineExceeded, "timeout"},
	} {
		if errors.Is(err, c.err) {
			return c.name
		}
	}
	return "invalid"
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ChainClient adapts a *chain.Client to Chain.
type ChainClient struct {
	// Client is the gRPC chain client.
	Client *chain.Client
}

// Epoch implements Chain.
func (c ChainClient) Epoch(ctx context.Context, netuid uint16) (Epoch, error) {
	info, err := c.Client.EpochInfo(ctx, netuid)
	if err != nil {
		return Epoch{}, err
	}
	return Epoch{Current: info.CurrentEpoch, Height: info.Height, NextEpochHeight: info.NextEpochHeight,
		Tempo: info.Tempo, CommitReveal: info.CommitReveal, RevealPeriod: info.RevealPeriod}, nil
}

// Metagraph implements Chain.
func (c ChainClient) Metagraph(ctx context.Context, netuid uint16) ([]metagraph.Miner, []string, error) {
	mg, err := c.Client.Metagraph(ctx, netuid)
	if err != nil {
		return nil, nil, err
	}
	miners, permitted := chain.Miners(mg)
	return miners, permitted, nil
}
