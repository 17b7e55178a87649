package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	simcli "github.com/cosmos/cosmos-sdk/x/simulation/client/cli"

	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Simulation defaults sized for CI (2 busy cores): the SDK's flag defaults (500 blocks of 200
// operations) are meant for nightly runs. Every default can be raised on the command line, e.g.
//
//	go test ./app -run 'TestFullAppSimulation|TestAppStateDeterminism|TestAppImportExport' \
//	  -NumBlocks=500 -BlockSize=200 -SimSeeds=8 -SimRuns=3 -timeout 3h -v
//
// -Seed=N simulates that one seed only (each determinism run repeats it); -Verbose logs the app.
const (
	ciNumBlocks = 50
	ciBlockSize = 50
)

var (
	// flagSimSeeds is how many fixed seeds each simulation test runs; 0 means the test's CI default.
	flagSimSeeds int
	// flagSimRuns is how often TestAppStateDeterminism simulates each seed.
	flagSimRuns int
)

// simSeedList are fixed seeds, so a CI failure reproduces with the same seed. The tests start at
// different offsets so that together they cover more seeds.
var simSeedList = []int64{1, 7, 32, 123, 582, 1893, 2989, 3012, 4728, 37827, 981928, 87821}

func init() {
	simcli.GetSimulatorFlags()
	for name, value := range map[string]int{"NumBlocks": ciNumBlocks, "BlockSize": ciBlockSize} {
		f := flag.Lookup(name)
		if err := f.Value.Set(strconv.Itoa(value)); err != nil {
			panic(err)
		}
		f.DefValue = strconv.Itoa(value)
	}
	flag.IntVar(&flagSimSeeds, "SimSeeds", 0, fmt.Sprintf("fixed seeds per simulation test (at most %d; 0 = the test's CI default); -Seed overrides", len(simSeedList)))
	flag.IntVar(&flagSimRuns, "SimRuns", 2, "runs per seed in TestAppStateDeterminism (at least 2)")
}

// simSeeds returns the seeds a simulation test runs: the -Seed flag if it was given, otherwise
// -SimSeeds (or ciDefault) fixed seeds starting at offset in simSeedList.
func simSeeds(offset, ciDefault int) []int64 {
	if s := simcli.FlagSeedValue; s != simcli.DefaultSeedValue {
		return []int64{s}
	}
	n := ciDefault
	if flagSimSeeds > 0 {
		n = flagSimSeeds
	}
	n = min(n, len(simSeedList))
	seeds := make([]int64, n)
	for i := range seeds {
		seeds[i] = simSeedList[(offset+i)%len(simSeedList)]
	}
	return seeds
}

// simStateFactory gives the simulator the app's randomized genesis and account sources.
func simStateFactory(app *App) simsx.SimStateFactory {
	return simsx.SimStateFactory{
		Codec:         app.AppCodec(),
		AppStateFn:    simtestutil.AppStateFn(app.AppCodec(), app.SimulationManager(), app.DefaultGenesis()),
		BlockedAddr:   BlockedAddresses(),
		AccountSource: app.AccountKeeper,
		BalanceSource: app.BankKeeper,
	}
}

// invariantChecker checks the app's invariants after every committed block: x/tao's and
// x/subnet's CheckInvariants, every invariant a module registers (sdk.InvariantRegistry), and that
// the bank supply equals the sum of all balances. The SDK v0.53 simulator checks no invariants
// itself (x/crisis is gone), so it is hooked into Commit as an ABCI listener; a violation is
// recorded with its height and fails the test at the end of the run.
type invariantChecker struct {
	app    *App
	routes []invariantRoute

	mu     sync.Mutex
	err    error
	blocks int
	peak   moduleActivity // the largest counts seen at any block end
}

type invariantRoute struct {
	name string
	inv  sdk.Invariant
}

var _ storetypes.ABCIListener = (*invariantChecker)(nil)

// RegisterRoute implements sdk.InvariantRegistry.
func (c *invariantChecker) RegisterRoute(moduleName, route string, inv sdk.Invariant) {
	c.routes = append(c.routes, invariantRoute{name: moduleName + "/" + route, inv: inv})
}

