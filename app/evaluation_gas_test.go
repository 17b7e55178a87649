package app_test

import (
	"fmt"
	"testing"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// evaluationGasTarget is issue 18's bound on the gas of one MsgSubmitEvaluation scoring 256 uids,
// the whole tx (signature, tx size, the message) as a block charges it.
const evaluationGasTarget = 200_000

// evalSubnet is a subnet of evalUIDs neurons in the real app whose validators (the first uids)
// hold permits, ready for evaluations scoring every uid.
type evalSubnet struct {
	c         *apptest.Chain
	owner     apptest.Account
	validator *secp256k1.PrivKey // uid 0's hotkey
	hotkeys   []apptest.Account  // with evalSetup.funded: the validators' hotkeys, uid order
	nonce     uint64
}

const evalUIDs = 256

// evalSetup is what the tests on evalSubnet choose about its validators: how many (uids
// 0..validators-1), the stake the owner adds to each, and whether their hotkeys are funded genesis
// accounts that sign and pay for their own transactions, as a worker's do (otherwise a hotkey has
// no account until it registers, and the owner pays for it).
type evalSetup struct {
	validators int
	stake      sdkmath.Int
	funded     bool
}

// newEvalSubnet is the subnet of TestSubmitEvaluationGas: one validator staked with 1000 TAO,
// whose hotkey is not funded (the owner pays for its evaluations).
func newEvalSubnet(t testing.TB) *evalSubnet {
	return newEvalSubnetWith(t, evalSetup{validators: 1, stake: app.TAO(1000)})
}

// newEvalSubnetWith registers subnet 1 and its evalUIDs neurons, owned by Accounts[0]; the chain
// has one more funded account per validator (Accounts[1:]), which with setup.funded are the
// validators' hotkeys. It returns once the epoch after the stakes has handed out the permits.
func newEvalSubnetWith(t testing.TB, setup evalSetup) *evalSubnet {
	t.Helper()
	c := apptest.NewChain(t, 1+setup.validators, app.TAO(100_000), fastSubnets, func(enc app.EncodingConfig, state app.GenesisState) {
		var gs subnettypes.GenesisState
		enc.Codec.MustUnmarshalJSON(state[subnettypes.ModuleName], &gs)
		hp := &gs.Params.DefaultHyperparams
		hp.MaxUids, hp.MaxRegistrationsPerBlock = evalUIDs, subnettypes.MaxRegistrationsPerBlockLimit
		hp.MaxValidators = max(hp.MaxValidators, uint32(setup.validators)) // a permit for every validator
		hp.MinBurn, hp.MaxBurn = sdkmath.NewInt(subnettypes.MinBurnFloor), sdkmath.NewInt(subnettypes.MinBurnFloor)
		state[subnettypes.ModuleName] = enc.Codec.MustMarshalJSON(&gs)
	})
	s := &evalSubnet{c: c, owner: c.Accounts[0]}
	if setup.funded {
		s.hotkeys = c.Accounts[1:]
	}
	if res := c.DeliverMsgs(s.owner, &subnettypes.MsgRegisterSubnet{Owner: s.owner.Address.String(), Name: "gas", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1
	var stakes []sdk.Msg
	for start := 0; start < evalUIDs; start += subnettypes.MaxRegistrationsPerBlockLimit {
		var msgs []sdk.Msg
		for i := start; i < start+subnettypes.MaxRegistrationsPerBlockLimit; i++ {
			hot := secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("gas-neuron-%d", i)))
			if i < len(s.hotkeys) {
				hot = s.hotkeys[i].Priv.(*secp256k1.PrivKey)
			}
			if i == 0 {
				s.validator = hot
			}
			if i < setup.validators {
				stakes = append(stakes, &subnettypes.MsgAddStake{Coldkey: s.owner.Address.String(),
					Hotkey: sdk.AccAddress(hot.PubKey().Address()).String(), Netuid: netuid, Amount: setup.stake})
			}
			proof, err := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, s.owner.Address.String()))
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, &subnettypes.MsgRegisterNeuron{Coldkey: s.owner.Address.String(), Netuid: netuid,
				HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: sdkmath.NewInt(subnettypes.MinBurnFloor)})
		}
		tx := c.SignTx(s.owner, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(50_000))), 50_000_000, msgs...)
		if res := c.NextBlock(tx)[0]; res.Code != 0 {
			t.Fatalf("register uids %d..: %s", start, res.Log)
		}
	}
	for len(stakes) > 0 { // 32 a tx: DeliverMsgs's gas does not cover 64
		n := min(len(stakes), 32)
		if res := c.DeliverMsgs(s.owner, stakes[:n]...); res.Code != 0 {
			t.Fatalf("stake: %s", res.Log)
		}
		stakes = stakes[n:]
	}
	advanceToNextEpoch(c, netuid) // permits are handed out at the epoch
	return s
}

// submit delivers one signed evaluation scoring every uid (from the validator's own hotkey
// account, funded by the owner once) and returns its gas.
func (s *evalSubnet) submit(t testing.TB) int64 {
	t.Helper()
	const netuid = 1
	c := s.c
	s.nonce++
	uids, scores := make([]uint32, evalUIDs), make([]uint32, evalUIDs)
	for i := range uids {
		uids[i], scores[i] = uint32(i), uint32((i*7919+int(s.nonce)*31)%65535)+1
	}
	ev := intelligencetypes.Evaluation{
		ChainId: apptest.ChainID, Netuid: netuid, Epoch: intelligencetypes.EpochIndex(uint64(c.Height+1), netuid, testTempo),
		ValidatorHotkey: sdk.AccAddress(s.validator.PubKey().Address()).String(),
		Uids:            uids, Scores: scores, TaskCommitment: make([]byte, 32), Nonce: s.nonce,
	}
	sig, err := s.validator.Sign(ev.SignBytes())
	if err != nil {
		t.Fatal(err)
	}
	tx := c.SignTx(s.owner, sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(2000))), 2_000_000,
		&intelligencetypes.MsgSubmitEvaluation{Submitter: s.owner.Address.String(), Evaluation: ev, Signature: sig})
	res := c.NextBlock(tx)[0]
	if res.Code != 0 {
		t.Fatalf("submit evaluation: code %d: %s", res.Code, res.Log)
	}
	return res.GasUsed
}

// TestSubmitEvaluationGas: an evaluation scoring 256 uids costs at most evaluationGasTarget gas
// in the real app, every check included; a bank send from the same account is shown beside it.
func TestSubmitEvaluationGas(t *testing.T) {
	s := newEvalSubnet(t)
	gas := s.submit(t)
	advanceToNextEpoch(s.c, 1)
	again := s.submit(t) // the validator's row and evaluation of the last epoch now exist
	send := s.c.DeliverMsgs(s.owner, banktypes.NewMsgSend(s.owner.Address, s.c.Accounts[1].Address,
		sdk.NewCoins(sdk.NewCoin(app.BaseDenom, sdkmath.NewInt(1)))))
	t.Logf("MsgSubmitEvaluation, 256 scores: %d gas (first), %d gas (second epoch); target %d; a bank send: %d gas",
		gas, again, evaluationGasTarget, send.GasUsed)
	for _, g := range []int64{gas, again} {
		if g > evaluationGasTarget {
			t.Errorf("an evaluation of 256 scores used %d gas; the bound is %d", g, evaluationGasTarget)
		}
	}
}
