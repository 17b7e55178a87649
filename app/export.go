package app

import (
	"encoding/json"
	"errors"
	"fmt"

	storetypes "cosmossdk.io/store/types"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	intelligencekeeper "github.com/taochain/taochain/x/intelligence/keeper"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	poislashingkeeper "github.com/taochain/taochain/x/slashing/keeper"
	poislashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// ExportAppStateAndValidators exports the state of every module and the validator set, for
// `taod export`. With forZeroHeight the state is prepared for a new chain whose first block is 1:
// rewards withdrawn, SDK slashing and staking heights reset, and every absolute height in
// taochain's modules shifted back by the last block height (see shiftHeights).
func (app *App) ExportAppStateAndValidators(forZeroHeight bool, jailAllowedAddrs, modulesToExport []string) (servertypes.ExportedApp, error) {
	ctx := app.NewContextLegacy(true, cmtproto.Header{Height: app.LastBlockHeight()})
	height := app.LastBlockHeight() + 1
	if forZeroHeight {
		height = 0
		if err := app.prepForZeroHeightGenesis(ctx, jailAllowedAddrs); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}
	genState, err := app.ModuleManager.ExportGenesisForModules(ctx, app.appCodec, modulesToExport)
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	if forZeroHeight {
		if err := app.shiftHeights(genState, app.LastBlockHeight()); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}
	appState, err := json.MarshalIndent(genState, "", "  ")
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	validators, err := staking.WriteValidators(ctx, app.StakingKeeper)
	return servertypes.ExportedApp{
		AppState:        appState,
		Validators:      validators,
		Height:          height,
		ConsensusParams: app.GetConsensusParams(ctx),
	}, err
}

// shiftHeights moves every absolute height in taochain's module genesis states back by
// haltHeight, the last block of the exported chain, so that block 1 of the restarted chain stands
// for block haltHeight+1 of the old one: each module shifts its own heights (ShiftHeights in its
// keeper package), and blocks until the next epoch, remaining immunity, unbonding completion and
// rate limits are unchanged. A module left out of the export (modulesToExport) is skipped.
func (app *App) shiftHeights(genState map[string]json.RawMessage, haltHeight int64) error {
	if bz, ok := genState[subnettypes.ModuleName]; ok {
		var gs subnettypes.GenesisState
		if err := app.appCodec.UnmarshalJSON(bz, &gs); err != nil {
			return fmt.Errorf("%s genesis: %w", subnettypes.ModuleName, err)
		}
		subnetkeeper.ShiftHeights(&gs, haltHeight)
		genState[subnettypes.ModuleName] = app.appCodec.MustMarshalJSON(&gs)
	}
	if bz, ok := genState[intelligencetypes.ModuleName]; ok {
		var gs intelligencetypes.GenesisState
		if err := app.appCodec.UnmarshalJSON(bz, &gs); err != nil {
			return fmt.Errorf("%s genesis: %w", intelligencetypes.ModuleName, err)
		}
		intelligencekeeper.ShiftHeights(&gs, haltHeight)
		genState[intelligencetypes.ModuleName] = app.appCodec.MustMarshalJSON(&gs)
	}
	// x/tao stores no heights: its halvings follow total issuance, not the block height.
	if bz, ok := genState[slashingtypes.ModuleName]; ok {
		// app_state.slashing is the SDK slashing genesis with taochain's state in one field.
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(bz, &fields); err != nil {
			return fmt.Errorf("%s genesis: %w", slashingtypes.ModuleName, err)
		}
		if raw, ok := fields[poislashingtypes.GenesisField]; ok {
			var gs poislashingtypes.GenesisState
			if err := app.appCodec.UnmarshalJSON(raw, &gs); err != nil {
				return fmt.Errorf("%s genesis field %q: %w", slashingtypes.ModuleName, poislashingtypes.GenesisField, err)
			}
			poislashingkeeper.ShiftHeights(&gs, haltHeight)
			fields[poislashingtypes.GenesisField] = app.appCodec.MustMarshalJSON(&gs)
			out, err := json.Marshal(fields)
			if err != nil {
				return err
			}
			genState[slashingtypes.ModuleName] = out
		}
	}
	return nil
}

// prepForZeroHeightGenesis settles distribution, resets heights and jails nobody except as staking
// dictates, following the SDK's simapp procedure so the exported genesis starts a consistent chain.
func (app *App) prepForZeroHeightGenesis(ctx sdk.Context, jailAllowedAddrs []string) error {
	allowed := make(map[string]bool, len(jailAllowedAddrs))
	for _, addr := range jailAllowedAddrs {
		if _, err := sdk.ValAddressFromBech32(addr); err != nil {
			return fmt.Errorf("jail-allowed address %q: %w", addr, err)
		}
		allowed[addr] = true
	}

	// Withdraw all validator commission and delegator rewards.
	err := app.StakingKeeper.IterateValidators(ctx, func(_ int64, val stakingtypes.ValidatorI) (stop bool) {
		valBz, err := app.StakingKeeper.ValidatorAddressCodec().StringToBytes(val.GetOperator())
		if err != nil {
			panic(err)
		}
		_, _ = app.DistrKeeper.WithdrawValidatorCommission(ctx, valBz)
		return false
	})
	if err != nil {
		return err
	}
	dels, err := app.StakingKeeper.GetAllDelegations(ctx)
	if err != nil {
		return err
	}
	for _, del := range dels {
		valAddr, err := sdk.ValAddressFromBech32(del.ValidatorAddress)
		if err != nil {
			return err
		}
		delAddr := sdk.MustAccAddressFromBech32(del.DelegatorAddress)
		if _, err := app.DistrKeeper.WithdrawDelegationRewards(ctx, delAddr, valAddr); err != nil {
			return err
		}
	}
	app.DistrKeeper.DeleteAllValidatorSlashEvents(ctx)
	app.DistrKeeper.DeleteAllValidatorHistoricalRewards(ctx)

	// Reinitialise distribution for every validator and delegation at height 0.
	height := ctx.BlockHeight()
	ctx = ctx.WithBlockHeight(0)
	err = app.StakingKeeper.IterateValidators(ctx, func(_ int64, val stakingtypes.ValidatorI) (stop bool) {
		valBz, err := app.StakingKeeper.ValidatorAddressCodec().StringToBytes(val.GetOperator())
		if err != nil {
			panic(err)
		}
		scraps, err := app.DistrKeeper.GetValidatorOutstandingRewardsCoins(ctx, valBz)
		if err != nil {
			panic(err)
		}
		feePool, err := app.DistrKeeper.FeePool.Get(ctx)
		if err != nil {
			panic(err)
		}
		feePool.CommunityPool = feePool.CommunityPool.Add(scraps...)
		if err := app.DistrKeeper.FeePool.Set(ctx, feePool); err != nil {
			panic(err)
		}
		if err := app.DistrKeeper.Hooks().AfterValidatorCreated(ctx, valBz); err != nil {
			panic(err)
		}
		return false
	})
	if err != nil {
		return err
	}
	for _, del := range dels {
		valAddr, err := sdk.ValAddressFromBech32(del.ValidatorAddress)
		if err != nil {
			return err
		}
		delAddr := sdk.MustAccAddressFromBech32(del.DelegatorAddress)
		if err := app.DistrKeeper.Hooks().BeforeDelegationCreated(ctx, delAddr, valAddr); err != nil {
			return err
		}
		if err := app.DistrKeeper.Hooks().AfterDelegationModified(ctx, delAddr, valAddr); err != nil {
			return err
		}
	}
	ctx = ctx.WithBlockHeight(height)

	// Reset redelegation and unbonding creation heights.
	err = app.StakingKeeper.IterateRedelegations(ctx, func(_ int64, red stakingtypes.Redelegation) (stop bool) {
		for i := range red.Entries {
			red.Entries[i].CreationHeight = 0
		}
		if err := app.StakingKeeper.SetRedelegation(ctx, red); err != nil {
			panic(err)
		}
		return false
	})
	if err != nil {
		return err
	}
	// Unbonding entries start at block 1, not 0 as in the SDK's simapp: MsgCancelUnbondingDelegation
	// names an entry by its creation height and refuses heights below 1, so at 0 no unbonding
	// begun before the restart could be cancelled on the new chain.
	err = app.StakingKeeper.IterateUnbondingDelegations(ctx, func(_ int64, ubd stakingtypes.UnbondingDelegation) (stop bool) {
		for i := range ubd.Entries {
			ubd.Entries[i].CreationHeight = 1
		}
		if err := app.StakingKeeper.SetUnbondingDelegation(ctx, ubd); err != nil {
			panic(err)
		}
		return false
	})
	if err != nil {
		return err
	}

	// Validators keep their power; those not allowed are jailed only if already jailed.
	store := ctx.KVStore(app.keys[stakingtypes.StoreKey])
	iter := storetypes.KVStoreReversePrefixIterator(store, stakingtypes.ValidatorsKey)
	for ; iter.Valid(); iter.Next() {
		addr := sdk.ValAddress(stakingtypes.AddressFromValidatorsKey(iter.Key()))
		validator, err := app.StakingKeeper.GetValidator(ctx, addr)
		if err != nil {
			iter.Close()
			return errors.New("expected validator, not found")
		}
		validator.UnbondingHeight = 0
		if len(allowed) > 0 && !allowed[addr.String()] {
			validator.Jailed = true
		}
		if err := app.StakingKeeper.SetValidator(ctx, validator); err != nil {
			iter.Close()
			return err
		}
	}
	if err := iter.Close(); err != nil {
		return err
	}
	if _, err := app.StakingKeeper.ApplyAndReturnValidatorSetUpdates(ctx); err != nil {
		return err
	}

	// Signing infos start counting again from height 0.
	return app.SlashingKeeper.IterateValidatorSigningInfos(ctx,
		func(addr sdk.ConsAddress, info slashingtypes.ValidatorSigningInfo) (stop bool) {
			info.StartHeight = 0
			if err := app.SlashingKeeper.SetValidatorSigningInfo(ctx, addr, info); err != nil {
				panic(err)
			}
			return false
		})
}
