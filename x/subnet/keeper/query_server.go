package keeper

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/internal/queryutil"
	"github.com/taochain/taochain/x/subnet/types"
)

type queryServer struct{ k Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/subnet Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

func queryNetuid(n uint32) (uint16, error) {
	if n == uint32(types.ReservedNetuid) || n > uint32(types.MaxNetuid) {
		return 0, status.Errorf(codes.InvalidArgument, "netuid %d: netuids are 1..%d", n, types.MaxNetuid)
	}
	return uint16(n), nil
}

// readSubnet answers a request that names a subnet with read(netuid), once the request and its
// netuid are checked (queryNetuid); read's error is mapped by grpcErr.
func readSubnet[V, T any, R queryutil.NetuidRequest[T]](ctx context.Context, req R, read func(context.Context, uint16) (V, error)) (V, error) {
	var zero V
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return zero, err
	}
	v, err := read(ctx, netuid)
	if err != nil {
		return zero, grpcErr(err)
	}
	return v, nil
}

// grpcErr maps registered not-found errors to codes.NotFound and the rest to codes.Internal.
func grpcErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, types.ErrSubnetNotFound), errors.Is(err, types.ErrNeuronNotFound), errors.Is(err, types.ErrHotkeyNotFound):
		return status.Error(codes.NotFound, err.Error())
	default:
		return status.Error(codes.Internal, err.Error())
	}
}

func (q queryServer) subnetInfo(ctx context.Context, s types.Subnet) (types.SubnetInfo, error) {
	netuid := uint16(s.Netuid)
	stake, err := q.k.SubnetTotalStake(ctx, netuid)
	if err != nil {
		return types.SubnetInfo{}, err
	}
	var count uint32
	err = q.k.IterateNeurons(ctx, netuid, func(types.Neuron) bool { count++; return false })
	return types.SubnetInfo{Subnet: s, TotalStake: stake, Neurons: count}, err
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// LockCost implements types.QueryServer.
func (q queryServer) LockCost(ctx context.Context, _ *types.QueryLockCostRequest) (*types.QueryLockCostResponse, error) {
	c, err := q.k.CurrentLockCost(ctx)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryLockCostResponse{LockCost: c}, nil
}

// Subnets implements types.QueryServer.
func (q queryServer) Subnets(ctx context.Context, req *types.QuerySubnetsRequest) (*types.QuerySubnetsResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	infos, page, err := queryutil.Paginate(ctx, q.k.Subnets, req.Pagination, func(_ uint16, s types.Subnet) (types.SubnetInfo, error) {
		return q.subnetInfo(ctx, s)
	})
	if err != nil {
		return nil, err
	}
	return &types.QuerySubnetsResponse{Subnets: infos, Pagination: page}, nil
}

// Subnet implements types.QueryServer.
func (q queryServer) Subnet(ctx context.Context, req *types.QuerySubnetRequest) (*types.QuerySubnetResponse, error) {
	s, err := readSubnet(ctx, req, q.k.GetSubnet)
	if err != nil {
		return nil, err
	}
	info, err := q.subnetInfo(ctx, s)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QuerySubnetResponse{Subnet: info}, nil
}

// Hyperparameters implements types.QueryServer.
func (q queryServer) Hyperparameters(ctx context.Context, req *types.QueryHyperparametersRequest) (*types.QueryHyperparametersResponse, error) {
	hp, err := readSubnet(ctx, req, q.k.GetHyperparams)
	if err != nil {
		return nil, err
	}
	return &types.QueryHyperparametersResponse{Hyperparams: hp}, nil
}

// RegistrationPrice implements types.QueryServer.
func (q queryServer) RegistrationPrice(ctx context.Context, req *types.QueryRegistrationPriceRequest) (*types.QueryRegistrationPriceResponse, error) {
	p, err := readSubnet(ctx, req, q.k.RegistrationPrice)
	if err != nil {
		return nil, err
	}
	return &types.QueryRegistrationPriceResponse{Price: p}, nil
}

// Neuron implements types.QueryServer.
func (q queryServer) Neuron(ctx context.Context, req *types.QueryNeuronRequest) (*types.QueryNeuronResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return nil, err
	}
	if req.Uid > uint32(types.MaxUIDsLimit) {
		return nil, status.Errorf(codes.InvalidArgument, "uid %d above %d", req.Uid, types.MaxUIDsLimit)
	}
	n, err := q.k.GetNeuron(ctx, netuid, uint16(req.Uid))
	if err == nil {
		n, err = q.k.withLastUpdate(ctx, n)
	}
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryNeuronResponse{Neuron: n}, nil
}

