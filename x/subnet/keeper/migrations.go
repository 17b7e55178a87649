package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// Migrator runs the x/subnet store migrations registered with the module configurator.
type Migrator struct {
	keeper Keeper
}

// NewMigrator returns a Migrator over k.
func NewMigrator(k Keeper) Migrator {
	return Migrator{keeper: k}
}

// Migrate1to2 moves the chain to Yuma 3: every existing subnet's
// yuma_version, and the default_hyperparams new subnets start from, become 3, and
// max_hyperparams.yuma_version is raised to 3 if it was lower, so the migrated subnets stay within
// the governance bounds. No other field changes; in particular hyperparams_updated_at is kept, so
// the migration does not use up an owner's hyperparameter rate limit. Running it twice changes
// nothing.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	changed, err := m.keeper.moveToYuma3(ctx)
	if err != nil {
		return err
	}
	ctx.Logger().Info("x/subnet migration 1 to 2: subnets moved to Yuma 3",
		"module", "x/"+types.ModuleName, "subnets", changed)
	return nil
}

// yuma3 is the yuma_version Migrate1to2 writes. It is spelled out rather than taken from
// types.MaxYumaVersion so that the migration keeps its meaning if a later version is added.
const yuma3 = 3

// moveToYuma3 does the work of Migrate1to2 and returns how many subnets it changed. It only sets
// yuma_version fields to 3, which every bound allows once max_hyperparams does, so it does not
// re-validate whole parameter sets: a check that was tightened after a subnet was created must not
// halt the chain at the upgrade height.
func (k Keeper) moveToYuma3(ctx sdk.Context) (int, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	if p.DefaultHyperparams.YumaVersion != yuma3 || p.MaxHyperparams.YumaVersion < yuma3 {
		p.DefaultHyperparams.YumaVersion = yuma3
		p.MaxHyperparams.YumaVersion = max(p.MaxHyperparams.YumaVersion, yuma3)
		if err := k.Params.Set(ctx, p); err != nil {
			return 0, err
		}
	}

	// Read every subnet in netuid order before writing: writing under an open iterator is not
	// safe on every store.
	var stale []types.Subnet
	if err := k.IterateSubnets(ctx, func(s types.Subnet) bool {
		if s.Hyperparams.YumaVersion != yuma3 {
			stale = append(stale, s)
		}
		return false
	}); err != nil {
		return 0, err
	}
	for _, s := range stale {
		s.Hyperparams.YumaVersion = yuma3
		if err := k.Subnets.Set(ctx, uint16(s.Netuid), s); err != nil {
			return 0, err
		}
	}
	return len(stale), nil
}
