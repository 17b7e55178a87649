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

// simulateAsWorker simulates msgs from acc the way the worker's chain client does before it signs,
// with an empty signature and the given fee (none, or the one the fee-less answer implies). It
// returns the gas the simulation used.
func simulateAsWorker(t *testing.T, c *apptest.Chain, acc apptest.Account, fee sdk.Coins, msgs ...sdk.Msg) uint64 {
	t.Helper()
	account := c.App.AccountKeeper.GetAccount(c.Context(), acc.Address)
	if account == nil {
		t.Fatalf("account %s does not exist", acc.Address)
	}
	b := c.App.TxConfig().NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		t.Fatal(err)
	}
	b.SetFeeAmount(fee)
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

// TestEvaluationGasAdjustment: the gas an evaluation uses in its block against what the worker's
// simulation says, in every way the worker pays for one: a funded fee key submitting for the
// hotkey, the hotkey paying for itself, and the coldkey paying for an unfunded hotkey. Simulated
// without a fee, the transaction skips the fee's deduction and the coldkey's sponsorship, which the
// block then charges (up to 1.26× what the simulation said, and a third more for a small message
// like MsgCommitModelUpdate, which ran out of gas that way); simulated again with the fee the
// first answer implies, as the worker's chain client does, it must be within 2%, so that the
// worker's gas adjustment is margin, not a correction. A block holds as many evaluations as its gas
// limit divided by what each asks for, so a loose estimate costs the chain throughput.
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
		feeless := simulateAsWorker(t, c, payer, nil, msg)
		simulated := simulateAsWorker(t, c, payer, fee, msg)
		res := c.NextBlock(c.SignTx(payer, fee, 2_000_000, msg))[0]
		if res.Code != 0 {
			t.Fatalf("%s: code %d: %s", name, res.Code, res.Log)
		}
		ratio := float64(res.GasUsed) / float64(simulated)
		worst = max(worst, ratio)
		t.Logf("%-40s simulated %7d without the fee (%.3fx), %7d with it; used %7d: %.3fx", name,
			feeless, float64(res.GasUsed)/float64(feeless), simulated, res.GasUsed, ratio)
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

	t.Logf("worst used/simulated with the fee: %.3f; the worker asks for %.2fx", worst, chain.DefaultGasAdjustment)
	if worst > 1.02 {
		t.Errorf("an evaluation used %.3fx the gas simulated with its fee; the simulation must count everything the block charges", worst)
	}
}