// NeuronByHotkey implements types.QueryServer.
func (q queryServer) NeuronByHotkey(ctx context.Context, req *types.QueryNeuronByHotkeyRequest) (*types.QueryNeuronByHotkeyResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return nil, err
	}
	hotkey, err := queryutil.Address("hotkey", req.Hotkey)
	if err != nil {
		return nil, err
	}
	n, err := q.k.GetNeuronByHotkey(ctx, netuid, hotkey)
	if err == nil {
		n, err = q.k.withLastUpdate(ctx, n)
	}
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryNeuronByHotkeyResponse{Neuron: n}, nil
}

// Neurons implements types.QueryServer.
func (q queryServer) Neurons(ctx context.Context, req *types.QueryNeuronsRequest) (*types.QueryNeuronsResponse, error) {
	netuid, err := queryutil.RequestNetuid(req, queryNetuid)
	if err != nil {
		return nil, err
	}
	if _, err := q.k.GetSubnet(ctx, netuid); err != nil {
		return nil, grpcErr(err)
	}
	neurons, page, err := queryutil.Paginate(ctx, q.k.Neurons, req.Pagination,
		func(_ collections.Pair[uint16, uint16], n types.Neuron) (types.Neuron, error) {
			return q.k.withLastUpdate(ctx, n)
		},
		query.WithCollectionPaginationPairPrefix[uint16, uint16](netuid))
	if err != nil {
		return nil, err
	}
	return &types.QueryNeuronsResponse{Neurons: neurons, Pagination: page}, nil
}

// Metagraph implements types.QueryServer. It reads the subnet's neurons in one range walk, then
// their stakes by walking the hotkey index and the stake pools of the subnet side by side (both
// are keyed by (netuid, hotkey), so in the same order): no bech32 decoding and no point read per
// neuron, which were over half of its CPU time at 4,096 uids (issue 18).
func (q queryServer) Metagraph(ctx context.Context, req *types.QueryMetagraphRequest) (*types.QueryMetagraphResponse, error) {
	s, err := readSubnet(ctx, req, q.k.GetSubnet)
	if err != nil {
		return nil, err
	}
	netuid := uint16(s.Netuid)
	resp := &types.QueryMetagraphResponse{Netuid: uint32(netuid), Block: height(ctx), Hyperparams: s.Hyperparams}
	// A subnet never holds more than max_uids neurons (MsgUpdateHyperparams keeps it so).
	resp.Neurons = make([]types.MetagraphEntry, 0, min(s.Hyperparams.MaxUids, types.MaxUIDsLimit))
	err = q.k.IterateNeurons(ctx, netuid, func(n types.Neuron) bool {
		resp.Neurons = append(resp.Neurons, types.MetagraphEntry{
			Uid: n.Uid, Hotkey: n.Hotkey, Coldkey: n.Coldkey,
			Rank: n.Rank, Trust: n.Trust, Consensus: n.Consensus, Incentive: n.Incentive, Dividends: n.Dividends,
			Emission: n.Emission, ValidatorTrust: n.ValidatorTrust, Active: n.Active, ValidatorPermit: n.ValidatorPermit,
			LastUpdate: n.LastUpdate, RegisteredAt: n.RegisteredAt, Axon: n.Axon, Pubkey: n.Pubkey,
		})
		return false
	})
	if len(resp.Neurons) == 0 {
		resp.Neurons = nil // as the answer has always been for a subnet without neurons
	}
	if err == nil {
		err = q.metagraphStakes(ctx, netuid, resp.Neurons)
	}
	if err != nil {
		return nil, grpcErr(err)
	}
	return resp, nil
}

// metagraphIndex finds uid in entries (ascending uid): at entries[uid] when the uids below it are
// all taken, as they usually are, else by binary search.
func metagraphIndex(entries []types.MetagraphEntry, uid uint32) (int, bool) {
	if uid < uint32(len(entries)) && entries[uid].Uid == uid {
		return int(uid), true
	}
	i := sort.Search(len(entries), func(i int) bool { return entries[i].Uid >= uid })
	return i, i < len(entries) && entries[i].Uid == uid
}

