package types

import sdk "github.com/cosmos/cosmos-sdk/types"

var (
	_ sdk.Msg = &MsgSetWeights{}
	_ sdk.Msg = &MsgSubmitEvaluation{}
	_ sdk.Msg = &MsgCommitWeights{}
	_ sdk.Msg = &MsgRevealWeights{}
	_ sdk.Msg = &MsgUpdateParams{}

	_ sdk.HasValidateBasic = &MsgUpdateParams{}
)

// NewMsgUpdateParams returns a MsgUpdateParams.
func NewMsgUpdateParams(authority string, params Params) *MsgUpdateParams {
	return &MsgUpdateParams{Authority: authority, Params: params}
}

// ValidateBasic checks the authority address and the params without chain state. x/gov runs it
// when a proposal is submitted, so bad params are refused then rather than failing at execution.
func (m *MsgUpdateParams) ValidateBasic() error {
	if _, err := sdk.AccAddressFromBech32(m.Authority); err != nil {
		return ErrInvalidAuthority.Wrapf("authority %q is not a valid address: %s", m.Authority, err)
	}
	return m.Params.Validate()
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
