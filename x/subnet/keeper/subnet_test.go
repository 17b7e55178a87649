package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/subnet/types"
)

func TestMsgRegisterSubnet(t *testing.T) {
	minLock := types.DefaultParams().MinLock
	tests := []struct {
		name    string
		setup   func(t *testing.T, f *fixture) *types.MsgRegisterSubnet
		wantErr error
		check   func(t *testing.T, f *fixture, resp *types.MsgRegisterSubnetResponse)
	}{
		{
			name: "first subnet locks min_lock at netuid 1",
			setup: func(t *testing.T, f *fixture) *types.MsgRegisterSubnet {
				f.fund(t, addr("o"), minLock.Int64()+5)
				return &types.MsgRegisterSubnet{Owner: addr("o").String(), Name: "alpha", MaxLock: minLock}
			},
			check: func(t *testing.T, f *fixture, resp *types.MsgRegisterSubnetResponse) {
				require.Equal(t, uint32(1), resp.Netuid)
				require.Equal(t, minLock, resp.Locked)
				require.Equal(t, math.NewInt(5), f.balance(addr("o")))
				require.Equal(t, minLock, f.balance(f.k.ModuleAddress()))
				s, err := f.k.GetSubnet(f.ctx, 1)
				require.NoError(t, err)
				require.Equal(t, addr("o").String(), s.Owner)
				require.Equal(t, "alpha", s.Name)
				require.Equal(t, types.DefaultHyperparameters(), s.Hyperparams)
				st, err := f.k.LockState.Get(f.ctx)
				require.NoError(t, err)
				require.Equal(t, minLock, st.LastLock)
			},
		},
		{
			name: "second subnet in the same block costs twice the last lock",
			setup: func(t *testing.T, f *fixture) *types.MsgRegisterSubnet {
				f.registerSubnet(t, addr("a"))
				f.fund(t, addr("o"), 2*minLock.Int64())
				return &types.MsgRegisterSubnet{Owner: addr("o").String(), Name: "beta", MaxLock: minLock.MulRaw(2)}
			},
			check: func(t *testing.T, f *fixture, resp *types.MsgRegisterSubnetResponse) {
				require.Equal(t, uint32(2), resp.Netuid)
				require.Equal(t, minLock.MulRaw(2), resp.Locked)
				require.True(t, f.balance(addr("o")).IsZero())
			},
		},
		{
			name: "lock above max_lock",
			setup: func(t *testing.T, f *fixture) *types.MsgRegisterSubnet {
				f.fund(t, addr("o"), minLock.Int64())
				return &types.MsgRegisterSubnet{Owner: addr("o").String(), MaxLock: minLock.SubRaw(1)}
			},
			wantErr: types.ErrLockAboveLimit,
		},
		{
			name: "insufficient funds",
			setup: func(t *testing.T, f *fixture) *types.MsgRegisterSubnet {
				f.fund(t, addr("o"), minLock.Int64()-1)
				return &types.MsgRegisterSubnet{Owner: addr("o").String(), MaxLock: minLock}
			},
			wantErr: types.ErrInsufficientFunds,
		},
		{
			name: "invalid owner address",
			setup: func(t *testing.T, f *fixture) *types.MsgRegisterSubnet {
				return &types.MsgRegisterSubnet{Owner: "nope", MaxLock: minLock}
			},
			wantErr: types.ErrInvalidAddress,
		},
		{
			name: "name too long",
			setup: func(t *testing.T, f *fixture) *types.MsgRegisterSubnet {
				f.fund(t, addr("o"), minLock.Int64())
				long := make([]byte, keeperMaxName+1)
				for i := range long {
					long[i] = 'x'
				}
				return &types.MsgRegisterSubnet{Owner: addr("o").String(), Name: string(long), MaxLock: minLock}
			},
			wantErr: types.ErrInvalidName,
		},
		{
			name: "max subnets reached and all immune",
			setup: func(t *testing.T, f *fixture) *types.MsgRegisterSubnet {
				f.setParams(t, func(p *types.Params) { p.MaxSubnets = 1; p.SubnetImmunityPeriod = 100 })
				f.registerSubnet(t, addr("a"))
				f.advance(99)
				f.fund(t, addr("o"), 10*minLock.Int64())
				return &types.MsgRegisterSubnet{Owner: addr("o").String(), MaxLock: minLock.MulRaw(10)}
			},
			wantErr: types.ErrSubnetLimitReached,
			check: func(t *testing.T, f *fixture, _ *types.MsgRegisterSubnetResponse) {
				has, err := f.k.Subnets.Has(f.ctx, 1)
				require.NoError(t, err)
				require.True(t, has)
			},
		},
		{
			name: "max subnets reached replaces the non-immune subnet with least stake and refunds its lock",
			setup: func(t *testing.T, f *fixture) *types.MsgRegisterSubnet {
				f.setParams(t, func(p *types.Params) { p.MaxSubnets = 3; p.SubnetImmunityPeriod = 10 })
				n1 := f.registerSubnet(t, addr("a"))
				f.registerSubnet(t, addr("b"))
				f.advance(5)
				f.registerSubnet(t, addr("c")) // immune when the new one arrives
				h := newHotkey("h1")
				f.registerNeuron(t, addr("cold"), n1, h)
				f.addStake(t, addr("cold"), h.addr(), n1, 5*tao)
				f.advance(6)
				cost, err := f.k.CurrentLockCost(f.ctx)
				require.NoError(t, err)
				f.fund(t, addr("o"), cost.Int64())
				return &types.MsgRegisterSubnet{Owner: addr("o").String(), MaxLock: cost}
			},
			check: func(t *testing.T, f *fixture, resp *types.MsgRegisterSubnetResponse) {
				require.Equal(t, uint32(2), resp.ReplacedNetuid)
				require.Equal(t, uint32(2), resp.Netuid, "netuid 2 had no stake, so it is immediately reusable")
				s, err := f.k.GetSubnet(f.ctx, 2)
				require.NoError(t, err)
				require.Equal(t, addr("o").String(), s.Owner)
				require.Equal(t, minLock.MulRaw(2), f.balance(addr("b")), "replaced owner got the lock back")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			msg := tc.setup(t, f)
			resp, err := f.msg.RegisterSubnet(f.ctx, msg)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			if tc.check != nil {
				tc.check(t, f, resp)
			}
		})
	}
}

