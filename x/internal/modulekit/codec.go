package modulekit

import (
	"strings"

	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterAminoMsgs registers each message for Amino JSON signing (Ledger) under prefix followed
// by the message's proto name, e.g. "taochain/intel/" + "MsgSetWeights". The names are part of
// what a Ledger signs: a module's prefix never changes. Like legacy.RegisterAminoMsg, it panics on
// a name longer than Amino allows.
func RegisterAminoMsgs(cdc *codec.LegacyAmino, prefix string, msgs ...sdk.Msg) {
	for _, m := range msgs {
		legacy.RegisterAminoMsg(cdc, m, prefix+shortName(m))
	}
}

// shortName is the last component of a message's proto full name: "MsgSetWeights" for
// "taochain.intelligence.v1.MsgSetWeights".
func shortName(m proto.Message) string {
	name := proto.MessageName(m)
	return name[strings.LastIndex(name, ".")+1:]
}

// RegisterMsgs registers the module's messages as sdk.Msg implementations and its Msg service
// (the generated _Msg_serviceDesc of tx.pb.go), from the types package's RegisterInterfaces.
func RegisterMsgs(registry codectypes.InterfaceRegistry, msgService *grpc.ServiceDesc, msgs ...sdk.Msg) {
	registry.RegisterImplementations((*sdk.Msg)(nil), msgs...)
	msgservice.RegisterMsgServiceDesc(registry, msgService)
}

// ValidateParamsUpdate is the stateless check of a module's MsgUpdateParams (its ValidateBasic):
// the authority is a bech32 account address, else errInvalidAuthority, and the params validate.
// x/gov runs it when a proposal is submitted, so bad params are refused then rather than failing
// at execution.
func ValidateParamsUpdate(authority string, params interface{ Validate() error }, errInvalidAuthority *errorsmod.Error) error {
	if _, err := sdk.AccAddressFromBech32(authority); err != nil {
		return errInvalidAuthority.Wrapf("authority %q is not a valid address: %s", authority, err)
	}
	return params.Validate()
}

// MustBuildSchema builds a keeper's collections schema, at the end of its NewKeeper; a schema
// that does not build (two collections with one prefix or name) is a programming error and panics.
func MustBuildSchema(sb *collections.SchemaBuilder) collections.Schema {
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	return schema
}
