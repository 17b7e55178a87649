package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the messages for amino JSON signing (ledger support).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgRegisterSubnet{}, "taochain/subnet/MsgRegisterSubnet", nil)
	cdc.RegisterConcrete(&MsgDissolveSubnet{}, "taochain/subnet/MsgDissolveSubnet", nil)
	cdc.RegisterConcrete(&MsgUpdateHyperparams{}, "taochain/subnet/MsgUpdateHyperparams", nil)
	cdc.RegisterConcrete(&MsgRegisterNeuron{}, "taochain/subnet/MsgRegisterNeuron", nil)
	cdc.RegisterConcrete(&MsgServeAxon{}, "taochain/subnet/MsgServeAxon", nil)
	cdc.RegisterConcrete(&MsgAddStake{}, "taochain/subnet/MsgAddStake", nil)
	cdc.RegisterConcrete(&MsgRemoveStake{}, "taochain/subnet/MsgRemoveStake", nil)
	cdc.RegisterConcrete(&MsgMoveStake{}, "taochain/subnet/MsgMoveStake", nil)
	cdc.RegisterConcrete(&MsgSetTake{}, "taochain/subnet/MsgSetTake", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "taochain/subnet/MsgUpdateParams", nil)
}

// RegisterInterfaces registers the messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterSubnet{},
		&MsgDissolveSubnet{},
		&MsgUpdateHyperparams{},
		&MsgRegisterNeuron{},
		&MsgServeAxon{},
		&MsgAddStake{},
		&MsgRemoveStake{},
		&MsgMoveStake{},
		&MsgSetTake{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
