package app_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"
	"cosmossdk.io/store/snapshots"
	snapshottypes "cosmossdk.io/store/snapshots/types"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	poislashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// stateSyncInterval is the snapshot interval of the in-process state-sync test: the first snapshot
// comes after every store has been filled.
const stateSyncInterval = 100

// TestStateSyncRestoresEveryStore takes a state-sync snapshot of a real app holding state in every
// module store (subnets, neurons, stake, evaluations and epochs with bonds; a second chain
// validator that double-signs, so staking, distribution, slashing and evidence hold records), and
// restores it into a fresh app through the ABCI state-sync calls CometBFT makes
// (ListSnapshots, OfferSnapshot, LoadSnapshotChunk, ApplySnapshotChunk). The restored app has the
// same app hash and, store by store, the same keys and values; then both run the same next block
// with a transaction and reach the same app hash again. The stores compared are all the stores the
// app mounts, every one non-empty, so a store left out of the snapshot fails the test.
func TestStateSyncRestoresEveryStore(t *testing.T) {
	opts := snapshottypes.NewSnapshotOptions(stateSyncInterval, 2)
	c := apptest.NewChainWithOptions(t, []func(*baseapp.BaseApp){baseapp.SetSnapshot(newSnapshotStore(t), opts)},
		7, app.TAO(100_000), fastSubnets)
	fillEveryStore(t, c)

	// The first snapshot is taken after all the state above, and nothing is committed while it is
	// written: over the in-memory test database a snapshot overlapping further commits was seen
	// never to finish (the next ones then fail with "a snapshot operation is in progress").
	if c.Height >= stateSyncInterval {
		t.Fatalf("filling the stores took %d blocks; raise stateSyncInterval above it", c.Height)
	}
	for c.Height < stateSyncInterval {
		c.NextBlock()
	}
	height := c.Height
	snapshot := waitSnapshot(t, c.App, height)
	if snapshot.Chunks == 0 {
		t.Fatalf("snapshot at height %d has no chunks", height)
	}
	wantHash := c.App.LastCommitID().Hash

	fresh := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()),
		baseapp.SetChainID(apptest.ChainID), baseapp.SetSnapshot(newSnapshotStore(t), opts))
	offer, err := fresh.OfferSnapshot(&abci.RequestOfferSnapshot{Snapshot: snapshot, AppHash: wantHash})
	if err != nil || offer.Result != abci.ResponseOfferSnapshot_ACCEPT {
		t.Fatalf("OfferSnapshot at height %d: %v %v", height, offer, err)
	}
	for i := uint32(0); i < snapshot.Chunks; i++ {
		chunk, err := c.App.LoadSnapshotChunk(&abci.RequestLoadSnapshotChunk{Height: snapshot.Height, Format: snapshot.Format, Chunk: i})
		if err != nil || len(chunk.Chunk) == 0 {
			t.Fatalf("LoadSnapshotChunk %d: %v (%d bytes)", i, err, len(chunk.GetChunk()))
		}
		applied, err := fresh.ApplySnapshotChunk(&abci.RequestApplySnapshotChunk{Index: i, Chunk: chunk.Chunk, Sender: "source"})
		if err != nil || applied.Result != abci.ResponseApplySnapshotChunk_ACCEPT {
			t.Fatalf("ApplySnapshotChunk %d of %d: %v %v", i, snapshot.Chunks, applied, err)
		}
	}

	// What CometBFT checks after the last chunk: the app's height and hash match the trusted header.
	info, err := fresh.Info(&abci.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if info.LastBlockHeight != height || !bytes.Equal(info.LastBlockAppHash, wantHash) {
		t.Fatalf("restored app is at height %d with app hash %X, want height %d hash %X",
			info.LastBlockHeight, info.LastBlockAppHash, height, wantHash)
	}

	compared := compareStores(t, c.App, fresh, height)
	for _, custom := range []string{taotypes.StoreKey, subnettypes.StoreKey, intelligencetypes.StoreKey, poislashingtypes.StoreKey} {
		if !slices.Contains(compared, custom) {
			t.Errorf("custom store %q was not compared (compared %v)", custom, compared)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("snapshot at height %d: %d chunks, %d stores equal: %v", height, snapshot.Chunks, len(compared), compared)

	// The restored node goes on: the same next block gives the same app hash on both.
	tx := c.SignTx(c.Accounts[0], sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(2000))), 2_000_000,
		&banktypes.MsgSend{FromAddress: c.Accounts[0].Address.String(), ToAddress: c.Accounts[1].Address.String(),
			Amount: sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(12345)))})
	c.Height++
	c.Time = c.Time.Add(6 * time.Second)
	req := &abci.RequestFinalizeBlock{Height: c.Height, Time: c.Time, Txs: [][]byte{tx}}
	var hashes [2][]byte
	for i, a := range []*app.App{c.App, fresh} {
		res, err := a.FinalizeBlock(req)
		if err != nil {
			t.Fatalf("FinalizeBlock %d on app %d: %v", c.Height, i, err)
		}
		if len(res.TxResults) != 1 || res.TxResults[0].Code != 0 {
			t.Fatalf("app %d: tx in block %d failed: %+v", i, c.Height, res.TxResults)
		}
		if _, err := a.Commit(); err != nil {
			t.Fatal(err)
		}
		hashes[i] = a.LastCommitID().Hash
	}
	if !bytes.Equal(hashes[0], hashes[1]) {
		t.Fatalf("block %d after the restore: source app hash %X, restored app hash %X", c.Height, hashes[0], hashes[1])
	}
}

