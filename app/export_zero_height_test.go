package app_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/baseapp"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencekeeper "github.com/taochain/taochain/x/intelligence/keeper"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	poislashingkeeper "github.com/taochain/taochain/x/slashing/keeper"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// Restart test parameters: epochs every restartTempo+1 blocks, a one-epoch reveal delay, and
// immunity and unbonding periods that are still running at the restart.
const (
	restartImmunity  = 80
	restartUnbonding = 15
)

// restartableSubnets makes new subnets run commit-reveal with short epochs, and unbonding short.
func restartableSubnets(enc app.EncodingConfig, state app.GenesisState) {
	var gs subnettypes.GenesisState
	enc.Codec.MustUnmarshalJSON(state[subnettypes.ModuleName], &gs)
	hp := &gs.Params.DefaultHyperparams
	hp.Tempo = testTempo
	hp.WeightsRateLimit = 0
	hp.CommitReveal = true
	hp.RevealPeriod = 1
	hp.ImmunityPeriod = restartImmunity
	gs.Params.UnbondingBlocks = restartUnbonding
	state[subnettypes.ModuleName] = enc.Codec.MustMarshalJSON(&gs)
}

// TestRestartFromZeroHeightExport builds a chain with a subnet, a validator and a miner, stake, an
// unbonding entry, bonds from an epoch, a pending weight commit and pending emission; exports it
// for zero height at a height H; starts a new app from that genesis with InitChain; and then runs
// both chains side by side with the same transactions: after every block k, block H+k of the old
// chain and block k of the new one must hold the same taochain state with heights shifted by H
// (neurons, stake, unbonding entries, bonds, weights, commits, epoch clocks, pending emission),
// the same supply and the same balances (except the accounts the SDK's zero-height preparation
// pays the validator's rewards to). So the next epoch, the reveal window, the end of immunity and
// the unbonding payout come after the same number of blocks on both. Exporting the new chain's
// genesis again for zero height gives back the first export.
func TestRestartFromZeroHeightExport(t *testing.T) {
	old := apptest.NewChain(t, 3, app.TAO(100_000), restartableSubnets)
	owner, vCold, mCold := old.Accounts[0], old.Accounts[1], old.Accounts[2]
	if res := old.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "restart", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1
	register := func(coldkey apptest.Account, seed string) (apptest.Account, uint32) {
		hot, uid := registerNeuron(t, old, netuid, coldkey, seed)
		return apptest.Account{Priv: hot, Address: sdk.AccAddress(hot.PubKey().Address())}, uid
	}
	vHot, vUID := register(vCold, "restart-validator")
	_, mUID := register(mCold, "restart-miner")
	if res := old.DeliverMsgs(vCold, &subnettypes.MsgAddStake{
		Coldkey: vCold.Address.String(), Hotkey: vHot.Address.String(), Netuid: netuid, Amount: app.TAO(1000),
	}); res.Code != 0 {
		t.Fatalf("add stake: %s", res.Log)
	}
	advanceToNextEpoch(old, netuid) // the validator gets its permit

	uids, weights := []uint32{mUID}, []uint32{65535}
	commit := func(c *apptest.Chain, salt []byte) *abci.ExecTxResult {
		return c.DeliverMsgs(vHot, &intelligencetypes.MsgCommitWeights{
			Hotkey: vHot.Address.String(), Netuid: netuid,
			CommitHash: intelligencetypes.WeightsCommitHash(vHot.Address.String(), netuid, uids, weights, 0, salt),
		})
	}
	reveal := func(c *apptest.Chain, salt []byte) *abci.ExecTxResult {
		return c.DeliverMsgs(vHot, &intelligencetypes.MsgRevealWeights{
			Hotkey: vHot.Address.String(), Netuid: netuid, Uids: uids, Weights: weights, Salt: salt,
		})
	}
	first, second := []byte("restart-salt-one"), []byte("restart-salt-two")
	if res := commit(old, first); res.Code != 0 {
		t.Fatalf("commit: %s", res.Log)
	}
	advanceToNextEpoch(old, netuid)
	if res := reveal(old, first); res.Code != 0 {
		t.Fatalf("reveal: %s", res.Log)
	}
	advanceToNextEpoch(old, netuid) // the revealed row makes bonds
	if _, found, err := old.App.IntelligenceKeeper.GetBonds(old.Context(), netuid, uint16(vUID)); err != nil || !found {
		t.Fatalf("no bond row after an epoch with weights (found %v, err %v)", found, err)
	}
	if res := commit(old, second); res.Code != 0 {
		t.Fatalf("second commit: %s", res.Log)
	}
	res := old.DeliverMsgs(vCold, &subnettypes.MsgRemoveStake{Coldkey: vCold.Address.String(), Hotkey: vHot.Address.String(), Netuid: netuid, Amount: app.TAO(100)})
	if res.Code != 0 {
		t.Fatalf("remove stake: %s", res.Log)
	}
	// Halt off the epoch period (not a multiple of tempo+1), so the epochs after the first one on
	// the new chain keep the subnet's phase only through the schedule's height offset.
	for old.Height%(testTempo+1) != 5 {
		old.NextBlock()
	}
	halt := old.Height

	exported, err := old.App.ExportAppStateAndValidators(true, nil, nil)
	if err != nil {
		t.Fatalf("export for zero height: %v", err)
	}
	if exported.Height != 0 {
		t.Fatalf("zero-height export has initial height %d", exported.Height)
	}
	requireExportHolds(t, old, exported, halt)
	requireReexportIdentical(t, exported)

	restarted := restartChain(t, old, exported)
	excluded := zeroHeightPayees(t, old)

	ctx := old.Context()
	schedule, err := old.App.IntelligenceKeeper.Schedule(ctx, netuid)
	if err != nil {
		t.Fatal(err)
	}
	entries := unbondingsOf(t, old)
	if len(entries) != 1 {
		t.Fatalf("%d unbonding entries before the restart, want 1", len(entries))
	}
	toEpoch, toUnbonded := schedule.NextEpochHeight-halt, entries[0].CompletionHeight-halt
	t.Logf("halt at %d: next epoch in %d blocks, unbonding paid in %d blocks, reveal window opens after the next epoch", halt, toEpoch, toUnbonded)

	// Both chains run the same blocks; the old one is the reference.
	both := func(f func(c *apptest.Chain) *abci.ExecTxResult) (oldCode, newCode uint32) {
		return f(old).Code, f(restarted).Code
	}
	revealed := false
	epochsAfter := 0
	for k := int64(1); k <= 3*(testTempo+1); k++ {
		var codes [2]uint32
		switch {
		case k == toEpoch: // the commit's reveal epoch has not begun: too early on both
			codes[0], codes[1] = both(func(c *apptest.Chain) *abci.ExecTxResult { return reveal(c, second) })
			if codes[0] == 0 || codes[1] == 0 {
				t.Fatalf("block %d after the restart: reveal before its epoch accepted (old code %d, new code %d)", k, codes[0], codes[1])
			}
		case k == toEpoch+1: // the first block of the reveal epoch
			codes[0], codes[1] = both(func(c *apptest.Chain) *abci.ExecTxResult { return reveal(c, second) })
			if codes[0] != 0 || codes[1] != 0 {
				t.Fatalf("block %d after the restart: reveal in its epoch refused (old code %d, new code %d)", k, codes[0], codes[1])
			}
			revealed = true
		default:
			old.NextBlock()
			restarted.NextBlock()
		}
		requireSameShiftedState(t, old, restarted, halt, excluded)
		if k == toEpoch {
			requireEpochRanAt(t, old, netuid, halt+k)
			requireEpochRanAt(t, restarted, netuid, k)
		}
		if k > toEpoch && (halt+k+netuid+1)%(testTempo+1) == 0 { // a later epoch of the old chain's phase
			requireEpochRanAt(t, old, netuid, halt+k)
			requireEpochRanAt(t, restarted, netuid, k)
			epochsAfter++
		}
		if got := len(unbondingsOf(t, restarted)); (k < toUnbonded) != (got == 1) {
			t.Fatalf("block %d after the restart: %d unbonding entries on the new chain; it completes %d blocks after the restart", k, got, toUnbonded)
		}
	}
	if !revealed {
		t.Fatal("the reveal window was never reached")
	}
	if epochsAfter < 1 {
		t.Fatal("no epoch after the first one was compared")
	}
	n, err := restarted.App.SubnetKeeper.GetNeuronByHotkey(restarted.Context(), netuid, vHot.Address)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("new chain at %d (old chain at %d): validator registered at %d, immune for %d more blocks, bonds and balances equal every block",
		restarted.Height, old.Height, n.RegisteredAt, n.RegisteredAt+restartImmunity-restarted.Height)
}

