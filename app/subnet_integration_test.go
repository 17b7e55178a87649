package app_test

import (
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestSubnetEmissionThroughTheApp drives x/subnet and x/tao through real transactions: a subnet is
// registered, a neuron registers with a hotkey proof, a coldkey stakes, and every block's subnet
// emission accrues as pending with both modules' invariants holding. The state then survives an
// export → InitChain round trip into a fresh app.
func TestSubnetEmissionThroughTheApp(t *testing.T) {
	c := apptest.NewChain(t, 3, app.TAO(100_000))
	owner, miner, staker := c.Accounts[0], c.Accounts[1], c.Accounts[2]

	res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "it", MaxLock: app.TAO(10_000)})
	if res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1

	hot := secp256k1.GenPrivKeyFromSecret([]byte("integration-hotkey"))
	proof, err := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, miner.Address.String()))
	if err != nil {
		t.Fatal(err)
	}
	res = c.DeliverMsgs(miner, &subnettypes.MsgRegisterNeuron{
		Coldkey: miner.Address.String(), Netuid: netuid, HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: app.TAO(1000),
	})
	if res.Code != 0 {
		t.Fatalf("register neuron: %s", res.Log)
	}
	// A proof signed for another coldkey is refused.
	badProof, _ := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, owner.Address.String()))
	res = c.DeliverMsgs(staker, &subnettypes.MsgRegisterNeuron{
		Coldkey: staker.Address.String(), Netuid: netuid, HotkeyPubkey: hot.PubKey().Bytes(), Proof: badProof, MaxBurn: app.TAO(1000),
	})
	if res.Code == 0 {
		t.Fatal("registration with a proof for another coldkey succeeded")
	}

	hotAddr := subnettypes.HotkeyAddress(hot.PubKey().(*secp256k1.PubKey))
	res = c.DeliverMsgs(staker, &subnettypes.MsgAddStake{
		Coldkey: staker.Address.String(), Hotkey: hotAddr.String(), Netuid: netuid, Amount: app.TAO(500),
	})
	if res.Code != 0 {
		t.Fatalf("add stake: %s", res.Log)
	}

	ctx := c.Context()
	before, err := c.App.TaoKeeper.PendingEmission(ctx, netuid)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		c.NextBlock()
	}
	ctx = c.Context()
	after, err := c.App.TaoKeeper.PendingEmission(ctx, netuid)
	if err != nil {
		t.Fatal(err)
	}
	// 0.5 TAO per block minus the 10% security share, all to the only staked subnet.
	if got, want := after.Sub(before), app.TAO(5).MulRaw(45).QuoRaw(100); !got.Equal(want) {
		t.Fatalf("pending grew by %s over 5 blocks, want %s", got, want)
	}
	if err := c.App.TaoKeeper.CheckInvariants(ctx); err != nil {
		t.Fatalf("x/tao invariants: %v", err)
	}
	if err := c.App.SubnetKeeper.CheckInvariants(ctx); err != nil {
		t.Fatalf("x/subnet invariants: %v", err)
	}

	// Export and start a fresh app from the exported state: the subnet, neuron and pending emission survive.
	exported, err := c.App.ExportAppStateAndValidators(false, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()),
		baseapp.SetChainID(apptest.ChainID))
	if _, err := fresh.InitChain(&abci.RequestInitChain{
		ChainId: apptest.ChainID, AppStateBytes: exported.AppState, ConsensusParams: simtestutil.DefaultConsensusParams,
		InitialHeight: exported.Height,
	}); err != nil {
		t.Fatalf("InitChain from exported state: %v", err)
	}
	if _, err := fresh.FinalizeBlock(&abci.RequestFinalizeBlock{Height: exported.Height, Time: c.Time}); err != nil {
		t.Fatalf("first block after import: %v", err)
	}
	if _, err := fresh.Commit(); err != nil {
		t.Fatal(err)
	}
	reexported, err := fresh.ExportAppStateAndValidators(false, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var a, b app.GenesisState
	if err := json.Unmarshal(exported.AppState, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(reexported.AppState, &b); err != nil {
		t.Fatal(err)
	}
	if string(a[subnettypes.ModuleName]) != string(b[subnettypes.ModuleName]) {
		t.Fatalf("x/subnet state changed across export/import:\nbefore %s\nafter  %s", a[subnettypes.ModuleName], b[subnettypes.ModuleName])
	}
	fctx := fresh.NewContext(true)
	if n, err := fresh.SubnetKeeper.GetNeuronByHotkey(fctx, netuid, hotAddr); err != nil || n.Coldkey != miner.Address.String() {
		t.Fatalf("neuron after import: %+v, %v", n, err)
	}
}
