package fednode_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
)

// TestBudgetSurvivesRestart: the privacy ledger is written before each release, a restarted
// miner (same home) starts from what was spent, refuses the release that would exceed the budget
// and an epoch it already released, and a budget lowered below what was spent stops it at start.
func TestBudgetSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	budget := func(eps float64) func(*fednode.Config) {
		return func(c *fednode.Config) { c.BudgetEpsilon, c.BudgetDelta = eps, 1e-5 }
	}
	text := federated.Shards(4)[0]
	m := newMiner(t, dir, "restart", budget(2.5))
	m.AddText(text[:len(text)/2])
	for e := uint64(1); e <= 2; e++ {
		if _, err := m.Publish(e); err != nil {
			t.Fatalf("epoch %d: %v", e, err)
		}
		m.AddText(text[len(text)/2:])
	}
	if s := m.Status(); s.EpsilonSpent != 2 || s.Releases != 2 || s.Epoch != 2 {
		t.Fatalf("before restart: %+v", s)
	}
	if _, err := os.Stat(filepath.Join(dir, fednode.StateFile+".tmp")); !os.IsNotExist(err) {
		t.Fatalf("temporary ledger left behind: %v", err)
	}

	reg := prometheus.NewRegistry()
	m = newMiner(t, dir, "restart", func(c *fednode.Config) { budget(2.5)(c); c.Registerer = reg })
	s := m.Status()
	if s.EpsilonSpent != 2 || s.EpsilonRemaining != 0.5 || s.DeltaSpent != 2e-6 || s.Releases != 2 || s.Epoch != 2 {
		t.Fatalf("after restart the budget was reset: %+v", s)
	}
	for name, want := range map[string]float64{"taoworker_privacy_epsilon_spent": 2, "taoworker_privacy_epsilon_remaining": 0.5} {
		if got := gauge(t, reg, name); got != want {
			t.Fatalf("%s %v, want %v", name, got, want)
		}
	}
	m.AddText(text)
	if _, err := m.Publish(2); err == nil || !strings.Contains(err.Error(), "already published") {
		t.Fatalf("epoch 2 again after restart: %v", err)
	}
	if _, err := m.Publish(3); !errors.Is(err, federated.ErrBudgetExhausted) {
		t.Fatalf("release over the budget: %v", err)
	}
	if body, ok := m.FederatedUpdate(3); ok || body != nil {
		t.Fatal("a refused release is served")
	}
	if s := m.Status(); s.EpsilonSpent != 2 || s.Releases != 2 {
		t.Fatalf("a refused release was charged: %+v", s)
	}

	// A larger budget lets the next release through and the ledger keeps counting from 2.
	m = newMiner(t, dir, "restart", budget(3))
	if _, err := m.Publish(4); err != nil {
		t.Fatal(err)
	}
	if s := newMiner(t, dir, "restart", budget(3)).Status(); s.EpsilonSpent != 3 || s.Releases != 3 {
		t.Fatalf("third release not recorded: %+v", s)
	}

	// A budget below what the ledger spent, or a damaged ledger, stops the miner at start.
	p := federated.DefaultPrivacy()
	cfg := fednode.Config{ChainID: testChainID, Netuid: testNetuid, Order: testOrder, Key: key("restart"), Privacy: p,
		BudgetEpsilon: 2, BudgetDelta: 1e-5, StatePath: filepath.Join(dir, fednode.StateFile)}
	if _, err := fednode.NewMiner(cfg); err == nil || !strings.Contains(err.Error(), "more than the budget") {
		t.Fatalf("budget below the ledger: %v", err)
	}
	if err := os.WriteFile(cfg.StatePath, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.BudgetEpsilon = 10
	if _, err := fednode.NewMiner(cfg); err == nil || !strings.Contains(err.Error(), cfg.StatePath) {
		t.Fatalf("damaged ledger: %v", err)
	}
}

// TestPublishDelta: each update holds the events since the previous one, an epoch with no new
// text publishes an empty update, and the served update is the committed one.
func TestPublishDelta(t *testing.T) {
	m := newMiner(t, t.TempDir(), "delta", func(c *fednode.Config) { c.Privacy = noiseless() })
	m.AddText("abcabc")
	c1, err := m.Publish(1)
	if err != nil {
		t.Fatal(err)
	}
	u1 := fetchLocal(t, m, c1)
	if got := u1.Counts(); got["a"] != 1 || got["abca"] != 1 || got["bcabc"] != 1 || len(got) != 6 {
		t.Fatalf("first update %v", got)
	}
	m.AddText("x")
	u2 := fetchLocal(t, m, mustPublish(t, m, 2))
	if got := u2.Counts(); len(got) != 1 || got["cabcx"] != 1 {
		t.Fatalf("second update %v, want only the new event with its history", got)
	}
	if u3 := fetchLocal(t, m, mustPublish(t, m, 3)); len(u3.Entries) != 0 {
		t.Fatalf("no new text, update %v", u3.Entries)
	}
	if s := m.Status(); s.Releases != 0 || s.EpsilonSpent != 0 || s.LastUpdateEntries != 0 {
		t.Fatalf("noiseless releases are not accounted: %+v", s)
	}
}

