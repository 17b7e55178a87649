package keeper

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/log"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/typedevent"
	"github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// EquivocationEvidenceHash identifies an equivocation by its two evaluations, independent of
// their order: sha256(lower SignBytes hash || higher SignBytes hash).
func EquivocationEvidenceHash(a, b intelligencetypes.Evaluation) []byte {
	ha, hb := a.SignBytesHash(), b.SignBytesHash()
	if bytes.Compare(ha, hb) > 0 {
		ha, hb = hb, ha
	}
	h := sha256.Sum256(append(ha, hb...))
	return h[:]
}

// faultEvidenceHash identifies an offence found by the chain itself.
func faultEvidenceHash(kind types.OffenceKind, netuid uint16, hotkey string, epoch uint64) []byte {
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%s|%d", kind, netuid, hotkey, epoch))
	return h[:]
}

// recordOffence assigns o an id and the current height, stores and indexes it and emits
// EventOffence.
func (k Keeper) recordOffence(ctx context.Context, o types.Offence) (types.Offence, error) {
	id, err := k.NextOffenceID.Next(ctx)
	if err != nil {
		return types.Offence{}, err
	}
	if id == 0 { // a store that skipped InitGenesis: ids start at 1
		if id, err = k.NextOffenceID.Next(ctx); err != nil {
			return types.Offence{}, err
		}
	}
	hotkey, err := sdk.AccAddressFromBech32(o.Hotkey)
	if err != nil {
		return types.Offence{}, err
	}
	o.Id = id
	o.Height = sdk.UnwrapSDKContext(ctx).BlockHeight()
	if err := k.Offences.Set(ctx, id, o); err != nil {
		return types.Offence{}, err
	}
	if err := k.OffencesByHotkey.Set(ctx, collections.Join(hotkey, id)); err != nil {
		return types.Offence{}, err
	}
	if err := k.OffencesByNetuid.Set(ctx, collections.Join(uint16(o.Netuid), id)); err != nil {
		return types.Offence{}, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventOffence{Offence: o}); err != nil {
		return types.Offence{}, err
	}
	observeOffence(ctx, o)
	logger(ctx).Info("intelligence offence", "kind", o.Kind.String(), "hotkey", o.Hotkey, "netuid", o.Netuid,
		"offence_id", o.Id, "epoch", o.Epoch, "height", o.Height, "slashed", o.Slashed.String(), "jail_epochs", o.JailEpochs)
	return o, nil
}

// logger is the module's logger; operators follow offences and jails in the node log.
func logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/slashing")
}

// slashAndPay slashes fraction of the stake on (hotkey, netuid) into the module account, pays
// rewardShare of it to reporter (if any) and burns the rest. A zero fraction slashes nothing.
func (k Keeper) slashAndPay(ctx context.Context, hotkey sdk.AccAddress, netuid uint16, fraction, rewardShare math.LegacyDec, reporter sdk.AccAddress) (slashed, reward, burned math.Int, err error) {
	zero := math.ZeroInt()
	if !fraction.IsPositive() {
		return zero, zero, zero, nil
	}
	slashed, err = k.subnetKeeper.SlashHotkeyStake(ctx, hotkey, netuid, fraction, types.ModuleName)
	if err != nil {
		return zero, zero, zero, err
	}
	reward = zero
	if reporter != nil && rewardShare.IsPositive() {
		reward = math.LegacyNewDecFromInt(slashed).Mul(rewardShare).TruncateInt()
	}
	burned = slashed.Sub(reward)
	denom := k.subnetKeeper.Denom()
	if reward.IsPositive() {
		if err := k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, reporter, sdk.NewCoins(sdk.NewCoin(denom, reward))); err != nil {
			return zero, zero, zero, err
		}
	}
	if burned.IsPositive() {
		if err := k.bankKeeper.BurnCoins(ctx, types.ModuleName, sdk.NewCoins(sdk.NewCoin(denom, burned))); err != nil {
			return zero, zero, zero, err
		}
	}
	return slashed, reward, burned, nil
}

// jailHotkey keeps hotkey without a validator permit on netuid for epochs epochs (extending a
// shorter running jail) and takes away the permit it holds now. Zero epochs jail nothing.
func (k Keeper) jailHotkey(ctx context.Context, netuid uint16, hotkey sdk.AccAddress, epochs, offenceID uint64) error {
	if epochs == 0 {
		return nil
	}
	key := collections.Join(netuid, hotkey)
	j, err := k.Jails.Get(ctx, key)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		j = types.Jail{Netuid: uint32(netuid), Hotkey: hotkey.String()}
	case err != nil:
		return err
	}
	j.RemainingEpochs = max(j.RemainingEpochs, epochs)
	j.OffenceId = offenceID
	j.SinceHeight = sdk.UnwrapSDKContext(ctx).BlockHeight()
	if err := k.Jails.Set(ctx, key, j); err != nil {
		return err
	}
	n, err := k.subnetKeeper.GetNeuronByHotkey(ctx, netuid, hotkey)
	switch {
	case errors.Is(err, subnettypes.ErrNeuronNotFound):
	case err != nil:
		return err
	case n.ValidatorPermit:
		if err := k.subnetKeeper.RevokeValidatorPermit(ctx, uint16(n.Netuid), uint16(n.Uid)); err != nil {
			return err
		}
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventJailed{
		Netuid: uint32(netuid), Hotkey: hotkey.String(), Epochs: j.RemainingEpochs, OffenceId: offenceID,
	}); err != nil {
		return err
	}
	logger(ctx).Info("hotkey jailed: no validator permit", "hotkey", j.Hotkey, "netuid", netuid,
		"offence_id", offenceID, "jailed_for_epochs", j.RemainingEpochs, "since_height", j.SinceHeight)
	return nil
}

// IsJailed reports whether hotkey is kept without a validator permit on netuid.
func (k Keeper) IsJailed(ctx context.Context, netuid uint16, hotkey sdk.AccAddress) (bool, error) {
	return k.Jails.Has(ctx, collections.Join(netuid, hotkey))
}

// GetPoIParams returns the intelligence slashing params.
func (k Keeper) GetPoIParams(ctx context.Context) (types.Params, error) {
	return k.PoIParams.Get(ctx)
}
