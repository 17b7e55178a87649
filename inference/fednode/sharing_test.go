package fednode_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/metagraph"
)

// serveUpdates runs a real axon on 127.0.0.1 serving m's model and updates; it is shut down when
// the test or benchmark ends.
func serveUpdates(tb testing.TB, m *fednode.Miner, secret string) string {
	tb.Helper()
	signer, err := auth.NewSigner(key(secret))
	if err != nil {
		tb.Fatal(err)
	}
	var permits metagraph.Cache
	v, err := auth.NewVerifier(auth.VerifierConfig{Self: signer.Address(), Authorize: permits.Permit})
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := axon.New(axon.Config{Addr: "127.0.0.1:0", Model: m.Model(), Signer: signer, Verifier: v, Updates: m})
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			tb.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			tb.Errorf("serve: %v", err)
		}
	})
	return srv.URL()
}

// sharingMiner returns a noiseless miner (exact clipped counts, as the federated simulation
// measures sharing) with its ledger in a temporary directory.
func sharingMiner(tb testing.TB, secret string) *fednode.Miner {
	tb.Helper()
	p := federated.DefaultPrivacy()
	p.Noiseless = true
	m, err := fednode.NewMiner(fednode.Config{ChainID: testChainID, Netuid: testNetuid, Order: testOrder, Key: key(secret), Privacy: p,
		BudgetEpsilon: 1, BudgetDelta: 1e-6, StatePath: filepath.Join(tb.TempDir(), fednode.StateFile)})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// publish publishes m's update for epoch and commits it on ch.
func publish(tb testing.TB, ch *fakeChain, m *fednode.Miner, epoch uint64) {
	tb.Helper()
	c, err := m.Publish(epoch)
	if err != nil {
		tb.Fatal(err)
	}
	if err := ch.commit(m.Hotkey(), epoch, c.Hash, uint64(c.Size)); err != nil {
		tb.Fatal(err)
	}
}

// randomText is printable ASCII drawn uniformly: counts that carry no knowledge of the language.
func randomText(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, 19))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(' ' + rng.IntN(95))
	}
	return string(b)
}

func half(s string, second bool) string {
	r := []rune(s)
	if second {
		return string(r[len(r)/2:])
	}
	return string(r[:len(r)/2])
}

