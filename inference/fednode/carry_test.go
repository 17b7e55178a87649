package fednode_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/model"
)

// The carry-over tests give each epoch its own text, repeated so that every 5-gram is seen 24
// times and passes the default privacy's threshold (τ = 15) after noise, while the grams of one
// epoch's text and the next's are disjoint: an update's entries then tell which epoch they came
// from.
var (
	carryText1 = strings.Repeat("abcde", 25)
	carryText2 = strings.Repeat("vwxyz", 25)
)

// hookedChain is a miner's view of a fakeChain whose commit and commitments reads a test can
// replace.
type hookedChain struct {
	fednode.Chain
	// commit, when set, answers CommitModelUpdate (next is the fake chain's).
	commit func(next fednode.Chain, epoch uint64, hash [32]byte, size uint64) error
	// peersErr, when set, is what ModelUpdateCommitments fails with.
	peersErr error
	// reads counts the ModelUpdateCommitments calls.
	reads int
}

func (h *hookedChain) CommitModelUpdate(ctx context.Context, epoch uint64, hash [32]byte, size uint64) error {
	if h.commit != nil {
		return h.commit(h.Chain, epoch, hash, size)
	}
	return h.Chain.CommitModelUpdate(ctx, epoch, hash, size)
}

func (h *hookedChain) ModelUpdateCommitments(ctx context.Context) ([]fednode.PeerInfo, error) {
	h.reads++
	if h.peersErr != nil {
		return nil, h.peersErr
	}
	return h.Chain.ModelUpdateCommitments(ctx)
}

// carrySetup is a publishing miner under the default privacy (so every release is charged) with
// its axon on a fake chain, and a consumer (NoPublish) that merges what it commits.
type carrySetup struct {
	ch       *fakeChain
	pub      *fednode.Miner
	pubDir   string
	pubView  *hookedChain
	reg      *prometheus.Registry
	peer     *fednode.Miner
	peerView fednode.Chain
}

func newCarrySetup(t *testing.T, name string, tweak func(*fednode.Config)) *carrySetup {
	t.Helper()
	s := &carrySetup{ch: newFakeChain(), pubDir: t.TempDir(), reg: prometheus.NewRegistry()}
	s.pub = newMiner(t, s.pubDir, name, func(c *fednode.Config) {
		c.Registerer = s.reg
		if tweak != nil {
			tweak(c)
		}
	})
	s.pubView = &hookedChain{Chain: s.ch.join(s.pub.Hotkey(), startAxon(t, s.pub, name).URL(), 1)}
	s.peer = newMiner(t, t.TempDir(), name+"-peer", func(c *fednode.Config) { c.Privacy = noiseless(); c.NoPublish = true })
	s.peerView = s.ch.join(s.peer.Hotkey(), "http://127.0.0.1:1", 1)
	return s
}

// step runs one poll of the publisher and then of the peer in the chain's current epoch.
func (s *carrySetup) step(t *testing.T, wantPubErr error) {
	t.Helper()
	err := s.pub.Step(context.Background(), s.pubView)
	if wantPubErr == nil && err != nil || wantPubErr != nil && !errors.Is(err, wantPubErr) {
		t.Fatalf("publisher step: %v, want %v", err, wantPubErr)
	}
	if err := s.peer.Step(context.Background(), s.peerView); err != nil {
		t.Fatalf("peer step: %v", err)
	}
}

// commitsTimeOut makes every commit the publisher sends report a timeout without an answer, after
// landing on the fake chain when landed is true (as a transaction included after the client
// stopped waiting).
func (s *carrySetup) commitsTimeOut(landed bool) {
	s.pubView.commit = func(next fednode.Chain, epoch uint64, hash [32]byte, size uint64) error {
		if landed {
			if err := next.CommitModelUpdate(context.Background(), epoch, hash, size); err != nil {
				return err
			}
		}
		return errors.New("fake chain: timed out waiting for the transaction to be included")
	}
}

