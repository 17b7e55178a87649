package types

import (
	"context"

	"cosmossdk.io/core/address"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// AccountKeeper is the subset of the x/auth keeper used by x/tao.
type AccountKeeper interface {
	AddressCodec() address.Codec
	GetModuleAddress(moduleName string) sdk.AccAddress
}

// BankKeeper is the subset of the x/bank keeper used by x/tao.
type BankKeeper interface {
	GetSupply(ctx context.Context, denom string) sdk.Coin
	GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) sdk.Coin
	MintCoins(ctx context.Context, moduleName string, amt sdk.Coins) error
	SendCoinsFromModuleToModule(ctx context.Context, senderModule, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
}

// SubnetKeeper is the subset of the x/subnet keeper used by x/tao: the TAO staked in each subnet.
type SubnetKeeper interface {
	// IterateSubnetStakes calls cb for every subnet in ascending netuid order with the total TAO
	// staked in it, until cb returns true.
	IterateSubnetStakes(ctx context.Context, cb func(netuid uint16, stake math.Int) (stop bool)) error
}
