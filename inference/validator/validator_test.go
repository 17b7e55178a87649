package validator_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/dendrite"
	"github.com/taochain/taochain/inference/internal/minertest"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/inference/scoring"
	"github.com/taochain/taochain/inference/validator"
)

type fakeChain struct {
	mu        sync.Mutex
	epoch     uint64
	miners    []metagraph.Miner
	permitted []string
}

func (c *fakeChain) Epoch(context.Context, uint16) (validator.Epoch, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return validator.Epoch{Current: c.epoch}, nil
}

func (c *fakeChain) Metagraph(context.Context, uint16) ([]metagraph.Miner, []string, error) {
	return c.miners, c.permitted, nil
}

// sink records evaluations; it fails the first submission to show the loop survives it.
type sink struct {
	mu    sync.Mutex
	calls int
	got   []scoring.Evaluation
}

func (s *sink) Submit(_ context.Context, ev scoring.Evaluation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls == 1 {
		return errors.New("chain unavailable")
	}
	s.got = append(s.got, ev)
	return nil
}

func (s *sink) evaluations() []scoring.Evaluation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]scoring.Evaluation(nil), s.got...)
}

// TestLoopScoresBadMinersZeroAndKeepsGoing runs the real loop against real axons (orders 1, 3, 5)
// and bad miners: one that times out, one that answers garbage JSON, one whose responses are signed
// by a key other than its hotkey. Bad miners get 0, the good ones rank by order, a failed
// submission does not stop the loop, and every epoch is evaluated once.
func TestLoopScoresBadMinersZeroAndKeepsGoing(t *testing.T) {
	val := minertest.Signer(t, "validator")
	permit := func(hk string) bool { return hk == val.Address() }
	train := corpus.Train()
	keys := map[string]*auth.Signer{}
	for _, n := range []string{"o1", "o3", "o5", "stall", "garbage", "wrongsig", "impostor"} {
		keys[n] = minertest.Signer(t, "miner "+n)
	}
	fc := &fakeChain{epoch: 7, permitted: []string{val.Address()}, miners: []metagraph.Miner{
		{UID: 1, Hotkey: keys["o1"].Address(), Endpoint: minertest.StartAxon(t, keys["o1"], model.Train(train, 1), permit)},
		{UID: 2, Hotkey: keys["o3"].Address(), Endpoint: minertest.StartAxon(t, keys["o3"], model.Train(train, 3), permit)},
		{UID: 3, Hotkey: keys["o5"].Address(), Endpoint: minertest.StartAxon(t, keys["o5"], model.Train(train, 5), permit)},
		{UID: 4, Hotkey: keys["stall"].Address(), Endpoint: minertest.StartAxon(t, keys["stall"], minertest.StallModel{}, permit)},
		{UID: 5, Hotkey: keys["garbage"].Address(), Endpoint: minertest.StartRogue(t, keys["garbage"], `{"kind":"score","logprobs":[`)},
		{UID: 6, Hotkey: keys["wrongsig"].Address(), Endpoint: minertest.StartRogue(t, keys["impostor"],
			`{"kind":"score","model":"x","logprobs":[0,-9,-9,-9,-9,-9,-9,-9],"chars":16}`)},
		{UID: 9, Hotkey: val.Address(), Endpoint: "http://127.0.0.1:1"}, // itself: never queried
	}}
	// The deadline makes the stalling miner fail; it must be long enough for the order-5 model to
	// score 96 tasks × 8 candidates on a loaded 2-core machine (300 ms was not: CI saw o5 time out).
	d, err := dendrite.New(dendrite.Config{Signer: val, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	sk := &sink{}
	v, err := validator.New(validator.Config{
		Netuid: 1, Hotkey: val.Address(), Text: corpus.HeldOut(),
		Tasks:       scoring.TaskConfig{Count: 96, PromptChars: 64, ContinuationChars: 2, Candidates: 8},
		EpochBudget: 10 * time.Second, Poll: 20 * time.Millisecond, Registry: reg,
	}, fc, d, sk, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	// Epoch 7: the submission fails (sink), the loop moves on; epochs 8 and 9 are submitted.
	deadline := time.Now().Add(60 * time.Second)
	for next := uint64(8); len(sk.evaluations()) < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d evaluations after 60 s", len(sk.evaluations()))
		}
		sk.mu.Lock()
		calls := sk.calls
		sk.mu.Unlock()
		if calls >= int(next-7) {
			fc.mu.Lock()
			fc.epoch = next
			fc.mu.Unlock()
			next++
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // more polls of the same epoch must not submit again
	evs := sk.evaluations()
	if len(evs) != 2 || evs[0].Epoch != 8 || evs[1].Epoch != 9 {
		t.Fatalf("evaluations for epochs %v, want [8 9] once each", epochs(evs))
	}
	for _, ev := range evs {
		score := map[uint16]uint16{}
		for i, uid := range ev.UIDs {
			score[uid] = ev.Scores[i]
		}
		t.Logf("epoch %d scores %v", ev.Epoch, score)
		if _, ok := score[9]; ok || len(ev.UIDs) != 6 {
			t.Fatalf("evaluated uids %v, want the 6 miners without the validator itself", ev.UIDs)
		}
		for _, bad := range []uint16{4, 5, 6} {
			if score[bad] != 0 {
				t.Fatalf("epoch %d: bad miner %d scored %d", ev.Epoch, bad, score[bad])
			}
		}
		if !(score[3] == scoring.MaxScore && score[3] > score[2] && score[2] > score[1]) {
			t.Fatalf("epoch %d: scores o5 %d o3 %d o1 %d not ranked", ev.Epoch, score[3], score[2], score[1])
		}
	}
	if n := counter(t, reg, "taoworker_validator_submissions_total", "error"); n != 1 {
		t.Fatalf("submission errors metric %v, want 1", n)
	}
}

func epochs(evs []scoring.Evaluation) []uint64 {
	var out []uint64
	for _, e := range evs {
		out = append(out, e.Epoch)
	}
	return out
}

// counter returns the value of the counter sample name{result=label} in reg.
func counter(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == label {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("metric %s{%s} not found", name, label)
	return 0
}

type committer struct {
	period      uint64   // expected reveal period
	commits     []uint64 // commit epochs
	reveals     []uint64 // epochs RevealDue was asked for
	revealFails int      // RevealDue calls that fail before one succeeds
}

func (c *committer) Commit(_ context.Context, ev scoring.Evaluation, current, revealPeriod uint64) (uint64, error) {
	if ev.Epoch != current || revealPeriod != c.period || !ev.HasWeight() {
		return 0, errors.New("unexpected commit")
	}
	c.commits = append(c.commits, current)
	return current + revealPeriod, nil
}

func (c *committer) RevealDue(_ context.Context, _ uint16, current uint64) (int, error) {
	c.reveals = append(c.reveals, current)
	if c.revealFails > 0 {
		c.revealFails--
		return 0, errors.New("chain unavailable")
	}
	return 1, nil
}

// TestCommitRevealSubnetCommitsInsteadOfSubmitting: on a commit-reveal subnet the loop reveals
// what is due, then commits the new row and never sends an evaluation (which the chain rejects there).
func TestCommitRevealSubnetCommitsInsteadOfSubmitting(t *testing.T) {
	val := minertest.Signer(t, "validator")
	permit := func(hk string) bool { return hk == val.Address() }
	key := minertest.Signer(t, "miner o3")
	fc := &fakeChain{permitted: []string{val.Address()}, miners: []metagraph.Miner{
		{UID: 1, Hotkey: key.Address(), Endpoint: minertest.StartAxon(t, key, model.Train(corpus.Train(), 3), permit)},
	}}
	d, err := dendrite.New(dendrite.Config{Signer: val, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sk, cm := &sink{}, &committer{period: 2}
	v, err := validator.New(validator.Config{Netuid: 1, Hotkey: val.Address(), Text: corpus.HeldOut(),
		Tasks: testTasks}, fc, d, sk, cm)
	if err != nil {
		t.Fatal(err)
	}
	for _, epoch := range []uint64{3, 4} {
		res, err := v.RunEpoch(context.Background(), validator.Epoch{Current: epoch, CommitReveal: true, RevealPeriod: 2})
		if err != nil || res.Outcome != "committed" {
			t.Fatalf("epoch %d: outcome %q err %v", epoch, res.Outcome, err)
		}
	}
	if len(cm.commits) != 2 || cm.commits[1] != 4 || len(cm.reveals) != 2 || cm.reveals[0] != 3 || sk.calls != 0 {
		t.Fatalf("commits %v reveals %v submissions %d", cm.commits, cm.reveals, sk.calls)
	}
}

// epochChain answers a fixed schedule (set between ticks) and one miner.
type epochChain struct {
	ep     validator.Epoch
	miners []metagraph.Miner
	permit []string
}

func (c *epochChain) Epoch(context.Context, uint16) (validator.Epoch, error) { return c.ep, nil }
func (c *epochChain) Metagraph(context.Context, uint16) ([]metagraph.Miner, []string, error) {
	return c.miners, c.permit, nil
}

// TestTickWaitsForTheStateToEnterTheEpoch: epoch-info answers for the block a transaction lands in
// (height+1), but gas simulation runs on the state at height, so on the first block of an epoch a
// reveal due in it would be simulated in the previous epoch and rejected as too early (seen on a
// real node). The loop waits one block, then reveals and commits; a failed reveal is retried by
// later ticks of the same epoch only.
func TestTickWaitsForTheStateToEnterTheEpoch(t *testing.T) {
	val := minertest.Signer(t, "validator")
	permit := func(hk string) bool { return hk == val.Address() }
	key := minertest.Signer(t, "miner o3")
	// netuid 1, tempo 10: epoch 2 spans heights 21..31 (closed at 31), epoch 3 spans 32..42.
	fc := &epochChain{permit: []string{val.Address()}, miners: []metagraph.Miner{
		{UID: 1, Hotkey: key.Address(), Endpoint: minertest.StartAxon(t, key, model.Train(corpus.Train(), 3), permit)},
	}}
	// A generous timeout: the test is about which epoch acts, and a miner that misses a 2 s
	// deadline on a loaded machine would leave nothing to commit.
	d, err := dendrite.New(dendrite.Config{Signer: val, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cm := &committer{period: 1, revealFails: 1}
	v, err := validator.New(validator.Config{Netuid: 1, Hotkey: val.Address(), Text: corpus.HeldOut(),
		Tasks: testTasks}, fc, d, &sink{}, cm)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := func(height int64, current uint64, next int64) {
		t.Helper()
		fc.ep = validator.Epoch{Current: current, Height: height, NextEpochHeight: next, Tempo: 10, CommitReveal: true, RevealPeriod: 1}
		if err := v.Tick(ctx); err != nil {
			t.Fatalf("tick at height %d: %v", height, err)
		}
	}
	// State at 31 (epoch 2's last block), answer for 32: epoch 3 opens with the next block.
	if (validator.Epoch{Current: 3, Height: 31, NextEpochHeight: 42, Tempo: 10}).StateInEpoch() {
		t.Fatal("state at the closing block of epoch 2 counted as in epoch 3")
	}
	at(31, 3, 42)
	if len(cm.reveals) != 0 || len(cm.commits) != 0 {
		t.Fatalf("acted on epoch 3 while the state was in epoch 2: reveals %v commits %v", cm.reveals, cm.commits)
	}
	at(32, 3, 42) // reveal fails (transport), commit goes through
	at(33, 3, 42) // same epoch: only the reveal is retried
	at(34, 3, 42) // reveal succeeded: nothing more in epoch 3
	at(42, 4, 53) // state at epoch 3's closing block: wait
	at(43, 4, 53)
	if want := []uint64{3, 3, 4}; !equal(cm.reveals, want) {
		t.Fatalf("reveals asked for epochs %v, want %v", cm.reveals, want)
	}
	if want := []uint64{3, 4}; !equal(cm.commits, want) {
		t.Fatalf("commits in epochs %v, want %v", cm.commits, want)
	}
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// journalSink is a sink that keeps what it signed per epoch, as chain.EvaluationSubmitter does.
type journalSink struct {
	signed    map[uint64]scoring.Evaluation
	resent    []uint64
	submitted []uint64
}

func (s *journalSink) Submit(_ context.Context, ev scoring.Evaluation) error {
	if _, ok := s.signed[ev.Epoch]; !ok {
		s.signed[ev.Epoch] = ev
	}
	s.submitted = append(s.submitted, ev.Epoch)
	return nil
}

func (s *journalSink) Resubmit(_ context.Context, _ uint16, epoch uint64) (bool, error) {
	if _, ok := s.signed[epoch]; !ok {
		return false, nil
	}
	s.resent = append(s.resent, epoch)
	return true, nil
}

// metagraphCounter counts metagraph reads: the loop reads it before querying the miners.
type metagraphCounter struct {
	epochChain
	reads int
}

func (c *metagraphCounter) Metagraph(ctx context.Context, netuid uint16) ([]metagraph.Miner, []string, error) {
	c.reads++
	return c.epochChain.Metagraph(ctx, netuid)
}

// TestRestartedLoopResendsWhatItSigned: a worker restarted within an epoch it already signed for
// sends that evaluation again instead of querying the miners and scoring anew; epochs it did not
// sign for are scored as usual.
func TestRestartedLoopResendsWhatItSigned(t *testing.T) {
	val := minertest.Signer(t, "validator")
	permit := func(hk string) bool { return hk == val.Address() }
	key := minertest.Signer(t, "miner o3")
	fc := &metagraphCounter{epochChain: epochChain{permit: []string{val.Address()}, miners: []metagraph.Miner{
		{UID: 1, Hotkey: key.Address(), Endpoint: minertest.StartAxon(t, key, model.Train(corpus.Train(), 3), permit)},
	}}}
	d, err := dendrite.New(dendrite.Config{Signer: val, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sk := &journalSink{signed: map[uint64]scoring.Evaluation{5: {Netuid: 1, Epoch: 5, UIDs: []uint16{1}, Scores: []uint16{1}}}}
	v, err := validator.New(validator.Config{Netuid: 1, Hotkey: val.Address(), Text: corpus.HeldOut(),
		Tasks: testTasks}, fc, d, sk, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.RunEpoch(context.Background(), validator.Epoch{Current: 5})
	if err != nil || res.Outcome != "submitted" || fc.reads != 0 || len(sk.submitted) != 0 || !equal(sk.resent, []uint64{5}) {
		t.Fatalf("journaled epoch: outcome %q err %v, metagraph reads %d, submitted %v, resent %v", res.Outcome, err, fc.reads, sk.submitted, sk.resent)
	}
	res, err = v.RunEpoch(context.Background(), validator.Epoch{Current: 6})
	if err != nil || res.Outcome != "submitted" || fc.reads != 1 || !equal(sk.submitted, []uint64{6}) {
		t.Fatalf("new epoch: outcome %q err %v, metagraph reads %d, submitted %v", res.Outcome, err, fc.reads, sk.submitted)
	}
}

// promptCounter is a model that records the prompts it is asked about: one per task.
type promptCounter struct {
	model.Model
	mu      sync.Mutex
	prompts map[string]int
}

func (p *promptCounter) Score(ctx context.Context, prompt, continuation string) (float64, error) {
	p.mu.Lock()
	if p.prompts == nil {
		p.prompts = map[string]int{}
	}
	p.prompts[prompt]++
	p.mu.Unlock()
	return p.Model.Score(ctx, prompt, continuation)
}

// scored is the number of (prompt, candidate) pairs the miner has scored: each task's prompt is
// scored once per candidate. Distinct prompts would undercount: windows are drawn with
// replacement, so two epochs (or two tasks) can share a prompt, about 1 run in 100 here.
func (p *promptCounter) scored() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.prompts {
		n += c
	}
	return n
}

// TestEveryMinerAnswersTasksPerMinerTasks: Tasks.Count is the number of tasks each miner answers
// per epoch, the same set for every miner, fresh every epoch.
func TestEveryMinerAnswersTasksPerMinerTasks(t *testing.T) {
	const k, candidates = 5, 8
	val := minertest.Signer(t, "validator")
	permit := func(hk string) bool { return hk == val.Address() }
	train := corpus.Train()
	k1, k3 := minertest.Signer(t, "miner o1"), minertest.Signer(t, "miner o3")
	m1, m3 := &promptCounter{Model: model.Train(train, 1)}, &promptCounter{Model: model.Train(train, 3)}
	fc := &epochChain{permit: []string{val.Address()}, miners: []metagraph.Miner{
		{UID: 1, Hotkey: k1.Address(), Endpoint: minertest.StartAxon(t, k1, m1, permit)},
		{UID: 2, Hotkey: k3.Address(), Endpoint: minertest.StartAxon(t, k3, m3, permit)},
	}}
	d, err := dendrite.New(dendrite.Config{Signer: val, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	v, err := validator.New(validator.Config{Netuid: 1, Hotkey: val.Address(), Text: corpus.HeldOut(),
		Tasks: scoring.TaskConfig{Count: k, PromptChars: 64, ContinuationChars: 2, Candidates: candidates}}, fc, d, &journalSink{signed: map[uint64]scoring.Evaluation{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for epoch := uint64(1); epoch <= 2; epoch++ {
		if _, err := v.RunEpoch(context.Background(), validator.Epoch{Current: epoch}); err != nil {
			t.Fatal(err)
		}
		if want := k * candidates * int(epoch); m1.scored() != want || m3.scored() != want {
			t.Fatalf("after epoch %d the miners scored %d and %d continuations, want %d tasks × %d candidates = %d each",
				epoch, m1.scored(), m3.scored(), k*int(epoch), candidates, want)
		}
	}
	m1.mu.Lock()
	defer m1.mu.Unlock()
	for p, c := range m1.prompts {
		if m3.prompts[p] != c {
			t.Fatalf("prompt %q scored %d times by miner 1 and %d by miner 3: the tasks differ", p, c, m3.prompts[p])
		}
	}
	if _, err := validator.New(validator.Config{Netuid: 1, Hotkey: val.Address(), Text: corpus.HeldOut(),
		Tasks: scoring.TaskConfig{Count: 0, PromptChars: 64, ContinuationChars: 2, Candidates: 8}}, fc, d, &sink{}, nil); err == nil {
		t.Fatal("0 tasks per miner accepted")
	}
}

// TestRestartMidEpochAveragesTheEpochOnce runs the loop with its score EMA in a file: the weights
// submitted are the EMAs; a worker restarted in an epoch it averaged in but did not sign measures
// the miners again and replaces that epoch's contribution instead of adding it twice; a worker
// restarted in an epoch it signed only re-sends; a uid whose hotkey changed starts over.
func TestRestartMidEpochAveragesTheEpochOnce(t *testing.T) {
	val := minertest.Signer(t, "validator")
	permit := func(hk string) bool { return hk == val.Address() }
	train := corpus.Train()
	k1, k5 := minertest.Signer(t, "miner o1"), minertest.Signer(t, "miner o5")
	o1, o5 := minertest.StartAxon(t, k1, model.Train(train, 1), permit), minertest.StartAxon(t, k5, model.Train(train, 5), permit)
	fc := &epochChain{permit: []string{val.Address()}, miners: []metagraph.Miner{
		{UID: 1, Hotkey: k1.Address(), Endpoint: o1}, {UID: 2, Hotkey: k5.Address(), Endpoint: o5},
	}}
	d, err := dendrite.New(dendrite.Config{Signer: val, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "score-ema.json")
	sk := &journalSink{signed: map[uint64]scoring.Evaluation{}}
	start := func() *validator.Validator {
		t.Helper()
		v, err := validator.New(validator.Config{Netuid: 1, Hotkey: val.Address(), Text: corpus.HeldOut(),
			Tasks:         scoring.TaskConfig{Count: 32, PromptChars: 64, ContinuationChars: 2, Candidates: 8},
			ScoreEMAAlpha: 0.5, ScoreEMAPath: path}, fc, d, sk, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	load := func() validator.ScoreEMA {
		t.Helper()
		s, err := validator.LoadScoreEMA(path, 1)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	run := func(v *validator.Validator, epoch uint64) validator.Result {
		t.Helper()
		res, err := v.RunEpoch(context.Background(), validator.Epoch{Current: epoch})
		if err != nil || res.Outcome != "submitted" {
			t.Fatalf("epoch %d: outcome %q err %v", epoch, res.Outcome, err)
		}
		return res
	}
	score := func(res validator.Result, uid uint16) float64 {
		for _, s := range res.Scores {
			if s.UID == uid {
				return float64(s.Score)
			}
		}
		t.Fatalf("uid %d not scored", uid)
		return 0
	}

	first := run(start(), 5)
	// The evaluation of epoch 5 is lost before it was signed (crash): forget it and restart.
	delete(sk.signed, 5)
	v := start()
	again := run(v, 5)
	s := load()
	if *s.LastEpoch != 5 || s.Miners[0].Epochs != 1 || s.Weight(1, k1.Address()) != uint16(score(again, 1)) {
		t.Fatalf("epoch 5 measured twice (scores %v then %v): history %+v, want only the second measurement", first.Scores, again.Scores, s)
	}
	next := run(v, 6)
	want := uint16(math.Round(0.5*score(again, 1) + 0.5*score(next, 1)))
	if s := load(); s.Weight(1, k1.Address()) != want || s.Miners[0].Epochs != 2 {
		t.Fatalf("epoch 6: history %+v, want uid 1 at %d over 2 epochs", s, want)
	}
	if ev := sk.signed[6]; ev.UIDs[0] != 1 || ev.Scores[0] != want || ev.Scores[1] != scoring.MaxScore {
		t.Fatalf("epoch 6 submitted %v %v, want the EMAs [%d %d]", ev.UIDs, ev.Scores, want, scoring.MaxScore)
	}
	// Restarted in epoch 6, which is signed: re-sent, the history untouched.
	before := load()
	run(start(), 6)
	if after := load(); after.Weight(1, k1.Address()) != before.Weight(1, k1.Address()) || after.Miners[0].Epochs != 2 || !equal(sk.resent, []uint64{6}) {
		t.Fatalf("signed epoch re-run changed the history: %+v -> %+v (resent %v)", before, after, sk.resent)
	}
	// uid 1 changes hands (to the order-5 model's key and axon): it starts at its own score.
	k1b := minertest.Signer(t, "miner o5 bis")
	fc.miners[0] = metagraph.Miner{UID: 1, Hotkey: k1b.Address(), Endpoint: minertest.StartAxon(t, k1b, model.Train(train, 5), permit)}
	res := run(v, 7)
	if s := load(); s.Miners[0].Hotkey != k1b.Address() || s.Miners[0].Epochs != 1 || s.Weight(1, k1b.Address()) != uint16(score(res, 1)) {
		t.Fatalf("uid 1 under a new hotkey: %+v, want a fresh start at %v", s.Miners[0], score(res, 1))
	}
}

// testTasks shapes the tasks of the loop tests. A lone miner scores 0 when its mean gain over the
// epoch's tasks is not positive, and then nothing is submitted. The tasks' seed is random: with 16
// tasks a trained model's mean gain fell to -0.08 nats in about 1 draw in 100 (CI saw it), with 128
// its lowest in 600 draws was +0.43 nats (median +0.76), so these tests, which are about which
// epoch acts and what is sent, do not depend on the draw.
var testTasks = scoring.TaskConfig{Count: 128, PromptChars: 64, ContinuationChars: 2, Candidates: 8}