// stepTimesOut runs one publisher Step of epoch, which must fail with a commit heard back from
// neither way (a timeout, not a failure in a block).
func (s *carrySetup) stepTimesOut(t *testing.T, epoch uint64) {
	t.Helper()
	if err := s.pub.Step(context.Background(), s.pubView); err == nil || errors.Is(err, fednode.ErrCommitFailedInBlock) {
		t.Fatalf("epoch %d: %v, want a commit that failed without an answer", epoch, err)
	}
}

// served decodes the update the publisher holds for epoch, committed or not.
func (s *carrySetup) served(t *testing.T, epoch uint64) model.Counts {
	t.Helper()
	body, ok := s.pub.FederatedUpdate(epoch)
	if !ok {
		t.Fatalf("no update served for epoch %d", epoch)
	}
	su, err := fednode.DecodeWire(body)
	if err != nil {
		t.Fatal(err)
	}
	u, err := federated.Decode(su.Bytes, federated.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return u.Counts()
}

// committed fetches and verifies, as a peer does, the publisher's latest commitment on the chain,
// and checks it is for epoch.
func (s *carrySetup) committed(t *testing.T, epoch uint64) model.Counts {
	t.Helper()
	peers, err := s.peerView.ModelUpdateCommitments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range peers {
		if p.Hotkey != s.pub.Hotkey() {
			continue
		}
		if p.Commitment.Epoch != epoch {
			t.Fatalf("the publisher's latest commitment is for epoch %d, want %d", p.Commitment.Epoch, epoch)
		}
		u, err := fednode.Fetch(context.Background(), nil, p.AxonURL, p.Commitment, federated.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		return u.Counts()
	}
	t.Fatal("the publisher has no commitment")
	return nil
}

// grams returns the grams of c that occur in text, with their counts.
func grams(c model.Counts, text string) model.Counts {
	out := model.Counts{}
	for g, n := range c {
		if strings.Contains(text, g) {
			out[g] = n
		}
	}
	return out
}

func sameCounts(a, b model.Counts) bool {
	if len(a) != len(b) {
		return false
	}
	for g, n := range a {
		if b[g] != n {
			return false
		}
	}
	return true
}

// check asserts the ledger (in the miner and on disk) holds releases charged releases, the last
// for epoch lastEpoch, and the carried-entries status and gauge say carried.
func (s *carrySetup) check(t *testing.T, releases int, lastEpoch uint64, carried int) {
	t.Helper()
	st := s.pub.Status()
	if st.Releases != releases || st.EpsilonSpent != float64(releases) || st.CarriedEntries != carried {
		t.Fatalf("status %+v: want %d releases (ε %d) and %d entries carried", st, releases, releases, carried)
	}
	l, err := fednode.ReadLedger(filepath.Join(s.pubDir, fednode.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if l.Releases != releases || l.LastEpoch != lastEpoch {
		t.Fatalf("ledger %+v: want %d releases, the last for epoch %d", l, releases, lastEpoch)
	}
	if g := gauge(t, s.reg, "taoworker_federated_carried_entries"); g != float64(carried) {
		t.Fatalf("carried entries gauge %v, want %d", g, carried)
	}
	if g := gauge(t, s.reg, "taoworker_privacy_releases"); g != float64(releases) {
		t.Fatalf("releases gauge %v, want %d", g, releases)
	}
}

// checkCarried asserts the epoch 2 update holds the lost epoch 1 entries exactly and a fresh
// release of epoch 2's text, that the peer merged it (its model predicts epoch 1's text as one
// trained on the committed counts does), that the ledger charged each epoch once, and that once
// committed nothing is carried again: epoch 3, without new text, publishes an empty update.
func (s *carrySetup) checkCarried(t *testing.T, lost model.Counts) {
	t.Helper()
	got := s.committed(t, 2)
	if carried := grams(got, carryText1); !sameCounts(carried, lost) {
		t.Fatalf("epoch 2's update carries %v of epoch 1's grams, want the lost update's %v", carried, lost)
	}
	if fresh := grams(got, carryText2); len(fresh) < 5 || len(fresh)+len(lost) != len(got) {
		t.Fatalf("epoch 2's update %v: want epoch 1's entries and a fresh release of epoch 2's text", got)
	}
	if st := s.peer.Status(); st.PeersMerged != 1 || st.PeersRefused != 0 {
		t.Fatalf("peer status %+v: want the publisher's epoch 2 update merged", st)
	}
	want := model.FromCounts(testOrder, got)
	for _, ctx := range []string{"abcd", "vwxy"} {
		next := string(ctx[0] + 4)
		lp, wantLP := s.peer.Current().LogProb(ctx, next), want.LogProb(ctx, next)
		if math.Abs(lp-wantLP) > 1e-9 || lp < math.Log(0.5) {
			t.Fatalf("peer's log P(%q | %q) = %.3f, a model of the committed counts says %.3f: the peer did not get them", next, ctx, lp, wantLP)
		}
	}
	s.check(t, 2, 2, 0)

	s.ch.setEpoch(3)
	s.step(t, nil)
	if got := s.committed(t, 3); len(got) != 0 {
		t.Fatalf("epoch 3 without new text: update %v, want empty (the carried entries went out in epoch 2)", got)
	}
	s.check(t, 3, 3, 0)
}

// TestStepCarriesAnUpdateThatFailedInABlock: the epoch 1 commitment fails in a block and is given
// up; its privatized entries go, uncharged, into epoch 2's update beside epoch 2's fresh release,
// which is committed and merged by the peer; the carry-over is then cleared.
func TestStepCarriesAnUpdateThatFailedInABlock(t *testing.T) {
	s := newCarrySetup(t, "carry-block", nil)
	s.ch.failCommits, s.ch.failInBlock = 1, true
	s.ch.setEpoch(1)
	s.pub.AddText(carryText1)
	s.step(t, fednode.ErrCommitFailedInBlock)
	lost := s.served(t, 1)
	if len(lost) < 5 {
		t.Fatalf("epoch 1's update %v: want the 5-grams of its text", lost)
	}
	if got := s.ch.commitsOf(s.pub.Hotkey()); len(got) != 0 {
		t.Fatalf("committed epochs %v, want none", got)
	}
	s.check(t, 1, 1, len(lost))
	// Later polls of epoch 1 neither send the commitment again nor publish.
	s.step(t, nil)
	if s.ch.attempts != 1 {
		t.Fatalf("%d commits sent in epoch 1, want 1", s.ch.attempts)
	}

	s.ch.setEpoch(2)
	s.pub.AddText(carryText2)
	s.step(t, nil)
	s.checkCarried(t, lost)
}

// TestStepCarriesAnUpdateWhoseEpochEnded: the epoch 1 commit times out without an answer and the
// epoch ends before it is sent again. The next Step asks the chain, finds no commitment and
// carries the update into epoch 2's.
func TestStepCarriesAnUpdateWhoseEpochEnded(t *testing.T) {
	s := newCarrySetup(t, "carry-late", nil)
	s.commitsTimeOut(false)
	s.ch.setEpoch(1)
	s.pub.AddText(carryText1)
	s.stepTimesOut(t, 1)
	lost := s.served(t, 1)
	// Not given up yet: the commit is retried within the epoch.
	s.check(t, 1, 1, 0)

	s.pubView.commit = nil
	s.ch.setEpoch(2)
	s.pub.AddText(carryText2)
	s.step(t, nil)
	if got := s.ch.commitsOf(s.pub.Hotkey()); len(got) != 1 || got[0] != 2 {
		t.Fatalf("committed epochs %v, want [2]", got)
	}
	s.checkCarried(t, lost)
}

// TestStepCarriesWhenTheChainCannotBeAsked: as above, but reading the chain's commitments fails
// when the epoch ends, so whether the timed-out commit landed is unknown: the entries are carried
// rather than lost.
func TestStepCarriesWhenTheChainCannotBeAsked(t *testing.T) {
	s := newCarrySetup(t, "carry-unasked", nil)
	s.pubView.commit = func(fednode.Chain, uint64, [32]byte, uint64) error { return errors.New("fake chain: connection reset") }
	s.ch.setEpoch(1)
	s.pub.AddText(carryText1)
	if err := s.pub.Step(context.Background(), s.pubView); err == nil {
		t.Fatal("epoch 1: the commit did not fail")
	}
	lost := s.served(t, 1)
	s.pubView.commit = nil
	s.pubView.peersErr = errors.New("fake chain: node unavailable")
	s.ch.setEpoch(2)
	s.pub.AddText(carryText2)
	if err := s.pub.Step(context.Background(), s.pubView); err == nil || !strings.Contains(err.Error(), "node unavailable") {
		t.Fatalf("epoch 2: %v, want the failed commitments read", err)
	}
	s.pubView.peersErr = nil
	if err := s.peer.Step(context.Background(), s.peerView); err != nil {
		t.Fatal(err)
	}
	s.checkCarried(t, lost)
}

// TestStepDoesNotCarryACommitThatLanded: the epoch 1 commit is included but its sender hears
// only a timeout, and the epoch ends before the next poll. The chain holds the commitment, so
// epoch 2's update is epoch 2's fresh release alone: the peer would otherwise count epoch 1's
// entries twice.
func TestStepDoesNotCarryACommitThatLanded(t *testing.T) {
	s := newCarrySetup(t, "carry-landed", nil)
	s.commitsTimeOut(true)
	s.ch.setEpoch(1)
	s.pub.AddText(carryText1)
	s.stepTimesOut(t, 1)
	s.pubView.commit = nil
	// The end of that same Step read the chain and found the commitment: nothing is pending.
	s.ch.setEpoch(2)
	s.pub.AddText(carryText2)
	s.step(t, nil)
	got := s.committed(t, 2)
	if old := grams(got, carryText1); len(old) != 0 {
		t.Fatalf("epoch 2's update holds epoch 1's committed entries again: %v", old)
	}
	if len(grams(got, carryText2)) < 5 {
		t.Fatalf("epoch 2's update %v lacks the fresh release", got)
	}
	s.check(t, 2, 2, 0)
	if got := s.ch.commitsOf(s.pub.Hotkey()); len(got) != 2 {
		t.Fatalf("committed epochs %v, want [1 2] (epoch 1's commit sent once)", got)
	}
}

// TestStepCarriesAcrossAnExhaustedBudget: the budget allows one release. Epoch 1's update fails
// in a block; in epoch 2 nothing new can be released, so the miner publishes the carried entries
// alone, uncharged (the ledger keeps one release), the peer merges them, and epoch 3, with
// nothing carried and no budget, publishes nothing.
func TestStepCarriesAcrossAnExhaustedBudget(t *testing.T) {
	s := newCarrySetup(t, "carry-spent", func(c *fednode.Config) { c.BudgetEpsilon, c.BudgetDelta = 1, 1e-6 })
	s.ch.failCommits, s.ch.failInBlock = 1, true
	s.ch.setEpoch(1)
	s.pub.AddText(carryText1)
	s.step(t, fednode.ErrCommitFailedInBlock)
	lost := s.served(t, 1)
	s.check(t, 1, 1, len(lost))

	s.ch.setEpoch(2)
	s.pub.AddText(carryText2)
	s.step(t, nil)
	if got := s.committed(t, 2); !sameCounts(got, lost) {
		t.Fatalf("epoch 2's update %v, want exactly the carried entries %v", got, lost)
	}
	if st := s.peer.Status(); st.PeersMerged != 1 || st.PeersRefused != 0 {
		t.Fatalf("peer status %+v: want the carried update merged", st)
	}
	s.check(t, 1, 1, 0)

	s.ch.setEpoch(3)
	s.step(t, nil)
	if got := s.ch.commitsOf(s.pub.Hotkey()); len(got) != 1 || got[0] != 2 {
		t.Fatalf("committed epochs %v, want [2]", got)
	}
	if _, ok := s.pub.FederatedUpdate(3); ok {
		t.Fatal("epoch 3 published with no budget and nothing carried")
	}
	s.check(t, 1, 1, 0)
}

// TestStepCarriesTwice: an update holding carried entries that is lost in turn carries all of them
// on: after failures in epochs 1 and 2, epoch 3's update holds epochs 1, 2 and 3's releases.
func TestStepCarriesTwice(t *testing.T) {
	s := newCarrySetup(t, "carry-twice", nil)
	s.ch.failCommits, s.ch.failInBlock = 2, true
	s.ch.setEpoch(1)
	s.pub.AddText(carryText1)
	s.step(t, fednode.ErrCommitFailedInBlock)
	lost1 := s.served(t, 1)
	s.ch.setEpoch(2)
	s.pub.AddText(carryText2)
	s.step(t, fednode.ErrCommitFailedInBlock)
	lost2 := s.served(t, 2)
	if !sameCounts(grams(lost2, carryText1), lost1) {
		t.Fatalf("epoch 2's update %v does not carry epoch 1's %v", lost2, lost1)
	}
	s.check(t, 2, 2, len(lost2))

	text3 := strings.Repeat("01234", 25)
	s.ch.setEpoch(3)
	s.pub.AddText(text3)
	s.step(t, nil)
	got := s.committed(t, 3)
	if !sameCounts(grams(got, carryText1+carryText2), lost2) || len(grams(got, text3)) < 5 {
		t.Fatalf("epoch 3's update %v: want epochs 1 and 2's %v and a fresh release", got, lost2)
	}
	s.check(t, 3, 3, 0)
}

// TestStepFindsALandedCommitAfterGivingUpAnother: the epoch 1 commit times out without landing,
// and in epoch 2 the Step that gives it up sends epoch 2's commit, which is included but heard as
// a timeout. The chain's commitments read at the end of that Step, after the commit, find it
// included, so later polls of epoch 2 do not send it again. (giveUp's read, made before the
// commit, cannot tell; it is not reused at the end.)
func TestStepFindsALandedCommitAfterGivingUpAnother(t *testing.T) {
	s := newCarrySetup(t, "carry-landed-after", nil)
	s.commitsTimeOut(false)
	s.ch.setEpoch(1)
	s.pub.AddText(carryText1)
	s.stepTimesOut(t, 1)
	lost := s.served(t, 1)
	s.commitsTimeOut(true)
	s.ch.setEpoch(2)
	s.pub.AddText(carryText2)
	s.stepTimesOut(t, 2)
	s.pubView.commit = nil
	s.step(t, nil)
	if s.ch.attempts != 1 {
		t.Fatalf("%d commits sent in epoch 2, want 1 (the included one found on chain)", s.ch.attempts)
	}
	s.checkCarried(t, lost)
}

// TestStepReadsTheChainOnceWhenARetryFailsInABlock: the epoch 1 commit times out without
// landing, and its retry at the next poll fails in a block. That Step reads the chain's
// commitments once, after the retry, both to learn whether the timed-out commit was included (it
// was not: the update is carried) and to merge the peers.
func TestStepReadsTheChainOnceWhenARetryFailsInABlock(t *testing.T) {
	s := newCarrySetup(t, "carry-one-read", nil)
	s.commitsTimeOut(false)
	s.ch.setEpoch(1)
	s.pub.AddText(carryText1)
	s.stepTimesOut(t, 1)
	lost := s.served(t, 1)
	s.pubView.commit = nil
	s.ch.failCommits, s.ch.failInBlock = 1, true
	before := s.pubView.reads
	s.step(t, fednode.ErrCommitFailedInBlock)
	if n := s.pubView.reads - before; n != 1 {
		t.Fatalf("the Step that gave the update up read the chain's commitments %d times, want 1", n)
	}
	s.check(t, 1, 1, len(lost))

	s.ch.setEpoch(2)
	s.pub.AddText(carryText2)
	s.step(t, nil)
	s.checkCarried(t, lost)
}
