package fednode_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
)

const (
	testChainID = "taochain-fednode-test"
	testNetuid  = 7
	testOrder   = 5
)

func key(secret string) *secp256k1.PrivKey {
	return secp256k1.GenPrivKeyFromSecret([]byte("fednode-test/" + secret))
}

func address(k *secp256k1.PrivKey) string { return auth.Address(k.PubKey().(*secp256k1.PubKey)) }

// noiseless is the simulation's measuring configuration: clipped exact counts, no budget.
func noiseless() federated.Privacy {
	p := federated.DefaultPrivacy()
	p.Noiseless = true
	return p
}

// newMiner returns a miner with its ledger in dir, seeded noise and tweak applied.
func newMiner(t *testing.T, dir, secret string, tweak func(*fednode.Config)) *fednode.Miner {
	t.Helper()
	p := federated.DefaultPrivacy()
	cfg := fednode.Config{ChainID: testChainID, Netuid: testNetuid, Order: testOrder, Key: key(secret), Privacy: p,
		BudgetEpsilon: 10 * p.Epsilon, BudgetDelta: 10 * p.Delta, StatePath: filepath.Join(dir, fednode.StateFile),
		Noise: federated.NewSeededNoise(uint64(len(secret)))}
	if tweak != nil {
		tweak(&cfg)
	}
	m, err := fednode.NewMiner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fakeChain stands for the chain: an epoch counter and each hotkey's latest commitment (with the
// one it replaced when that was for the epoch before, as x/intelligence keeps it), axon and
// incentive, as the worker's adapter would read them.
type fakeChain struct {
	mu          sync.Mutex
	epoch       uint64
	height      uint64
	commits     map[string]federated.Commitment
	previous    map[string]federated.Commitment
	axons       map[string]string
	incentive   map[string]float64
	failCommits int  // the next failCommits commits fail
	failInBlock bool // and do so as a commitment that failed in a block
	attempts    int  // commits asked for, failed or not
	committed   []federated.Commitment
}

func newFakeChain() *fakeChain {
	return &fakeChain{commits: map[string]federated.Commitment{}, previous: map[string]federated.Commitment{},
		axons: map[string]string{}, incentive: map[string]float64{}}
}

func (f *fakeChain) setEpoch(e uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.epoch = e
}

// join registers a miner's axon and incentive and returns its view of the chain.
func (f *fakeChain) join(hotkey, axonURL string, incentive float64) fednode.Chain {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.axons[hotkey], f.incentive[hotkey] = axonURL, incentive
	return chainView{f, hotkey}
}

// commit records a commitment as if hotkey had sent it.
func (f *fakeChain) commit(hotkey string, epoch uint64, hash [32]byte, size uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	if f.failCommits > 0 {
		f.failCommits--
		if f.failInBlock {
			return fmt.Errorf("%w: fake chain: out of gas", fednode.ErrCommitFailedInBlock)
		}
		return errors.New("fake chain: commit failed")
	}
	f.height++
	c := federated.Commitment{ChainID: testChainID, Netuid: testNetuid, Epoch: epoch, Hotkey: hotkey, Hash: hash, Size: uint32(size), Height: f.height}
	if old, ok := f.commits[hotkey]; ok && old.Epoch+1 == epoch {
		f.previous[hotkey] = old
	} else {
		delete(f.previous, hotkey)
	}
	f.commits[hotkey] = c
	f.committed = append(f.committed, c)
	return nil
}

func (f *fakeChain) commitsOf(hotkey string) []uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []uint64
	for _, c := range f.committed {
		if c.Hotkey == hotkey {
			out = append(out, c.Epoch)
		}
	}
	return out
}

type chainView struct {
	f      *fakeChain
	hotkey string
}

func (v chainView) CurrentEpoch(context.Context) (uint64, error) {
	v.f.mu.Lock()
	defer v.f.mu.Unlock()
	return v.f.epoch, nil
}

func (v chainView) CommitModelUpdate(_ context.Context, epoch uint64, hash [32]byte, size uint64) error {
	return v.f.commit(v.hotkey, epoch, hash, size)
}

func (v chainView) ModelUpdateCommitments(context.Context) ([]fednode.PeerInfo, error) {
	v.f.mu.Lock()
	defer v.f.mu.Unlock()
	out := make([]fednode.PeerInfo, 0, len(v.f.commits))
	for hk, c := range v.f.commits {
		p := fednode.PeerInfo{Hotkey: hk, AxonURL: v.f.axons[hk], Commitment: c, Incentive: v.f.incentive[hk]}
		if prev, ok := v.f.previous[hk]; ok {
			p.Previous = &prev
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Hotkey < out[j].Hotkey })
	return out, nil
}

// signed returns a signed update of epoch by k with the given entries and its commitment.
func signed(t *testing.T, k *secp256k1.PrivKey, epoch uint64, entries []federated.Entry) (federated.SignedUpdate, federated.Commitment) {
	t.Helper()
	u := federated.Update{ChainID: testChainID, Netuid: testNetuid, Epoch: epoch, Hotkey: address(k), Order: testOrder, Entries: entries}
	s, err := federated.Sign(u, k)
	if err != nil {
		t.Fatal(err)
	}
	return s, federated.CommitmentOf(u, 100+epoch)
}

func entries(n int) []federated.Entry {
	out := make([]federated.Entry, n)
	for i := range out {
		out[i] = federated.Entry{Gram: fmt.Sprintf("g%04d", i), Count: uint64(1 + i%3)}
	}
	return out
}
