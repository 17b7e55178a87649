package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/typedevent"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

type msgServer struct {
	k Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/intelligence Msg service implementation.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

func parseAddr(field, s string) (sdk.AccAddress, error) {
	a, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		return nil, sdkerrors.ErrInvalidAddress.Wrapf("%s %q: %s", field, s, err)
	}
	return a, nil
}

// validator is a hotkey's neuron on a subnet, checked for weight setting.
type validator struct {
	hotkey sdk.AccAddress
	netuid uint16
	subnet subnettypes.Subnet
	neuron subnettypes.Neuron
}

// loadValidator resolves the subnet and the hotkey's neuron and checks the validator permit.
func (k Keeper) loadValidator(ctx context.Context, hotkeyStr string, netuid32 uint32) (validator, error) {
	hotkey, err := parseAddr("hotkey", hotkeyStr)
	if err != nil {
		return validator{}, err
	}
	v, err := k.loadNeuron(ctx, hotkey, netuid32)
	if err != nil {
		return validator{}, err
	}
	if err := k.checkPermit(ctx, v); err != nil {
		return validator{}, err
	}
	return v, nil
}

// checkPermit returns nil if v holds a validator permit, and otherwise an error that says why
// not: jailed (until which epoch, by which offence) or not among the top hotkeys by stake.
func (k Keeper) checkPermit(ctx context.Context, v validator) error {
	if v.neuron.ValidatorPermit {
		return nil
	}
	jail, jailed, err := k.jailOf(ctx, v.netuid, v.hotkey)
	if err != nil {
		return err
	}
	if jailed {
		current, err := k.currentEpochOf(ctx, v.subnet)
		if err != nil {
			return err
		}
		end := current + max(jail.RemainingEpochs, 1) - 1
		return types.ErrJailed.Wrapf("hotkey %s (uid %d) on subnet %d is jailed by offence %d (see `taod q slashing offence %d`): the jail ends when epoch %d closes and a validator permit can be assigned again when epoch %d closes; the subnet is in epoch %d",
			v.hotkey, v.neuron.Uid, v.netuid, jail.OffenceID, jail.OffenceID, end, end+1, current)
	}
	return types.ErrNoValidatorPermit.Wrapf("hotkey %s (uid %d) on subnet %d: only the top max_validators (%d) hotkeys by stake hold a permit, assigned at each epoch",
		v.hotkey, v.neuron.Uid, v.netuid, v.subnet.Hyperparams.MaxValidators)
}

// loadNeuron resolves the subnet and the hotkey's neuron on it.
func (k Keeper) loadNeuron(ctx context.Context, hotkey sdk.AccAddress, netuid32 uint32) (validator, error) {
	if netuid32 > types.U16Max {
		return validator{}, types.ErrInvalidNetuid.Wrapf("netuid %d: must be at most %d", netuid32, types.U16Max)
	}
	netuid := uint16(netuid32)
	s, err := k.subnetKeeper.GetSubnet(ctx, netuid)
	if err != nil {
		return validator{}, types.ErrInvalidNetuid.Wrapf("subnet %d: %s", netuid, err)
	}
	n, err := k.subnetKeeper.GetNeuronByHotkey(ctx, netuid, hotkey)
	if err != nil {
		if errors.Is(err, subnettypes.ErrNeuronNotFound) {
			return validator{}, types.ErrNotRegistered.Wrapf("hotkey %s on subnet %d: register it with MsgRegisterNeuron first", hotkey, netuid)
		}
		return validator{}, err
	}
	return validator{hotkey: hotkey, netuid: netuid, subnet: s, neuron: n}, nil
}

