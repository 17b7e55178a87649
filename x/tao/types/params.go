package types

import (
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// RaoPerTao is the number of rao in one TAO.
const RaoPerTao = 1_000_000_000

var (
	// DefaultBaseBlockEmission is 0.5 TAO per block (1 TAO per 12 s at 6 s blocks).
	DefaultBaseBlockEmission = math.NewInt(RaoPerTao / 2)
	// DefaultMaxSupply is 21,000,000 TAO.
	DefaultMaxSupply = math.NewInt(21_000_000).MulRaw(RaoPerTao)
	// DefaultSecurityShare is 10% of each block's emission.
	DefaultSecurityShare = math.LegacyNewDecWithPrec(1, 1)
)

// NewParams returns Params with the given values.
func NewParams(mintDenom string, baseBlockEmission, maxSupply math.Int, securityShare math.LegacyDec) Params {
	return Params{
		MintDenom:         mintDenom,
		BaseBlockEmission: baseBlockEmission,
		MaxSupply:         maxSupply,
		SecurityShare:     securityShare,
	}
}

// DefaultParams returns the default x/tao parameters.
func DefaultParams() Params {
	return NewParams(DefaultMintDenom, DefaultBaseBlockEmission, DefaultMaxSupply, DefaultSecurityShare)
}

// Validate checks that every parameter is within its allowed range.
func (p Params) Validate() error {
	if err := sdk.ValidateDenom(p.MintDenom); err != nil {
		return ErrInvalidParams.Wrapf("mint_denom %q: %s", p.MintDenom, err)
	}
	if p.MaxSupply.IsNil() || !p.MaxSupply.IsPositive() {
		return ErrInvalidParams.Wrapf("max_supply %s: must be positive", p.MaxSupply)
	}
	if p.BaseBlockEmission.IsNil() || p.BaseBlockEmission.IsNegative() {
		return ErrInvalidParams.Wrapf("base_block_emission %s: must be zero (emission off) or positive", p.BaseBlockEmission)
	}
	if p.BaseBlockEmission.GT(p.MaxSupply) {
		return ErrInvalidParams.Wrapf("base_block_emission %s: must not exceed max_supply %s", p.BaseBlockEmission, p.MaxSupply)
	}
	if p.SecurityShare.IsNil() || p.SecurityShare.IsNegative() || p.SecurityShare.GT(math.LegacyOneDec()) {
		return ErrInvalidParams.Wrapf("security_share %s: must be in [0, 1]", p.SecurityShare)
	}
	return nil
}
