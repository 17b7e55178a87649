package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/modulekit"
)

var (
	_ sdk.Msg              = &MsgUpdateParams{}
	_ sdk.HasValidateBasic = &MsgUpdateParams{}
)

// NewMsgUpdateParams returns a MsgUpdateParams.
func NewMsgUpdateParams(authority string, params Params) *MsgUpdateParams {
	return &MsgUpdateParams{Authority: authority, Params: params}
}

// ValidateBasic checks the authority address and the params without chain state (see
// modulekit.ValidateParamsUpdate).
func (m *MsgUpdateParams) ValidateBasic() error {
	return modulekit.ValidateParamsUpdate(m.Authority, m.Params, ErrInvalidAuthority)
}
