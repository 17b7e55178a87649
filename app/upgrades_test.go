package app_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/app/upgrades/yuma3"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/intelligence/yuma"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// yuma2Chain is a live network from before yuma3: new subnets run Yuma 2 and max_hyperparams
// does not allow Yuma 3.
func yuma2Chain(enc app.EncodingConfig, state app.GenesisState) {
	fastSubnets(enc, state)
	var gs subnettypes.GenesisState
	enc.Codec.MustUnmarshalJSON(state[subnettypes.ModuleName], &gs)
	gs.Params.DefaultHyperparams.YumaVersion = 2
	gs.Params.MaxHyperparams.YumaVersion = 2
	state[subnettypes.ModuleName] = enc.Codec.MustMarshalJSON(&gs)
}

func allBondRows(t *testing.T, c *apptest.Chain) []intelligencetypes.BondsRow {
	t.Helper()
	var rows []intelligencetypes.BondsRow
	require.NoError(t, c.App.IntelligenceKeeper.Bonds.Walk(c.Context(), nil,
		func(_ collections.Pair[uint16, uint16], r intelligencetypes.BondsRow) (bool, error) {
			rows = append(rows, r)
			return false, nil
		}))
	return rows
}

// TestYuma3Upgrade runs the yuma3 upgrade as a live network would: a subnet with Yuma 2 (u16)
// bonds, the stored module versions of a chain that started before the upgrade, and a plan that
// x/upgrade's pre-blocker executes at its height. After the upgrade the subnet runs Yuma 3 with
// the converted bonds.
func TestYuma3Upgrade(t *testing.T) {
	c := apptest.NewChain(t, 7, app.TAO(100_000), yuma2Chain)
	owner := c.Accounts[0]
	if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "y", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1
	register := func(coldkey apptest.Account, seed string) (*secp256k1.PrivKey, uint32) {
		return registerNeuron(t, c, netuid, coldkey, seed)
	}
	validators := make([]*secp256k1.PrivKey, 2)
	for i, ck := range c.Accounts[1:3] {
		validators[i], _ = register(ck, fmt.Sprintf("validator-%d", i))
		res := c.DeliverMsgs(ck, &subnettypes.MsgAddStake{
			Coldkey: ck.Address.String(), Hotkey: sdk.AccAddress(validators[i].PubKey().Address()).String(), Netuid: netuid, Amount: app.TAO(1000 * int64(i+1)),
		})
		require.Zero(t, res.Code, "stake on validator %d: %s", i, res.Log)
	}
	minerUIDs := make([]uint32, 3)
	for i, ck := range c.Accounts[3:6] {
		_, minerUIDs[i] = register(ck, fmt.Sprintf("miner-%d", i))
	}
	advanceToNextEpoch(c, netuid) // permits
	scores := [][]uint32{{65535, 30000, 5000}, {40000, 65535, 1000}}
	nonce := uint64(1)
	evaluate := func() {
		for i, v := range validators {
			submitEvaluation(t, c, owner, v, netuid, minerUIDs, scores[i], nonce)
		}
		nonce++
		advanceToNextEpoch(c, netuid)
	}
	evaluate()
	evaluate()

	// Before: Yuma 2 everywhere, bonds in u16 form only, and the version map of a chain that
	// started with x/intelligence and x/subnet at version 1.
	ctx := c.Context()
	s, err := c.App.SubnetKeeper.GetSubnet(ctx, netuid)
	require.NoError(t, err)
	require.Equal(t, uint32(2), s.Hyperparams.YumaVersion)
	before := allBondRows(t, c)
	require.NotEmpty(t, before, "Yuma 2 epochs left no bonds")
	for _, r := range before {
		require.NotEmpty(t, r.Bonds)
		require.Empty(t, r.FixedBonds)
	}
	ctx = applyUpgrade(t, c, yuma3.UpgradeName, map[string]uint64{intelligencetypes.ModuleName: 1, subnettypes.ModuleName: 1})

	s, err = c.App.SubnetKeeper.GetSubnet(ctx, netuid)
	require.NoError(t, err)
	require.Equal(t, uint32(3), s.Hyperparams.YumaVersion)
	params, err := c.App.SubnetKeeper.GetParams(ctx)
	require.NoError(t, err)
	require.Equal(t, uint32(3), params.DefaultHyperparams.YumaVersion)
	require.Equal(t, uint32(3), params.MaxHyperparams.YumaVersion)

	// Fixed bonds: each u16 value v as v/65535 in I32F32, the u16 form kept. The upgrade block ran
	// no epoch of this subnet, so the rows are the ones read before.
	after := allBondRows(t, c)
	require.Len(t, after, len(before))
	for i, r := range after {
		require.Equal(t, before[i].Bonds, r.Bonds)
		want := make([]intelligencetypes.FixedBondEntry, 0, len(r.Bonds))
		for _, b := range before[i].Bonds {
			want = append(want, intelligencetypes.FixedBondEntry{Uid: b.Uid, Value: int64(yuma.FromU16Proportion(uint16(b.Value)))})
		}
		require.Equal(t, want, r.FixedBonds, "bond row (%d, %d)", r.Netuid, r.Uid)
	}

	// The next epoch runs Yuma 3 from those bonds: it is recorded, and it stores full-precision
	// rows only, each a proportion of its validator's support.
	last, _, err := c.App.IntelligenceKeeper.GetLastEpoch(ctx, netuid)
	require.NoError(t, err)
	evaluate()
	ctx = c.Context()
	rec, found, err := c.App.IntelligenceKeeper.GetLastEpoch(ctx, netuid)
	require.NoError(t, err)
	require.True(t, found)
	require.Greater(t, rec.Height, last.Height, "no epoch ran after the upgrade")
	rows := allBondRows(t, c)
	require.NotEmpty(t, rows)
	for _, r := range rows {
		require.Empty(t, r.Bonds)
		require.NotEmpty(t, r.FixedBonds)
		var sum yuma.I32F32
		for _, b := range r.FixedBonds {
			sum = sum.Add(yuma.I32F32(b.Value))
		}
		require.LessOrEqual(t, sum, yuma.One, "bond row (%d, %d) sums above 1", r.Netuid, r.Uid)
	}
	require.NoError(t, c.App.SubnetKeeper.CheckInvariants(ctx))
	require.NoError(t, c.App.TaoKeeper.CheckInvariants(ctx))
}

