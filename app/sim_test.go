package app

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	"cosmossdk.io/store"

	"github.com/cosmos/cosmos-sdk/baseapp"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// The simulations run with `go test ./app/...` at a CI size (see ciNumBlocks, ciBlockSize,
// ciSeeds in sim_helpers_test.go); flags make them bigger.

// TestFullAppSimulation runs the SDK simulator over the whole app (randomized genesis of every
// module, random messages of every module, governance proposals of params), checks the invariants
// after every block, and that taochain's modules were exercised: over all seeds, some block ended
// with neurons, stake pools, weight rows and completed subnet epochs.
func TestFullAppSimulation(t *testing.T) {
	var mu sync.Mutex
	var peak moduleActivity
	t.Cleanup(func() {
		t.Logf("peak taochain activity over all seeds: %+v", peak)
		if !t.Failed() {
			require.Positive(t, peak.Neurons, "no simulation had a neuron")
			require.Positive(t, peak.Pools, "no simulation had a stake pool")
			require.Positive(t, peak.Epochs, "no subnet epoch ran in any simulation")
			require.Positive(t, peak.WeightRows, "no simulation wrote a weight row")
		}
	})
	seeds := simSeeds(0, 2)
	simsx.RunWithSeeds(t, newSimApp, simStateFactory, seeds, nil, requireInvariants,
		func(tb testing.TB, ti simsx.TestInstance[*App], _ []simtypes.Account) {
			_, seedPeak, _ := checkerOf(tb, ti.App).result()
			tb.Logf("seed %d peak activity: %+v", ti.Cfg.Seed, seedPeak)
			mu.Lock()
			defer mu.Unlock()
			peak.maxWith(seedPeak)
		}, requireAllSeedsRun(t, seeds, 1))
}

// TestAppStateDeterminism simulates each seed several times from scratch (with the inter-block
// cache, as a node runs) and fails if the app hashes of the runs of one seed differ.
func TestAppStateDeterminism(t *testing.T) {
	runs := max(flagSimRuns, 2)
	distinct := simSeeds(2, 2)
	var seeds []int64
	for _, s := range distinct {
		for range runs {
			seeds = append(seeds, s)
		}
	}
	interBlockCacheApp := func(logger log.Logger, db dbm.DB, traceStore io.Writer, loadLatest bool, appOpts servertypes.AppOptions, opts ...func(*baseapp.BaseApp)) *App {
		return newSimApp(logger, db, traceStore, loadLatest, appOpts,
			append(slices.Clone(opts), baseapp.SetInterBlockCache(store.NewCommitKVStoreCacheManager()))...)
	}
	var mu sync.Mutex
	hashes := map[int64][][]byte{}
	logs := map[int64][]interface{ PrintLogs() }{}
	simsx.RunWithSeeds(t, interBlockCacheApp, simStateFactory, seeds, nil, requireInvariants,
		func(tb testing.TB, ti simsx.TestInstance[*App], _ []simtypes.Account) {
			tb.Helper()
			seed, hash := ti.Cfg.Seed, ti.App.LastCommitID().Hash
			require.NotEmpty(tb, hash)
			mu.Lock()
			others, otherLogs := slices.Clone(hashes[seed]), slices.Clone(logs[seed])
			hashes[seed] = append(hashes[seed], hash)
			logs[seed] = append(logs[seed], ti.ExecLogWriter)
			mu.Unlock()
			for i, other := range others {
				if string(other) != string(hash) {
					otherLogs[i].PrintLogs()
					ti.ExecLogWriter.PrintLogs()
					tb.Fatalf("non-determinism in seed %d: app hash %X, an earlier run of the same seed ended with %X", seed, hash, other)
				}
			}
			tb.Logf("seed %d: app hash %X at height %d (%d earlier runs agree)", seed, hash, ti.App.LastBlockHeight(), len(others))
		}, requireAllSeedsRun(t, distinct, runs))
}

// importExportSkips are store prefixes that legitimately differ after export and import, as in the
// SDK's simapp: queues and indexes that InitGenesis rebuilds differently or not at all.
var importExportSkips = map[string][][]byte{
	stakingtypes.StoreKey: {
		stakingtypes.UnbondingQueueKey, stakingtypes.RedelegationQueueKey, stakingtypes.ValidatorQueueKey,
		stakingtypes.HistoricalInfoKey, stakingtypes.UnbondingIDKey, stakingtypes.UnbondingIndexKey,
		stakingtypes.UnbondingTypeKey, stakingtypes.ValidatorUpdatesKey,
	},
	slashingtypes.StoreKey: {slashingtypes.ValidatorMissedBlockBitmapKeyPrefix},
}

// TestAppImportExport simulates, exports the state, imports it into a fresh app with InitGenesis
// and requires every module's store (taochain's included) to be equal, key by key, except for the
// prefixes in importExportSkips.
func TestAppImportExport(t *testing.T) {
	seeds := simSeeds(5, 1)
	simsx.RunWithSeeds(t, newSimApp, simStateFactory, seeds, nil, requireInvariants,
		func(tb testing.TB, ti simsx.TestInstance[*App], _ []simtypes.Account) {
			tb.Helper()
			app := ti.App
			exported, err := app.ExportAppStateAndValidators(false, nil, nil)
			require.NoError(tb, err)

			// Import as a node does at genesis: the app's InitChainer (module versions + InitGenesis).
			newApp := simsx.NewSimulationAppInstance(tb, ti.Cfg, newSimApp).App
			ctxB := newApp.NewContextLegacy(true, cmtproto.Header{Height: app.LastBlockHeight(), ChainID: ti.Cfg.ChainID})
			_, err = newApp.InitChainer(ctxB, &abci.RequestInitChain{AppStateBytes: exported.AppState, ChainId: ti.Cfg.ChainID})
			require.NoError(tb, err, "importing the exported genesis")
			require.NoError(tb, newApp.StoreConsensusParams(ctxB, exported.ConsensusParams))
			requireEqualStores(tb, app, newApp, importExportSkips)
		}, requireAllSeedsRun(t, seeds, 1))
}

