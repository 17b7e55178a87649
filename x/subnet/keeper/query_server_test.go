package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/taochain/taochain/x/subnet/types"
)

func TestQueries(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	f.addStake(t, addr("d"), e.a.addr(), e.n1, 4*tao)
	f.addStake(t, addr("d"), e.b.addr(), e.n2, 1*tao)
	f.registerNeuron(t, addr("owner-cold"), e.n1, newHotkey("second"))
	require.NoError(t, f.k.ServeAxon(f.ctx, e.a.addr(), e.n1, types.AxonInfo{Host: "10.1.1.1", Port: 9, Protocol: types.AXON_PROTOCOL_HTTPS, Version: 2}))
	f.writeEpochResult(t, e.n1, 0, types.EpochResult{Rank: 1, Trust: 2, Consensus: 3, Incentive: 4, Dividends: 5, ValidatorTrust: 6, Emission: math.NewInt(7), Active: true, ValidatorPermit: true})

	p, err := f.q.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), p.Params)

	subs, err := f.q.Subnets(f.ctx, &types.QuerySubnetsRequest{Pagination: &query.PageRequest{Limit: 1, CountTotal: true}})
	require.NoError(t, err)
	require.Len(t, subs.Subnets, 1)
	require.Equal(t, uint64(2), subs.Pagination.Total)
	require.Equal(t, uint32(2), subs.Subnets[0].Neurons)
	requireInt(t, math.NewInt(4*tao), subs.Subnets[0].TotalStake)

	_, err = f.q.Subnet(f.ctx, &types.QuerySubnetRequest{Netuid: 50})
	require.Equal(t, codes.NotFound, status.Code(err))
	_, err = f.q.Subnet(f.ctx, &types.QuerySubnetRequest{Netuid: 0})
	require.Equal(t, codes.InvalidArgument, status.Code(err))

	hp, err := f.q.Hyperparameters(f.ctx, &types.QueryHyperparametersRequest{Netuid: uint32(e.n1)})
	require.NoError(t, err)
	require.Equal(t, types.DefaultHyperparameters(), hp.Hyperparams)

	price, err := f.q.RegistrationPrice(f.ctx, &types.QueryRegistrationPriceRequest{Netuid: uint32(e.n1)})
	require.NoError(t, err)
	want, err := f.k.RegistrationPrice(f.ctx, e.n1)
	require.NoError(t, err)
	requireInt(t, want, price.Price)

	nr, err := f.q.Neuron(f.ctx, &types.QueryNeuronRequest{Netuid: uint32(e.n1), Uid: 1})
	require.NoError(t, err)
	require.Equal(t, newHotkey("second").addr().String(), nr.Neuron.Hotkey)
	_, err = f.q.Neuron(f.ctx, &types.QueryNeuronRequest{Netuid: uint32(e.n1), Uid: 9})
	require.Equal(t, codes.NotFound, status.Code(err))
	byHk, err := f.q.NeuronByHotkey(f.ctx, &types.QueryNeuronByHotkeyRequest{Netuid: uint32(e.n1), Hotkey: e.a.addr().String()})
	require.NoError(t, err)
	require.Equal(t, uint32(0), byHk.Neuron.Uid)
	_, err = f.q.NeuronByHotkey(f.ctx, &types.QueryNeuronByHotkeyRequest{Netuid: uint32(e.n1), Hotkey: "bad"})
	require.Equal(t, codes.InvalidArgument, status.Code(err))

	page1, err := f.q.Neurons(f.ctx, &types.QueryNeuronsRequest{Netuid: uint32(e.n1), Pagination: &query.PageRequest{Limit: 1}})
	require.NoError(t, err)
	require.Len(t, page1.Neurons, 1)
	page2, err := f.q.Neurons(f.ctx, &types.QueryNeuronsRequest{Netuid: uint32(e.n1), Pagination: &query.PageRequest{Key: page1.Pagination.NextKey}})
	require.NoError(t, err)
	require.Len(t, page2.Neurons, 1)
	require.Equal(t, uint32(1), page2.Neurons[0].Uid)

	mg, err := f.q.Metagraph(f.ctx, &types.QueryMetagraphRequest{Netuid: uint32(e.n1)})
	require.NoError(t, err)
	require.Len(t, mg.Neurons, 2)
	m0 := mg.Neurons[0]
	requireInt(t, math.NewInt(4*tao), m0.Stake)
	require.Equal(t, []uint32{1, 2, 3, 4, 5, 6}, []uint32{m0.Rank, m0.Trust, m0.Consensus, m0.Incentive, m0.Dividends, m0.ValidatorTrust})
	requireInt(t, math.NewInt(7), m0.Emission)
	require.True(t, m0.Active)
	require.True(t, m0.ValidatorPermit)
	require.False(t, mg.Neurons[1].ValidatorPermit, "no stake, no permit")
	require.Equal(t, "10.1.1.1", m0.Axon.Host)
	require.Equal(t, addr("owner-cold").String(), m0.Coldkey)

	hk, err := f.q.Hotkey(f.ctx, &types.QueryHotkeyRequest{Hotkey: e.a.addr().String()})
	require.NoError(t, err)
	require.Equal(t, addr("owner-cold").String(), hk.Hotkey.Coldkey)

	byCold, err := f.q.StakeByColdkey(f.ctx, &types.QueryStakeByColdkeyRequest{Coldkey: addr("d").String()})
	require.NoError(t, err)
	require.Len(t, byCold.Stakes, 2)
	sum := math.ZeroInt()
	for _, s := range byCold.Stakes {
		sum = sum.Add(s.Amount)
	}
	requireInt(t, math.NewInt(5*tao), sum)

	byHot, err := f.q.StakeByHotkey(f.ctx, &types.QueryStakeByHotkeyRequest{Hotkey: e.a.addr().String()})
	require.NoError(t, err)
	require.Len(t, byHot.Stakes, 1)
	require.Len(t, byHot.Pools, 1)
	requireInt(t, math.NewInt(4*tao), byHot.Pools[0].TotalStake)

	lc, err := f.q.LockCost(f.ctx, &types.QueryLockCostRequest{})
	require.NoError(t, err)
	want, err = f.k.CurrentLockCost(f.ctx)
	require.NoError(t, err)
	requireInt(t, want, lc.LockCost)
}
