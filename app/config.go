package app

import (
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

const (
	// Name is the application name used by baseapp and in logs.
	Name = "taochain"

	// Bech32Prefix is the human readable part of every taochain account address.
	Bech32Prefix = "tao"

	// BaseDenom is the smallest TAO unit; all amounts in state are in rao.
	BaseDenom = "rao"

	// DisplayDenom is the unit shown to humans: 1 tao = 10^9 rao.
	DisplayDenom = "tao"

	// DisplayExponent is the number of decimals between rao and tao.
	DisplayExponent = 9

	// BondDenom is the denom staked by CometBFT validators (x/staking).
	BondDenom = BaseDenom
)

// RaoPerTAO is 10^9: the number of rao in one TAO.
var RaoPerTAO = math.NewInt(1_000_000_000)

// TAO returns n TAO expressed in rao.
func TAO(n int64) math.Int { return math.NewInt(n).Mul(RaoPerTAO) }

// SetAddressPrefixes configures the SDK's global bech32 prefixes for taochain. It is idempotent so
// tests and the CLI can both call it; the config is sealed so nothing changes it afterwards.
func SetAddressPrefixes() {
	cfg := sdk.GetConfig()
	if cfg.GetBech32AccountAddrPrefix() == Bech32Prefix {
		return
	}
	cfg.SetBech32PrefixForAccount(Bech32Prefix, Bech32Prefix+sdk.PrefixPublic)
	cfg.SetBech32PrefixForValidator(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator,
		Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator+sdk.PrefixPublic)
	cfg.SetBech32PrefixForConsensusNode(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus,
		Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus+sdk.PrefixPublic)
	cfg.Seal()
}

// TAOMetadata describes the rao/tao denomination for wallets and explorers.
func TAOMetadata() banktypes.Metadata {
	return banktypes.Metadata{
		Description: "TAO, the native token of taochain: pays for intelligence and secures the chain",
		DenomUnits: []*banktypes.DenomUnit{
			{Denom: BaseDenom, Exponent: 0, Aliases: []string{"nanotao"}},
			{Denom: DisplayDenom, Exponent: DisplayExponent, Aliases: []string{"TAO"}},
		},
		Base:    BaseDenom,
		Display: DisplayDenom,
		Name:    "TAO",
		Symbol:  "TAO",
	}
}

func init() {
	SetAddressPrefixes()
	// sdk.DefaultBondDenom is read by several SDK default genesis builders.
	sdk.DefaultBondDenom = BondDenom
}
