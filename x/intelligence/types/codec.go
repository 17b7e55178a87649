package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the module's messages and params for Amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgSetWeights{}, "taochain/intel/MsgSetWeights")
	legacy.RegisterAminoMsg(cdc, &MsgSubmitEvaluation{}, "taochain/intel/MsgSubmitEvaluation")
	legacy.RegisterAminoMsg(cdc, &MsgCommitWeights{}, "taochain/intel/MsgCommitWeights")
	legacy.RegisterAminoMsg(cdc, &MsgRevealWeights{}, "taochain/intel/MsgRevealWeights")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "taochain/intel/MsgUpdateParams")
	cdc.RegisterConcrete(&Params{}, "taochain/intel/Params", nil)
}

// RegisterInterfaces registers the module's sdk.Msg implementations and Msg service.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgSetWeights{},
		&MsgSubmitEvaluation{},
		&MsgCommitWeights{},
		&MsgRevealWeights{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
