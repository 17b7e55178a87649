package ibcapp

import (
	"context"
	"errors"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// SubnetKeeper is the read access to x/subnet the application needs; subnetkeeper.Keeper (a value)
// satisfies it.
type SubnetKeeper interface {
	// GetSubnet returns the subnet netuid or an error wrapping subnettypes.ErrSubnetNotFound.
	GetSubnet(ctx context.Context, netuid uint16) (subnettypes.Subnet, error)
	// IterateNeurons calls cb for each neuron of netuid in ascending uid until cb returns true.
	IterateNeurons(ctx context.Context, netuid uint16, cb func(n subnettypes.Neuron) (stop bool)) error
}

// ranker keeps the best k neurons seen so far, ordered by incentive descending then uid ascending.
// That order is total (uids are unique on a subnet), so the result does not depend on the order in
// which neurons are added. Memory and work per neuron are bounded by k <= MaxTopK.
type ranker struct {
	k    int
	best []subnettypes.Neuron
}

// before reports whether a ranks ahead of b.
func before(a, b subnettypes.Neuron) bool {
	if a.Incentive != b.Incentive {
		return a.Incentive > b.Incentive
	}
	return a.Uid < b.Uid
}

func (r *ranker) add(n subnettypes.Neuron) {
	if r.k <= 0 {
		return
	}
	if len(r.best) == r.k && !before(n, r.best[len(r.best)-1]) {
		return
	}
	i := len(r.best)
	for i > 0 && before(n, r.best[i-1]) {
		i--
	}
	if len(r.best) < r.k {
		r.best = append(r.best, subnettypes.Neuron{})
	}
	copy(r.best[i+1:], r.best[i:len(r.best)-1])
	r.best[i] = n
}

func (r *ranker) miners() []Miner {
	out := make([]Miner, len(r.best))
	for i, n := range r.best {
		out[i] = Miner{UID: n.Uid, Hotkey: n.Hotkey, Axon: AxonString(n.Axon), Incentive: n.Incentive}
	}
	return out
}

// RankMiners returns the top k of neurons by incentive descending, ties by lower uid first.
// Neurons with zero incentive rank after all others but are still returned when fewer than k
// neurons have a positive incentive.
func RankMiners(neurons []subnettypes.Neuron, k uint32) []Miner {
	r := ranker{k: int(min(k, MaxTopK))}
	for _, n := range neurons {
		r.add(n)
	}
	return r.miners()
}

// Answer validates q and ranks the neurons of its subnet as stored in x/subnet. It only reads
// state. Errors are registered errors of this package: ErrInvalidPacket / ErrInvalidK for a bad
// request, ErrUnknownSubnet for a netuid without an active subnet, ErrQueryFailed for a store error.
func Answer(ctx context.Context, k SubnetKeeper, q QueryPacketData) (QueryResult, error) {
	if err := q.ValidateBasic(); err != nil {
		return QueryResult{}, err
	}
	netuid := uint16(q.Netuid)
	if _, err := k.GetSubnet(ctx, netuid); err != nil {
		if errors.Is(err, subnettypes.ErrSubnetNotFound) {
			return QueryResult{}, ErrUnknownSubnet.Wrapf("netuid %d has no active subnet", netuid)
		}
		return QueryResult{}, ErrQueryFailed.Wrapf("reading subnet %d: %s", netuid, err)
	}
	r := ranker{k: int(q.K)}
	if err := k.IterateNeurons(ctx, netuid, func(n subnettypes.Neuron) bool {
		r.add(n)
		return false
	}); err != nil {
		return QueryResult{}, ErrQueryFailed.Wrapf("reading neurons of subnet %d: %s", netuid, err)
	}
	return QueryResult{Netuid: q.Netuid, Miners: r.miners()}, nil
}