const keeperMaxName = 64

func TestLockCostDecaysBackToMinimum(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	f.registerSubnet(t, addr("a"))
	f.registerSubnet(t, addr("b")) // locked 2·min
	c, err := f.k.CurrentLockCost(f.ctx)
	require.NoError(t, err)
	require.Equal(t, p.MinLock.MulRaw(4), c)
	f.advance(int64(p.LockReductionInterval) / 2)
	c, err = f.k.CurrentLockCost(f.ctx)
	require.NoError(t, err)
	require.Equal(t, p.MinLock.MulRaw(3), c)
	f.advance(int64(p.LockReductionInterval) * 2)
	c, err = f.k.CurrentLockCost(f.ctx)
	require.NoError(t, err)
	require.Equal(t, p.MinLock, c)
}

func TestReplacedSubnetWithStakeDissolvesInBoundedBatches(t *testing.T) {
	f := newFixture(t)
	f.setParams(t, func(p *types.Params) { p.MaxSubnets = 1; p.SubnetImmunityPeriod = 1; p.MaxBlockWork = 2 })
	n1 := f.registerSubnet(t, addr("a"))
	h := newHotkey("h")
	f.registerNeuron(t, addr("hk-owner"), n1, h)
	for _, c := range []string{"d1", "d2", "d3"} {
		f.addStake(t, addr(c), h.addr(), n1, tao)
	}
	f.advance(2)
	cost, err := f.k.CurrentLockCost(f.ctx)
	require.NoError(t, err)
	f.fund(t, addr("o"), cost.Int64())
	resp, err := f.msg.RegisterSubnet(f.ctx, &types.MsgRegisterSubnet{Owner: addr("o").String(), MaxLock: cost})
	require.NoError(t, err)
	require.Equal(t, uint32(1), resp.ReplacedNetuid)
	require.Equal(t, uint32(2), resp.Netuid, "netuid 1 is still dissolving")

	stakes := map[uint16]math.Int{}
	require.NoError(t, f.k.IterateSubnetStakes(f.ctx, func(n uint16, s math.Int) bool { stakes[n] = s; return false }))
	require.Equal(t, map[uint16]math.Int{2: math.ZeroInt()}, stakes, "dissolving subnets get no emission")

	paid := func() int {
		n := 0
		for _, c := range []string{"d1", "d2", "d3"} {
			if b := f.balance(addr(c)); !b.IsZero() {
				require.Equal(t, math.NewInt(tao), b)
				n++
			}
		}
		return n
	}
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Equal(t, 2, paid(), "max_block_work=2 defers the third refund")
	has, err := f.k.Dissolving.Has(f.ctx, 1)
	require.NoError(t, err)
	require.True(t, has)
	require.NoError(t, f.k.CheckInvariants(f.ctx))

	f.advance(1)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Equal(t, 3, paid())
	has, err = f.k.Dissolving.Has(f.ctx, 1)
	require.NoError(t, err)
	require.False(t, has)
	has, err = f.k.SubnetStake.Has(f.ctx, 1)
	require.NoError(t, err)
	require.False(t, has)

	// netuid 1 is free again and is the lowest.
	f.setParams(t, func(p *types.Params) { p.MaxSubnets = 5 })
	require.Equal(t, uint16(1), f.registerSubnet(t, addr("z")))
}

