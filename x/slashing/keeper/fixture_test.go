package keeper_test

import (
	"crypto/sha256"
	"fmt"
	"testing"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/slashing/keeper"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const (
	testTempo = 10
	netuid    = uint16(1)
)

// fixture is an in-process taochain (the real app) with subnet 1 (tempo 10, immunity 0), two
// validator hotkeys with stake — the first also with a nominator and a pending unbonding — and
// one miner, past the first epoch so both validators hold permits.
type fixture struct {
	c          *apptest.Chain
	owner      apptest.Account
	reporter   apptest.Account
	nominator  apptest.Account
	validators []*secp256k1.PrivKey
	miner      *secp256k1.PrivKey
	minerUID   uint32
	nonce      uint64
}

// withSlashingParams sets the intelligence slashing params in genesis.
func withSlashingParams(p slashingtypes.Params) apptest.GenesisMutator {
	return func(enc app.EncodingConfig, state app.GenesisState) {
		var fields map[string]jsonRaw
		mustJSON(state[slashingtypes.ModuleName], &fields)
		gs := slashingtypes.DefaultGenesisState()
		gs.Params = p
		fields[slashingtypes.GenesisField] = enc.Codec.MustMarshalJSON(gs)
		state[slashingtypes.ModuleName] = mustMarshal(fields)
	}
}

// fastSubnets makes new subnets run an epoch every testTempo blocks, with no immunity and no
// weights rate limit.
func fastSubnets(enc app.EncodingConfig, state app.GenesisState) {
	var gs subnettypes.GenesisState
	enc.Codec.MustUnmarshalJSON(state[subnettypes.ModuleName], &gs)
	gs.Params.DefaultHyperparams.Tempo = testTempo
	gs.Params.DefaultHyperparams.WeightsRateLimit = 0
	gs.Params.DefaultHyperparams.ImmunityPeriod = 0
	state[subnettypes.ModuleName] = enc.Codec.MustMarshalJSON(&gs)
}

func hotkeyAddr(k *secp256k1.PrivKey) sdk.AccAddress { return sdk.AccAddress(k.PubKey().Address()) }

func newFixture(t *testing.T, params slashingtypes.Params) *fixture {
	t.Helper()
	c := apptest.NewChain(t, 6, app.TAO(100_000), fastSubnets, withSlashingParams(params))
	f := &fixture{c: c, owner: c.Accounts[0], reporter: c.Accounts[4], nominator: c.Accounts[5]}
	f.deliver(f.owner, &subnettypes.MsgRegisterSubnet{Owner: f.owner.Address.String(), Name: "slash", MaxLock: app.TAO(10_000)})
	for i := 0; i < 2; i++ {
		ck := c.Accounts[1+i]
		hot := f.register(ck, fmt.Sprintf("slash-validator-%d", i))
		f.validators = append(f.validators, hot)
		f.deliver(ck, &subnettypes.MsgAddStake{Coldkey: ck.Address.String(), Hotkey: hotkeyAddr(hot).String(), Netuid: uint32(netuid), Amount: app.TAO(1000)})
	}
	f.miner = f.register(c.Accounts[3], "slash-miner")
	f.minerUID = f.neuron(hotkeyAddr(f.miner)).Uid
	v0 := hotkeyAddr(f.validators[0]).String()
	f.deliver(f.nominator, &subnettypes.MsgAddStake{Coldkey: f.nominator.Address.String(), Hotkey: v0, Netuid: uint32(netuid), Amount: app.TAO(500)})
	f.deliver(f.nominator, &subnettypes.MsgRemoveStake{Coldkey: f.nominator.Address.String(), Hotkey: v0, Netuid: uint32(netuid), Amount: app.TAO(100)})
	f.advanceToNextEpoch()
	for i, v := range f.validators {
		if !f.neuron(hotkeyAddr(v)).ValidatorPermit {
			t.Fatalf("validator %d has no permit after the first epoch", i)
		}
	}
	return f
}

func (f *fixture) deliver(from apptest.Account, msgs ...sdk.Msg) {
	f.c.T.Helper()
	if res := f.c.DeliverMsgs(from, msgs...); res.Code != 0 {
		f.c.T.Fatalf("%T: code %d: %s", msgs[0], res.Code, res.Log)
	}
}

func (f *fixture) register(coldkey apptest.Account, seed string) *secp256k1.PrivKey {
	f.c.T.Helper()
	hot := secp256k1.GenPrivKeyFromSecret([]byte(seed))
	proof, err := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, coldkey.Address.String()))
	if err != nil {
		f.c.T.Fatal(err)
	}
	f.deliver(coldkey, &subnettypes.MsgRegisterNeuron{
		Coldkey: coldkey.Address.String(), Netuid: uint32(netuid), HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: app.TAO(1000),
	})
	return hot
}

func (f *fixture) neuron(hot sdk.AccAddress) subnettypes.Neuron {
	f.c.T.Helper()
	n, err := f.c.App.SubnetKeeper.GetNeuronByHotkey(f.c.Context(), netuid, hot)
	if err != nil {
		f.c.T.Fatal(err)
	}
	return n
}