func mustPublish(t *testing.T, m *fednode.Miner, epoch uint64) federated.Commitment {
	t.Helper()
	c, err := m.Publish(epoch)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fetchLocal verifies the body m serves for c against c, as a peer would.
func fetchLocal(t *testing.T, m *fednode.Miner, c federated.Commitment) federated.Update {
	t.Helper()
	body, ok := m.FederatedUpdate(c.Epoch)
	if !ok {
		t.Fatalf("epoch %d not served", c.Epoch)
	}
	s, err := fednode.DecodeWire(body)
	if err != nil {
		t.Fatal(err)
	}
	u, err := federated.Verify(s, c, federated.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestServedModelSwapIsRaceFree: scoring through Model() while peers are merged and text added
// (run with -race).
func TestServedModelSwapIsRaceFree(t *testing.T) {
	m := newMiner(t, t.TempDir(), "swap", func(c *fednode.Config) { c.Privacy = noiseless() })
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 200 {
			if _, err := m.Model().Score(context.Background(), "the ", "cat"); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for _, p := range strings.SplitAfter(corpus.Train()[:4000], ".") {
		m.AddText(p)
		m.MergePeers(context.Background(), nil)
	}
	<-done
	if m.Current().Name() != m.Model().Name() {
		t.Fatal("Model and Current disagree")
	}
}

// gauge returns the value of the gauge name in reg.
func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no gauge %s", name)
	return 0
}

// TestReadLedger: what `taoworker watch --privacy-ledger` shows is what the miner's accountant
// holds: the releases, what they spent and the budget, read from the home or the file; a home
// without a ledger has spent nothing.
func TestReadLedger(t *testing.T) {
	dir := t.TempDir()
	if s, err := fednode.ReadLedger(dir); err != nil || s.Releases != 0 || s.EpsilonSpent != 0 {
		t.Fatalf("empty home: %+v, %v", s, err)
	}
	m := newMiner(t, dir, "ledger", nil)
	m.AddText("some private text for two releases")
	for e := uint64(3); e <= 4; e++ {
		if _, err := m.Publish(e); err != nil {
			t.Fatal(err)
		}
	}
	st := m.Status()
	for _, path := range []string{dir, filepath.Join(dir, fednode.StateFile)} {
		s, err := fednode.ReadLedger(path)
		if err != nil {
			t.Fatal(err)
		}
		if s.Releases != st.Releases || s.EpsilonSpent != st.EpsilonSpent || s.DeltaSpent != st.DeltaSpent ||
			s.BudgetEpsilon != 10 || s.LastEpoch != 4 {
			t.Fatalf("%s: %+v, miner status %+v", path, s, st)
		}
		if want := "ε 2 of 10 spent (8 left)"; !strings.Contains(s.String(), want) {
			t.Fatalf("%q lacks %q", s, want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, fednode.StateFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := fednode.ReadLedger(dir); err == nil {
		t.Fatal("a damaged ledger read without error")
	}
}

// TestMergePeersFetchesAMissedEpoch: a miner that did not merge between a peer's commitments of
// epochs 2 and 3 fetches both from the peer's axon, the chain having kept the epoch 2 one as
// Previous; the epoch 1 update it already merged is not fetched again, and a merge with nothing
// new merges nothing.
func TestMergePeersFetchesAMissedEpoch(t *testing.T) {
	ch := newFakeChain()
	a := newMiner(t, t.TempDir(), "missed-a", func(c *fednode.Config) { c.Privacy = noiseless() })
	b := newMiner(t, t.TempDir(), "missed-b", func(c *fednode.Config) { c.Privacy = noiseless() })
	ch.join(b.Hotkey(), startAxon(t, b, "missed-b").URL(), 1)
	view := ch.join(a.Hotkey(), "", 1)
	merge := func() fednode.MergeReport {
		t.Helper()
		peers, err := view.ModelUpdateCommitments(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rep := a.MergePeers(context.Background(), peers)
		if len(rep.Refused) != 0 {
			t.Fatalf("refused %v", rep.Refused)
		}
		return rep
	}
	text := []rune(corpus.Train()[:6000])
	for e := uint64(1); e <= 3; e++ {
		ch.setEpoch(e)
		b.AddText(string(text[(e-1)*2000 : e*2000]))
		publish(t, ch, b, e)
		if e == 2 {
			continue // a does not poll in epoch 2
		}
		rep := merge()
		want := map[uint64]int{1: 1, 3: 2}[e]
		if len(rep.Merged) != want {
			t.Fatalf("epoch %d: merged %v, want %d of b's updates", e, rep.Merged, want)
		}
	}
	if s := a.Status(); s.PeersMerged != 3 || s.Peers != 1 {
		t.Fatalf("status %+v: want b's three updates merged", s)
	}
	if rep := merge(); len(rep.Merged) != 0 {
		t.Fatalf("merged %v again", rep.Merged)
	}
}
