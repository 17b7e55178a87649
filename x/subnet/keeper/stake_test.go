package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

// stakeEnv is a subnet with registered hotkey a (owned by "owner-cold") and hotkey b on a second subnet.
type stakeEnv struct {
	f      *fixture
	n1, n2 uint16
	a, b   hotkey
}

func newStakeEnv(t *testing.T) stakeEnv {
	f := newFixture(t)
	e := stakeEnv{f: f, a: newHotkey("a"), b: newHotkey("b")}
	e.n1 = f.registerSubnet(t, addr("owner"))
	e.n2 = f.registerSubnet(t, addr("owner"))
	f.registerNeuron(t, addr("owner-cold"), e.n1, e.a)
	f.registerNeuron(t, addr("owner-cold"), e.n2, e.b)
	return e
}

func TestMsgAddStake(t *testing.T) {
	min := types.DefaultParams().MinStake
	tests := []struct {
		name    string
		fund    int64
		hotkey  func(e stakeEnv) string
		netuid  func(e stakeEnv) uint32
		amount  math.Int
		wantErr error
	}{
		{"stakes on a registered hotkey", 2 * tao, nil, nil, math.NewInt(2 * tao), nil},
		{"exactly min_stake", min.Int64(), nil, nil, min, nil},
		{"below min_stake", tao, nil, nil, min.SubRaw(1), types.ErrStakeBelowMinimum},
		{"unknown subnet", tao, nil, func(stakeEnv) uint32 { return 77 }, math.NewInt(tao), types.ErrSubnetNotFound},
		{"hotkey not registered on that subnet", tao, nil, func(e stakeEnv) uint32 { return uint32(e.n2) }, math.NewInt(tao), types.ErrNeuronNotFound},
		{"hotkey never registered", tao, func(stakeEnv) string { return newHotkey("zz").addr().String() }, nil, math.NewInt(tao), types.ErrNeuronNotFound},
		{"insufficient funds", tao - 1, nil, nil, math.NewInt(tao), types.ErrInsufficientFunds},
		{"bad hotkey address", tao, func(stakeEnv) string { return "bad" }, nil, math.NewInt(tao), types.ErrInvalidAddress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newStakeEnv(t)
			f := e.f
			d := addr("deleg")
			f.fund(t, d, tc.fund)
			hk, netuid := e.a.addr().String(), uint32(e.n1)
			if tc.hotkey != nil {
				hk = tc.hotkey(e)
			}
			if tc.netuid != nil {
				netuid = tc.netuid(e)
			}
			resp, err := f.msg.AddStake(f.ctx, &types.MsgAddStake{Coldkey: d.String(), Hotkey: hk, Netuid: netuid, Amount: tc.amount})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, math.NewInt(tc.fund), f.balance(d))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.amount, resp.Shares, "empty pool mints 1:1")
			requireInt(t, math.NewInt(tc.fund).Sub(tc.amount), f.balance(d))
			require.Equal(t, tc.amount, f.stakeValue(t, d, e.a.addr(), e.n1))
			total, err := f.k.SubnetTotalStake(f.ctx, e.n1)
			require.NoError(t, err)
			require.Equal(t, tc.amount, total)
		})
	}
}