func (f *fixture) registered(hot sdk.AccAddress) bool {
	_, err := f.c.App.SubnetKeeper.GetNeuronByHotkey(f.c.Context(), netuid, hot)
	return err == nil
}

// advanceToNextEpoch commits blocks until the subnet's next epoch block has been committed.
func (f *fixture) advanceToNextEpoch() {
	next := intelligencetypes.NextEpochHeight(uint64(f.c.Height+1), netuid, testTempo)
	for uint64(f.c.Height) < next {
		f.c.NextBlock()
	}
}

// currentEpoch is the epoch a tx in the next block belongs to.
func (f *fixture) currentEpoch() uint64 {
	return intelligencetypes.EpochIndex(uint64(f.c.Height+1), netuid, testTempo)
}

// evaluation builds an evaluation of hot for the current epoch, scoring the miner with score and
// validator 0 with 1000 (so different scores are different judgements), signed by signer.
func (f *fixture) evaluation(hot, signer *secp256k1.PrivKey, score uint32) intelligencetypes.SignedEvaluation {
	f.c.T.Helper()
	f.nonce++
	commitment := sha256.Sum256(fmt.Appendf(nil, "tasks-%d", f.nonce))
	ev := intelligencetypes.Evaluation{
		ChainId: apptest.ChainID, Netuid: uint32(netuid), Epoch: f.currentEpoch(),
		ValidatorHotkey: hotkeyAddr(hot).String(), Uids: []uint32{f.minerUID, f.neuron(hotkeyAddr(f.validators[0])).Uid}, Scores: []uint32{score, 1000},
		TaskCommitment: commitment[:], Nonce: f.nonce,
	}
	sig, err := signer.Sign(ev.SignBytes())
	if err != nil {
		f.c.T.Fatal(err)
	}
	return intelligencetypes.SignedEvaluation{Evaluation: ev, Signature: sig}
}

// resign signs ev again with hot after it was edited.
func resign(t *testing.T, hot *secp256k1.PrivKey, s intelligencetypes.SignedEvaluation) intelligencetypes.SignedEvaluation {
	t.Helper()
	sig, err := hot.Sign(s.Evaluation.SignBytes())
	if err != nil {
		t.Fatal(err)
	}
	s.Signature = sig
	return s
}

// stakeState is what a slash changes: the hotkey's pool, its unbondings, the reporter's balance
// and the rao supply net of everything x/tao minted (so block emission does not hide a burn).
type stakeState struct {
	pool, unbonding, reporter, supply sdkmath.Int
	offences                          int
}

func (f *fixture) snapshot(ctx sdk.Context, hot sdk.AccAddress) stakeState {
	f.c.T.Helper()
	pool, err := f.c.App.SubnetKeeper.HotkeyStake(ctx, hot, netuid)
	if err != nil {
		f.c.T.Fatal(err)
	}
	unbonding := sdkmath.ZeroInt()
	err = f.c.App.SubnetKeeper.Unbondings.Walk(ctx, nil, func(_ uint64, e subnettypes.UnbondingEntry) (bool, error) {
		if e.Hotkey == hot.String() && e.Netuid == uint32(netuid) {
			unbonding = unbonding.Add(e.Amount)
		}
		return false, nil
	})
	if err != nil {
		f.c.T.Fatal(err)
	}
	n := 0
	if err := f.c.App.SlashingKeeper.Offences.Walk(ctx, nil, func(uint64, slashingtypes.Offence) (bool, error) {
		n++
		return false, nil
	}); err != nil {
		f.c.T.Fatal(err)
	}
	totals, err := f.c.App.TaoKeeper.GetTotals(ctx)
	if err != nil {
		f.c.T.Fatal(err)
	}
	return stakeState{
		pool: pool, unbonding: unbonding, offences: n,
		reporter: f.c.App.BankKeeper.GetBalance(ctx, f.reporter.Address, app.BaseDenom).Amount,
		supply:   f.c.App.BankKeeper.GetSupply(ctx, app.BaseDenom).Amount.Sub(totals.Minted),
	}
}

func srvFor(f *fixture) slashingtypes.MsgServer {
	return keeper.NewMsgServerImpl(f.c.App.SlashingKeeper)
}

// equivocation puts an evaluation of hot for the current epoch on chain and returns it with a
// conflicting one (other scores) for the same epoch: the evidence of an equivocation.
func (f *fixture) equivocation(hot *secp256k1.PrivKey) (onChain, conflicting intelligencetypes.SignedEvaluation) {
	f.c.T.Helper()
	onChain, conflicting = f.evaluation(hot, hot, 1), f.evaluation(hot, hot, 2)
	f.deliver(f.owner, &intelligencetypes.MsgSubmitEvaluation{Submitter: f.owner.Address.String(), Evaluation: onChain.Evaluation, Signature: onChain.Signature})
	return onChain, conflicting
}
