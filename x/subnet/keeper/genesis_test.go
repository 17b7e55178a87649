package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

func TestGenesisRoundTrip(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	f.addStake(t, addr("d1"), e.a.addr(), e.n1, 3*tao)
	f.addStake(t, addr("d2"), e.b.addr(), e.n2, 5*tao)
	_, err := f.k.RemoveStake(f.ctx, addr("d1"), e.a.addr(), e.n1, math.NewInt(tao))
	require.NoError(t, err)
	require.NoError(t, f.k.SetTake(f.ctx, addr("owner-cold"), e.a.addr(), 100))
	require.NoError(t, f.k.ServeAxon(f.ctx, e.a.addr(), e.n1, types.AxonInfo{Host: "10.0.0.1", Port: 1, Protocol: types.AXON_PROTOCOL_HTTP, Version: 1}))
	f.writeEpochResult(t, e.n1, 0, types.EpochResult{Rank: 5, Incentive: 9, Emission: math.NewInt(11), Active: true})
	// A dissolving subnet with stake left, so genesis carries it.
	n3 := f.registerSubnet(t, addr("owner3"))
	h := newHotkey("c")
	f.registerNeuron(t, addr("owner-cold"), n3, h)
	f.addStake(t, addr("d3"), h.addr(), n3, tao)
	require.NoError(t, f.k.DissolveSubnet(f.ctx, addr("owner3"), n3))

	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.Subnets, 2)
	require.Equal(t, []uint32{uint32(n3)}, gs.DissolvingNetuids)
	require.Len(t, gs.Unbonding, 1)

	// Import into a fresh chain whose bank holds the same module balance.
	g := newFixture(t)
	g.ctx = g.ctx.WithBlockHeight(f.ctx.BlockHeight())
	bal := f.balance(f.k.ModuleAddress())
	require.NoError(t, g.bk.MintCoins(g.ctx, mintModule, sdk.NewCoins(sdk.NewCoin(denom, bal))))
	require.NoError(t, g.bk.SendCoinsFromModuleToModule(g.ctx, mintModule, types.ModuleName, sdk.NewCoins(sdk.NewCoin(denom, bal))))
	require.NoError(t, g.k.InitGenesis(g.ctx, *gs))
	require.NoError(t, g.k.CheckInvariants(g.ctx))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)

	// Derived state was rebuilt: stake totals, indexes, the unbonding sequence.
	total, err := g.k.SubnetTotalStake(g.ctx, e.n1)
	require.NoError(t, err)
	requireInt(t, math.NewInt(2*tao), total)
	nr, err := g.k.GetNeuronByHotkey(g.ctx, e.n1, e.a.addr())
	require.NoError(t, err)
	require.Equal(t, uint32(5), nr.Rank)
	ub, err := g.k.RemoveStake(g.ctx, addr("d1"), e.a.addr(), e.n1, math.NewInt(tao))
	require.NoError(t, err)
	require.Equal(t, gs.NextUnbondingId, ub.Id)
}

func TestGenesisValidateRejects(t *testing.T) {
	valid := func() types.GenesisState { return *types.DefaultGenesis() }
	owner := addr("o").String()
	h := newHotkey("h")
	subnet := types.Subnet{Netuid: 1, Owner: owner, Locked: math.NewInt(1), Hyperparams: types.DefaultHyperparameters(), Burn: math.NewInt(1)}
	hk := types.HotkeyInfo{Hotkey: h.addr().String(), Coldkey: owner, Pubkey: h.pub()}
	tests := []struct {
		name   string
		mutate func(gs *types.GenesisState)
	}{
		{"invalid params", func(gs *types.GenesisState) { gs.Params.MaxSubnets = 0 }},
		{"zero next id", func(gs *types.GenesisState) { gs.NextUnbondingId = 0 }},
		{"reserved netuid", func(gs *types.GenesisState) { s := subnet; s.Netuid = 0; gs.Subnets = []types.Subnet{s} }},
		{"duplicate subnet", func(gs *types.GenesisState) { gs.Subnets = []types.Subnet{subnet, subnet} }},
		{"neuron on unknown subnet", func(gs *types.GenesisState) {
			gs.Hotkeys = []types.HotkeyInfo{hk}
			gs.Neurons = []types.Neuron{{Netuid: 1, Hotkey: hk.Hotkey, Coldkey: owner, Emission: math.ZeroInt()}}
		}},
		{"hotkey pubkey mismatch", func(gs *types.GenesisState) {
			bad := hk
			bad.Pubkey = newHotkey("other").pub()
			gs.Hotkeys = []types.HotkeyInfo{bad}
		}},
		{"shares do not sum to pool", func(gs *types.GenesisState) {
			gs.Subnets = []types.Subnet{subnet}
			gs.Hotkeys = []types.HotkeyInfo{hk}
			gs.Pools = []types.StakePool{{Netuid: 1, Hotkey: hk.Hotkey, TotalStake: math.NewInt(10), TotalShares: math.NewInt(10)}}
			gs.Shares = []types.StakeShares{{Coldkey: owner, Hotkey: hk.Hotkey, Netuid: 1, Shares: math.NewInt(9)}}
		}},
		{"unbonding id beyond sequence", func(gs *types.GenesisState) {
			gs.Unbonding = []types.UnbondingEntry{{Id: 5, Coldkey: owner, Hotkey: hk.Hotkey, Netuid: 1, Amount: math.NewInt(1)}}
		}},
		{"active and dissolving", func(gs *types.GenesisState) {
			gs.Subnets = []types.Subnet{subnet}
			gs.DissolvingNetuids = []uint32{1}
		}},
	}
	base := valid()
	require.NoError(t, base.Validate())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := valid()
			tc.mutate(&gs)
			want := types.ErrInvalidGenesis
			if tc.name == "invalid params" {
				want = types.ErrInvalidParams
			}
			require.ErrorIs(t, gs.Validate(), want)
		})
	}
}