// metagraphStakes sets the stake of each entry (ascending uid, as IterateNeurons gives them): the
// total stake of its hotkey's pool on netuid, zero without a pool. Every write of a neuron keeps
// the hotkey index with it, so an index entry without its neuron, or a neuron the index does not
// reach, is a broken state: it is reported, not patched over with other reads.
func (q queryServer) metagraphStakes(ctx context.Context, netuid uint16, entries []types.MetagraphEntry) error {
	err := q.k.WalkNeuronStakes(ctx, netuid, func(uid uint16, _ sdk.AccAddress, stake math.Int) error {
		i, found := metagraphIndex(entries, uint32(uid))
		if !found {
			return fmt.Errorf("hotkey index of subnet %d names uid %d, which holds no neuron", netuid, uid)
		}
		entries[i].Stake = stake
		return nil
	})
	if err != nil {
		return err
	}
	for i := range entries {
		if entries[i].Stake.IsNil() {
			return fmt.Errorf("neuron %d of subnet %d is missing from the hotkey index", entries[i].Uid, netuid)
		}
	}
	return nil
}

// Hotkey implements types.QueryServer.
func (q queryServer) Hotkey(ctx context.Context, req *types.QueryHotkeyRequest) (*types.QueryHotkeyResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	hotkey, err := queryutil.Address("hotkey", req.Hotkey)
	if err != nil {
		return nil, err
	}
	info, err := q.k.GetHotkeyInfo(ctx, hotkey)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryHotkeyResponse{Hotkey: info}, nil
}

func (q queryServer) stakeOf(ctx context.Context, coldkey, hotkey sdk.AccAddress, netuid uint16, shares math.Int) (types.Stake, error) {
	pool, err := q.k.GetPool(ctx, hotkey, netuid)
	if err != nil {
		return types.Stake{}, err
	}
	return types.Stake{
		Coldkey: coldkey.String(), Hotkey: hotkey.String(), Netuid: uint32(netuid),
		Shares: shares, Amount: types.ValueOfShares(pool, shares),
	}, nil
}

// StakeByColdkey implements types.QueryServer.
func (q queryServer) StakeByColdkey(ctx context.Context, req *types.QueryStakeByColdkeyRequest) (*types.QueryStakeByColdkeyResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	coldkey, err := queryutil.Address("coldkey", req.Coldkey)
	if err != nil {
		return nil, err
	}
	stakes, page, err := queryutil.Paginate(ctx, q.k.Shares, req.Pagination,
		func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint16], shares math.Int) (types.Stake, error) {
			return q.stakeOf(ctx, key.K1(), key.K2(), key.K3(), shares)
		},
		func(o *query.CollectionsPaginateOptions[collections.Triple[sdk.AccAddress, sdk.AccAddress, uint16]]) {
			p := collections.TriplePrefix[sdk.AccAddress, sdk.AccAddress, uint16](coldkey)
			o.Prefix = &p
		})
	if err != nil {
		return nil, err
	}
	return &types.QueryStakeByColdkeyResponse{Stakes: stakes, Pagination: page}, nil
}

// StakeByHotkey implements types.QueryServer.
func (q queryServer) StakeByHotkey(ctx context.Context, req *types.QueryStakeByHotkeyRequest) (*types.QueryStakeByHotkeyResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	hotkey, err := queryutil.Address("hotkey", req.Hotkey)
	if err != nil {
		return nil, err
	}
	stakes, page, err := queryutil.Paginate(ctx, q.k.Delegators, req.Pagination,
		func(key collections.Triple[sdk.AccAddress, uint16, sdk.AccAddress], _ collections.NoValue) (types.Stake, error) {
			shares, err := q.k.GetShares(ctx, key.K3(), key.K1(), key.K2())
			if err != nil {
				return types.Stake{}, err
			}
			return q.stakeOf(ctx, key.K3(), key.K1(), key.K2(), shares)
		},
		func(o *query.CollectionsPaginateOptions[collections.Triple[sdk.AccAddress, uint16, sdk.AccAddress]]) {
			p := collections.TriplePrefix[sdk.AccAddress, uint16, sdk.AccAddress](hotkey)
			o.Prefix = &p
		})
	if err != nil {
		return nil, err
	}
	// Pools are keyed by netuid first, so look the hotkey up in every netuid that can hold a pool.
	var pools []types.StakePool
	netuids, err := q.netuidsWithPools(ctx)
	if err != nil {
		return nil, grpcErr(err)
	}
	for _, n := range netuids {
		p, err := q.k.Pools.Get(ctx, collections.Join(n, hotkey))
		if errors.Is(err, collections.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, grpcErr(err)
		}
		pools = append(pools, p)
	}
	return &types.QueryStakeByHotkeyResponse{Pools: pools, Stakes: stakes, Pagination: page}, nil
}

