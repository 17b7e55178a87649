package keeper_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// jailStub is x/slashing's side of the epoch hooks, reduced to one jail.
type jailStub struct {
	netuid uint16
	hotkey sdk.AccAddress
	jail   types.JailInfo
}

func (jailStub) AfterSubnetEpoch(context.Context, uint16, uint64, []subnettypes.Neuron) error {
	return nil
}

func (s jailStub) JailOf(_ context.Context, netuid uint16, hotkey sdk.AccAddress) (types.JailInfo, bool, error) {
	if netuid != s.netuid || !hotkey.Equals(s.hotkey) {
		return types.JailInfo{}, false, nil
	}
	return s.jail, true, nil
}

// TestJailedHotkeyErrors: every weight message of a jailed hotkey (set, evaluation, commit,
// reveal) fails with ErrJailed naming the subnet, the offence and the epoch the jail ends, while a
// hotkey without a permit that is not jailed still gets ErrNoValidatorPermit.
func TestJailedHotkeyErrors(t *testing.T) {
	w := newWorld(t)
	f := w.f
	jailed := w.noPermit
	f.k.SetEpochHooks(jailStub{netuid: netuid, hotkey: jailed.hotkey, jail: types.JailInfo{RemainingEpochs: 4, OffenceID: 7}})
	current, err := f.k.CurrentEpoch(f.ctx, netuid)
	require.NoError(t, err)
	hk := jailed.hotkey.String()
	ev, sig := f.evaluation(t, jailed, netuid, 1, []uint32{2}, []uint32{1})
	salt := []byte("0123456789abcdef")
	messages := map[string]func() error{
		"set weights": func() error {
			_, err := f.msg.SetWeights(f.ctx, &types.MsgSetWeights{Hotkey: hk, Netuid: uint32(netuid), Uids: []uint32{2}, Weights: []uint32{1}})
			return err
		},
		"submit evaluation": func() error {
			_, err := f.msg.SubmitEvaluation(f.ctx, &types.MsgSubmitEvaluation{Submitter: w.submitter.String(), Evaluation: ev, Signature: sig})
			return err
		},
		"commit weights": func() error {
			_, err := f.msg.CommitWeights(f.ctx, types.NewMsgCommitWeights(hk, uint32(netuid), []uint32{2}, []uint32{1}, 0, salt))
			return err
		},
		"reveal weights": func() error {
			_, err := f.msg.RevealWeights(f.ctx, types.NewMsgRevealWeights(hk, uint32(netuid), []uint32{2}, []uint32{1}, 0, salt))
			return err
		},
	}
	for _, name := range []string{"set weights", "submit evaluation", "commit weights", "reveal weights"} {
		err := messages[name]()
		require.ErrorIs(t, err, types.ErrJailed, name)
		for _, want := range []string{
			fmt.Sprintf("on subnet %d is jailed by offence 7", netuid),
			"`taod q slashing offence 7`",
			fmt.Sprintf("the jail ends when epoch %d closes", current+3),
			fmt.Sprintf("the subnet is in epoch %d", current),
		} {
			require.ErrorContains(t, err, want, name)
		}
	}

	// A hotkey without a permit and without a jail is told about permits, not jails.
	other := w.miners[0]
	_, err = f.msg.SetWeights(f.ctx, &types.MsgSetWeights{Hotkey: other.hotkey.String(), Netuid: uint32(netuid), Uids: []uint32{2}, Weights: []uint32{1}})
	require.ErrorIs(t, err, types.ErrNoValidatorPermit)
	require.NotErrorIs(t, err, types.ErrJailed)
}