// restartChain starts a new app from a zero-height export, as a node does with the exported
// genesis: InitChain with the exported app state and consensus parameters, first block 1.
func restartChain(t *testing.T, old *apptest.Chain, exported servertypes.ExportedApp) *apptest.Chain {
	t.Helper()
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(apptest.ChainID))
	params := exported.ConsensusParams
	if _, err := a.InitChain(&abci.RequestInitChain{
		ChainId: apptest.ChainID, Time: old.Time, ConsensusParams: &params,
		AppStateBytes: exported.AppState, InitialHeight: exported.Height,
	}); err != nil {
		t.Fatalf("InitChain from the export: %v", err)
	}
	return &apptest.Chain{T: t, App: a, Accounts: old.Accounts, Time: old.Time}
}

// zeroHeightPayees are the accounts whose balances the SDK's zero-height preparation changes: it
// pays every delegator's rewards and validator's commission out of x/distribution. The fee
// collector is left out too: x/distribution allocates nothing in block 1, so on the new chain it
// carries block 1's fees (and x/tao's security share) into block 2.
func zeroHeightPayees(t *testing.T, c *apptest.Chain) map[string]bool {
	t.Helper()
	ctx := c.Context()
	payees := map[string]bool{
		c.App.AccountKeeper.GetModuleAddress(distrtypes.ModuleName).String():      true,
		c.App.AccountKeeper.GetModuleAddress(authtypes.FeeCollectorName).String(): true,
	}
	dels, err := c.App.StakingKeeper.GetAllDelegations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dels {
		payees[d.DelegatorAddress] = true
		val, err := sdk.ValAddressFromBech32(d.ValidatorAddress)
		if err != nil {
			t.Fatal(err)
		}
		payees[sdk.AccAddress(val).String()] = true
	}
	return payees
}

