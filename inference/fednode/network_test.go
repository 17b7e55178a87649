package fednode_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/model"
)

// startAxon serves m's model and updates at a real axon on 127.0.0.1.
func startAxon(t *testing.T, m *fednode.Miner, secret string) *axon.Server {
	t.Helper()
	signer, err := auth.NewSigner(key(secret))
	if err != nil {
		t.Fatal(err)
	}
	var permits metagraph.Cache
	v, err := auth.NewVerifier(auth.VerifierConfig{Self: signer.Address(), Authorize: permits.Permit})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := axon.New(axon.Config{Addr: "127.0.0.1:0", Model: m.Model(), Signer: signer, Verifier: v, Updates: m})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return srv
}

// TestMinersLearnFromEachOther: four miners, each holding a different shard of corpus.Train()
// that arrives in equal parts over the epochs, publish clipped exact counts (no noise, as the
// federated simulation measures sharing) at real axons, commit them on a fake chain and fetch,
// verify and merge each other's through the axons, equally weighted. A fifth peer's axon serves
// bytes that do not match its commitment and is refused by everyone, every epoch. After the last
// epoch every miner's merged model has a held-out cross-entropy at most 0.9× what its own text
// alone gives, within 5% of one model trained on all four shards.
func TestMinersLearnFromEachOther(t *testing.T) {
	const miners, epochs = 4, 5
	shards := federated.Shards(miners)
	ch := newFakeChain()
	ms := make([]*fednode.Miner, miners)
	views := make([]fednode.Chain, miners)
	secrets := []string{"m0", "m1", "m2", "m3"}
	for i := range ms {
		ms[i] = newMiner(t, t.TempDir(), secrets[i], func(c *fednode.Config) { c.Privacy = noiseless() })
		views[i] = ch.join(ms[i].Hotkey(), startAxon(t, ms[i], secrets[i]).URL(), 1)
	}
	// The liar commits a real update's hash and size but its axon serves other bytes.
	liarKey := key("liar")
	liar := address(liarKey)
	liarAxon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, 300))
	}))
	defer liarAxon.Close()
	ch.join(liar, liarAxon.URL, 1)

	heldOut := corpus.HeldOut()
	runes := make([][]rune, miners)
	for i, s := range shards {
		runes[i] = []rune(s)
	}
	central := model.Counts{}
	var alone, merged []float64
	for e := 1; e <= epochs; e++ {
		ch.setEpoch(uint64(e))
		for i, m := range ms {
			part := string(runes[i][len(runes[i])*(e-1)/epochs : len(runes[i])*e/epochs])
			m.AddText(part)
		}
		_, c := signed(t, liarKey, uint64(e), entries(10))
		if err := ch.commit(liar, c.Epoch, c.Hash, uint64(c.Size)); err != nil {
			t.Fatal(err)
		}
		// Two polls: in the first each miner publishes and commits and merges what is already on
		// chain, in the second it merges the rest. Miners poll concurrently, as they would.
		for round := range 2 {
			var wg sync.WaitGroup
			for i, m := range ms {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := m.Step(context.Background(), views[i]); err != nil {
						t.Errorf("epoch %d round %d miner %d: %v", e, round, i, err)
					}
				}()
			}
			wg.Wait()
		}
		for i, m := range ms {
			if got := ch.commitsOf(m.Hotkey()); len(got) != e || got[e-1] != uint64(e) {
				t.Fatalf("epoch %d: miner %d committed epochs %v", e, i, got)
			}
			if s := m.Status(); s.Peers != miners-1 || s.PeersMerged != e*(miners-1) || s.PeersRefused != e {
				t.Fatalf("epoch %d: miner %d status %+v: want %d peers, %d merged, %d refused (the liar)",
					e, i, s, miners-1, e*(miners-1), e)
			}
		}
	}
	for i, m := range ms {
		own := model.CountEvents(shards[i], testOrder)
		central.Add(own)
		alone = append(alone, federated.CrossEntropy(model.FromCounts(testOrder, own), heldOut))
		merged = append(merged, federated.CrossEntropy(m.Current(), heldOut))
	}
	c := federated.CrossEntropy(model.FromCounts(testOrder, central), heldOut)
	for i := range ms {
		t.Logf("miner %d: held-out cross-entropy alone %.3f, merged %.3f (%.2f× alone), central %.3f",
			i, alone[i], merged[i], merged[i]/alone[i], c)
		if merged[i] > 0.9*alone[i] {
			t.Errorf("miner %d: merged %.3f nats/char is more than 0.9× alone %.3f", i, merged[i], alone[i])
		}
		if merged[i] > 1.05*c {
			t.Errorf("miner %d: merged %.3f nats/char is more than 1.05× central %.3f", i, merged[i], c)
		}
	}
}

