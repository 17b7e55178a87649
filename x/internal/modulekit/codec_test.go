package modulekit_test

import (
	"testing"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// TestAminoNames pins the Amino JSON names the modules register through RegisterAminoMsgs: they
// are part of what a Ledger signs, so a change would break signing.
func TestAminoNames(t *testing.T) {
	cdc := codec.NewLegacyAmino()
	taotypes.RegisterLegacyAminoCodec(cdc)
	subnettypes.RegisterLegacyAminoCodec(cdc)
	inteltypes.RegisterLegacyAminoCodec(cdc)
	slashingtypes.RegisterLegacyAminoCodec(cdc)
	for want, msg := range map[string]sdk.Msg{
		"taochain/x/tao/MsgUpdateParams":          &taotypes.MsgUpdateParams{},
		"taochain/subnet/MsgRegisterSubnet":       &subnettypes.MsgRegisterSubnet{},
		"taochain/subnet/MsgUpdateHyperparams":    &subnettypes.MsgUpdateHyperparams{},
		"taochain/subnet/MsgUpdateParams":         &subnettypes.MsgUpdateParams{},
		"taochain/intel/MsgSetWeights":            &inteltypes.MsgSetWeights{},
		"taochain/intel/MsgUpdateParams":          &inteltypes.MsgUpdateParams{},
		"taochain/slashing/MsgReportEquivocation": &slashingtypes.MsgReportEquivocation{},
	} {
		bz, err := cdc.MarshalJSON(msg)
		if err != nil {
			t.Fatalf("%T: %v", msg, err)
		}
		if got := string(bz); len(got) < len(want)+10 || got[:len(`{"type":"`)+len(want)] != `{"type":"`+want {
			t.Errorf("%T: amino JSON %s, want type %q", msg, got, want)
		}
	}
}