// TestSharingScorer: over two epochs, with miners on real axons, the updates of two honest miners
// holding different shards share the epoch's credit (shares summing to 1), while a consumer that
// never commits, a garbage publisher (counts of random text), a copier (the same counts committed
// after the original), a replayer (an earlier epoch's counts committed again), a liar (its axon
// serves other bytes than committed), an unreachable axon and a miner whose latest commitment is
// for an earlier epoch all score 0, each with its reason. Scoring an epoch again returns the same
// result; an earlier epoch is refused.
func TestSharingScorer(t *testing.T) {
	ch := newFakeChain()
	shards := federated.Shards(4)
	names := []string{"honest0", "honest1", "consumer", "garbage", "copier", "replayer"}
	ms := map[string]*fednode.Miner{}
	var miners []metagraph.Miner
	for i, n := range names {
		ms[n] = sharingMiner(t, n)
		url := serveUpdates(t, ms[n], n)
		ch.join(ms[n].Hotkey(), url, 1)
		miners = append(miners, metagraph.Miner{UID: uint16(i), Hotkey: ms[n].Hotkey(), Endpoint: url})
	}
	liarKey, downKey := key("liar"), key("down")
	liarAxon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(make([]byte, 300))
	}))
	defer liarAxon.Close()
	ch.join(address(liarKey), liarAxon.URL, 1)
	ch.join(address(downKey), "http://127.0.0.1:1", 1)
	miners = append(miners,
		metagraph.Miner{UID: 10, Hotkey: address(liarKey), Endpoint: liarAxon.URL},
		metagraph.Miner{UID: 11, Hotkey: address(downKey), Endpoint: "http://127.0.0.1:1"})
	uid := map[string]int{}
	for i, n := range append(names, "liar", "down") {
		uid[n] = i
	}

	s, err := fednode.NewSharingScorer(fednode.SharingConfig{ChainID: testChainID, Netuid: testNetuid, Order: testOrder,
		HeldOut: corpus.HeldOut(), NullSeed: 19, Commitments: ch.join("validator", "", 0), MaxParallelFetches: 3})
	if err != nil {
		t.Fatal(err)
	}
	check := func(epoch uint64, got []fednode.SharingScore, helpful []string, want map[string]error) {
		t.Helper()
		sum := 0.0
		for _, n := range helpful {
			sc := got[uid[n]]
			t.Logf("epoch %d %s: held-out gain %.3f nats/char, share %.3f", epoch, n, sc.Gain, sc.Share)
			if sc.Err != nil || !(sc.Share > 0) || !(sc.Gain > 0) {
				t.Errorf("epoch %d: %s scored %+v, want a positive share", epoch, n, sc)
			}
			sum += sc.Share
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("epoch %d: honest shares sum to %v, want 1", epoch, sum)
		}
		for n, werr := range want {
			sc := got[uid[n]]
			if sc.Share != 0 || sc.Gain != 0 || !errors.Is(sc.Err, werr) {
				t.Errorf("epoch %d: %s scored %+v, want 0 with %v", epoch, n, sc, werr)
			}
		}
	}

	// Epoch 1: the copier holds honest0's text, so its update carries the same counts.
	ch.setEpoch(1)
	ms["honest0"].AddText(half(shards[0], false))
	ms["honest1"].AddText(half(shards[1], false))
	ms["copier"].AddText(half(shards[0], false))
	ms["garbage"].AddText(randomText(1, 4000))
	for _, n := range []string{"honest0", "honest1", "copier", "garbage"} {
		publish(t, ch, ms[n], 1)
	}
	for _, pk := range []*secp256k1.PrivKey{liarKey, downKey} {
		_, c := signed(t, pk, 1, entries(10))
		if err := ch.commit(address(pk), 1, c.Hash, uint64(c.Size)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ScoreEpoch(context.Background(), 1, miners)
	if err != nil {
		t.Fatal(err)
	}
	check(1, got, []string{"honest0", "honest1"}, map[string]error{
		"consumer": fednode.ErrNoCommitment, "copier": federated.ErrCopied, "replayer": federated.ErrMissing,
		"liar": federated.ErrNotCommitted, "down": fednode.ErrFetch,
	})
	if g := got[uid["garbage"]]; g.Err != nil || g.Share != 0 || g.Gain != 0 {
		t.Errorf("garbage publisher scored %+v, want an accepted update that gains nothing", g)
	}

	// Epoch 2: the replayer holds what honest0 held in epoch 1, so its update repeats honest0's
	// first counts; the copier and the garbage publisher publish nothing new.
	ch.setEpoch(2)
	ms["honest0"].AddText(half(shards[0], true))
	ms["honest1"].AddText(half(shards[1], true))
	ms["replayer"].AddText(half(shards[0], false))
	for _, n := range []string{"honest0", "honest1", "replayer"} {
		publish(t, ch, ms[n], 2)
	}
	shares, err := s.SharingScores(context.Background(), 3, miners)
	if err != nil {
		t.Fatal(err)
	}
	got, err = s.ScoreEpoch(context.Background(), 2, miners)
	if err != nil {
		t.Fatal(err)
	}
	check(2, got, []string{"honest0", "honest1"}, map[string]error{
		"replayer": federated.ErrReplayed, "copier": fednode.ErrNoCommitment, "garbage": fednode.ErrNoCommitment,
	})
	for _, sc := range got {
		if shares[sc.UID] != sc.Share {
			t.Errorf("uid %d: SharingScores for epoch 3 gave %v, scoring epoch 2 again %v", sc.UID, shares[sc.UID], sc.Share)
		}
	}
	if _, err := s.ScoreEpoch(context.Background(), 1, miners); err == nil {
		t.Fatal("epoch 1 scored after epoch 2")
	}
	if sh, err := s.SharingScores(context.Background(), 0, miners); err != nil || len(sh) != 0 {
		t.Fatalf("epoch 0: %v %v, want nothing to score", sh, err)
	}
}

// TestSharingScorerAfterNextCommit: the validator scores epoch 2 in epoch 3, after one honest
// miner has already committed epoch 3 (the chain then holds its epoch 2 commitment as the previous
// one) and the other has not. Both are scored from their epoch 2 updates, still served at their
// axons, and get the same gains and shares as a validator that scored before any epoch 3
// commitment. A miner that skipped epoch 2 and committed 3 has no epoch 2 commitment left to
// score (ErrNoCommitment naming the epoch the chain holds).
func TestSharingScorerAfterNextCommit(t *testing.T) {
	ch := newFakeChain()
	shards := federated.Shards(3)
	names := []string{"early", "late", "skipper"}
	ms := map[string]*fednode.Miner{}
	var miners []metagraph.Miner
	for i, n := range names {
		ms[n] = sharingMiner(t, n)
		url := serveUpdates(t, ms[n], n)
		ch.join(ms[n].Hotkey(), url, 1)
		miners = append(miners, metagraph.Miner{UID: uint16(i), Hotkey: ms[n].Hotkey(), Endpoint: url})
	}
	scorer := func() *fednode.SharingScorer {
		s, err := fednode.NewSharingScorer(fednode.SharingConfig{ChainID: testChainID, Netuid: testNetuid, Order: testOrder,
			HeldOut: corpus.HeldOut(), NullSeed: 19, Commitments: ch.join("validator", "", 0)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	ch.setEpoch(1)
	ms["skipper"].AddText(half(shards[2], false))
	publish(t, ch, ms["skipper"], 1)
	ch.setEpoch(2)
	ms["early"].AddText(half(shards[0], false))
	ms["late"].AddText(half(shards[1], false))
	publish(t, ch, ms["early"], 2)
	publish(t, ch, ms["late"], 2)
	// A validator that happens to score before anyone commits epoch 3.
	before, err := scorer().ScoreEpoch(context.Background(), 2, miners)
	if err != nil {
		t.Fatal(err)
	}

	ch.setEpoch(3)
	ms["early"].AddText(half(shards[0], true))
	ms["skipper"].AddText(half(shards[2], true))
	publish(t, ch, ms["early"], 3)
	publish(t, ch, ms["skipper"], 3)
	shares, err := scorer().SharingScores(context.Background(), 3, miners)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i, n := range []string{"early", "late"} {
		b := before[i]
		t.Logf("%s: held-out gain %.3f nats/char, share %.3f", n, b.Gain, b.Share)
		if b.Err != nil || !(b.Share > 0) {
			t.Fatalf("%s scored %+v before epoch 3's commitments, want a positive share", n, b)
		}
		if shares[uint16(i)] != b.Share {
			t.Errorf("%s: share %v after epoch 3's commitments, %v before", n, shares[uint16(i)], b.Share)
		}
		sum += shares[uint16(i)]
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("shares sum to %v, want 1", sum)
	}
	if before[2].Err == nil || shares[2] != 0 {
		t.Errorf("skipper scored %+v before and %v after, want 0: it committed nothing for epoch 2", before[2], shares[2])
	}

	// The same epoch scored by a scorer that kept its result, to read each miner's reason.
	s := scorer()
	got, err := s.ScoreEpoch(context.Background(), 2, miners)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range []string{"early", "late"} {
		if got[i].Err != nil || got[i].Gain != before[i].Gain || got[i].Share != before[i].Share {
			t.Errorf("%s scored %+v after epoch 3's commitments, %+v before", n, got[i], before[i])
		}
	}
	if sc := got[2]; !errors.Is(sc.Err, fednode.ErrNoCommitment) || sc.Share != 0 ||
		!strings.Contains(sc.Err.Error(), "the latest is for epoch 3") || strings.Contains(sc.Err.Error(), "the one before") {
		t.Errorf("skipper scored %+v, want ErrNoCommitment saying the chain holds epoch 3 only", sc)
	}

	// In epoch 4 early commits again, so the chain holds its epoch 3 and 4 commitments; late has
	// still only its epoch 2 one. Scoring epoch 3 reads early's previous and skipper's latest.
	ch.setEpoch(4)
	ms["early"].AddText(randomText(4, 100))
	publish(t, ch, ms["early"], 4)
	got, err = s.ScoreEpoch(context.Background(), 3, miners)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Err != nil || got[2].Err != nil {
		t.Errorf("epoch 3: early scored %+v, skipper %+v; want both accepted", got[0], got[2])
	}
	if sc := got[1]; !errors.Is(sc.Err, fednode.ErrNoCommitment) || !strings.Contains(sc.Err.Error(), "the latest is for epoch 2") {
		t.Errorf("epoch 3: late scored %+v, want ErrNoCommitment naming its epoch 2 commitment", sc)
	}
}

// BenchmarkSharingScorerEpoch measures scoring one epoch of n updates end to end: reading the
// commitments, fetching the updates from real axons, verifying them and measuring each one's gain
// (federated.Validator.Score rebuilds the reference model with the update and with each of 4
// random updates of its shape, so about 5 model builds and held-out passes per update). Each
// update holds a whole shard of the training split clipped to the default limits, and the
// reference grows through the epoch to hold them all, which is what later epochs cost too.
func BenchmarkSharingScorerEpoch(b *testing.B) {
	for _, n := range []int{4, 8} {
		b.Run(fmt.Sprintf("updates=%d", n), func(b *testing.B) {
			ch := newFakeChain()
			ch.setEpoch(1)
			var miners []metagraph.Miner
			for i, text := range federated.Shards(n) {
				secret := fmt.Sprintf("bench%d", i)
				m := sharingMiner(b, secret)
				m.AddText(text)
				url := serveUpdates(b, m, secret)
				ch.join(m.Hotkey(), url, 1)
				publish(b, ch, m, 1)
				miners = append(miners, metagraph.Miner{UID: uint16(i), Hotkey: m.Hotkey(), Endpoint: url})
			}
			source := ch.join("validator", "", 0)
			b.ResetTimer()
			for range b.N {
				s, err := fednode.NewSharingScorer(fednode.SharingConfig{ChainID: testChainID, Netuid: testNetuid, Order: testOrder,
					HeldOut: corpus.HeldOut(), NullSeed: 19, Commitments: source})
				if err != nil {
					b.Fatal(err)
				}
				got, err := s.ScoreEpoch(context.Background(), 1, miners)
				if err != nil {
					b.Fatal(err)
				}
				for _, sc := range got {
					if sc.Err != nil {
						b.Fatalf("uid %d: %v", sc.UID, sc.Err)
					}
				}
			}
		})
	}
}