// ListenFinalizeBlock implements storetypes.ABCIListener; invariants are checked at commit, after
// the block's transactions.
func (c *invariantChecker) ListenFinalizeBlock(context.Context, abci.RequestFinalizeBlock, abci.ResponseFinalizeBlock) error {
	return nil
}

// ListenCommit checks every invariant on the state just committed.
func (c *invariantChecker) ListenCommit(ctx context.Context, _ abci.ResponseCommit, _ []*storetypes.StoreKVPair) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	err := c.check(sdkCtx)
	activity, actErr := activityOf(sdkCtx, c.app)
	if err == nil {
		err = actErr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.blocks++
	c.peak.maxWith(activity)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("height %d: %w", sdkCtx.BlockHeight(), err)
	}
	return err
}

func (c *invariantChecker) check(ctx sdk.Context) error {
	if err := c.app.TaoKeeper.CheckInvariants(ctx); err != nil {
		return fmt.Errorf("x/tao: %w", err)
	}
	for _, r := range c.routes {
		if msg, broken := r.inv(ctx); broken {
			return fmt.Errorf("invariant %s broken: %s", r.name, msg)
		}
	}
	return checkBankSupply(ctx, c.app)
}

// result returns the number of blocks checked, the peak activity and the first violation.
func (c *invariantChecker) result() (int, moduleActivity, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.blocks, c.peak, c.err
}

// checkerOf returns the invariant checker of an app built by newSimApp.
func checkerOf(tb testing.TB, app *App) *invariantChecker {
	tb.Helper()
	v, ok := invariantCheckers.Load(app)
	require.True(tb, ok, "the app was not built by newSimApp")
	return v.(*invariantChecker)
}

// checkBankSupply verifies that the total supply of each denom equals the sum of all balances.
func checkBankSupply(ctx sdk.Context, app *App) error {
	var sum sdk.Coins
	app.BankKeeper.IterateAllBalances(ctx, func(_ sdk.AccAddress, c sdk.Coin) bool {
		sum = sum.Add(c)
		return false
	})
	var supply sdk.Coins
	app.BankKeeper.IterateTotalSupply(ctx, func(c sdk.Coin) bool {
		supply = supply.Add(c)
		return false
	})
	if !sum.Equal(supply) {
		return fmt.Errorf("bank: total supply %s != sum of balances %s", supply, sum)
	}
	return nil
}

// invariantCheckers maps each simulated app to its checker, for the post-run assertion.
var invariantCheckers sync.Map // *App → *invariantChecker

// newSimApp builds the app for the simulator with the invariant checker listening to commits.
func newSimApp(logger log.Logger, db dbm.DB, traceStore io.Writer, loadLatest bool, appOpts servertypes.AppOptions, baseAppOptions ...func(*baseapp.BaseApp)) *App {
	checker := &invariantChecker{}
	listen := func(b *baseapp.BaseApp) {
		b.SetStreamingManager(storetypes.StreamingManager{ABCIListeners: []storetypes.ABCIListener{checker}})
	}
	app := New(logger, db, traceStore, loadLatest, appOpts, append(slices.Clone(baseAppOptions), listen)...)
	checker.app = app
	names := make([]string, 0, len(app.ModuleManager.Modules))
	for name := range app.ModuleManager.Modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if m, ok := app.ModuleManager.Modules[name].(interface{ RegisterInvariants(sdk.InvariantRegistry) }); ok {
			m.RegisterInvariants(checker)
		}
	}
	invariantCheckers.Store(app, checker)
	return app
}

// requireInvariants fails tb if an invariant was broken during the run of ti, or if no block was
// checked.
func requireInvariants(tb testing.TB, ti simsx.TestInstance[*App], _ []simtypes.Account) {
	tb.Helper()
	checker := checkerOf(tb, ti.App)
	tb.Cleanup(func() { invariantCheckers.Delete(ti.App) })
	blocks, _, err := checker.result()
	require.NoError(tb, err, "invariant broken during the simulation (seed %d)", ti.Cfg.Seed)
	require.Positive(tb, blocks, "no block was committed")
	// The final state is checked once more on a fresh context.
	ctx := ti.App.NewContextLegacy(true, cmtproto.Header{Height: ti.App.LastBlockHeight()})
	require.NoError(tb, checker.check(ctx))
}

