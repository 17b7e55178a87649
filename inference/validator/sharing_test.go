package validator_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/dendrite"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/internal/minertest"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/scoring"
	"github.com/taochain/taochain/inference/validator"
)

const (
	fedChainID = "taochain-validator-test"
	fedNetuid  = 1
	fedOrder   = 5
)

// federatedMiner is a fednode miner publishing exact clipped counts (no noise, as the federated
// simulation measures sharing), serving its model and its updates at a real axon on 127.0.0.1
// that answers the validator.
func federatedMiner(t *testing.T, secret string, permit func(string) bool) (*fednode.Miner, metagraph.Miner) {
	t.Helper()
	key := secp256k1.GenPrivKeyFromSecret([]byte("validator-sharing-test/" + secret))
	p := federated.DefaultPrivacy()
	p.Noiseless = true
	m, err := fednode.NewMiner(fednode.Config{ChainID: fedChainID, Netuid: fedNetuid, Order: fedOrder, Key: key, Privacy: p,
		BudgetEpsilon: 1, BudgetDelta: 1e-6, StatePath: filepath.Join(t.TempDir(), fednode.StateFile)})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := auth.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{Self: signer.Address(), Authorize: permit})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := axon.New(axon.Config{Addr: "127.0.0.1:0", Model: m.Model(), Signer: signer, Verifier: v, Updates: m,
		RequestTimeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("axon shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("axon serve: %v", err)
		}
	})
	return m, metagraph.Miner{Hotkey: m.Hotkey(), Endpoint: srv.URL()}
}

// commitments stands for the chain's model update commitments: each hotkey's latest.
type commitments struct {
	mu     sync.Mutex
	height uint64
	latest map[string]fednode.PeerInfo
}

func (c *commitments) publish(t *testing.T, m *fednode.Miner, url string, epoch uint64) {
	t.Helper()
	com, err := m.Publish(epoch)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.height++
	com.Height = c.height
	c.latest[m.Hotkey()] = fednode.PeerInfo{Hotkey: m.Hotkey(), AxonURL: url, Commitment: com, Incentive: 1}
}

func (c *commitments) ModelUpdateCommitments(context.Context) ([]fednode.PeerInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]fednode.PeerInfo, 0, len(c.latest))
	for _, p := range c.latest {
		out = append(out, p)
	}
	return out, nil
}

// failingSharing is a Sharing whose chain cannot be read.
type failingSharing struct{}

func (failingSharing) SharingScores(context.Context, uint64, []metagraph.Miner) (map[uint16]float64, error) {
	return nil, errors.New("chain unavailable")
}

