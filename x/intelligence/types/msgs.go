package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/modulekit"
)

var (
	_ sdk.Msg = &MsgSetWeights{}
	_ sdk.Msg = &MsgSubmitEvaluation{}
	_ sdk.Msg = &MsgCommitWeights{}
	_ sdk.Msg = &MsgRevealWeights{}
	_ sdk.Msg = &MsgCommitModelUpdate{}
	_ sdk.Msg = &MsgUpdateParams{}

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

// NewMsgRevealWeights returns the reveal of a row committed with WeightsCommitHash.
func NewMsgRevealWeights(hotkey string, netuid uint32, uids, weights []uint32, versionKey uint64, salt []byte) *MsgRevealWeights {
	return &MsgRevealWeights{Hotkey: hotkey, Netuid: netuid, Uids: uids, Weights: weights, VersionKey: versionKey, Salt: salt}
}

// NewMsgCommitWeights returns the commit of a row with the given salt; reveal it later with
// NewMsgRevealWeights and the same arguments.
func NewMsgCommitWeights(hotkey string, netuid uint32, uids, weights []uint32, versionKey uint64, salt []byte) *MsgCommitWeights {
	return &MsgCommitWeights{Hotkey: hotkey, Netuid: netuid, CommitHash: WeightsCommitHash(hotkey, netuid, uids, weights, versionKey, salt)}
}

// NewMsgCommitModelUpdate returns the commitment of hotkey to a model update of netuid's epoch,
// whose canonical encoding has sha256 hash and is size bytes long.
func NewMsgCommitModelUpdate(hotkey string, netuid uint16, epoch uint64, hash [ModelUpdateHashSize]byte, size uint64) *MsgCommitModelUpdate {
	return &MsgCommitModelUpdate{Hotkey: hotkey, Netuid: uint32(netuid), Epoch: epoch, Hash: hash[:], Size_: size}
}
