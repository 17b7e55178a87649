package keeper_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/keeper"
	"github.com/taochain/taochain/x/subnet/types"
)

// metagraphPerNeuron is Query/Metagraph as it was before it merged the stake pools into one range
// walk: every neuron's hotkey decoded from bech32 and its pool read on its own.
func metagraphPerNeuron(ctx context.Context, k keeper.Keeper, netuid uint16) ([]types.MetagraphEntry, error) {
	var out []types.MetagraphEntry
	var walkErr error
	err := k.IterateNeurons(ctx, netuid, func(n types.Neuron) bool {
		hk, err := sdk.AccAddressFromBech32(n.Hotkey)
		if err != nil {
			walkErr = err
			return true
		}
		stake, err := k.HotkeyStake(ctx, hk, netuid)
		if err != nil {
			walkErr = err
			return true
		}
		out = append(out, types.MetagraphEntry{
			Uid: n.Uid, Hotkey: n.Hotkey, Coldkey: n.Coldkey, Stake: stake,
			Rank: n.Rank, Trust: n.Trust, Consensus: n.Consensus, Incentive: n.Incentive, Dividends: n.Dividends,
			Emission: n.Emission, ValidatorTrust: n.ValidatorTrust, Active: n.Active, ValidatorPermit: n.ValidatorPermit,
			LastUpdate: n.LastUpdate, RegisteredAt: n.RegisteredAt, Axon: n.Axon, Pubkey: n.Pubkey,
		})
		return false
	})
	if err == nil {
		err = walkErr
	}
	return out, err
}

// TestMetagraphEqualsPerNeuronReads requires Query/Metagraph to answer field by field what the
// per-neuron reads answer, on a subnet whose neurons all differ (stake, axon, epoch results, last
// update), with a neuron whose pool is gone, pools of hotkeys that are not neurons (before, between
// and after the registered ones), and a second subnet beside it.
func TestMetagraphEqualsPerNeuronReads(t *testing.T) {
	f, netuid := metagraphSubnet(t, 40)
	for uid := uint16(0); uid < 40; uid += 3 {
		require.NoError(t, f.k.SetNeuronLastUpdate(f.ctx, netuid, uid, int64(100+uid)))
	}
	n5, err := f.k.GetNeuron(f.ctx, netuid, 5)
	require.NoError(t, err)
	require.NoError(t, f.k.Pools.Remove(f.ctx, collections.Join(netuid, sdk.MustAccAddressFromBech32(n5.Hotkey))))
	for _, hk := range []sdk.AccAddress{make(sdk.AccAddress, 20), append(make(sdk.AccAddress, 19), 0x80), {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}} {
		p := types.NewStakePool(hk.String(), netuid)
		p.TotalStake, p.TotalShares = math.NewInt(77), math.NewInt(77)
		require.NoError(t, f.k.Pools.Set(f.ctx, collections.Join(netuid, hk), p))
		require.NoError(t, f.k.Pools.Set(f.ctx, collections.Join(netuid+1, hk), p))
	}

	want, err := metagraphPerNeuron(f.ctx, f.k, netuid)
	require.NoError(t, err)
	require.Len(t, want, 40)
	got, err := f.q.Metagraph(f.ctx, &types.QueryMetagraphRequest{Netuid: uint32(netuid)})
	require.NoError(t, err)
	require.Equal(t, uint32(netuid), got.Netuid)
	require.Equal(t, f.ctx.BlockHeight(), got.Block)
	s, err := f.k.GetSubnet(f.ctx, netuid)
	require.NoError(t, err)
	require.Equal(t, s.Hyperparams, got.Hyperparams)
	require.Len(t, got.Neurons, len(want))
	for i := range want {
		w, g := want[i], got.Neurons[i]
		requireInt(t, w.Stake, g.Stake, "stake of uid %d", w.Uid)
		w.Stake, g.Stake = math.Int{}, math.Int{}
		require.Equal(t, w, g, "uid %d", w.Uid)
	}
	requireInt(t, math.ZeroInt(), got.Neurons[5].Stake, "a neuron without a pool has no stake")
	require.True(t, got.Neurons[39].Stake.GT(math.ZeroInt()))
}

// TestMetagraphWithoutNeurons: a subnet without neurons answers no entries, as it always has.
func TestMetagraphWithoutNeurons(t *testing.T) {
	f, netuid := metagraphSubnet(t, 0)
	got, err := f.q.Metagraph(f.ctx, &types.QueryMetagraphRequest{Netuid: uint32(netuid)})
	require.NoError(t, err)
	require.Nil(t, got.Neurons)
}

// TestMetagraphReportsABrokenHotkeyIndex: the hotkey index is written with every neuron, so a
// neuron it does not reach, or an entry naming a uid that holds no neuron, is broken state;
// the query says so (Internal) instead of answering a stake it did not read.
func TestMetagraphReportsABrokenHotkeyIndex(t *testing.T) {
	f, netuid := metagraphSubnet(t, 4)
	n2, err := f.k.GetNeuron(f.ctx, netuid, 2)
	require.NoError(t, err)
	key := collections.Join(netuid, sdk.MustAccAddressFromBech32(n2.Hotkey))
	require.NoError(t, f.k.NeuronUIDs.Remove(f.ctx, key))
	_, err = f.q.Metagraph(f.ctx, &types.QueryMetagraphRequest{Netuid: uint32(netuid)})
	require.Equal(t, codes.Internal, status.Code(err), "%v", err)
	require.ErrorContains(t, err, "neuron 2 of subnet")

	require.NoError(t, f.k.NeuronUIDs.Set(f.ctx, key, 9)) // uid 9 holds no neuron
	_, err = f.q.Metagraph(f.ctx, &types.QueryMetagraphRequest{Netuid: uint32(netuid)})
	require.Equal(t, codes.Internal, status.Code(err), "%v", err)
	require.ErrorContains(t, err, "names uid 9, which holds no neuron")
}
