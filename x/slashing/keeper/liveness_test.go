package keeper_test

import (
	"errors"
	"strings"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/apptest"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
)

// livenessParams jail after 2 silent epochs for 3 epochs, with no useless-miner rule.
func livenessParams() slashingtypes.Params {
	p := slashingtypes.DefaultParams()
	p.MaxMissedEpochs, p.JailEpochs, p.MinUsefulEpochs = 2, 3, 0
	return p
}

// TestPermitHolderThatNeverValidatedIsNotJailed: validator 1 holds a permit by stake (as alice's
// stake on a miner hotkey does in the demo) but never sets weights. It is not a silent validator:
// many epochs pass without a liveness offence, and it keeps its permit.
func TestPermitHolderThatNeverValidatedIsNotJailed(t *testing.T) {
	f := newFixture(t, livenessParams())
	passive := hotkeyAddr(f.validators[1])
	for epoch := 0; epoch < 5; epoch++ {
		f.submit(t, 0, 1000)
		f.advanceToNextEpoch()
	}
	if o := f.offences(t); len(o) != 0 {
		t.Fatalf("offences against a permit holder that never validated: %+v", o)
	}
	if !f.neuron(passive).ValidatorPermit {
		t.Fatal("the passive permit holder lost its permit")
	}
}

// TestSelfWeightOnlyIsNoWork: validator 1 validated once, then only weights itself. A row that
// weights only its own uid costs no evaluation work, so it is silent: after max_missed_epochs it
// is jailed, and its next weight message names the jail (ErrJailed with the offence and the end
// epoch), not a bare missing permit.
func TestSelfWeightOnlyIsNoWork(t *testing.T) {
	f := newFixture(t, livenessParams())
	v1 := f.validators[1]
	lazy := hotkeyAddr(v1)
	self := f.neuron(lazy).Uid
	// The hotkey signs its own MsgSetWeights and pays the fee.
	f.deliver(f.owner, &banktypes.MsgSend{FromAddress: f.owner.Address.String(), ToAddress: lazy.String(),
		Amount: sdk.NewCoins(sdk.NewCoin(app.BaseDenom, app.TAO(1)))})
	hotAcc := apptest.Account{Priv: v1, Address: lazy}
	f.submit(t, 0, 1000)
	f.submit(t, 1, 1000) // it has validated: liveness applies from now on
	f.advanceToNextEpoch()
	for epoch := 0; epoch < 2; epoch++ {
		f.submit(t, 0, 1000)
		f.deliver(hotAcc, &intelligencetypes.MsgSetWeights{Hotkey: lazy.String(), Netuid: uint32(netuid), Uids: []uint32{self}, Weights: []uint32{1}})
		f.advanceToNextEpoch()
	}
	offences := f.offences(t)
	if len(offences) != 1 || offences[0].Kind != slashingtypes.OffenceKind_OFFENCE_KIND_LIVENESS || offences[0].Hotkey != lazy.String() {
		t.Fatalf("want one liveness offence of the self-weighting validator, got %+v", offences)
	}
	res := f.c.DeliverMsgs(hotAcc, &intelligencetypes.MsgSetWeights{Hotkey: lazy.String(), Netuid: uint32(netuid), Uids: []uint32{f.minerUID}, Weights: []uint32{1}})
	if res.Code != intelligencetypes.ErrJailed.ABCICode() || res.Codespace != intelligencetypes.ModuleName {
		t.Fatalf("weights of a jailed hotkey: code %d (%s): %s; want ErrJailed", res.Code, res.Codespace, res.Log)
	}
	for _, want := range []string{"jailed by offence 1", "the jail ends when epoch", "taod q slashing offence 1"} {
		if !strings.Contains(res.Log, want) {
			t.Fatalf("jail error %q does not say %q", res.Log, want)
		}
	}
	if errors.Is(intelligencetypes.ErrJailed, intelligencetypes.ErrNoValidatorPermit) {
		t.Fatal("ErrJailed must be its own code")
	}
}