// checkRow validates a weight row against the subnet: form, existing target uids, at least
// min(min_allowed_weights, neurons) non-zero weights and max_weight_limit. The targets are
// checked against the subnet's occupied-uid set: one store read for the whole row.
func (k Keeper) checkRow(ctx context.Context, v validator, uids, weights []uint32) error {
	if err := types.ValidateWeightsForm(uids, weights); err != nil {
		return err
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(types.WeightEntryGas*uint64(len(uids)), "weight entries")
	hp := v.subnet.Hyperparams
	occupied, err := k.subnetKeeper.OccupiedUIDs(ctx, v.netuid)
	if err != nil {
		return err
	}
	for _, uid := range uids {
		if !occupied.Has(uid) {
			return types.ErrInvalidWeights.Wrapf("uid %d does not exist on subnet %d", uid, v.netuid)
		}
	}
	if nonZero := uint32(types.NonZeroCount(weights)); nonZero < hp.MinAllowedWeights {
		if neurons, need := occupied.Len(), min(hp.MinAllowedWeights, occupied.Len()); nonZero < need {
			return types.ErrInvalidWeights.Wrapf("%d non-zero weights: subnet %d needs at least %d (min_allowed_weights %d, %d neurons)",
				nonZero, v.netuid, need, hp.MinAllowedWeights, neurons)
		}
	}
	if err := types.CheckMaxWeightLimit(weights, hp.MaxWeightLimit); err != nil {
		return errorsmod.Wrapf(err, "subnet %d", v.netuid)
	}
	return nil
}

// registrationHeights returns the registration height of the neuron at each of uids (which
// checkRow found occupied).
func (k Keeper) registrationHeights(ctx context.Context, netuid uint16, uids []uint32) ([]int64, error) {
	heights := make([]int64, len(uids))
	for i, uid := range uids {
		n, err := k.subnetKeeper.GetNeuron(ctx, netuid, uint16(uid))
		if err != nil {
			return nil, err
		}
		heights[i] = n.RegisteredAt
	}
	return heights, nil
}

// writeRow stores a validated row (max-upscaled to 65535, sorted, zeros dropped) as the weights of
// v, records last_update in x/subnet and emits EventWeightsSet.
func (k Keeper) writeRow(ctx context.Context, v validator, uids, weights []uint32, versionKey uint64, source types.WeightsSource) error {
	entries := types.CanonicalRow(uids, weights)
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	uid := uint16(v.neuron.Uid)
	row := types.WeightsRow{
		Netuid: uint32(v.netuid), Uid: uint32(uid), Hotkey: v.neuron.Hotkey, Weights: entries,
		Block: h, VersionKey: versionKey, Source: source,
	}
	if err := k.Weights.Set(ctx, collections.Join(v.netuid, uid), row); err != nil {
		return err
	}
	if err := k.subnetKeeper.SetNeuronLastUpdate(ctx, v.netuid, uid, h); err != nil {
		return err
	}
	if weightsOthers(entries, uid) {
		if err := k.markWork(ctx, v.netuid, uid); err != nil {
			return err
		}
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventWeightsSet{
		Netuid: uint32(v.netuid), Uid: uint32(uid), Hotkey: v.neuron.Hotkey, Source: source,
		Count: uint32(len(entries)), VersionKey: versionKey,
	})
}

// SetWeights implements types.MsgServer.
func (m msgServer) SetWeights(ctx context.Context, msg *types.MsgSetWeights) (_ *types.MsgSetWeightsResponse, err error) {
	defer func() { observeWeights(ctx, weightsMsgSet, msg.Netuid, err) }()
	v, err := m.k.loadValidator(ctx, msg.Hotkey, msg.Netuid)
	if err != nil {
		return nil, err
	}
	hp := v.subnet.Hyperparams
	if hp.CommitReveal {
		return nil, types.ErrCommitRevealEnabled.Wrapf("subnet %d: commit with MsgCommitWeights and reveal %d epoch(s) later with MsgRevealWeights", v.netuid, hp.RevealPeriod)
	}
	row, found, err := m.k.GetWeights(ctx, v.netuid, uint16(v.neuron.Uid))
	if err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockHeight()
	if found && row.Hotkey == v.neuron.Hotkey && now-row.Block < int64(min(hp.WeightsRateLimit, 1<<62)) {
		return nil, types.ErrRateLimited.Wrapf("hotkey %s set weights on subnet %d at height %d; weights_rate_limit is %d blocks, next allowed at height %d",
			v.hotkey, v.netuid, row.Block, hp.WeightsRateLimit, row.Block+int64(hp.WeightsRateLimit))
	}
	if err := m.k.checkRow(ctx, v, msg.Uids, msg.Weights); err != nil {
		return nil, err
	}
	if err := m.k.writeRow(ctx, v, msg.Uids, msg.Weights, msg.VersionKey, types.WEIGHTS_SOURCE_SET_WEIGHTS); err != nil {
		return nil, err
	}
	return &types.MsgSetWeightsResponse{}, nil
}

// SubmitEvaluation implements types.MsgServer.
func (m msgServer) SubmitEvaluation(ctx context.Context, msg *types.MsgSubmitEvaluation) (_ *types.MsgSubmitEvaluationResponse, err error) {
	defer func() { observeEvaluation(ctx, msg.Evaluation.Netuid, err) }()
	if _, err := parseAddr("submitter", msg.Submitter); err != nil {
		return nil, err
	}
	ev := msg.Evaluation
	if err := ev.ValidateBasic(); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if ev.ChainId != sdkCtx.ChainID() {
		return nil, types.ErrWrongChainID.Wrapf("evaluation is for chain %q, this is %q", ev.ChainId, sdkCtx.ChainID())
	}
	hotkey, err := parseAddr("validator_hotkey", ev.ValidatorHotkey)
	if err != nil {
		return nil, err
	}
	v, err := m.k.loadNeuron(ctx, hotkey, ev.Netuid)
	if err != nil {
		return nil, err
	}
	if err := ev.VerifySignature(v.neuron.Pubkey, msg.Signature); err != nil {
		return nil, err
	}
	if err := m.k.checkPermit(ctx, v); err != nil {
		return nil, err
	}
	hp := v.subnet.Hyperparams
	if hp.CommitReveal {
		return nil, types.ErrCommitRevealEnabled.Wrapf("subnet %d: evaluations would reveal weights early; use MsgCommitWeights and MsgRevealWeights", v.netuid)
	}
	params, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	current, err := m.k.currentEpochOf(ctx, v.subnet)
	if err != nil {
		return nil, err
	}
	if ev.Epoch > current || current-ev.Epoch > params.EvaluationWindow {
		oldest := current - min(current, params.EvaluationWindow)
		return nil, types.ErrWrongEpoch.Wrapf("evaluation is for epoch %d; subnet %d is in epoch %d and accepts epochs %d..%d",
			ev.Epoch, v.netuid, current, oldest, current)
	}
	last, err := m.k.LastNonce(ctx, v.netuid, hotkey)
	if err != nil {
		return nil, err
	}
	if ev.Nonce <= last {
		return nil, types.ErrStaleNonce.Wrapf("nonce %d: hotkey %s's last accepted nonce on subnet %d is %d; use a larger one", ev.Nonce, hotkey, v.netuid, last)
	}
	key := collections.Join3(v.netuid, ev.Epoch, hotkey)
	if prev, err := m.k.Evaluations.Get(ctx, key); err == nil {
		what := "an identical"
		switch {
		case !bytes.Equal(prev.RowHash, types.RowHash(types.CanonicalRow(ev.Uids, ev.Scores))):
			what = "a conflicting (different scores: equivocation evidence, see types.VerifyEquivocation)"
		case !prev.SameStatement(ev):
			what = "a re-signed (same scores, not an offence)"
		}
		return nil, types.ErrDuplicateEvaluation.Wrapf("hotkey %s already has an evaluation for subnet %d epoch %d accepted at height %d; this is %s one",
			hotkey, v.netuid, ev.Epoch, prev.Height, what)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	if err := m.k.checkRow(ctx, v, ev.Uids, ev.Scores); err != nil {
		return nil, err
	}
	// The scores are stored once, as the weight row below; the record keeps their hashes.
	stored := types.NewStoredEvaluation(types.SignedEvaluation{Evaluation: ev, Signature: msg.Signature}, msg.Submitter, sdkCtx.BlockHeight())
	if err := m.k.Evaluations.Set(ctx, key, stored); err != nil {
		return nil, err
	}
	if err := m.k.Nonces.Set(ctx, collections.Join(v.netuid, hotkey), ev.Nonce); err != nil {
		return nil, err
	}
	if err := m.k.writeRow(ctx, v, ev.Uids, ev.Scores, 0, types.WEIGHTS_SOURCE_EVALUATION); err != nil {
		return nil, err
	}
	err = typedevent.Emit(sdkCtx.EventManager(), &types.EventEvaluationSubmitted{
		Netuid: uint32(v.netuid), Epoch: ev.Epoch, Hotkey: v.neuron.Hotkey, Uid: v.neuron.Uid,
		Submitter: msg.Submitter, Nonce: ev.Nonce, SignBytesHash: stored.SignBytesHash,
	})
	if err != nil {
		return nil, err
	}
	return &types.MsgSubmitEvaluationResponse{Uid: v.neuron.Uid}, nil
}

// CommitWeights implements types.MsgServer.
func (m msgServer) CommitWeights(ctx context.Context, msg *types.MsgCommitWeights) (_ *types.MsgCommitWeightsResponse, err error) {
	defer func() { observeWeights(ctx, weightsMsgCommit, msg.Netuid, err) }()
	v, err := m.k.loadValidator(ctx, msg.Hotkey, msg.Netuid)
	if err != nil {
		return nil, err
	}
	hp := v.subnet.Hyperparams
	if !hp.CommitReveal {
		return nil, types.ErrCommitRevealDisabled.Wrapf("subnet %d: set weights directly with MsgSetWeights or MsgSubmitEvaluation", v.netuid)
	}
	if len(msg.CommitHash) != types.CommitHashSize {
		return nil, types.ErrInvalidWeights.Wrapf("commit_hash has %d bytes, want %d (sha256, see types.WeightsCommitHash)", len(msg.CommitHash), types.CommitHashSize)
	}
	current, err := m.k.currentEpochOf(ctx, v.subnet)
	if err != nil {
		return nil, err
	}
	reveal := current + max(hp.RevealPeriod, 1)
	key := collections.Join3(v.netuid, v.hotkey, reveal)
	if has, err := m.k.Commits.Has(ctx, key); err != nil {
		return nil, err
	} else if has {
		return nil, types.ErrAlreadyCommitted.Wrapf("hotkey %s already committed on subnet %d in epoch %d (reveal in epoch %d); commit again next epoch",
			v.hotkey, v.netuid, current, reveal)
	}
	c := types.WeightsCommit{
		Netuid: uint32(v.netuid), Hotkey: v.neuron.Hotkey, CommitHash: msg.CommitHash,
		CommitEpoch: current, RevealEpoch: reveal, CommitBlock: sdk.UnwrapSDKContext(ctx).BlockHeight(),
	}
	if err := m.k.Commits.Set(ctx, key, c); err != nil {
		return nil, err
	}
	// A commit is work done this epoch: it counts for liveness although its row arrives later.
	if err := m.k.markWork(ctx, v.netuid, uint16(v.neuron.Uid)); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventWeightsCommitted{
		Netuid: uint32(v.netuid), Hotkey: v.neuron.Hotkey, CommitEpoch: current, RevealEpoch: reveal,
	}); err != nil {
		return nil, err
	}
	return &types.MsgCommitWeightsResponse{RevealEpoch: reveal}, nil
}

// RevealWeights implements types.MsgServer.
func (m msgServer) RevealWeights(ctx context.Context, msg *types.MsgRevealWeights) (_ *types.MsgRevealWeightsResponse, err error) {
	defer func() { observeWeights(ctx, weightsMsgReveal, msg.Netuid, err) }()
	v, err := m.k.loadValidator(ctx, msg.Hotkey, msg.Netuid)
	if err != nil {
		return nil, err
	}
	hp := v.subnet.Hyperparams
	if !hp.CommitReveal {
		return nil, types.ErrCommitRevealDisabled.Wrapf("subnet %d", v.netuid)
	}
	if l := len(msg.Salt); l < types.MinSaltLength || l > types.MaxSaltLength {
		return nil, types.ErrInvalidWeights.Wrapf("salt has %d bytes, want %d..%d", l, types.MinSaltLength, types.MaxSaltLength)
	}
	current, err := m.k.currentEpochOf(ctx, v.subnet)
	if err != nil {
		return nil, err
	}
	var (
		commit              types.WeightsCommit
		found               bool
		earliest, latest    uint64
		haveEarly, haveLate bool
	)
	err = m.k.Commits.Walk(ctx, collections.NewSuperPrefixedTripleRange[uint16, sdk.AccAddress, uint64](v.netuid, v.hotkey),
		func(key collections.Triple[uint16, sdk.AccAddress, uint64], c types.WeightsCommit) (bool, error) {
			switch r := key.K3(); {
			case r == current:
				commit, found = c, true
				return true, nil
			case r > current:
				if !haveEarly {
					earliest, haveEarly = r, true
				}
			default:
				latest, haveLate = r, true
			}
			return false, nil
		})
	if err != nil {
		return nil, err
	}
	if !found {
		switch {
		case haveEarly:
			return nil, types.ErrRevealTooEarly.Wrapf("subnet %d is in epoch %d; hotkey %s's commit can be revealed in epoch %d only", v.netuid, current, v.hotkey, earliest)
		case haveLate:
			return nil, types.ErrRevealTooLate.Wrapf("subnet %d is in epoch %d; hotkey %s's commit had to be revealed in epoch %d", v.netuid, current, v.hotkey, latest)
		default:
			return nil, types.ErrNoCommit.Wrapf("hotkey %s has no pending commit on subnet %d (an unrevealed commit is dropped one epoch after its reveal epoch ends)", v.hotkey, v.netuid)
		}
	}
	want := types.WeightsCommitHash(msg.Hotkey, msg.Netuid, msg.Uids, msg.Weights, msg.VersionKey, msg.Salt)
	if !bytes.Equal(want, commit.CommitHash) {
		return nil, types.ErrCommitMismatch.Wrapf("sha256(payload ‖ salt) = %X, committed %X in epoch %d", want, commit.CommitHash, commit.CommitEpoch)
	}
	if err := m.k.checkRow(ctx, v, msg.Uids, msg.Weights); err != nil {
		return nil, err
	}
	// A uid registered after the commit was not known to the committer: its weight is dropped.
	registeredAt, err := m.k.registrationHeights(ctx, v.netuid, msg.Uids)
	if err != nil {
		return nil, err
	}
	weights := append([]uint32(nil), msg.Weights...)
	masked := uint32(0)
	for i := range weights {
		if registeredAt[i] > commit.CommitBlock && weights[i] > 0 {
			weights[i] = 0
			masked++
		}
	}
	if err := m.k.Commits.Remove(ctx, collections.Join3(v.netuid, v.hotkey, current)); err != nil {
		return nil, err
	}
	if err := m.k.writeRow(ctx, v, msg.Uids, weights, msg.VersionKey, types.WEIGHTS_SOURCE_REVEAL); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventWeightsRevealed{
		Netuid: uint32(v.netuid), Hotkey: v.neuron.Hotkey, Epoch: current, Masked: masked,
	}); err != nil {
		return nil, err
	}
	return &types.MsgRevealWeightsResponse{Masked: masked}, nil
}

// UpdateParams implements types.MsgServer.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if msg.Authority != m.k.authority {
		return nil, types.ErrInvalidAuthority.Wrapf("expected %s, got %s", m.k.authority, msg.Authority)
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}