// TestSharingRaisesTheSharersEMA runs the loop with fednode's sharing scorer over three epochs
// against four federated miners on real axons: a sharer, a consumer holding the same text (so
// serving the same model) that publishes nothing, a copier holding the same text that publishes
// the same counts after the sharer, and a garbage publisher whose text is random characters. Each
// epoch every miner receives a new part of its text and publishes, and the validator, in the next
// epoch, scores the published updates with the served models. Only the sharer earns a sharing
// share; with equal quality it ends with a higher EMA than the consumer and the copier, which
// earn (1−s) of its quality part; the garbage publisher earns no sharing either.
func TestSharingRaisesTheSharersEMA(t *testing.T) {
	const epochs, shareWeight = 3, 0.5
	val := minertest.Signer(t, "validator")
	permit := func(hk string) bool { return hk == val.Address() }
	names := []string{"sharer", "consumer", "copier", "garbage"}
	fms := map[string]*fednode.Miner{}
	var miners []metagraph.Miner
	for i, n := range names {
		m, mg := federatedMiner(t, n, permit)
		mg.UID = uint16(i + 1)
		fms[n] = m
		miners = append(miners, mg)
	}
	const sharer, consumer, copier, garbage = 1, 2, 3, 4
	chainCommits := &commitments{latest: map[string]fednode.PeerInfo{}}
	scorer, err := fednode.NewSharingScorer(fednode.SharingConfig{ChainID: fedChainID, Netuid: fedNetuid, Order: fedOrder,
		HeldOut: corpus.HeldOut(), NullSeed: 19, Commitments: chainCommits})
	if err != nil {
		t.Fatal(err)
	}
	fc := &fakeChain{permitted: []string{val.Address()}, miners: miners}
	// Generous deadlines: the test is about what is earned, and a miner that misses a deadline on a
	// loaded machine scores 0 quality, which would hide it.
	d, err := dendrite.New(dendrite.Config{Signer: val, Timeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	emaPath := filepath.Join(t.TempDir(), "score-ema.json")
	v, err := validator.New(validator.Config{Netuid: fedNetuid, Hotkey: val.Address(), Text: corpus.HeldOut(), Tasks: testTasks,
		EpochBudget: 3 * time.Minute, Sharing: scorer, ShareWeight: shareWeight, ScoreEMAPath: emaPath,
		Registry: reg}, fc, d, &sink{calls: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}

	text := []rune(federated.Shards(4)[0])
	rng := rand.New(rand.NewPCG(4, 19))
	var res validator.Result
	for e := uint64(1); e <= epochs; e++ {
		part := string(text[len(text)*int(e-1)/epochs : len(text)*int(e)/epochs])
		noise := make([]byte, len(part))
		for i := range noise {
			noise[i] = byte(' ' + rng.IntN(95))
		}
		for _, n := range names[:3] {
			fms[n].AddText(part)
		}
		fms["garbage"].AddText(string(noise))
		for _, i := range []int{0, 2, 3} { // the sharer, then the copier, then the garbage publisher
			chainCommits.publish(t, fms[names[i]], miners[i].Endpoint, e)
		}
		res, err = v.RunEpoch(context.Background(), validator.Epoch{Current: e + 1})
		if err != nil || res.Outcome != "submitted" {
			t.Fatalf("epoch %d: outcome %q err %v", e+1, res.Outcome, err)
		}
		score := map[uint16]uint16{}
		for _, s := range res.Scores {
			score[s.UID] = s.Score
			if s.Err != nil && s.UID != garbage {
				t.Fatalf("epoch %d: uid %d failed: %v", e+1, s.UID, s.Err)
			}
		}
		t.Logf("epoch %d: sharing shares %v, combined scores %v", e+1, res.Sharing, score)
		if res.Sharing[sharer] != 1 || res.Sharing[consumer] != 0 || res.Sharing[copier] != 0 || res.Sharing[garbage] != 0 {
			t.Fatalf("epoch %d: sharing shares %v, want all of it for the sharer (uid %d)", e+1, res.Sharing, sharer)
		}
		// Equal models, equal quality: the consumer's and the copier's scores are its (1−s) part.
		if diff := int(score[sharer]) - int(score[consumer]); score[consumer] != score[copier] || diff < scoring.MaxScore/2 || diff > scoring.MaxScore/2+1 {
			t.Fatalf("epoch %d: scores sharer %d consumer %d copier %d, want the sharer above by s·MaxScore", e+1,
				score[sharer], score[consumer], score[copier])
		}
	}
	ema, err := validator.LoadScoreEMA(emaPath, fedNetuid)
	if err != nil {
		t.Fatal(err)
	}
	w := func(uid uint16) uint16 { return ema.Weight(uid, miners[uid-1].Hotkey) }
	t.Logf("score EMAs after %d epochs: sharer %d, consumer %d, copier %d, garbage %d", epochs, w(sharer), w(consumer), w(copier), w(garbage))
	if !(w(sharer) > w(consumer) && w(consumer) == w(copier) && w(consumer) > w(garbage)) {
		t.Fatalf("score EMAs sharer %d consumer %d copier %d garbage %d: want the sharer first, the consumer and the copier equal, the garbage publisher last",
			w(sharer), w(consumer), w(copier), w(garbage))
	}
	if n := gauge(t, reg, "taoworker_validator_miner_sharing_share", "1"); n != 1 {
		t.Fatalf("sharing share metric of the sharer %v, want 1", n)
	}

	// A validator that cannot read the commitments does not average the epoch in.
	v2, err := validator.New(validator.Config{Netuid: fedNetuid, Hotkey: val.Address(), Text: corpus.HeldOut(), Tasks: testTasks,
		EpochBudget: time.Minute, Sharing: failingSharing{}}, fc, d, &sink{calls: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := v2.RunEpoch(context.Background(), validator.Epoch{Current: epochs + 2}); err == nil || res.Outcome != "failed" {
		t.Fatalf("unreadable commitments: outcome %q err %v, want a failed epoch", res.Outcome, err)
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if _, err := validator.New(validator.Config{Netuid: fedNetuid, Hotkey: val.Address(), Text: corpus.HeldOut(), Tasks: testTasks,
			Sharing: failingSharing{}, ShareWeight: bad}, fc, d, &sink{}, nil); err == nil {
			t.Fatalf("share weight %v accepted", bad)
		}
	}
}

// gauge returns the value of gauge name{…=label} in reg.
func gauge(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
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
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	t.Fatalf("metric %s{%s} not found", name, label)
	return 0
}