// moduleActivity counts what taochain's modules hold, to show that a simulation exercised them.
type moduleActivity struct {
	Subnets, Neurons, Permits, Pools, Unbondings, WeightRows, RevealedRows, Evaluations, Commits, Epochs int
}

// maxWith raises every count of a to at least the one of b.
func (a *moduleActivity) maxWith(b moduleActivity) {
	a.Subnets, a.Neurons, a.Permits = max(a.Subnets, b.Subnets), max(a.Neurons, b.Neurons), max(a.Permits, b.Permits)
	a.Pools, a.Unbondings, a.WeightRows = max(a.Pools, b.Pools), max(a.Unbondings, b.Unbondings), max(a.WeightRows, b.WeightRows)
	a.RevealedRows, a.Evaluations = max(a.RevealedRows, b.RevealedRows), max(a.Evaluations, b.Evaluations)
	a.Commits, a.Epochs = max(a.Commits, b.Commits), max(a.Epochs, b.Epochs)
}

// activityOf counts the subnets, neurons, permits, stake pools, unbondings, weight rows (revealed
// ones apart), stored evaluations, pending commits and last-epoch records in ctx's state.
func activityOf(ctx sdk.Context, app *App) (moduleActivity, error) {
	var a moduleActivity
	sk, ik := app.SubnetKeeper, app.IntelligenceKeeper
	var subnets []subnettypes.Subnet
	if err := sk.IterateSubnets(ctx, func(s subnettypes.Subnet) bool {
		subnets = append(subnets, s)
		return false
	}); err != nil {
		return a, err
	}
	a.Subnets = len(subnets)
	for _, s := range subnets {
		if err := sk.IterateNeurons(ctx, uint16(s.Netuid), func(n subnettypes.Neuron) bool {
			a.Neurons++
			if n.ValidatorPermit {
				a.Permits++
			}
			return false
		}); err != nil {
			return a, err
		}
	}
	if err := ik.Weights.Walk(ctx, nil, func(_ collections.Pair[uint16, uint16], row intelligencetypes.WeightsRow) (bool, error) {
		a.WeightRows++
		if row.Source == intelligencetypes.WEIGHTS_SOURCE_REVEAL {
			a.RevealedRows++
		}
		return false, nil
	}); err != nil {
		return a, err
	}
	var err error
	if a.Pools, err = countKeys(ctx, sk.Pools); err != nil {
		return a, err
	}
	if a.Unbondings, err = countKeys(ctx, sk.Unbondings); err != nil {
		return a, err
	}
	if a.Evaluations, err = countKeys(ctx, ik.Evaluations); err != nil {
		return a, err
	}
	if a.Commits, err = countKeys(ctx, ik.Commits); err != nil {
		return a, err
	}
	a.Epochs, err = countKeys(ctx, ik.LastEpochs)
	return a, err
}

// countKeys counts the entries of a collections map.
func countKeys[K, V any](ctx sdk.Context, m collections.Map[K, V]) (int, error) {
	iter, err := m.Iterate(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer iter.Close()
	n := 0
	for ; iter.Valid(); iter.Next() {
		n++
	}
	return n, nil
}

// requireAllSeedsRun makes t fail unless every seed completed runs simulations: the SDK simulator
// skips a seed whose validators all get jailed or tombstoned by its random evidence, and a skipped
// seed checks nothing. Call the returned function as the last post-run action.
func requireAllSeedsRun(t *testing.T, seeds []int64, runs int) func(testing.TB, simsx.TestInstance[*App], []simtypes.Account) {
	var mu sync.Mutex
	done := map[int64]int{}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, seed := range seeds {
			if done[seed] != runs && !t.Failed() {
				t.Errorf("seed %d: %d of %d simulations completed; the SDK simulator skipped it (e.g. every validator jailed by its random evidence) - choose another seed", seed, done[seed], runs)
			}
		}
	})
	return func(_ testing.TB, ti simsx.TestInstance[*App], _ []simtypes.Account) {
		mu.Lock()
		defer mu.Unlock()
		done[ti.Cfg.Seed]++
	}
}