func TestMsgRemoveStakeAndUnbonding(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	d := addr("deleg")
	f.addStake(t, d, e.a.addr(), e.n1, 10*tao)
	p := types.DefaultParams()

	rm := func(amount int64) (*types.MsgRemoveStakeResponse, error) {
		return f.msg.RemoveStake(f.ctx, &types.MsgRemoveStake{Coldkey: d.String(), Hotkey: e.a.addr().String(), Netuid: uint32(e.n1), Amount: math.NewInt(amount)})
	}
	_, err := rm(0)
	require.ErrorIs(t, err, types.ErrInvalidAmount)
	_, err = rm(10*tao + 1)
	require.ErrorIs(t, err, types.ErrInsufficientStake)
	_, err = f.msg.RemoveStake(f.ctx, &types.MsgRemoveStake{Coldkey: addr("nobody").String(), Hotkey: e.a.addr().String(), Netuid: uint32(e.n1), Amount: math.NewInt(1)})
	require.ErrorIs(t, err, types.ErrInsufficientStake)

	resp, err := rm(4 * tao)
	require.NoError(t, err)
	require.Equal(t, f.ctx.BlockHeight()+int64(p.UnbondingBlocks), resp.CompletionHeight)
	require.Equal(t, math.NewInt(6*tao), f.stakeValue(t, d, e.a.addr(), e.n1))
	require.True(t, f.balance(d).IsZero(), "unbonding is not paid yet")
	total, err := f.k.SubnetTotalStake(f.ctx, e.n1)
	require.NoError(t, err)
	require.Equal(t, math.NewInt(6*tao), total)

	// The entry cap per (coldkey, hotkey, netuid).
	for i := uint32(1); i < p.MaxUnbondingEntries; i++ {
		_, err := rm(1)
		require.NoError(t, err)
	}
	_, err = rm(1)
	require.ErrorIs(t, err, types.ErrTooManyUnbonding)

	// Not mature one block early.
	f.setHeight(resp.CompletionHeight - 1)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.True(t, f.balance(d).IsZero())
	f.setHeight(resp.CompletionHeight)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Equal(t, math.NewInt(4*tao+int64(p.MaxUnbondingEntries)-1), f.balance(d))
	_, err = f.k.Unbondings.Get(f.ctx, resp.UnbondingId)
	require.Error(t, err)
	q, err := f.q.Unbonding(f.ctx, &types.QueryUnbondingRequest{Coldkey: d.String()})
	require.NoError(t, err)
	require.Empty(t, q.Entries)
}

func TestUnbondingMaturityIsBounded(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	f.setParams(t, func(p *types.Params) { p.MaxBlockWork = 3; p.UnbondingBlocks = 5 })
	for i := 0; i < 7; i++ {
		d := addr(string(rune('a' + i)))
		f.addStake(t, d, e.a.addr(), e.n1, tao)
		_, err := f.k.RemoveStake(f.ctx, d, e.a.addr(), e.n1, math.NewInt(tao))
		require.NoError(t, err)
	}
	f.advance(5)
	for _, want := range []uint32{3, 3, 1, 0} {
		n, err := f.k.CompleteMatureUnbondings(f.ctx, 3)
		require.NoError(t, err)
		require.Equal(t, want, n)
	}
}

func TestMsgMoveStake(t *testing.T) {
	tests := []struct {
		name    string
		to      func(e stakeEnv) (string, uint32)
		amount  int64
		wantErr error
	}{
		{"to another subnet", func(e stakeEnv) (string, uint32) { return e.b.addr().String(), uint32(e.n2) }, 3 * tao, nil},
		{"same source and destination", func(e stakeEnv) (string, uint32) { return e.a.addr().String(), uint32(e.n1) }, tao, types.ErrSameStakeDestination},
		{"destination not registered", func(e stakeEnv) (string, uint32) { return e.a.addr().String(), uint32(e.n2) }, tao, types.ErrNeuronNotFound},
		{"more than staked", func(e stakeEnv) (string, uint32) { return e.b.addr().String(), uint32(e.n2) }, 5*tao + 1, types.ErrInsufficientStake},
		{"below min_stake", func(e stakeEnv) (string, uint32) { return e.b.addr().String(), uint32(e.n2) }, 1, types.ErrStakeBelowMinimum},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newStakeEnv(t)
			f := e.f
			d := addr("deleg")
			f.addStake(t, d, e.a.addr(), e.n1, 5*tao)
			toHk, toN := tc.to(e)
			_, err := f.msg.MoveStake(f.ctx, &types.MsgMoveStake{Coldkey: d.String(), FromHotkey: e.a.addr().String(), FromNetuid: uint32(e.n1),
				ToHotkey: toHk, ToNetuid: toN, Amount: math.NewInt(tc.amount)})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, math.NewInt(5*tao), f.stakeValue(t, d, e.a.addr(), e.n1))
				return
			}
			require.NoError(t, err)
			require.Equal(t, math.NewInt(2*tao), f.stakeValue(t, d, e.a.addr(), e.n1))
			require.Equal(t, math.NewInt(3*tao), f.stakeValue(t, d, e.b.addr(), e.n2))
			s2, err := f.k.SubnetTotalStake(f.ctx, e.n2)
			require.NoError(t, err)
			require.Equal(t, math.NewInt(3*tao), s2)
		})
	}
}

