package app_test

import (
	"strings"
	"testing"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	vestingexported "github.com/cosmos/cosmos-sdk/x/auth/vesting/exported"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestHotkeyFeeDecorator runs the decorator alone over the real app's keepers: who pays which
// transaction, and which transactions are left to the SDK's fee deduction exactly as before.
func TestHotkeyFeeDecorator(t *testing.T) {
	c := apptest.NewChain(t, 3, app.TAO(100_000), fastSubnets)
	owner, coldkey, other := c.Accounts[0], c.Accounts[1], c.Accounts[2]
	for _, name := range []string{"one", "two"} {
		if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: name, MaxLock: app.TAO(10_000)}); res.Code != 0 {
			t.Fatalf("register subnet %s: %s", name, res.Log)
		}
	}
	register := func(coldkey apptest.Account, seed string) sdk.AccAddress {
		hot := secp256k1.GenPrivKeyFromSecret([]byte(seed))
		proof, err := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, 1, coldkey.Address.String()))
		if err != nil {
			t.Fatal(err)
		}
		if res := c.DeliverMsgs(coldkey, &subnettypes.MsgRegisterNeuron{
			Coldkey: coldkey.Address.String(), Netuid: 1, HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: app.TAO(1000),
		}); res.Code != 0 {
			t.Fatalf("register %s: %s", seed, res.Log)
		}
		return sdk.AccAddress(hot.PubKey().Address())
	}
	hot := register(coldkey, "decorator-hotkey")     // unfunded, registered on subnet 1 only
	funded := register(coldkey, "decorator-funded")  // registered and funded
	other2 := register(other, "decorator-other-hot") // another coldkey's hotkey
	if res := c.DeliverMsgs(owner, banktypes.NewMsgSend(owner.Address, funded, sdk.NewCoins(sdk.NewInt64Coin(app.BaseDenom, 1_000_000)))); res.Code != 0 {
		t.Fatalf("fund: %s", res.Log)
	}

	rao := func(n int64) sdk.Coins { return sdk.NewCoins(sdk.NewInt64Coin(app.BaseDenom, n)) }
	serve := func(h sdk.AccAddress, netuid uint32) sdk.Msg {
		return &subnettypes.MsgServeAxon{Hotkey: h.String(), Netuid: netuid, Host: "203.0.113.7", Port: 8091, Protocol: subnettypes.AXON_PROTOCOL_HTTP, Version: 1}
	}
	evaluation := func(submitter, validator sdk.AccAddress) sdk.Msg {
		return &intelligencetypes.MsgSubmitEvaluation{Submitter: submitter.String(), Evaluation: intelligencetypes.Evaluation{
			ChainId: apptest.ChainID, Netuid: 1, ValidatorHotkey: validator.String(), Uids: []uint32{0}, Scores: []uint32{1}, TaskCommitment: make([]byte, 32), Nonce: 1,
		}}
	}
	const (
		paysColdkey = "coldkey"
		paysHotkey  = "hotkey"
	)
	tests := []struct {
		name    string
		msgs    []sdk.Msg
		fee     sdk.Coins
		granter sdk.AccAddress
		pays    string // who pays when the decorator accepts
		wantErr string // substring of the error, if any
	}{
		{name: "unfunded hotkey serves its axon: coldkey pays", msgs: []sdk.Msg{serve(hot, 1)}, fee: rao(2000), pays: paysColdkey},
		{name: "set, commit and reveal weights: coldkey pays", fee: rao(2000), pays: paysColdkey, msgs: []sdk.Msg{
			&intelligencetypes.MsgSetWeights{Hotkey: hot.String(), Netuid: 1, Uids: []uint32{0}, Weights: []uint32{1}},
			&intelligencetypes.MsgCommitWeights{Hotkey: hot.String(), Netuid: 1, CommitHash: make([]byte, 32)},
			&intelligencetypes.MsgRevealWeights{Hotkey: hot.String(), Netuid: 1, Uids: []uint32{0}, Weights: []uint32{1}, Salt: make([]byte, 8)},
		}},
		{name: "its own evaluation: coldkey pays", msgs: []sdk.Msg{evaluation(hot, hot)}, fee: rao(2000), pays: paysColdkey},
		{name: "funded hotkey pays for itself", msgs: []sdk.Msg{serve(funded, 1)}, fee: rao(2000), pays: paysHotkey},
		{name: "zero fee: nobody pays, the hotkey account exists", msgs: []sdk.Msg{serve(hot, 1)}, fee: sdk.NewCoins(), pays: paysHotkey},
		{name: "fee above the cap", msgs: []sdk.Msg{serve(hot, 1)}, fee: rao(subnettypes.MaxColdkeyPaidFee + 1), wantErr: "pays fees of at most 1000000rao"},
		{name: "fee in another denom", msgs: []sdk.Msg{serve(hot, 1)}, fee: sdk.NewCoins(sdk.NewInt64Coin("other", 1)), wantErr: "lower the fee"},
		{name: "mixed with a bank send: as before", msgs: []sdk.Msg{serve(hot, 1), banktypes.NewMsgSend(hot, other.Address, rao(1))}, fee: rao(2000), wantErr: "insufficient funds"},
		{name: "two subnets: as before", msgs: []sdk.Msg{serve(hot, 1), serve(hot, 2)}, fee: rao(2000), wantErr: "insufficient funds"},
		{name: "not registered on that subnet: as before", msgs: []sdk.Msg{serve(hot, 2)}, fee: rao(2000), wantErr: "insufficient funds"},
		{name: "relaying another hotkey's evaluation: as before", msgs: []sdk.Msg{evaluation(hot, other2)}, fee: rao(2000), wantErr: "insufficient funds"},
		{name: "fee granter set: as before", msgs: []sdk.Msg{serve(hot, 1)}, fee: rao(2000), granter: other.Address, wantErr: "fee grants are not enabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, _ := c.Context().CacheContext()
			b := c.App.TxConfig().NewTxBuilder()
			if err := b.SetMsgs(tc.msgs...); err != nil {
				t.Fatal(err)
			}
			b.SetFeeAmount(tc.fee)
			b.SetGasLimit(200_000)
			b.SetFeeGranter(tc.granter)
			payer := sdk.AccAddress(b.GetTx().FeePayer())
			balances := func() (sdkmath.Int, sdkmath.Int) {
				return c.App.BankKeeper.GetBalance(ctx, coldkey.Address, app.BaseDenom).Amount, c.App.BankKeeper.GetBalance(ctx, payer, app.BaseDenom).Amount
			}
			coldBefore, hotBefore := balances()
			d := app.NewHotkeyFeeDecorator(ante.NewDeductFeeDecorator(c.App.AccountKeeper, c.App.BankKeeper, nil, nil),
				c.App.AccountKeeper, c.App.BankKeeper, c.App.SubnetKeeper)
			called := false
			_, err := d.AnteHandle(ctx, b.GetTx(), false, func(ctx sdk.Context, next sdk.Tx, _ bool) (sdk.Context, error) {
				called = true
				if next != sdk.Tx(b.GetTx()) {
					t.Error("the next decorator did not get the original transaction")
				}
				return ctx, nil
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				if called {
					t.Fatal("the chain went on after an error")
				}
				return
			}
			if err != nil || !called {
				t.Fatalf("error %v (next called %v)", err, called)
			}
			coldAfter, hotAfter := balances()
			fee := tc.fee.AmountOf(app.BaseDenom)
			wantCold, wantHot := coldBefore, hotBefore.Sub(fee)
			if tc.pays == paysColdkey {
				wantCold, wantHot = coldBefore.Sub(fee), hotBefore
			}
			if !coldAfter.Equal(wantCold) || !hotAfter.Equal(wantHot) {
				t.Fatalf("coldkey %s→%s, fee payer %s→%s; want %s to pay %s", coldBefore, coldAfter, hotBefore, hotAfter, tc.pays, fee)
			}
			used, _, err := c.App.SubnetKeeper.ColdkeyPaidTxsUsed(ctx, 1, payer)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]uint64{true: 1, false: 0}[tc.pays == paysColdkey]; used != want {
				t.Fatalf("coldkey-paid txs counted %d, want %d", used, want)
			}
		})
	}
}

// TestNoVestingAccounts: the app registers no account type with locked coins, which is what lets
// the hotkey fee decorator read a hotkey's balance instead of its spendable coins. Registering
// x/auth/vesting makes this fail; the decorator must then check spendable coins again.
func TestNoVestingAccounts(t *testing.T) {
	c := apptest.NewChain(t, 1, app.TAO(1))
	registry := c.App.InterfaceRegistry()
	impls := registry.ListImplementations("cosmos.auth.v1beta1.AccountI")
	if len(impls) == 0 {
		t.Fatal("no account types registered: the check below would pass vacuously")
	}
	for _, url := range impls {
		msg, err := registry.Resolve(url)
		if err != nil {
			t.Fatal(err)
		}
		if _, locks := msg.(vestingexported.VestingAccount); locks {
			t.Errorf("account type %s can hold locked coins: HotkeyFeeDecorator.canPay reads balances, not spendable coins", url)
		}
	}
	if _, err := registry.Resolve("/cosmos.vesting.v1beta1.ContinuousVestingAccount"); err == nil {
		t.Error("vesting accounts are registered")
	}
}
