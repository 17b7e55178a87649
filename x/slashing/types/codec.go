package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the intelligence slashing messages for Amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgReportEquivocation{}, "taochain/slashing/MsgReportEquivocation")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "taochain/slashing/MsgUpdateParams")
	cdc.RegisterConcrete(&Params{}, "taochain/slashing/Params", nil)
}

// RegisterInterfaces registers the intelligence slashing sdk.Msg implementations and Msg service.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgReportEquivocation{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
