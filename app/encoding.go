package app

import (
	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/x/tx/signing"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
)

// EncodingConfig bundles the codecs the app and the CLI share.
type EncodingConfig struct {
	InterfaceRegistry types.InterfaceRegistry
	Codec             codec.Codec
	TxConfig          client.TxConfig
	Amino             *codec.LegacyAmino
}

// MakeEncodingConfig builds fresh codecs with the SDK's base types registered. Module types are
// registered by the module manager when the app is built.
func MakeEncodingConfig() EncodingConfig {
	reg, err := types.NewInterfaceRegistryWithOptions(types.InterfaceRegistryOptions{
		ProtoFiles:     proto.HybridResolver,
		SigningOptions: signingOptions(),
	})
	if err != nil {
		panic(err)
	}
	cdc := codec.NewProtoCodec(reg)
	amino := codec.NewLegacyAmino()
	registerStd(amino, reg)
	return EncodingConfig{
		InterfaceRegistry: reg,
		Codec:             cdc,
		TxConfig:          authtx.NewTxConfig(cdc, authtx.DefaultSignModes),
		Amino:             amino,
	}
}

// signingOptions gives the tx signing context the bech32 codecs taochain uses.
func signingOptions() signing.Options {
	return signing.Options{
		AddressCodec:          address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32AccountAddrPrefix()},
		ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32ValidatorAddrPrefix()},
	}
}

// registerStd registers the SDK's base types on the codecs.
func registerStd(amino *codec.LegacyAmino, reg types.InterfaceRegistry) {
	std.RegisterLegacyAminoCodec(amino)
	std.RegisterInterfaces(reg)
}