// requireExportHolds checks the export against the old chain at the halt height: taochain's
// module states equal with heights shifted by -halt, pending emission and supply unchanged.
func requireExportHolds(t *testing.T, old *apptest.Chain, exported servertypes.ExportedApp, halt int64) {
	t.Helper()
	var state map[string]json.RawMessage
	if err := json.Unmarshal(exported.AppState, &state); err != nil {
		t.Fatal(err)
	}
	cdc := old.App.AppCodec()
	var subnet subnettypes.GenesisState
	cdc.MustUnmarshalJSON(state[subnettypes.ModuleName], &subnet)
	var intel intelligencetypes.GenesisState
	cdc.MustUnmarshalJSON(state[intelligencetypes.ModuleName], &intel)
	if len(subnet.Subnets) != 1 || len(subnet.Neurons) != 2 || len(subnet.Unbonding) != 1 || len(intel.Bonds) == 0 || len(intel.Commits) != 1 {
		t.Fatalf("export holds %d subnets, %d neurons, %d unbonding entries, %d bond rows, %d commits; want 1, 2, 1, >0, 1",
			len(subnet.Subnets), len(subnet.Neurons), len(subnet.Unbonding), len(intel.Bonds), len(intel.Commits))
	}
	for _, n := range subnet.Neurons {
		if n.RegisteredAt > 0 {
			t.Fatalf("neuron %d registered before the halt at %d is at %d in the export, want <= 0", n.Uid, halt, n.RegisteredAt)
		}
	}
	if e := subnet.Unbonding[0]; e.CompletionHeight-e.CreationHeight != restartUnbonding || e.CompletionHeight <= 0 {
		t.Fatalf("unbonding entry in the export: created %d, completes %d; want %d blocks apart and in the future", e.CreationHeight, e.CompletionHeight, restartUnbonding)
	}
	ctx := old.Context()
	want, err := old.App.SubnetKeeper.ExportGenesis(ctx)
	if err != nil {
		t.Fatal(err)
	}
	subnetkeeper.ShiftHeights(want, halt)
	if string(cdc.MustMarshalJSON(want)) != string(cdc.MustMarshalJSON(&subnet)) {
		t.Fatalf("exported x/subnet state is not the chain's with heights shifted by -%d", halt)
	}
	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(state[banktypes.ModuleName], &bank)
	supply, _, err := old.App.BankKeeper.GetPaginatedTotalSupply(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bank.Supply.Equal(supply) {
		t.Fatalf("exported supply %s, chain supply %s", bank.Supply, supply)
	}
	pending, err := old.App.TaoKeeper.PendingEmissions.Get(ctx, 1)
	if err != nil || !pending.IsPositive() {
		t.Fatalf("no pending emission at the halt: %v %v", pending, err)
	}
}

// requireReexportIdentical imports the export into a fresh app (InitChainer, nothing run) and
// exports it again for zero height: with no block since the import nothing shifts, and every
// module's genesis must come back byte for byte.
func requireReexportIdentical(t *testing.T, exported servertypes.ExportedApp) {
	t.Helper()
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(apptest.ChainID))
	ctx := a.NewContextLegacy(true, cmtproto.Header{ChainID: apptest.ChainID})
	if _, err := a.InitChainer(ctx, &abci.RequestInitChain{AppStateBytes: exported.AppState, ChainId: apptest.ChainID}); err != nil {
		t.Fatalf("import: %v", err)
	}
	again, err := a.ExportAppStateAndValidators(true, nil, nil)
	if err != nil {
		t.Fatalf("export of the imported state: %v", err)
	}
	var first, second map[string]json.RawMessage
	if err := json.Unmarshal(exported.AppState, &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again.AppState, &second); err != nil {
		t.Fatal(err)
	}
	var differ []string
	for name := range first {
		if string(compactJSON(t, first[name])) != string(compactJSON(t, second[name])) {
			differ = append(differ, name)
		}
	}
	slices.Sort(differ)
	if len(differ) != 0 || len(first) != len(second) {
		for _, name := range differ {
			t.Logf("%s first export:  %s", name, compactJSON(t, first[name]))
			t.Logf("%s second export: %s", name, compactJSON(t, second[name]))
		}
		t.Fatalf("exporting the imported genesis again changed modules %v (%d vs %d modules)", differ, len(first), len(second))
	}
}

