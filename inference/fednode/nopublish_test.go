package fednode_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/model"
)

// TestNoPublishOnlyMerges: a miner with Config.NoPublish (taoworker miner --no-publish, a
// free-rider) merges its peers' updates from their axons every epoch like any miner, but never
// publishes or commits one: nothing is charged to its privacy budget, no ledger is written, its
// axon holds no update, and Publish refuses. Its merged model is better than its text alone.
func TestNoPublishOnlyMerges(t *testing.T) {
	const epochs = 3
	shards := federated.Shards(3)
	ch := newFakeChain()
	secrets := []string{"sharer0", "sharer1"}
	var sharers []*fednode.Miner
	var views []fednode.Chain
	for _, s := range secrets {
		m := newMiner(t, t.TempDir(), s, func(c *fednode.Config) { c.Privacy = noiseless() })
		sharers = append(sharers, m)
		views = append(views, ch.join(m.Hotkey(), startAxon(t, m, s).URL(), 1))
	}
	dir := t.TempDir()
	consumer := newMiner(t, dir, "consumer", func(c *fednode.Config) { c.Privacy = noiseless(); c.NoPublish = true })
	consumerView := ch.join(consumer.Hotkey(), "http://127.0.0.1:1", 1)

	runes := make([][]rune, len(shards))
	for i, s := range shards {
		runes[i] = []rune(s)
	}
	part := func(i, e int) string { return string(runes[i][len(runes[i])*(e-1)/epochs : len(runes[i])*e/epochs]) }
	for e := 1; e <= epochs; e++ {
		ch.setEpoch(uint64(e))
		for i, m := range sharers {
			m.AddText(part(i, e))
			if err := m.Step(context.Background(), views[i]); err != nil {
				t.Fatalf("epoch %d: sharer %d: %v", e, i, err)
			}
		}
		consumer.AddText(part(2, e))
		if err := consumer.Step(context.Background(), consumerView); err != nil {
			t.Fatalf("epoch %d: consumer: %v", e, err)
		}
		if s := consumer.Status(); s.Peers != len(sharers) || s.PeersMerged != e*len(sharers) || s.PeersRefused != 0 {
			t.Fatalf("epoch %d: consumer status %+v: want %d peers, %d merged, none refused", e, s, len(sharers), e*len(sharers))
		}
		if _, ok := consumer.FederatedUpdate(uint64(e)); ok {
			t.Fatalf("epoch %d: the consumer holds an update to serve", e)
		}
	}
	if got := ch.commitsOf(consumer.Hotkey()); len(got) != 0 {
		t.Fatalf("the consumer committed epochs %v, want none", got)
	}
	for i, m := range sharers {
		if got := ch.commitsOf(m.Hotkey()); len(got) != epochs {
			t.Fatalf("sharer %d committed epochs %v, want %d", i, got, epochs)
		}
	}
	if _, err := consumer.Publish(epochs + 1); !errors.Is(err, fednode.ErrNoPublish) {
		t.Fatalf("Publish on a NoPublish miner: %v, want ErrNoPublish", err)
	}
	if s := consumer.Status(); s.Releases != 0 || s.EpsilonSpent != 0 || s.Epoch != 0 || s.LastUpdateBytes != 0 {
		t.Fatalf("consumer status %+v: want no release and nothing spent", s)
	}
	if _, err := os.Stat(filepath.Join(dir, fednode.StateFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the consumer's privacy ledger: %v, want none written", err)
	}
	heldOut := corpus.HeldOut()
	alone := federated.CrossEntropy(model.FromCounts(testOrder, model.CountEvents(shards[2], testOrder)), heldOut)
	merged := federated.CrossEntropy(consumer.Current(), heldOut)
	t.Logf("consumer: held-out cross-entropy alone %.3f, merged %.3f (%.2f× alone)", alone, merged, merged/alone)
	if merged >= alone {
		t.Fatalf("consumer's merged model %.3f nats/char is no better than its text alone %.3f", merged, alone)
	}
}