func TestMsgSetTake(t *testing.T) {
	p := types.DefaultParams()
	tests := []struct {
		name    string
		setup   func(t *testing.T, e stakeEnv)
		coldkey string
		hotkey  func(e stakeEnv) sdk.AccAddress
		take    uint32
		wantErr error
		want    uint32
	}{
		{name: "lower is immediate", coldkey: "owner-cold", take: 1000, want: 1000},
		{name: "raise right after registration (never changed)", coldkey: "owner-cold", take: p.MaxTake, want: p.MaxTake},
		{name: "above max_take", coldkey: "owner-cold", take: p.MaxTake + 1, wantErr: types.ErrTakeTooHigh, want: p.DefaultTake},
		{name: "not the owner", coldkey: "mallory", take: 10, wantErr: types.ErrNotHotkeyOwner, want: p.DefaultTake},
		{name: "unknown hotkey", coldkey: "owner-cold", hotkey: func(stakeEnv) sdk.AccAddress { return newHotkey("nope").addr() }, take: 10, wantErr: types.ErrHotkeyNotFound},
		{name: "raise is rate limited after a change", coldkey: "owner-cold", take: 2000, wantErr: types.ErrRateLimited, want: 1000,
			setup: func(t *testing.T, e stakeEnv) {
				require.NoError(t, e.f.k.SetTake(e.f.ctx, addr("owner-cold"), e.a.addr(), 1000))
				e.f.advance(int64(p.TakeRateLimit) - 1)
			}},
		{name: "raise allowed once the limit passed", coldkey: "owner-cold", take: 2000, want: 2000,
			setup: func(t *testing.T, e stakeEnv) {
				require.NoError(t, e.f.k.SetTake(e.f.ctx, addr("owner-cold"), e.a.addr(), 1000))
				e.f.advance(int64(p.TakeRateLimit))
			}},
		{name: "lower right after a change", coldkey: "owner-cold", take: 500, want: 500,
			setup: func(t *testing.T, e stakeEnv) {
				require.NoError(t, e.f.k.SetTake(e.f.ctx, addr("owner-cold"), e.a.addr(), 1000))
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newStakeEnv(t)
			if tc.setup != nil {
				tc.setup(t, e)
			}
			hk := e.a.addr()
			if tc.hotkey != nil {
				hk = tc.hotkey(e)
			}
			_, err := e.f.msg.SetTake(e.f.ctx, &types.MsgSetTake{Coldkey: addr(tc.coldkey).String(), Hotkey: hk.String(), Take: tc.take})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			if tc.want != 0 {
				info, err := e.f.k.GetHotkeyInfo(e.f.ctx, e.a.addr())
				require.NoError(t, err)
				require.Equal(t, tc.want, info.Take)
			}
		})
	}
}

func TestDividendsRaisePoolProRata(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	d1, d2 := addr("d1"), addr("d2")
	f.addStake(t, d1, e.a.addr(), e.n1, 3*tao)
	f.addStake(t, d2, e.a.addr(), e.n1, 1*tao)
	f.fund(t, addr("src"), 4*tao)
	require.NoError(t, f.bk.SendCoinsFromAccountToModule(f.ctx, addr("src"), mintModule, sdk.NewCoins(sdk.NewInt64Coin(denom, 4*tao))))
	require.NoError(t, f.k.DepositToPool(f.ctx, mintModule, e.a.addr(), e.n1, math.NewInt(4*tao)))
	require.Equal(t, math.NewInt(6*tao), f.stakeValue(t, d1, e.a.addr(), e.n1))
	require.Equal(t, math.NewInt(2*tao), f.stakeValue(t, d2, e.a.addr(), e.n1))
	// A later delegator buys at the new exchange rate and gets no share of past dividends.
	f.addStake(t, addr("d3"), e.a.addr(), e.n1, 2*tao)
	require.Equal(t, math.NewInt(2*tao), f.stakeValue(t, addr("d3"), e.a.addr(), e.n1))
	total, err := f.k.SubnetTotalStake(f.ctx, e.n1)
	require.NoError(t, err)
	require.Equal(t, math.NewInt(10*tao), total)

	// Dividends into a pool without shares go to the hotkey owner.
	f.fund(t, addr("src"), tao)
	require.NoError(t, f.bk.SendCoinsFromAccountToModule(f.ctx, addr("src"), mintModule, sdk.NewCoins(sdk.NewInt64Coin(denom, tao))))
	require.NoError(t, f.k.DepositToPool(f.ctx, mintModule, e.b.addr(), e.n2, math.NewInt(tao)))
	require.Equal(t, math.NewInt(tao), f.stakeValue(t, addr("owner-cold"), e.b.addr(), e.n2))
}

