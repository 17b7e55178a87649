package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/modulekit"
)

// aminoPrefix starts the Amino JSON names of the module's messages and params; they are part of
// what a Ledger signs, so it never changes.
const aminoPrefix = "taochain/intel/"

// msgs are the module's messages, as the codec registers them.
func msgs() []sdk.Msg {
	return []sdk.Msg{&MsgSetWeights{}, &MsgSubmitEvaluation{}, &MsgCommitWeights{}, &MsgRevealWeights{}, &MsgCommitModelUpdate{}, &MsgUpdateParams{}}
}

// RegisterLegacyAminoCodec registers the module's messages and params for Amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	modulekit.RegisterAminoMsgs(cdc, aminoPrefix, msgs()...)
	cdc.RegisterConcrete(&Params{}, aminoPrefix+"Params", nil)
}

// RegisterInterfaces registers the module's sdk.Msg implementations and Msg service.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	modulekit.RegisterMsgs(registry, &_Msg_serviceDesc, msgs()...)
}
