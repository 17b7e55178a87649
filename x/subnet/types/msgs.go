package types

import sdk "github.com/cosmos/cosmos-sdk/types"

var _ sdk.HasValidateBasic = &MsgUpdateParams{}

// ValidateBasic checks the authority address and the params without chain state. x/gov runs it
// when a proposal is submitted, so bad params are refused then rather than failing at execution.
func (m *MsgUpdateParams) ValidateBasic() error {
	if _, err := sdk.AccAddressFromBech32(m.Authority); err != nil {
		return ErrInvalidAuthority.Wrapf("authority %q is not a valid address: %s", m.Authority, err)
	}
	return m.Params.Validate()
}