// TestRunLoop: Run publishes and commits once per epoch as the chain's epoch advances, retries a
// failed commit within the epoch, and stops when its context ends.
func TestRunLoop(t *testing.T) {
	ch := newFakeChain()
	m := newMiner(t, t.TempDir(), "runner", nil)
	m.AddText(federated.Shards(4)[1])
	view := ch.join(m.Hotkey(), "http://127.0.0.1:1", 1)
	ch.failCommits = 1
	ch.setEpoch(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, view, time.Millisecond) }()
	for e := uint64(1); e <= 3; e++ {
		ch.setEpoch(e)
		for len(ch.commitsOf(m.Hotkey())) < int(e) {
			select {
			case err := <-done:
				t.Fatalf("Run returned early: %v", err)
			case <-time.After(time.Millisecond):
			}
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := ch.commitsOf(m.Hotkey()); len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Fatalf("committed epochs %v, want [1 2 3]", got)
	}
	if s := m.Status(); s.Releases != 3 || s.EpsilonSpent != 3 {
		t.Fatalf("status %+v: want 3 releases", s)
	}
}

// TestStepGivesUpACommitThatFailedInABlock: a commitment the chain refused in a block (its fee
// spent) is not sent again in the same epoch, where it would spend another fee for the same
// answer; the next epoch's is.
func TestStepGivesUpACommitThatFailedInABlock(t *testing.T) {
	ch := newFakeChain()
	m := newMiner(t, t.TempDir(), "unlucky", nil)
	m.AddText(federated.Shards(4)[2])
	view := ch.join(m.Hotkey(), "http://127.0.0.1:1", 1)
	ch.failCommits, ch.failInBlock = 1, true
	ch.setEpoch(1)
	if err := m.Step(context.Background(), view); !errors.Is(err, fednode.ErrCommitFailedInBlock) {
		t.Fatalf("first step: %v, want ErrCommitFailedInBlock", err)
	}
	for range 3 {
		if err := m.Step(context.Background(), view); err != nil {
			t.Fatalf("later step in the same epoch: %v", err)
		}
	}
	if ch.attempts != 1 {
		t.Fatalf("%d commits sent in epoch 1, want the one that failed only", ch.attempts)
	}
	ch.setEpoch(2)
	if err := m.Step(context.Background(), view); err != nil {
		t.Fatalf("epoch 2: %v", err)
	}
	if got := ch.commitsOf(m.Hotkey()); len(got) != 1 || got[0] != 2 {
		t.Fatalf("committed epochs %v, want [2]", got)
	}
}

// TestStepBudgetExhausted: once the budget is spent, Step publishes and commits nothing (and says
// so once an epoch), and the miner keeps merging its peers.
func TestStepBudgetExhausted(t *testing.T) {
	ch := newFakeChain()
	m := newMiner(t, t.TempDir(), "spent", func(c *fednode.Config) { c.BudgetEpsilon, c.BudgetDelta = 1, 1e-6 })
	view := ch.join(m.Hotkey(), "http://127.0.0.1:1", 1)
	m.AddText("some private text")
	for e := uint64(1); e <= 3; e++ {
		ch.setEpoch(e)
		for range 2 {
			if err := m.Step(context.Background(), view); err != nil {
				t.Fatalf("epoch %d: %v", e, err)
			}
		}
	}
	if got := ch.commitsOf(m.Hotkey()); len(got) != 1 {
		t.Fatalf("committed epochs %v, want only the first", got)
	}
	if _, err := m.Publish(4); !errors.Is(err, federated.ErrBudgetExhausted) {
		t.Fatalf("publish after the budget: %v", err)
	}
}
