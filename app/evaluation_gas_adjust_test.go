package app_test

import (
	"testing"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
)

// simulateAsWorker simulates msgs from acc the way the worker's chain client does before it signs:
// no fee, no gas limit, an empty signature. It returns the gas the simulation used.
func simulateAsWorker(t *testing.T, c *apptest.Chain, acc apptest.Account, msgs ...sdk.Msg) uint64 {
	t.Helper()
	account := c.App.AccountKeeper.GetAccount(c.Context(), acc.Address)
	if account == nil {
		t.Fatalf("account %s does not exist", acc.Address)
	}
	b := c.App.TxConfig().NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		t.Fatal(err)
	}
	empty := signing.SignatureV2{PubKey: acc.Priv.PubKey(), Sequence: account.GetSequence(),
		Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}}
	if err := b.SetSignatures(empty); err != nil {
		t.Fatal(err)
	}
	bz, err := c.App.TxConfig().TxEncoder()(b.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	info, _, err := c.App.Simulate(bz)
	if err != nil {
		t.Fatalf("simulate: %v", err)
	}
	return info.GasUsed
}

// TestEvaluationGasAdjustment: the gas an evaluation uses in its block stays within
// chain.DefaultGasAdjustment of what the worker's simulation said, in every way the worker
// pays for one: a funded fee key submitting for the hotkey, the hotkey paying for itself, and the
// coldkey paying for an unfunded hotkey (the simulation charges no fee, so it skips the fee
// deduction and the coldkey's sponsorship, which the block then charges). The worker asks for
// the simulated gas times that adjustment, and a block holds as many evaluations as its gas
// limit divided by what each asks for, so a loose adjustment costs the chain throughput.
func TestEvaluationGasAdjustment(t *testing.T) {
	s := newEvalSubnet(t)
	c := s.c
	hotkey := apptest.Account{Priv: s.validator, Address: sdk.AccAddress(s.validator.PubKey().Address())}
	fee := sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(2000)))
	const netuid = 1

	evaluation := func(submitter sdk.AccAddress) *intelligencetypes.MsgSubmitEvaluation {
		s.nonce++
		uids, scores := make([]uint32, evalUIDs), make([]uint32, evalUIDs)
		for i := range uids {
			uids[i], scores[i] = uint32(i), uint32((i*7919+int(s.nonce)*31)%65535)+1
		}
		ev := intelligencetypes.Evaluation{
			ChainId: apptest.ChainID, Netuid: netuid, Epoch: intelligencetypes.EpochIndex(uint64(c.Height+1), netuid, testTempo),
			ValidatorHotkey: hotkey.Address.String(), Uids: uids, Scores: scores, TaskCommitment: make([]byte, 32), Nonce: s.nonce,
		}
		sig, err := s.validator.Sign(ev.SignBytes())
		if err != nil {
			t.Fatal(err)
		}
		return &intelligencetypes.MsgSubmitEvaluation{Submitter: submitter.String(), Evaluation: ev, Signature: sig}
	}
	worst := 0.0
	run := func(name string, payer apptest.Account) {
		t.Helper()
		msg := evaluation(payer.Address)
		simulated := simulateAsWorker(t, c, payer, msg)
		res := c.NextBlock(c.SignTx(payer, fee, 2_000_000, msg))[0]
		if res.Code != 0 {
			t.Fatalf("%s: code %d: %s", name, res.Code, res.Log)
		}
		ratio := float64(res.GasUsed) / float64(simulated)
		worst = max(worst, ratio)
		t.Logf("%-40s simulated %7d, used %7d: %.3fx", name, simulated, res.GasUsed, ratio)
		advanceToNextEpoch(c, netuid)
	}

	run("coldkey pays for the unfunded hotkey", hotkey)
	run("again, the hotkey's row now exists", hotkey)
	run("a funded fee key submits", s.owner)
	if res := c.DeliverMsgs(s.owner, banktypes.NewMsgSend(s.owner.Address, hotkey.Address,
		sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(1_000_000))))); res.Code != 0 {
		t.Fatalf("fund hotkey: %s", res.Log)
	}
	run("the funded hotkey pays for itself", hotkey)

	t.Logf("worst used/simulated %.3f; the worker asks for %.2fx", worst, chain.DefaultGasAdjustment)
	// The rest of the adjustment covers what can change between the simulation and the block:
	// the previous row's size, the fee amount's digits, the sponsorship's bookkeeping.
	if limit := chain.DefaultGasAdjustment / 1.1; worst > limit {
		t.Errorf("an evaluation used %.3fx its simulated gas; the worker's gas adjustment %.2f leaves less than 10%% over that",
			worst, chain.DefaultGasAdjustment)
	}
}