// applyUpgrade sets the stored version of each module in from to its value, as a network that
// has not run the upgrade holds it, schedules the plan name for the next block (what a passed
// MsgSoftwareUpgrade proposal stores), commits that block, whose pre-blocker runs the handler,
// and checks that the upgrade is recorded at that height with every module at its consensus
// version afterwards (later migrations run too). It returns the context after the block.
func applyUpgrade(t *testing.T, c *apptest.Chain, name string, from map[string]uint64) sdk.Context {
	t.Helper()
	ctx := c.Context()
	vm, err := c.App.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	for module, v := range from {
		vm[module] = v
	}
	require.NoError(t, c.App.UpgradeKeeper.SetModuleVersionMap(ctx, vm))
	upgradeHeight := c.Height + 1
	require.NoError(t, c.App.UpgradeKeeper.ScheduleUpgrade(ctx, upgradetypes.Plan{Name: name, Height: upgradeHeight}))
	c.NextBlock()

	ctx = c.Context()
	done, err := c.App.UpgradeKeeper.GetDoneHeight(ctx, name)
	require.NoError(t, err)
	require.Equal(t, upgradeHeight, done, "%s not applied at its height", name)
	vm, err = c.App.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	require.Equal(t, c.App.ModuleManager.GetVersionMap(), vm, "every module at its consensus version")
	return ctx
}