func compactJSON(t *testing.T, bz json.RawMessage) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(bz, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// requireSameShiftedState compares the old chain with the restarted one after the same number of
// blocks since the halt: taochain's module states with the old heights shifted by -halt, the
// x/tao state (pending emission, totals), the supply, and every balance except excluded.
func requireSameShiftedState(t *testing.T, old, restarted *apptest.Chain, halt int64, excluded map[string]bool) {
	t.Helper()
	if old.Height-halt != restarted.Height {
		t.Fatalf("old chain at %d, new chain at %d, halt %d", old.Height, restarted.Height, halt)
	}
	at := fmt.Sprintf("block %d after the restart", restarted.Height)
	co, cn := old.Context(), restarted.Context()
	cdc := old.App.AppCodec()
	same := func(what string, a, b []byte) {
		if string(a) != string(b) {
			t.Fatalf("%s: %s differs\nold chain (shifted): %s\nnew chain:           %s", at, what, a, b)
		}
	}

	so, err := old.App.SubnetKeeper.ExportGenesis(co)
	if err != nil {
		t.Fatal(err)
	}
	subnetkeeper.ShiftHeights(so, halt)
	sn, err := restarted.App.SubnetKeeper.ExportGenesis(cn)
	if err != nil {
		t.Fatal(err)
	}
	same("x/subnet state", cdc.MustMarshalJSON(so), cdc.MustMarshalJSON(sn))

	io, err := old.App.IntelligenceKeeper.ExportGenesis(co)
	if err != nil {
		t.Fatal(err)
	}
	intelligencekeeper.ShiftHeights(io, halt)
	in, err := restarted.App.IntelligenceKeeper.ExportGenesis(cn)
	if err != nil {
		t.Fatal(err)
	}
	same("x/intelligence state", cdc.MustMarshalJSON(io), cdc.MustMarshalJSON(in))

	po, err := old.App.SlashingKeeper.ExportPoIGenesis(co)
	if err != nil {
		t.Fatal(err)
	}
	poislashingkeeper.ShiftHeights(po, halt)
	pn, err := restarted.App.SlashingKeeper.ExportPoIGenesis(cn)
	if err != nil {
		t.Fatal(err)
	}
	same("intelligence slashing state", cdc.MustMarshalJSON(po), cdc.MustMarshalJSON(pn))

	to, err := old.App.TaoKeeper.ExportGenesis(co)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := restarted.App.TaoKeeper.ExportGenesis(cn)
	if err != nil {
		t.Fatal(err)
	}
	same("x/tao state", cdc.MustMarshalJSON(to), cdc.MustMarshalJSON(tn))

	supplyOld, _, err := old.App.BankKeeper.GetPaginatedTotalSupply(co, nil)
	if err != nil {
		t.Fatal(err)
	}
	supplyNew, _, err := restarted.App.BankKeeper.GetPaginatedTotalSupply(cn, nil)
	if err != nil {
		t.Fatal(err)
	}
	same("supply", []byte(supplyOld.String()), []byte(supplyNew.String()))
	same("balances", balancesExcept(old, excluded), balancesExcept(restarted, excluded))
}

// balancesExcept lists every balance of c, in address order, leaving out the excluded addresses.
func balancesExcept(c *apptest.Chain, excluded map[string]bool) []byte {
	var out []byte
	c.App.BankKeeper.IterateAllBalances(c.Context(), func(addr sdk.AccAddress, coin sdk.Coin) bool {
		if !excluded[addr.String()] {
			out = fmt.Appendf(out, "%s=%s\n", addr, coin)
		}
		return false
	})
	return out
}

// requireEpochRanAt fails unless the subnet's last epoch ran at height.
func requireEpochRanAt(t *testing.T, c *apptest.Chain, netuid uint16, height int64) {
	t.Helper()
	rec, found, err := c.App.IntelligenceKeeper.GetLastEpoch(c.Context(), netuid)
	if err != nil || !found || rec.Height != height {
		t.Fatalf("last epoch of subnet %d: %+v (found %v, err %v), want one at height %d", netuid, rec, found, err, height)
	}
}

// unbondingsOf lists the chain's unbonding entries.
func unbondingsOf(t *testing.T, c *apptest.Chain) []subnettypes.UnbondingEntry {
	t.Helper()
	gs, err := c.App.SubnetKeeper.ExportGenesis(c.Context())
	if err != nil {
		t.Fatal(err)
	}
	return gs.Unbonding
}
