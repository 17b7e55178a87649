package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	"github.com/taochain/taochain/x/internal/modulekit"
)

// aminoPrefix starts the Amino JSON names of the intelligence slashing messages and params; they
// are part of what a Ledger signs, so it never changes.
const aminoPrefix = "taochain/slashing/"

// RegisterLegacyAminoCodec registers the intelligence slashing messages for Amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	modulekit.RegisterAminoMsgs(cdc, aminoPrefix, &MsgReportEquivocation{}, &MsgUpdateParams{})
	cdc.RegisterConcrete(&Params{}, aminoPrefix+"Params", nil)
}

// RegisterInterfaces registers the intelligence slashing sdk.Msg implementations and Msg service.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	modulekit.RegisterMsgs(registry, &_Msg_serviceDesc, &MsgReportEquivocation{}, &MsgUpdateParams{})
}