func TestStakeFromModule(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	coins := sdk.NewCoins(sdk.NewInt64Coin(denom, tao))
	require.NoError(t, f.bk.MintCoins(f.ctx, mintModule, coins))
	sh, err := f.k.StakeFromModule(f.ctx, mintModule, addr("owner-cold"), e.a.addr(), e.n1, math.NewInt(tao))
	require.NoError(t, err)
	require.Equal(t, math.NewInt(tao), sh)
	require.Equal(t, math.NewInt(tao), f.stakeValue(t, addr("owner-cold"), e.a.addr(), e.n1))
}

func TestSlashHotkeyStakeIncludesUnbonding(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	d := addr("d")
	f.addStake(t, d, e.a.addr(), e.n1, 10*tao)
	f.addStake(t, addr("other"), e.b.addr(), e.n2, 10*tao)
	ub, err := f.k.RemoveStake(f.ctx, d, e.a.addr(), e.n1, math.NewInt(4*tao))
	require.NoError(t, err)

	_, err = f.k.SlashHotkeyStake(f.ctx, e.a.addr(), e.n1, math.LegacyOneDec(), slashModule)
	require.ErrorIs(t, err, types.ErrInvalidFraction)
	_, err = f.k.SlashHotkeyStake(f.ctx, e.a.addr(), e.n1, math.LegacyZeroDec(), slashModule)
	require.ErrorIs(t, err, types.ErrInvalidFraction)

	slashed, err := f.k.SlashHotkeyStake(f.ctx, e.a.addr(), e.n1, math.LegacyNewDecWithPrec(5, 2), slashModule)
	require.NoError(t, err)
	require.Equal(t, math.NewInt(500_000_000), slashed) // 5% of 6 TAO pool + 4 TAO unbonding
	require.Equal(t, math.NewInt(5_700_000_000), f.stakeValue(t, d, e.a.addr(), e.n1))
	entry, err := f.k.Unbondings.Get(f.ctx, ub.Id)
	require.NoError(t, err)
	require.Equal(t, math.NewInt(3_800_000_000), entry.Amount)
	require.Equal(t, slashed, f.bk.GetBalance(f.ctx, f.ak.GetModuleAddress(slashModule), denom).Amount)
	require.Equal(t, math.NewInt(10*tao), f.stakeValue(t, addr("other"), e.b.addr(), e.n2), "other pools untouched")
	f.setHeight(ub.CompletionHeight)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Equal(t, math.NewInt(3_800_000_000), f.balance(d))
}

func TestIterateSubnetStakes(t *testing.T) {
	e := newStakeEnv(t)
	f := e.f
	n3 := f.registerSubnet(t, addr("owner"))
	f.addStake(t, addr("d"), e.b.addr(), e.n2, 7*tao)
	f.addStake(t, addr("d"), e.a.addr(), e.n1, 2*tao)
	var got []uint16
	var stakes []math.Int
	require.NoError(t, f.k.IterateSubnetStakes(f.ctx, func(n uint16, s math.Int) bool {
		got = append(got, n)
		stakes = append(stakes, s)
		return false
	}))
	require.Equal(t, []uint16{e.n1, e.n2, n3}, got)
	require.Equal(t, []math.Int{math.NewInt(2 * tao), math.NewInt(7 * tao), math.ZeroInt()}, stakes)
	got = nil
	require.NoError(t, f.k.IterateSubnetStakes(f.ctx, func(n uint16, _ math.Int) bool { got = append(got, n); return true }))
	require.Equal(t, []uint16{e.n1}, got, "stop ends the iteration")
}