func newSnapshotStore(t *testing.T) *snapshots.Store {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snapshots")
	s, err := snapshots.NewStore(dbm.NewMemDB(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitSnapshot waits (bounded) until a has listed its snapshot at height.
func waitSnapshot(t *testing.T, a *app.App, height int64) *abci.Snapshot {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		res, err := a.ListSnapshots(&abci.RequestListSnapshots{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Snapshots {
			if s.Height == uint64(height) {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no snapshot at height %d within 2m", height)
	return nil
}

// fillEveryStore drives transactions and blocks that leave records in every module store: a subnet
// with staked validators and miners that ran epochs over signed evaluations (x/tao, x/subnet,
// x/intelligence, and the intelligence offence trackers), and a second chain validator that is
// created, misses a block and double-signs (x/staking, x/distribution, SDK x/slashing, x/evidence).
// Auth, bank, gov, upgrade, consensus, IBC and transfer hold their genesis state and fees.
func fillEveryStore(t *testing.T, c *apptest.Chain) {
	t.Helper()
	owner, operator := c.Accounts[0], c.Accounts[6]
	if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "sync", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1
	register := func(coldkey apptest.Account, seed string) (*secp256k1.PrivKey, uint32) {
		return registerNeuron(t, c, netuid, coldkey, seed)
	}
	var validators []*secp256k1.PrivKey
	for i, ck := range c.Accounts[1:3] {
		hot, _ := register(ck, fmt.Sprintf("sync-validator-%d", i))
		validators = append(validators, hot)
		if res := c.DeliverMsgs(ck, &subnettypes.MsgAddStake{
			Coldkey: ck.Address.String(), Hotkey: sdk.AccAddress(hot.PubKey().Address()).String(), Netuid: netuid, Amount: app.TAO(1000),
		}); res.Code != 0 {
			t.Fatalf("stake on validator %d: %s", i, res.Log)
		}
	}
	var miners []uint32
	for i, ck := range c.Accounts[3:6] {
		_, uid := register(ck, fmt.Sprintf("sync-miner-%d", i))
		miners = append(miners, uid)
	}
	advanceToNextEpoch(c, netuid) // permits
	for epoch := 0; epoch < 2; epoch++ {
		for _, v := range validators {
			submitEvaluation(t, c, owner, v, netuid, miners, []uint32{65535, 30000, 5000}, uint64(epoch+1))
		}
		advanceToNextEpoch(c, netuid)
	}

	// A second chain validator: created, one missed block, then a double-sign through x/evidence.
	consKey := ed25519.GenPrivKeyFromSecret([]byte("statesync-validator"))
	pk, err := codectypes.NewAnyWithValue(consKey.PubKey())
	if err != nil {
		t.Fatal(err)
	}
	stake := app.TAO(100)
	if res := c.DeliverMsgs(operator, &stakingtypes.MsgCreateValidator{
		Description:       stakingtypes.Description{Moniker: "statesync"},
		Commission:        stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
		MinSelfDelegation: sdkmath.OneInt(),
		ValidatorAddress:  sdk.ValAddress(operator.Address).String(),
		Pubkey:            pk,
		Value:             sdk.NewCoin(app.BaseDenom, stake),
	}); res.Code != 0 {
		t.Fatalf("create validator: %s", res.Log)
	}
	c.NextBlock()
	consAddr := sdk.ConsAddress(consKey.PubKey().Address())
	power := stake.Quo(sdk.DefaultPowerReduction).Int64()
	finalizeWith(t, c, abci.RequestFinalizeBlock{DecidedLastCommit: abci.CommitInfo{Votes: []abci.VoteInfo{{
		Validator: abci.Validator{Address: consAddr, Power: power}, BlockIdFlag: cmtproto.BlockIDFlagAbsent,
	}}}})
	finalizeWith(t, c, abci.RequestFinalizeBlock{Misbehavior: []abci.Misbehavior{{
		Type: abci.MisbehaviorType_DUPLICATE_VOTE, Validator: abci.Validator{Address: consAddr, Power: power},
		Height: c.Height - 1, Time: c.Time, TotalVotingPower: power + 1,
	}}})
	if !c.App.SlashingKeeper.IsTombstoned(c.Context(), consAddr) {
		t.Fatal("the double-signing validator was not tombstoned: x/evidence holds no record")
	}
}

// finalizeWith commits the next block with req's commit info and misbehavior.
func finalizeWith(t *testing.T, c *apptest.Chain, req abci.RequestFinalizeBlock) {
	t.Helper()
	c.Height++
	c.Time = c.Time.Add(6 * time.Second)
	req.Height, req.Time = c.Height, c.Time
	if _, err := c.App.FinalizeBlock(&req); err != nil {
		t.Fatalf("FinalizeBlock at %d: %v", c.Height, err)
	}
	if _, err := c.App.Commit(); err != nil {
		t.Fatal(err)
	}
}

// storeLister is the rootmulti.Store method that lists every mounted store.
type storeLister interface {
	StoreKeysByName() map[string]storetypes.StoreKey
}

// compareStores fails the test unless source and restored mount the same stores, every store is
// a persistent KV store holding at least one entry at height, and each holds exactly the same keys
// and values in both. It returns the names of the stores compared, sorted.
func compareStores(t *testing.T, source, restored *app.App, height int64) []string {
	t.Helper()
	names := func(a *app.App) []string {
		l, ok := a.CommitMultiStore().(storeLister)
		if !ok {
			t.Fatalf("commit multistore %T does not list its stores", a.CommitMultiStore())
		}
		var out []string
		for name := range l.StoreKeysByName() {
			out = append(out, name)
		}
		slices.Sort(out)
		return out
	}
	all := names(source)
	if got := names(restored); !slices.Equal(all, got) {
		t.Fatalf("mounted stores differ: source %v, restored %v", all, got)
	}
	srcMS, err := source.CommitMultiStore().CacheMultiStoreWithVersion(height)
	if err != nil {
		t.Fatal(err)
	}
	dstMS, err := restored.CommitMultiStore().CacheMultiStoreWithVersion(height)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range all {
		key := source.GetKey(name)
		if key == nil {
			t.Fatalf("store %q is mounted but is not one of the app's KV store keys", name)
		}
		src, dst := dumpStore(srcMS.GetKVStore(key)), dumpStore(dstMS.GetKVStore(restored.GetKey(name)))
		if len(src) == 0 {
			t.Errorf("store %q is empty at height %d: the test must put state in every store", name, height)
			continue
		}
		if len(src) != len(dst) {
			t.Errorf("store %q: %d entries in the source, %d restored from the snapshot", name, len(src), len(dst))
			continue
		}
		for i := range src {
			if !bytes.Equal(src[i][0], dst[i][0]) || !bytes.Equal(src[i][1], dst[i][1]) {
				t.Errorf("store %q entry %d: source %X=%X, restored %X=%X", name, i, src[i][0], src[i][1], dst[i][0], dst[i][1])
				break
			}
		}
	}
	return all
}

// dumpStore returns every key/value pair of s in key order.
func dumpStore(s storetypes.KVStore) [][2][]byte {
	it := s.Iterator(nil, nil)
	defer it.Close()
	var out [][2][]byte
	for ; it.Valid(); it.Next() {
		out = append(out, [2][]byte{slices.Clone(it.Key()), slices.Clone(it.Value())})
	}
	return out
}
