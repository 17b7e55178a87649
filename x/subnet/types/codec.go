package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/modulekit"
)

// aminoPrefix starts the Amino JSON names of the messages; they are part of what a Ledger signs,
// so it never changes.
const aminoPrefix = "taochain/subnet/"

// msgs are the module's messages, as the codec registers them.
func msgs() []sdk.Msg {
	return []sdk.Msg{
		&MsgRegisterSubnet{}, &MsgDissolveSubnet{}, &MsgUpdateHyperparams{}, &MsgRegisterNeuron{}, &MsgServeAxon{},
		&MsgAddStake{}, &MsgRemoveStake{}, &MsgMoveStake{}, &MsgSetTake{}, &MsgUpdateParams{},
	}
}

// RegisterLegacyAminoCodec registers the messages for amino JSON signing (ledger support).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	modulekit.RegisterAminoMsgs(cdc, aminoPrefix, msgs()...)
}

// RegisterInterfaces registers the messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	modulekit.RegisterMsgs(registry, &_Msg_serviceDesc, msgs()...)
}
