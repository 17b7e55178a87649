package app_test

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
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const testTempo = 10

// fastSubnets makes new subnets run an epoch every 10 blocks with no weight rate limit.
func fastSubnets(enc app.EncodingConfig, state app.GenesisState) {
	var gs subnettypes.GenesisState
	enc.Codec.MustUnmarshalJSON(state[subnettypes.ModuleName], &gs)
	gs.Params.DefaultHyperparams.Tempo = testTempo
	gs.Params.DefaultHyperparams.WeightsRateLimit = 0
	state[subnettypes.ModuleName] = enc.Codec.MustMarshalJSON(&gs)
}

// TestProofOfIntelligenceThroughTheApp runs Yuma consensus over signed evaluations in the real
// app: three miners of different quality, two honest validators that agree on the ranking, and
// one dishonest validator that pushes the worst miner. After a few epochs the best miner earns the
// most, the worst the least, and the dishonest validator earns the smallest dividends.
func TestProofOfIntelligenceThroughTheApp(t *testing.T) {
	c := apptest.NewChain(t, 7, app.TAO(100_000), fastSubnets)
	owner := c.Accounts[0]
	validatorColdkeys := c.Accounts[1:4]
	minerColdkeys := c.Accounts[4:7]

	if res := c.DeliverMsgs(owner, &subnettypes.MsgRegisterSubnet{Owner: owner.Address.String(), Name: "poi", MaxLock: app.TAO(10_000)}); res.Code != 0 {
		t.Fatalf("register subnet: %s", res.Log)
	}
	const netuid = 1

	register := func(coldkey apptest.Account, seed string) (*secp256k1.PrivKey, uint32) {
		return registerNeuron(t, c, netuid, coldkey, seed)
	}

	validators := make([]*secp256k1.PrivKey, 3)
	for i, ck := range validatorColdkeys {
		validators[i], _ = register(ck, fmt.Sprintf("validator-%d", i))
		res := c.DeliverMsgs(ck, &subnettypes.MsgAddStake{
			Coldkey: ck.Address.String(), Hotkey: sdk.AccAddress(validators[i].PubKey().Address()).String(), Netuid: netuid, Amount: app.TAO(1000),
		})
		if res.Code != 0 {
			t.Fatalf("stake on validator %d: %s", i, res.Log)
		}
	}
	minerUIDs := make([]uint32, 3)
	for i, ck := range minerColdkeys {
		_, minerUIDs[i] = register(ck, fmt.Sprintf("miner-%d", i))
	}

	// Permits are handed out at epoch boundaries: run past the first epoch.
	advanceToNextEpoch(c, netuid)
	for i, v := range validators {
		n, err := c.App.SubnetKeeper.GetNeuronByHotkey(c.Context(), netuid, sdk.AccAddress(v.PubKey().Address()))
		if err != nil || !n.ValidatorPermit {
			t.Fatalf("validator %d has no permit after the first epoch: %+v %v", i, n, err)
		}
	}

	// miner 0 is the best, miner 2 the worst; validator 2 claims the opposite.
	honest := []uint32{65535, 30000, 5000}
	dishonest := []uint32{0, 0, 65535}
	balancesBefore := make([]sdkmath.Int, 3)
	for i, ck := range minerColdkeys {
		balancesBefore[i] = c.App.BankKeeper.GetBalance(c.Context(), ck.Address, app.BaseDenom).Amount
	}
	stakeBefore := make([]sdkmath.Int, 3)
	for i, v := range validators {
		s, err := c.App.SubnetKeeper.HotkeyStake(c.Context(), sdk.AccAddress(v.PubKey().Address()), netuid)
		if err != nil {
			t.Fatal(err)
		}
		stakeBefore[i] = s
	}

	for epoch := 0; epoch < 3; epoch++ {
		for i, v := range validators {
			scores := honest
			if i == 2 {
				scores = dishonest
			}
			submitEvaluation(t, c, owner, v, netuid, minerUIDs, scores, uint64(epoch+1))
		}
		advanceToNextEpoch(c, netuid)
	}

	ctx := c.Context()
	neuron := func(hot sdk.AccAddress) subnettypes.Neuron {
		n, err := c.App.SubnetKeeper.GetNeuronByHotkey(ctx, netuid, hot)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var incentive [3]uint32
	for i, uid := range minerUIDs {
		n, err := c.App.SubnetKeeper.GetNeuron(ctx, netuid, uint16(uid))
		if err != nil {
			t.Fatal(err)
		}
		incentive[i] = n.Incentive
	}
	t.Logf("miner incentives (u16) %v", incentive)
	if !(incentive[0] > incentive[1] && incentive[1] > incentive[2]) {
		t.Fatalf("miner incentives %v are not ranked best > middle > worst", incentive)
	}
	earned := make([]sdkmath.Int, 3)
	for i, ck := range minerColdkeys {
		earned[i] = c.App.BankKeeper.GetBalance(ctx, ck.Address, app.BaseDenom).Amount.Sub(balancesBefore[i])
	}
	if !(earned[0].GT(earned[1]) && earned[1].GT(earned[2])) {
		t.Fatalf("miner earnings %v are not ranked best > middle > worst", earned)
	}

	var dividends [3]uint32
	gained := make([]sdkmath.Int, 3)
	for i, v := range validators {
		hot := sdk.AccAddress(v.PubKey().Address())
		dividends[i] = neuron(hot).Dividends
		s, err := c.App.SubnetKeeper.HotkeyStake(ctx, hot, netuid)
		if err != nil {
			t.Fatal(err)
		}
		gained[i] = s.Sub(stakeBefore[i])
	}
	t.Logf("miner earnings %v rao; validator dividends (u16) %v, pool growth %v rao", earned, dividends, gained)
	if !(dividends[2] < dividends[0] && dividends[2] < dividends[1]) {
		t.Fatalf("dishonest validator dividends %d not below the honest ones %v", dividends[2], dividends)
	}
	if !(gained[2].LT(gained[0]) && gained[2].LT(gained[1])) {
		t.Fatalf("dishonest validator's pool grew by %s, honest by %s and %s", gained[2], gained[0], gained[1])
	}
	if vt := neuron(sdk.AccAddress(validators[2].PubKey().Address())).ValidatorTrust; vt >= neuron(sdk.AccAddress(validators[0].PubKey().Address())).ValidatorTrust {
		t.Fatalf("dishonest validator trust %d not below the honest one", vt)
	}

	if err := c.App.TaoKeeper.CheckInvariants(ctx); err != nil {
		t.Fatalf("x/tao invariants: %v", err)
	}
	if err := c.App.SubnetKeeper.CheckInvariants(ctx); err != nil {
		t.Fatalf("x/subnet invariants: %v", err)
	}
}

// advanceToNextEpoch commits blocks until the subnet's epoch block has been committed.
func advanceToNextEpoch(c *apptest.Chain, netuid uint16) {
	next := intelligencetypes.NextEpochHeight(uint64(c.Height+1), netuid, testTempo)
	for uint64(c.Height) < next {
		c.NextBlock()
	}
}

func submitEvaluation(t *testing.T, c *apptest.Chain, submitter apptest.Account, hot *secp256k1.PrivKey, netuid uint16, uids, scores []uint32, nonce uint64) {
	t.Helper()
	commitment := sha256.Sum256([]byte(fmt.Sprintf("tasks-%d-%d", netuid, nonce)))
	ev := intelligencetypes.Evaluation{
		ChainId:         apptest.ChainID,
		Netuid:          uint32(netuid),
		Epoch:           intelligencetypes.EpochIndex(uint64(c.Height+1), netuid, testTempo),
		ValidatorHotkey: sdk.AccAddress(hot.PubKey().Address()).String(),
		Uids:            uids,
		Scores:          scores,
		TaskCommitment:  commitment[:],
		Nonce:           nonce,
	}
	sig, err := hot.Sign(ev.SignBytes())
	if err != nil {
		t.Fatal(err)
	}
	res := c.DeliverMsgs(submitter, &intelligencetypes.MsgSubmitEvaluation{Submitter: submitter.Address.String(), Evaluation: ev, Signature: sig})
	if res.Code != 0 {
		t.Fatalf("submit evaluation: code %d: %s", res.Code, res.Log)
	}
}

// registerNeuron registers a hotkey derived from seed on netuid for coldkey (with its proof of
// possession) and returns the hotkey and its uid.
func registerNeuron(t testing.TB, c *apptest.Chain, netuid uint16, coldkey apptest.Account, seed string) (*secp256k1.PrivKey, uint32) {
	t.Helper()
	hot := secp256k1.GenPrivKeyFromSecret([]byte(seed))
	proof, err := hot.Sign(subnettypes.RegistrationProofBytes(apptest.ChainID, netuid, coldkey.Address.String()))
	if err != nil {
		t.Fatal(err)
	}
	res := c.DeliverMsgs(coldkey, &subnettypes.MsgRegisterNeuron{
		Coldkey: coldkey.Address.String(), Netuid: uint32(netuid), HotkeyPubkey: hot.PubKey().Bytes(), Proof: proof, MaxBurn: app.TAO(1000),
	})
	if res.Code != 0 {
		t.Fatalf("register %s: %s", seed, res.Log)
	}
	n, err := c.App.SubnetKeeper.GetNeuronByHotkey(c.Context(), netuid, sdk.AccAddress(hot.PubKey().Address()))
	if err != nil {
		t.Fatal(err)
	}
	return hot, n.Uid
}