// netuidsWithPools lists the active netuids, then the dissolving ones, each ascending.
func (q queryServer) netuidsWithPools(ctx context.Context) ([]uint16, error) {
	var out []uint16
	if err := q.k.Subnets.Walk(ctx, nil, func(n uint16, _ types.Subnet) (bool, error) {
		out = append(out, n)
		return false, nil
	}); err != nil {
		return nil, err
	}
	err := q.k.Dissolving.Walk(ctx, nil, func(n uint16) (bool, error) {
		out = append(out, n)
		return false, nil
	})
	return out, err
}

// Unbonding implements types.QueryServer.
func (q queryServer) Unbonding(ctx context.Context, req *types.QueryUnbondingRequest) (*types.QueryUnbondingResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	coldkey, err := queryutil.Address("coldkey", req.Coldkey)
	if err != nil {
		return nil, err
	}
	entries, page, err := queryutil.Paginate(ctx, q.k.UnbondingByColdkey, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.UnbondingEntry, error) {
			return q.k.Unbondings.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](coldkey))
	if err != nil {
		return nil, err
	}
	return &types.QueryUnbondingResponse{Entries: entries, Pagination: page}, nil
}

// Wallet bounds: each list holds at most walletMaxLimit entries, and the owned-hotkey search reads
// at most walletHotkeyScan hotkey records (hotkeys are keyed by address, not by owner).
const (
	walletDefaultLimit = 100
	walletMaxLimit     = 1000
	walletHotkeyScan   = 10_000
)

// Wallet implements types.QueryServer.
func (q queryServer) Wallet(ctx context.Context, req *types.QueryWalletRequest) (*types.QueryWalletResponse, error) {
	if err := queryutil.CheckRequest(req); err != nil {
		return nil, err
	}
	coldkey, err := queryutil.Address("coldkey", req.Coldkey)
	if err != nil {
		return nil, err
	}
	limit := int(req.Limit)
	switch {
	case limit == 0:
		limit = walletDefaultLimit
	case limit > walletMaxLimit:
		return nil, status.Errorf(codes.InvalidArgument, "limit %d above %d", limit, walletMaxLimit)
	}
	res := &types.QueryWalletResponse{
		Coldkey:        coldkey.String(),
		Balance:        q.k.bankKeeper.GetBalance(ctx, coldkey, q.k.Denom()),
		Spendable:      q.k.bankKeeper.SpendableCoins(ctx, coldkey),
		TotalStake:     math.ZeroInt(),
		TotalUnbonding: math.ZeroInt(),
		Stakes:         []types.Stake{},
		Unbonding:      []types.UnbondingEntry{},
		OwnedHotkeys:   []types.HotkeyInfo{},
	}

	stakeRange := collections.NewPrefixedTripleRange[sdk.AccAddress, sdk.AccAddress, uint16](coldkey)
	err = q.k.Shares.Walk(ctx, stakeRange, func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint16], shares math.Int) (bool, error) {
		if len(res.Stakes) == limit {
			res.StakesTruncated = true
			return true, nil
		}
		s, err := q.stakeOf(ctx, key.K1(), key.K2(), key.K3(), shares)
		if err != nil {
			return true, err
		}
		res.Stakes = append(res.Stakes, s)
		res.TotalStake = res.TotalStake.Add(s.Amount)
		return false, nil
	})
	if err != nil {
		return nil, grpcErr(err)
	}

	unbondRange := collections.NewPrefixedPairRange[sdk.AccAddress, uint64](coldkey)
	err = q.k.UnbondingByColdkey.Walk(ctx, unbondRange, func(key collections.Pair[sdk.AccAddress, uint64]) (bool, error) {
		if len(res.Unbonding) == limit {
			res.UnbondingTruncated = true
			return true, nil
		}
		e, err := q.k.Unbondings.Get(ctx, key.K2())
		if err != nil {
			return true, err
		}
		res.Unbonding = append(res.Unbonding, e)
		res.TotalUnbonding = res.TotalUnbonding.Add(e.Amount)
		return false, nil
	})
	if err != nil {
		return nil, grpcErr(err)
	}

	owner := coldkey.String()
	scanned := 0
	err = q.k.Hotkeys.Walk(ctx, nil, func(_ sdk.AccAddress, info types.HotkeyInfo) (bool, error) {
		if scanned == walletHotkeyScan {
			res.OwnedHotkeysTruncated = true
			return true, nil
		}
		scanned++
		if info.Coldkey != owner {
			return false, nil
		}
		if len(res.OwnedHotkeys) == limit {
			res.OwnedHotkeysTruncated = true
			return true, nil
		}
		res.OwnedHotkeys = append(res.OwnedHotkeys, info)
		return false, nil
	})
	if err != nil {
		return nil, grpcErr(err)
	}
	return res, nil
}
