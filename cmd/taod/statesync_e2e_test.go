package main_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/e2e"
)

// snapshotInterval is SNAPSHOT_INTERVAL of scripts/localnet-multi.sh: every validator takes a
// state-sync snapshot at each multiple of it.
const snapshotInterval = 20

// TestStateSyncJoin runs four real validators (scripts/localnet-multi.sh, snapshots every 20
// blocks); a subnet with a 10-block tempo gets neurons, stake and a weight row, and an epoch with
// bonds runs. Once a snapshot past that epoch exists, a 5th node is prepared as docs/state-sync.md
// says (trust height and hash from a validator's /block, two validators as rpc_servers) and
// started. It must restore a snapshot instead of replaying (its log says so and it stores no block
// below the snapshot), catch up, compute the same app hashes as the validators, and answer
// last-epoch, metagraph and bonds at the restored height and at a later height byte for byte like
// a validator.
func TestStateSyncJoin(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	nw := e2e.NewNetwork(t) // builds taod once per test process: not counted below
	start := time.Now()
	nw.StartAll()
	n0 := nw.Nodes[0]
	nw.WaitAllHeight(2, 90*time.Second)

	// Permits come at an epoch; then hot1 sets weights and the next epoch turns them into bonds.
	netuid := permittedSubnet(t, n0, "statesync", "ss-hot")
	mustOK(t, n0.Tx("ss-hot1", "intelligence", "set-weights", netuid, "0,1,2", "10000,65535,30000", "1"))
	bondsEpoch := epochInfo(t, n0, netuid).next
	n0.WaitHeight(bondsEpoch+1, 60*time.Second)
	if !hasBonds(t, n0, netuid, bondsEpoch) {
		t.Fatalf("no bonds of uid 0 after the epoch at height %d", bondsEpoch)
	}

	// The first snapshot height past that epoch, committed (and its snapshot written) everywhere.
	firstSnapshot := (bondsEpoch/snapshotInterval + 1) * snapshotInterval
	nw.WaitAllHeight(firstSnapshot+3, 90*time.Second)
	t.Logf("bonds from the epoch at height %d; snapshots from height %d; setup took %s",
		bondsEpoch, firstSnapshot, time.Since(start).Round(time.Second))

	joinStart, joinHeight := time.Now(), nw.MaxHeight()
	joiner := nw.AddStateSyncNode(firstSnapshot, 0, 1)
	joiner.Start()
	caught := joiner.WaitCaughtUp(nw.MaxHeight(), 3*time.Minute)
	joinTook := time.Since(joinStart)

	// Restored from a snapshot, not replayed: the log says so and no earlier block is stored.
	restored, chunks, ok := joiner.RestoredSnapshot()
	if !ok || chunks == 0 {
		t.Fatalf("the joining node did not restore a snapshot (restored %v, %d chunks applied)", ok, chunks)
	}
	if restored < firstSnapshot || restored%snapshotInterval != 0 {
		t.Fatalf("restored the snapshot at height %d, want a multiple of %d from %d on", restored, snapshotInterval, firstSnapshot)
	}
	if caught.Earliest <= restored {
		t.Fatalf("joining node stores blocks from height %d, at or below its snapshot %d", caught.Earliest, restored)
	}
	if _, err := joiner.Header(1); err == nil {
		t.Fatal("the joining node serves block 1: it replayed the chain instead of restoring a snapshot")
	}

	// Same blocks and app hashes as the validators from the first block after the snapshot on, and
	// the joining node's own application committed the app hash the validators agreed on.
	appHeight, appHash, err := joiner.AppState()
	if err != nil {
		t.Fatal(err)
	}
	n0.WaitHeight(appHeight+1, 60*time.Second)
	if want, err := n0.AppHashAfter(appHeight); err != nil || want != appHash {
		t.Fatalf("joining node's app at height %d has app hash %s, the validators' header says %s (%v)", appHeight, appHash, want, err)
	}
	later := caught.Latest
	for _, h := range []int64{restored + 1, restored + 2, later} {
		want, err := n0.Header(h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := joiner.Header(h)
		if err != nil {
			t.Fatalf("joining node: %v", err)
		}
		if got != want {
			t.Fatalf("height %d: joining node has block %s app hash %s, node0 has block %s app hash %s",
				h, got.Hash, got.AppHash, want.Hash, want.AppHash)
		}
	}

	// The restored state answers like a validator: at the snapshot height and after it.
	for _, h := range []int64{restored, later} {
		hs := strconv.FormatInt(h, 10)
		for _, q := range [][]string{
			{"intelligence", "last-epoch", netuid},
			{"subnet", "metagraph", netuid},
			{"intelligence", "bonds", netuid, "0"},
		} {
			args := append(append([]string{"q"}, q...), "--height", hs, "--output", "json")
			want := n0.CLI(append(args, "--node", n0.RPCAddr())...)
			got := joiner.CLI(append(args, "--node", joiner.RPCAddr())...)
			if !bytes.Equal(want, got) {
				t.Fatalf("%v at height %s differs:\nnode0:   %s\njoining: %s", q, hs, want, got)
			}
		}
	}
	var last struct {
		LastEpoch struct {
			Height string `json:"height"`
		} `json:"last_epoch"`
	}
	joiner.QueryJSON(&last, "intelligence", "last-epoch", netuid, "--height", strconv.FormatInt(restored, 10))
	if h, err := strconv.ParseInt(last.LastEpoch.Height, 10, 64); err != nil || h < bondsEpoch {
		t.Fatalf("last epoch in the restored state ran at %q, want the bonds epoch %d or later", last.LastEpoch.Height, bondsEpoch)
	}
	if !hasBonds(t, joiner, netuid, restored) {
		t.Fatalf("the restored state at height %d has no bonds of uid 0", restored)
	}
	t.Logf("joined at network height %d: restored snapshot %d (%d chunks), stores blocks from %d, caught up to %d in %s; app hash at %d %s; total %s",
		joinHeight, restored, chunks, caught.Earliest, caught.Latest, joinTook.Round(time.Second), appHeight, appHash,
		time.Since(start).Round(time.Second))
}

// hasBonds reports whether uid 0 of the subnet holds at least one bond at height h.
func hasBonds(t *testing.T, n *e2e.Node, netuid string, h int64) bool {
	t.Helper()
	var res struct {
		Bonds struct {
			Bonds      []json.RawMessage `json:"bonds"`
			FixedBonds []json.RawMessage `json:"fixed_bonds"`
		} `json:"bonds"`
	}
	n.QueryJSON(&res, "intelligence", "bonds", netuid, "0", "--height", strconv.FormatInt(h, 10))
	return len(res.Bonds.Bonds)+len(res.Bonds.FixedBonds) > 0
}
