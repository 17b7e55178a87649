package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/modulekit"
)

var _ sdk.HasValidateBasic = &MsgUpdateParams{}

// ValidateBasic checks the authority address and the params without chain state (see
// modulekit.ValidateParamsUpdate).
func (m *MsgUpdateParams) ValidateBasic() error {
	return modulekit.ValidateParamsUpdate(m.Authority, m.Params, ErrInvalidAuthority)
}
