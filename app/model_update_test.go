package app_test

import (
	"crypto/sha256"
	"testing"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencekeeper "github.com/taochain/taochain/x/intelligence/keeper"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// modelUpdateGasTarget bounds the gas of a whole MsgCommitModelUpdate transaction (signature, tx
// size and the message): a hotkey operation as cheap as serving an axon.
const modelUpdateGasTarget = 100_000

// TestCommitModelUpdateThroughTheApp drives a federated subnet in the real app: its owner switches
// federated on with MsgUpdateHyperparams (and the hyperparameters query shows it); an unfunded
// miner hotkey commits its model update through the ante handler with its coldkey paying the
// hotkey fee, as for weights; a funded hotkey pays for itself; a second commitment in the epoch is
// refused; the next epoch's commitment keeps the one it replaced as previous; and the gas of the
// message is reported.
func TestCommitModelUpdateThroughTheApp(t *testing.T) {
	c := apptest.NewChain(t, 3, app.TAO(100_000), fastSubnets)
	owner, coldkey, other := c.Accounts[0], c.Accounts[1], c.Accounts[2]
	if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "federated", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1
	subnetQuery := subnetkeeper.NewQueryServerImpl(c.App.SubnetKeeper)
	hpRes, err := subnetQuery.Hyperparameters(c.Context(), &subnettypes.QueryHyperparametersRequest{Netuid: netuid})
	if err != nil {
		t.Fatal(err)
	}
	if hpRes.Hyperparams.Federated {
		t.Fatal("a new subnet is federated by default")
	}

	register := func(seed string) apptest.Account {
		priv := secp256k1.GenPrivKeyFromSecret([]byte(seed))
		proof, err := priv.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, coldkey.Address.String()))
		if err != nil {
			t.Fatal(err)
		}
		if res := c.DeliverMsgs(coldkey, &subnettypes.MsgRegisterNeuron{
			Coldkey: coldkey.Address.String(), Netuid: netuid, HotkeyPubkey: priv.PubKey().Bytes(), Proof: proof, MaxBurn: app.TAO(1000),
		}); res.Code != 0 {
			t.Fatalf("register %s: %s", seed, res.Log)
		}
		return apptest.Account{Priv: priv, Address: sdk.AccAddress(priv.PubKey().Address())}
	}
	miner := register("federated-miner")
	funded := register("federated-funded-miner")
	if res := c.DeliverMsgs(other, banktypes.NewMsgSend(other.Address, funded.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BaseDenom, 10_000)))); res.Code != 0 {
		t.Fatalf("fund a hotkey: %s", res.Log)
	}

	epoch := func() uint64 {
		e, err := c.App.IntelligenceKeeper.CurrentEpoch(c.Context().WithBlockHeight(c.Height+1), netuid)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	commit := func(m apptest.Account, label string) *intelligencetypes.MsgCommitModelUpdate {
		return intelligencetypes.NewMsgCommitModelUpdate(m.Address.String(), netuid, epoch(), sha256.Sum256([]byte(label)), 4096)
	}
	if res := c.DeliverMsgs(miner, commit(miner, "too early")); res.Codespace != intelligencetypes.ModuleName || res.Code != intelligencetypes.ErrNotFederated.ABCICode() {
		t.Fatalf("commitment on a subnet that is not federated: code %d (%s): %s", res.Code, res.Codespace, res.Log)
	}

	hp := hpRes.Hyperparams
	hp.Federated = true
	if res := c.DeliverMsgs(owner, &subnettypes.MsgUpdateHyperparams{Owner: owner.Address.String(), Netuid: netuid, Hyperparams: hp}); res.Code != 0 {
		t.Fatalf("switch federated on: %s", res.Log)
	}
	if hpRes, err = subnetQuery.Hyperparameters(c.Context(), &subnettypes.QueryHyperparametersRequest{Netuid: netuid}); err != nil || !hpRes.Hyperparams.Federated {
		t.Fatalf("the hyperparameters query does not show federated on: %+v %v", hpRes, err)
	}

	balance := func(a sdk.AccAddress) sdkmath.Int {
		return c.App.BankKeeper.GetBalance(c.Context(), a, app.BaseDenom).Amount
	}
	fee := hotkeyFee.AmountOf(app.BaseDenom)

	// The unfunded hotkey signs; its coldkey pays exactly the fee. Starting at an epoch's first
	// block keeps the commitments below in one epoch (tempo 10).
	advanceToNextEpoch(c, netuid)
	before := balance(coldkey.Address)
	msg := commit(miner, "miner update")
	res := c.DeliverMsgs(miner, msg)
	if res.Code != 0 {
		t.Fatalf("commitment by the unfunded hotkey: code %d (%s): %s", res.Code, res.Codespace, res.Log)
	}
	gas := res.GasUsed
	if got := before.Sub(balance(coldkey.Address)); !got.Equal(fee) {
		t.Fatalf("the coldkey paid %s, want the fee %s", got, fee)
	}
	if b := balance(miner.Address); !b.IsZero() {
		t.Fatalf("the unfunded hotkey holds %s", b)
	}
	q := intelligencekeeper.NewQueryServerImpl(c.App.IntelligenceKeeper)
	got, err := q.ModelUpdateCommitment(c.Context(), &intelligencetypes.QueryModelUpdateCommitmentRequest{Netuid: netuid, Hotkey: miner.Address.String()})
	if err != nil {
		t.Fatal(err)
	}
	if cm := got.Commitment; cm.Epoch != msg.Epoch || string(cm.Hash) != string(msg.Hash) || cm.Size_ != msg.Size_ || cm.Height != c.Height {
		t.Fatalf("stored commitment %+v, want epoch %d, size %d, height %d", cm, msg.Epoch, msg.Size_, c.Height)
	}

	// A second commitment in the same epoch is refused; the first stands.
	if res := c.DeliverMsgs(miner, commit(miner, "second thoughts")); res.Codespace != intelligencetypes.ModuleName || res.Code != intelligencetypes.ErrModelUpdateCommitted.ABCICode() {
		t.Fatalf("second commitment in the epoch: code %d (%s): %s", res.Code, res.Codespace, res.Log)
	}

	// A funded hotkey pays its own fee; the coldkey's balance does not move.
	before = balance(coldkey.Address)
	res = c.DeliverMsgs(funded, commit(funded, "funded update"))
	if res.Code != 0 {
		t.Fatalf("commitment by the funded hotkey: %s", res.Log)
	}
	if !balance(coldkey.Address).Equal(before) || !balance(funded.Address).Equal(sdkmath.NewInt(10_000).Sub(fee)) {
		t.Fatalf("funded hotkey: coldkey %s (was %s), hotkey %s; want the hotkey to pay", balance(coldkey.Address), before, balance(funded.Address))
	}

	// The next epoch's commitment replaces the last one, which it keeps as previous.
	firstHeight := got.Commitment.Height
	advanceToNextEpoch(c, netuid)
	next := commit(miner, "next epoch")
	again := c.DeliverMsgs(miner, next)
	if again.Code != 0 {
		t.Fatalf("commitment in the next epoch: %s", again.Log)
	}
	all, err := q.ModelUpdateCommitments(c.Context(), &intelligencetypes.QueryModelUpdateCommitmentsRequest{Netuid: netuid})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Commitments) != 2 || all.Commitments[0].Hotkey != miner.Address.String() ||
		all.Commitments[0].Epoch != msg.Epoch+1 || string(all.Commitments[0].Hash) != string(next.Hash) || all.Commitments[1].Epoch != msg.Epoch {
		t.Fatalf("commitments after the next epoch (the miner's of epoch %d replaced): %+v", msg.Epoch, all.Commitments)
	}
	if p := all.Commitments[0].Previous; p == nil || p.Epoch != msg.Epoch || string(p.Hash) != string(msg.Hash) || p.Size_ != msg.Size_ || p.Height != firstHeight {
		t.Fatalf("the miner's commitment of epoch %d keeps %+v as previous, want its epoch %d commitment at height %d", msg.Epoch+1, p, msg.Epoch, firstHeight)
	}
	if p := all.Commitments[1].Previous; p != nil {
		t.Fatalf("the funded hotkey committed once, yet its commitment has previous %+v", p)
	}

	send := c.DeliverMsgs(other, banktypes.NewMsgSend(other.Address, owner.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BaseDenom, 1))))
	t.Logf("MsgCommitModelUpdate: %d gas (first of the subnet), %d gas (replacing last epoch's); target %d; a bank send: %d gas",
		gas, again.GasUsed, modelUpdateGasTarget, send.GasUsed)
	for _, g := range []int64{gas, again.GasUsed} {
		if g > modelUpdateGasTarget {
			t.Errorf("a model update commitment used %d gas; the bound is %d", g, modelUpdateGasTarget)
		}
	}
}