func TestMsgDissolveSubnet(t *testing.T) {
	tests := []struct {
		name    string
		msg     func(f *fixture, netuid uint16) *types.MsgDissolveSubnet
		wantErr error
	}{
		{"owner dissolves", func(f *fixture, n uint16) *types.MsgDissolveSubnet {
			return &types.MsgDissolveSubnet{Owner: addr("owner").String(), Netuid: uint32(n)}
		}, nil},
		{"non-owner", func(f *fixture, n uint16) *types.MsgDissolveSubnet {
			return &types.MsgDissolveSubnet{Owner: addr("mallory").String(), Netuid: uint32(n)}
		}, types.ErrNotSubnetOwner},
		{"unknown subnet", func(f *fixture, n uint16) *types.MsgDissolveSubnet {
			return &types.MsgDissolveSubnet{Owner: addr("owner").String(), Netuid: 9}
		}, types.ErrSubnetNotFound},
		{"reserved netuid 0", func(f *fixture, n uint16) *types.MsgDissolveSubnet {
			return &types.MsgDissolveSubnet{Owner: addr("owner").String(), Netuid: 0}
		}, types.ErrSubnetNotFound},
		{"invalid owner", func(f *fixture, n uint16) *types.MsgDissolveSubnet {
			return &types.MsgDissolveSubnet{Owner: "bad", Netuid: uint32(n)}
		}, types.ErrInvalidAddress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			netuid := f.registerSubnet(t, addr("owner"))
			h := newHotkey("h")
			f.registerNeuron(t, addr("cold"), netuid, h)
			f.addStake(t, addr("deleg"), h.addr(), netuid, 2*tao)
			_, err := f.msg.DissolveSubnet(f.ctx, tc.msg(f, netuid))
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				_, err := f.k.GetSubnet(f.ctx, netuid)
				require.NoError(t, err, "subnet untouched")
				return
			}
			require.NoError(t, err)
			require.Equal(t, types.DefaultParams().MinLock, f.balance(addr("owner")), "lock refunded")
			_, err = f.k.GetSubnet(f.ctx, netuid)
			require.ErrorIs(t, err, types.ErrSubnetNotFound)
			_, err = f.k.GetNeuron(f.ctx, netuid, 0)
			require.ErrorIs(t, err, types.ErrNeuronNotFound)
			require.NoError(t, f.k.EndBlocker(f.ctx))
			require.Equal(t, math.NewInt(2*tao), f.balance(addr("deleg")), "stake returned to the coldkey")
		})
	}
}

