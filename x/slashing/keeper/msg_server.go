package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

type msgServer struct{ k Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the intelligence slashing Msg service implementation.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

// ReportEquivocation implements types.MsgServer. The evidence is checked in this order, each
// failure with its own error and no state change: reporter address, accused hotkey (must have a
// stored public key), signatures and conflicting scores (types.VerifyEquivocation), chain id,
// subnet, epoch not in the future and within evidence_retention_epochs, an evaluation of the
// hotkey accepted in that epoch (it validated with a permit), not punished before.
func (m msgServer) ReportEquivocation(ctx context.Context, msg *types.MsgReportEquivocation) (*types.MsgReportEquivocationResponse, error) {
	reporter, err := sdk.AccAddressFromBech32(msg.Reporter)
	if err != nil {
		return nil, sdkerrors.ErrInvalidAddress.Wrapf("reporter %q: %s", msg.Reporter, err)
	}
	first, second := msg.First.Evaluation, msg.Second.Evaluation
	hotkey, err := sdk.AccAddressFromBech32(first.ValidatorHotkey)
	if err != nil {
		return nil, types.ErrInvalidEvidence.Wrapf("first evaluation: validator_hotkey %q: %s", first.ValidatorHotkey, err)
	}
	info, err := m.k.subnetKeeper.GetHotkeyInfo(ctx, hotkey)
	if errors.Is(err, subnettypes.ErrHotkeyNotFound) {
		return nil, types.ErrUnknownHotkey.Wrapf("hotkey %s was never registered, so no stored public key can verify its evaluations", hotkey)
	}
	if err != nil {
		return nil, err
	}
	if err := intelligencetypes.VerifyEquivocation(info.Pubkey, msg.First, msg.Second); err != nil {
		return nil, types.ErrInvalidEvidence.Wrapf("evaluations do not prove an equivocation by %s: %s", hotkey, err)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if first.ChainId != sdkCtx.ChainID() {
		return nil, types.ErrWrongChain.Wrapf("evaluations are signed for chain %q, this is %q", first.ChainId, sdkCtx.ChainID())
	}
	netuid := uint16(first.Netuid) // ValidateBasic in VerifyEquivocation bounds it to u16
	if _, err := m.k.subnetKeeper.GetSubnet(ctx, netuid); err != nil {
		return nil, types.ErrUnknownSubnet.Wrapf("subnet %d of the evaluations: %s", netuid, err)
	}
	current, err := m.k.intelKeeper.CurrentEpoch(ctx, netuid)
	if err != nil {
		return nil, err
	}
	if first.Epoch > current {
		return nil, types.ErrFutureEpoch.Wrapf("evaluations are for epoch %d; subnet %d is in epoch %d", first.Epoch, netuid, current)
	}
	iparams, err := m.k.intelKeeper.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	if age := current - first.Epoch; age >= iparams.EvidenceRetentionEpochs {
		return nil, types.ErrEvidenceTooOld.Wrapf("evaluations are for epoch %d, %d epochs before subnet %d's current epoch %d; evidence is accepted for the last %d epochs (evidence_retention_epochs)",
			first.Epoch, age, netuid, current, iparams.EvidenceRetentionEpochs)
	}
	// Only an epoch in which the chain accepted an evaluation of the hotkey — so it held a
	// validator permit and acted on it — can be punished: a key that signs while it has no
	// permit harms no consensus.
	if _, found, err := m.k.intelKeeper.GetEvaluation(ctx, netuid, first.Epoch, hotkey); err != nil {
		return nil, err
	} else if !found {
		return nil, types.ErrNoPermitInEpoch.Wrapf("the chain accepted no evaluation of %s for subnet %d epoch %d: only epochs in which the hotkey validated with a permit can be reported",
			hotkey, netuid, first.Epoch)
	}
	key := collections.Join3(netuid, first.Epoch, hotkey)
	if id, err := m.k.Equivocations.Get(ctx, key); err == nil {
		return nil, types.ErrAlreadyReported.Wrapf("hotkey %s's equivocation on subnet %d in epoch %d was punished by offence %d", hotkey, netuid, first.Epoch, id)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	params, err := m.k.PoIParams.Get(ctx)
	if err != nil {
		return nil, err
	}
	slashed, reward, burned, err := m.k.slashAndPay(ctx, hotkey, netuid, params.EquivocationSlash, params.ReporterReward, reporter)
	if err != nil {
		return nil, err
	}
	o := types.Offence{
		Kind: types.OffenceKind_OFFENCE_KIND_EQUIVOCATION, Netuid: uint32(netuid), Hotkey: hotkey.String(),
		Epoch: first.Epoch, EvidenceHash: EquivocationEvidenceHash(first, second),
		Slashed: slashed, Reward: reward, Burned: burned, Reporter: reporter.String(), JailEpochs: params.JailEpochs,
	}
	n, err := m.k.subnetKeeper.GetNeuronByHotkey(ctx, netuid, hotkey)
	switch {
	case err == nil:
		o.Uid, o.Registered = n.Uid, true
	case !errors.Is(err, subnettypes.ErrNeuronNotFound):
		return nil, err
	}
	o, err = m.k.recordOffence(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := m.k.Equivocations.Set(ctx, key, o.Id); err != nil {
		return nil, err
	}
	if err := m.k.jailHotkey(ctx, netuid, hotkey, params.JailEpochs, o.Id); err != nil {
		return nil, err
	}
	return &types.MsgReportEquivocationResponse{Offence: o}, nil
}

// UpdateParams implements types.MsgServer.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if msg.Authority != m.k.authority {
		return nil, types.ErrInvalidAuthority.Wrapf("signer %s is not the authority %s (the x/gov module account): propose the change through governance", msg.Authority, m.k.authority)
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.PoIParams.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventParamsUpdated{Params: msg.Params}); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}
