package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/internal/modulekit"
	"github.com/taochain/taochain/x/subnet/types"
)

// Migrator runs the x/subnet store migrations registered with the module configurator.
type Migrator struct {
	keeper Keeper
}

// NewMigrator returns a Migrator over k.
func NewMigrator(k Keeper) Migrator { return Migrator{keeper: k} }

// Migrate1to2 moves the chain to Yuma 3 as new subnets run it: every existing subnet, and the
// default_hyperparams new subnets start from, get yuma_version 3, trust_weighted_consensus on and
// liquid_alpha on (unless governance forbids liquid alpha in max_hyperparams); the defaults also get
// the new reveal_period default when the bounds allow it (existing subnets keep theirs: a pending
// commit's reveal epoch must not move). max_hyperparams is raised to allow version 3 and trust
// weighting, a field that did not exist before. No other field changes; in particular
// hyperparams_updated_at is kept, so the migration does not use up an owner's hyperparameter rate
// limit. Running it twice changes nothing.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	return modulekit.CountedMigration(ctx, types.ModuleName, 1, "subnets moved to Yuma 3", "subnets", m.keeper.moveToYuma3)
}

// yuma3 is the yuma_version Migrate1to2 writes. It is spelled out rather than taken from
// types.MaxYumaVersion so that the migration keeps its meaning if a later version is added.
const yuma3 = 3

// yuma3RevealPeriod is the reveal_period default Migrate1to2 writes, spelled out for the same
// reason.
const yuma3RevealPeriod = 3

// toYuma3 sets the Yuma 3 fields of hp (see Migrate1to2) under the bounds hi and reports whether
// anything changed.
func toYuma3(hp *types.Hyperparameters, hi types.Hyperparameters) bool {
	before := *hp
	hp.YumaVersion = yuma3
	hp.TrustWeightedConsensus = true
	hp.LiquidAlpha = hp.LiquidAlpha || hi.LiquidAlpha
	return hp.YumaVersion != before.YumaVersion || hp.TrustWeightedConsensus != before.TrustWeightedConsensus ||
		hp.LiquidAlpha != before.LiquidAlpha
}

// moveToYuma3 does the work of Migrate1to2 and returns how many subnets it changed. It only sets
// the Yuma 3 fields, which every bound allows once max_hyperparams does, so it does not
// re-validate whole parameter sets: a check that was tightened after a subnet was created must not
// halt the chain at the upgrade height.
func (k Keeper) moveToYuma3(ctx context.Context) (int, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	p.MaxHyperparams.YumaVersion = max(p.MaxHyperparams.YumaVersion, yuma3)
	p.MaxHyperparams.TrustWeightedConsensus = true
	toYuma3(&p.DefaultHyperparams, p.MaxHyperparams)
	if p.MinHyperparams.RevealPeriod <= yuma3RevealPeriod && yuma3RevealPeriod <= p.MaxHyperparams.RevealPeriod {
		p.DefaultHyperparams.RevealPeriod = yuma3RevealPeriod
	}
	if err := k.Params.Set(ctx, p); err != nil {
		return 0, err
	}

	// Read every subnet in netuid order before writing: writing under an open iterator is not
	// safe on every store.
	var stale []types.Subnet
	if err := k.IterateSubnets(ctx, func(s types.Subnet) bool {
		if toYuma3(&s.Hyperparams, p.MaxHyperparams) {
			stale = append(stale, s)
		}
		return false
	}); err != nil {
		return 0, err
	}
	for _, s := range stale {
		if err := k.Subnets.Set(ctx, uint16(s.Netuid), s); err != nil {
			return 0, err
		}
	}
	return len(stale), nil
}

// Migrate2to3 writes the occupied-uid set (UIDs) of every subnet with neurons from the stored
// neurons, so that x/intelligence checks a weight row's targets with one read. Running it twice
// changes nothing.
func (m Migrator) Migrate2to3(ctx sdk.Context) error {
	return modulekit.CountedMigration(ctx, types.ModuleName, 2, "occupied uid sets written", "subnets", m.keeper.writeUIDSets)
}

// writeUIDSets sets UIDs of every netuid to the uids of its stored neurons and returns how many
// sets it wrote. Neurons are read in key order, all before the first write.
func (k Keeper) writeUIDSets(ctx context.Context) (int, error) {
	sets, err := k.uidSetsFromNeurons(ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range sets {
		if err := k.UIDs.Set(ctx, s.netuid, s.uids); err != nil {
			return 0, err
		}
	}
	return len(sets), nil
}

// netuidUIDs is one subnet's set of uids held by neurons.
type netuidUIDs struct {
	netuid uint16
	uids   types.UIDSet
}

// uidSetsFromNeurons walks every stored neuron (in (netuid, uid) order) and returns, in netuid
// order, the set of uids each subnet's neurons hold.
func (k Keeper) uidSetsFromNeurons(ctx context.Context) ([]netuidUIDs, error) {
	var sets []netuidUIDs
	err := k.Neurons.Walk(ctx, nil, func(key collections.Pair[uint16, uint16], _ types.Neuron) (bool, error) {
		if len(sets) == 0 || sets[len(sets)-1].netuid != key.K1() {
			sets = append(sets, netuidUIDs{netuid: key.K1()})
		}
		last := &sets[len(sets)-1]
		last.uids = last.uids.With(key.K2())
		return false, nil
	})
	return sets, err
}

// Migrate3to4 moves every neuron's last_update out of the neuron into LastUpdates, so that a
// weight update writes a 13-byte entry instead of the whole neuron: each neuron with a non-zero
// last_update gets an entry and is rewritten with last_update 0. Running it twice changes nothing.
func (m Migrator) Migrate3to4(ctx sdk.Context) error {
	return modulekit.CountedMigration(ctx, types.ModuleName, 3, "neuron last updates moved apart", "neurons", m.keeper.moveLastUpdates)
}

// moveLastUpdates does the work of Migrate3to4 and returns how many neurons it moved. Neurons are
// read in key order, all before the first write.
func (k Keeper) moveLastUpdates(ctx context.Context) (int, error) {
	var moved []types.Neuron
	err := k.Neurons.Walk(ctx, nil, func(_ collections.Pair[uint16, uint16], n types.Neuron) (bool, error) {
		if n.LastUpdate != 0 {
			moved = append(moved, n)
		}
		return false, nil
	})
	if err != nil {
		return 0, err
	}
	for _, n := range moved {
		key := collections.Join(uint16(n.Netuid), uint16(n.Uid))
		if err := k.LastUpdates.Set(ctx, key, n.LastUpdate); err != nil {
			return 0, err
		}
		n.LastUpdate = 0
		if err := k.Neurons.Set(ctx, key, n); err != nil {
			return 0, err
		}
	}
	return len(moved), nil
}