// TestAppSimulationAfterImport simulates, exports the state for zero height (heights shifted, see
// ExportAppStateAndValidators), starts a fresh app from that export through the simulator's own
// InitChain and simulates on it for half as many blocks, checking the invariants after every block
// of both runs. Unlike the SDK's simapp version, the second run really starts from the export (its
// AppStateFn returns it, with the first run's accounts), not from a new random genesis.
func TestAppSimulationAfterImport(t *testing.T) {
	seeds := simSeeds(6, 1)
	var mu sync.Mutex
	carried := 0
	t.Cleanup(func() {
		if !t.Failed() {
			require.Positive(t, carried, "no exported state held a neuron to carry over")
		}
	})
	simsx.RunWithSeeds(t, newSimApp, simStateFactory, seeds, nil, requireInvariants,
		func(tb testing.TB, ti simsx.TestInstance[*App], accs []simtypes.Account) {
			tb.Helper()
			exported, err := ti.App.ExportAppStateAndValidators(true, nil, nil)
			require.NoError(tb, err)
			require.Zero(tb, exported.Height, "a zero-height export starts the new chain at block 1")
			var state GenesisState
			require.NoError(tb, json.Unmarshal(exported.AppState, &state))
			var subnets subnettypes.GenesisState
			require.NoError(tb, ti.App.AppCodec().UnmarshalJSON(state[subnettypes.ModuleName], &subnets))
			for _, n := range subnets.Neurons {
				require.LessOrEqual(tb, n.RegisteredAt, int64(0), "neuron %d/%d registered before the export", n.Netuid, n.Uid)
			}
			tb.Logf("seed %d: exported at height %d with %d subnets, %d neurons, %d unbonding entries",
				ti.Cfg.Seed, ti.App.LastBlockHeight(), len(subnets.Subnets), len(subnets.Neurons), len(subnets.Unbonding))
			imported := func(app *App) simsx.SimStateFactory {
				f := simStateFactory(app)
				f.AppStateFn = func(r *rand.Rand, _ []simtypes.Account, cfg simtypes.Config) (json.RawMessage, []simtypes.Account, string, time.Time) {
					return exported.AppState, accs, cfg.ChainID, simtypes.RandTimestamp(r)
				}
				return f
			}
			// Half as many blocks again keeps the test within the CI budget of one simulation.
			cfg := ti.Cfg
			cfg.NumBlocks = max(cfg.NumBlocks/2, 1)
			simsx.RunWithSeed(tb, cfg, newSimApp, imported, ti.Cfg.Seed, nil, requireInvariants,
				func(tb testing.TB, after simsx.TestInstance[*App], _ []simtypes.Account) {
					blocks, peak, _ := checkerOf(tb, after.App).result()
					tb.Logf("seed %d: %d blocks simulated after the import, peak activity %+v", ti.Cfg.Seed, blocks, peak)
					require.GreaterOrEqual(tb, peak.Subnets, min(len(subnets.Subnets), 1), "the imported chain lost the exported subnets")
				})
			mu.Lock()
			defer mu.Unlock()
			carried += len(subnets.Neurons)
		}, requireAllSeedsRun(t, seeds, 1))
}

// requireEqualStores compares every KV store of a and b, key by key, skipping the given prefixes.
func requireEqualStores(tb testing.TB, a, b *App, skip map[string][][]byte) {
	tb.Helper()
	ctxA := a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
	ctxB := b.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
	names := make([]string, 0, len(a.keys))
	for name := range a.keys {
		names = append(names, name)
	}
	slices.Sort(names)
	require.Contains(tb, names, "subnet")
	decoders := a.SimulationManager().StoreDecoders
	var compared []string
	for _, name := range names {
		keyB := b.GetKey(name)
		require.NotNil(tb, keyB, "store %s missing in the imported app", name)
		kvA, kvB := simtestutil.DiffKVStores(ctxA.KVStore(a.keys[name]), ctxB.KVStore(keyB), skip[name])
		if len(kvA) != 0 || len(kvB) != 0 {
			var diff strings.Builder
			for i := range max(len(kvA), len(kvB)) {
				if i < len(kvA) {
					fmt.Fprintf(&diff, "exported app: %X = %X\n", kvA[i].Key, kvA[i].Value)
				}
				if i < len(kvB) {
					fmt.Fprintf(&diff, "imported app: %X = %X\n", kvB[i].Key, kvB[i].Value)
				}
			}
			if len(kvA) == len(kvB) {
				diff.WriteString(simtestutil.GetSimulationLog(name, decoders, kvA, kvB))
			}
			tb.Fatalf("store %s differs after export and import (%d vs %d entries):\n%s", name, len(kvA), len(kvB), diff.String())
		}
		compared = append(compared, name)
	}
	tb.Logf("stores equal after export and import: %s", strings.Join(compared, ", "))
}
