package app_test

import (
	"math/rand"
	"strings"
	"testing"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// hotkeyFee is the fee every transaction of this test pays (apptest.Chain.DeliverMsgs uses it too).
var hotkeyFee = sdk.NewCoins(sdk.NewInt64Coin(app.BaseDenom, 2000))

// signAt signs msgs from acc with an explicit sequence, so several transactions of one account fit
// in one block.
func signAt(t *testing.T, c *apptest.Chain, acc apptest.Account, seq uint64, msgs ...sdk.Msg) []byte {
	t.Helper()
	account := c.App.AccountKeeper.GetAccount(c.Context(), acc.Address)
	if account == nil {
		t.Fatalf("account %s does not exist", acc.Address)
	}
	tx, err := simtestutil.GenSignedMockTx(rand.New(rand.NewSource(int64(seq))), c.App.TxConfig(), msgs, hotkeyFee, 2_000_000,
		apptest.ChainID, []uint64{account.GetAccountNumber()}, []uint64{seq}, acc.Priv)
	if err != nil {
		t.Fatal(err)
	}
	bz, err := c.App.TxConfig().TxEncoder()(tx)
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

// TestUnfundedHotkeyThroughTheApp drives a hotkey that never holds TAO through the real ante
// handler and message servers: registration creates its account; it serves an axon and sets
// weights while its coldkey pays exactly the fee; the coldkey-paid transactions of a window are
// bounded; a coldkey that cannot pay is named in the error; a funded hotkey pays for itself; and an
// unregistered key still needs its own funds.
func TestUnfundedHotkeyThroughTheApp(t *testing.T) {
	c := apptest.NewChain(t, 3, app.TAO(100_000), fastSubnets)
	owner, coldkey, other := c.Accounts[0], c.Accounts[1], c.Accounts[2]
	if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "fees", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1
	hotPriv := secp256k1.GenPrivKeyFromSecret([]byte("unfunded-hotkey"))
	hot := apptest.Account{Priv: hotPriv, Address: sdk.AccAddress(hotPriv.PubKey().Address())}
	proof, err := hotPriv.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, coldkey.Address.String()))
	if err != nil {
		t.Fatal(err)
	}
	if c.App.AccountKeeper.HasAccount(c.Context(), hot.Address) {
		t.Fatal("the hotkey has an account before registration")
	}
	if res := c.DeliverMsgs(coldkey, &subnettypes.MsgRegisterNeuron{
		Coldkey: coldkey.Address.String(), Netuid: netuid, HotkeyPubkey: hotPriv.PubKey().Bytes(), Proof: proof, MaxBurn: app.TAO(1000),
	}); res.Code != 0 {
		t.Fatalf("register neuron: %s", res.Log)
	}
	if !c.App.AccountKeeper.HasAccount(c.Context(), hot.Address) {
		t.Fatal("registration did not create the hotkey's account")
	}
	if res := c.DeliverMsgs(coldkey, &subnettypes.MsgAddStake{
		Coldkey: coldkey.Address.String(), Hotkey: hot.Address.String(), Netuid: netuid, Amount: app.TAO(1000),
	}); res.Code != 0 {
		t.Fatalf("add stake: %s", res.Log)
	}

	balance := func(a sdk.AccAddress) sdkmath.Int {
		return c.App.BankKeeper.GetBalance(c.Context(), a, app.BaseDenom).Amount
	}
	// deliver runs msgs of the hotkey and checks that the coldkey, not the hotkey, paid the fee.
	deliver := func(what string, msgs ...sdk.Msg) {
		t.Helper()
		before := balance(coldkey.Address)
		if res := c.DeliverMsgs(hot, msgs...); res.Code != 0 {
			t.Fatalf("%s by the unfunded hotkey: code %d (%s): %s", what, res.Code, res.Codespace, res.Log)
		}
		if got := before.Sub(balance(coldkey.Address)); !got.Equal(hotkeyFee.AmountOf(app.BaseDenom)) {
			t.Fatalf("%s: the coldkey paid %s, want the fee %s", what, got, hotkeyFee)
		}
		if b := balance(hot.Address); !b.IsZero() {
			t.Fatalf("%s: the hotkey holds %s", what, b)
		}
	}
	serve := &subnettypes.MsgServeAxon{Hotkey: hot.Address.String(), Netuid: netuid, Host: "203.0.113.7", Port: 8091, Protocol: subnettypes.AXON_PROTOCOL_HTTP, Version: 1}
	deliver("serve axon", serve)
	n, err := c.App.SubnetKeeper.GetNeuronByHotkey(c.Context(), netuid, hot.Address)
	if err != nil || n.Axon.Port != 8091 {
		t.Fatalf("axon not stored: %+v %v", n.Axon, err)
	}

	advanceToNextEpoch(c, netuid) // the stake earns the permit at the epoch close
	if n, err = c.App.SubnetKeeper.GetNeuronByHotkey(c.Context(), netuid, hot.Address); err != nil || !n.ValidatorPermit {
		t.Fatalf("no permit after the epoch: %+v %v", n, err)
	}
	deliver("set weights", &intelligencetypes.MsgSetWeights{Hotkey: hot.Address.String(), Netuid: netuid, Uids: []uint32{n.Uid}, Weights: []uint32{65535}})
	if _, err := c.App.IntelligenceKeeper.Weights.Get(c.Context(), collections.Join(uint16(netuid), uint16(n.Uid))); err != nil {
		t.Fatalf("weights not stored: %v", err)
	}

	// The coldkey pays at most ColdkeyPaidTxsPerWindow transactions of the hotkey per window: fill
	// a fresh window in its first block, one transaction more than the limit.
	for (c.Height+1)%(testTempo+1) != 0 {
		c.NextBlock()
	}
	seq := c.App.AccountKeeper.GetAccount(c.Context(), hot.Address).GetSequence()
	var txs [][]byte
	for i := uint64(0); i <= subnettypes.ColdkeyPaidTxsPerWindow; i++ {
		txs = append(txs, signAt(t, c, hot, seq, serve))
		seq++
	}
	before := balance(coldkey.Address)
	results := c.NextBlock(txs...)
	for i, res := range results[:len(results)-1] {
		if res.Code != 0 {
			t.Fatalf("coldkey-paid tx %d of the window: %s", i, res.Log)
		}
	}
	last := results[len(results)-1]
	if last.Codespace != subnettypes.ModuleName || last.Code != subnettypes.ErrColdkeyPaidTxLimit.ABCICode() ||
		!strings.Contains(last.Log, "fund the hotkey") {
		t.Fatalf("tx past the window's limit: code %d (%s): %s; want ErrColdkeyPaidTxLimit", last.Code, last.Codespace, last.Log)
	}
	if got, want := before.Sub(balance(coldkey.Address)), hotkeyFee.AmountOf(app.BaseDenom).MulRaw(int64(len(results)-1)); !got.Equal(want) {
		t.Fatalf("the coldkey paid %s for the window, want %s", got, want)
	}

	// Next window, with a coldkey that cannot pay: the error names both keys and the amounts.
	advanceToNextEpoch(c, netuid)
	all := balance(coldkey.Address)
	if res := c.DeliverMsgs(coldkey, banktypes.NewMsgSend(coldkey.Address, other.Address, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, all.Sub(sdkmath.NewInt(2500)))))); res.Code != 0 {
		t.Fatalf("empty the coldkey: %s", res.Log)
	}
	res := c.DeliverMsgs(hot, serve)
	if res.Codespace != subnettypes.ModuleName || res.Code != subnettypes.ErrColdkeyCannotPay.ABCICode() ||
		!strings.Contains(res.Log, "coldkey "+coldkey.Address.String()+" owning hotkey "+hot.Address.String()+" has 500rao, fee needs 2000rao; fund the coldkey or the hotkey") {
		t.Fatalf("coldkey without funds: code %d (%s): %s; want ErrColdkeyCannotPay naming both keys", res.Code, res.Codespace, res.Log)
	}

	// A funded hotkey pays its own fee; the coldkey's balance does not move.
	if res := c.DeliverMsgs(other, banktypes.NewMsgSend(other.Address, hot.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BaseDenom, 10_000)))); res.Code != 0 {
		t.Fatalf("fund the hotkey: %s", res.Log)
	}
	before = balance(coldkey.Address)
	if res := c.DeliverMsgs(hot, serve); res.Code != 0 {
		t.Fatalf("serve axon by the funded hotkey: %s", res.Log)
	}
	if !balance(coldkey.Address).Equal(before) || !balance(hot.Address).Equal(sdkmath.NewInt(8000)) {
		t.Fatalf("funded hotkey: coldkey %s (was %s), hotkey %s, want the hotkey to pay", balance(coldkey.Address), before, balance(hot.Address))
	}

	// An unregistered key with an account but no funds pays for itself, so its tx fails as before.
	strangerPriv := secp256k1.GenPrivKeyFromSecret([]byte("unregistered-hotkey"))
	stranger := apptest.Account{Priv: strangerPriv, Address: sdk.AccAddress(strangerPriv.PubKey().Address())}
	if res := c.DeliverMsgs(other, banktypes.NewMsgSend(other.Address, stranger.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BaseDenom, 1)))); res.Code != 0 {
		t.Fatalf("create the stranger's account: %s", res.Log)
	}
	res = c.DeliverMsgs(stranger, &subnettypes.MsgServeAxon{Hotkey: stranger.Address.String(), Netuid: netuid, Host: "203.0.113.8", Port: 8091, Protocol: subnettypes.AXON_PROTOCOL_HTTP, Version: 1})
	if res.Code == 0 || !strings.Contains(res.Log, "insufficient funds") {
		t.Fatalf("unregistered unfunded hotkey: code %d (%s): %s; want insufficient funds", res.Code, res.Codespace, res.Log)
	}
}