func TestMsgUpdateHyperparams(t *testing.T) {
	valid := func() types.Hyperparameters {
		h := types.DefaultHyperparameters()
		h.Tempo = 100
		return h
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T, f *fixture, netuid uint16)
		owner   string
		hp      func() types.Hyperparameters
		wantErr error
	}{
		{name: "owner updates within bounds", owner: "owner", hp: valid},
		{name: "non-owner", owner: "mallory", hp: valid, wantErr: types.ErrNotSubnetOwner},
		{name: "below governance bound", owner: "owner", hp: func() types.Hyperparameters {
			h := valid()
			h.Tempo = 5
			return h
		}, wantErr: types.ErrInvalidHyperparams},
		{name: "intrinsically invalid", owner: "owner", hp: func() types.Hyperparameters {
			h := valid()
			h.MaxValidators = h.MaxUids + 1
			return h
		}, wantErr: types.ErrInvalidHyperparams},
		{name: "commit reveal disabled by governance", owner: "owner",
			setup: func(t *testing.T, f *fixture, _ uint16) {
				f.setParams(t, func(p *types.Params) { p.MaxHyperparams.CommitReveal = false })
			},
			hp: func() types.Hyperparameters {
				h := valid()
				h.CommitReveal = true
				return h
			}, wantErr: types.ErrInvalidHyperparams},
		{name: "rate limited", owner: "owner",
			setup: func(t *testing.T, f *fixture, n uint16) {
				_, err := f.msg.UpdateHyperparams(f.ctx, &types.MsgUpdateHyperparams{Owner: addr("owner").String(), Netuid: uint32(n), Hyperparams: valid()})
				require.NoError(t, err)
				f.advance(int64(types.DefaultParams().HyperparamRateLimit) - 1)
			},
			hp: valid, wantErr: types.ErrRateLimited},
		{name: "max_uids below registered uid", owner: "owner",
			setup: func(t *testing.T, f *fixture, n uint16) {
				f.registerNeuron(t, addr("c"), n, newHotkey("x"))
				f.registerNeuron(t, addr("c"), n, newHotkey("y"))
			},
			hp: func() types.Hyperparameters {
				h := valid()
				h.MaxUids, h.MaxValidators, h.MinAllowedWeights = 1, 1, 1
				return h
			}, wantErr: types.ErrMaxUIDsBelowNeurons},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			netuid := f.registerSubnet(t, addr("owner"))
			if tc.setup != nil {
				tc.setup(t, f, netuid)
			}
			before, err := f.k.GetSubnet(f.ctx, netuid)
			require.NoError(t, err)
			_, err = f.msg.UpdateHyperparams(f.ctx, &types.MsgUpdateHyperparams{Owner: addr(tc.owner).String(), Netuid: uint32(netuid), Hyperparams: tc.hp()})
			after, gerr := f.k.GetSubnet(f.ctx, netuid)
			require.NoError(t, gerr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, before, after)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.hp(), after.Hyperparams)
			require.Equal(t, f.ctx.BlockHeight(), after.HyperparamsUpdatedAt)
		})
	}
}

func TestMsgUpdateParams(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	p.MaxSubnets = 7
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: addr("x").String(), Params: p})
	require.ErrorIs(t, err, types.ErrInvalidAuthority)
	bad := p
	bad.MaxTake = types.MaxTakeLimit + 1
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: bad})
	require.ErrorIs(t, err, types.ErrInvalidParams)
	got, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), got)
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: p})
	require.NoError(t, err)
	got, err = f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, uint32(7), got.MaxSubnets)
}
