package modulekit_test

import (
	"strings"
	"testing"

	"github.com/cosmos/cosmos-sdk/codec"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// TestAminoNames pins every Amino JSON name the modules register (each message and Params, as
// they were before RegisterAminoMsgs): they are part of what a Ledger signs, so a change would
// break signing.
func TestAminoNames(t *testing.T) {
	cdc := codec.NewLegacyAmino()
	taotypes.RegisterLegacyAminoCodec(cdc)
	subnettypes.RegisterLegacyAminoCodec(cdc)
	inteltypes.RegisterLegacyAminoCodec(cdc)
	slashingtypes.RegisterLegacyAminoCodec(cdc)
	for want, v := range map[string]any{
		"taochain/x/tao/MsgUpdateParams":          &taotypes.MsgUpdateParams{},
		"taochain/x/tao/Params":                   &taotypes.Params{},
		"taochain/subnet/MsgRegisterSubnet":       &subnettypes.MsgRegisterSubnet{},
		"taochain/subnet/MsgDissolveSubnet":       &subnettypes.MsgDissolveSubnet{},
		"taochain/subnet/MsgUpdateHyperparams":    &subnettypes.MsgUpdateHyperparams{},
		"taochain/subnet/MsgRegisterNeuron":       &subnettypes.MsgRegisterNeuron{},
		"taochain/subnet/MsgServeAxon":            &subnettypes.MsgServeAxon{},
		"taochain/subnet/MsgAddStake":             &subnettypes.MsgAddStake{},
		"taochain/subnet/MsgRemoveStake":          &subnettypes.MsgRemoveStake{},
		"taochain/subnet/MsgMoveStake":            &subnettypes.MsgMoveStake{},
		"taochain/subnet/MsgSetTake":              &subnettypes.MsgSetTake{},
		"taochain/subnet/MsgUpdateParams":         &subnettypes.MsgUpdateParams{},
		"taochain/intel/MsgSetWeights":            &inteltypes.MsgSetWeights{},
		"taochain/intel/MsgSubmitEvaluation":      &inteltypes.MsgSubmitEvaluation{},
		"taochain/intel/MsgCommitWeights":         &inteltypes.MsgCommitWeights{},
		"taochain/intel/MsgRevealWeights":         &inteltypes.MsgRevealWeights{},
		"taochain/intel/MsgUpdateParams":          &inteltypes.MsgUpdateParams{},
		"taochain/intel/Params":                   &inteltypes.Params{},
		"taochain/slashing/MsgReportEquivocation": &slashingtypes.MsgReportEquivocation{},
		"taochain/slashing/MsgUpdateParams":       &slashingtypes.MsgUpdateParams{},
		"taochain/slashing/Params":                &slashingtypes.Params{},
	} {
		bz, err := cdc.MarshalJSON(v)
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if got := string(bz); !strings.HasPrefix(got, `{"type":"`+want+`"`) {
			t.Errorf("%T: amino JSON %s, want type %q", v, got, want)
		}
	}
}
