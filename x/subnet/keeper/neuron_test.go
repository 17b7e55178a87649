package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/x/subnet/types"
)

func TestMsgRegisterNeuron(t *testing.T) {
	hp := types.DefaultHyperparameters()
	cold := addr("cold")
	tests := []struct {
		name    string
		setup   func(t *testing.T, f *fixture, netuid uint16) *types.MsgRegisterNeuron
		wantErr error
		check   func(t *testing.T, f *fixture, netuid uint16, resp *types.MsgRegisterNeuronResponse)
	}{
		{
			name: "registers at uid 0, burns the price and grows it by 1.26",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				f.fund(t, cold, hp.MinBurn.Int64()+7)
				h := newHotkey("a")
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n, cold), MaxBurn: hp.MinBurn}
			},
			check: func(t *testing.T, f *fixture, n uint16, resp *types.MsgRegisterNeuronResponse) {
				require.Equal(t, uint32(0), resp.Uid)
				require.Equal(t, hp.MinBurn, resp.Burned)
				require.Equal(t, math.NewInt(7), f.balance(cold))
				h := newHotkey("a")
				require.Equal(t, h.addr().String(), resp.Hotkey)
				nr, err := f.k.GetNeuronByHotkey(f.ctx, n, h.addr())
				require.NoError(t, err)
				require.Equal(t, cold.String(), nr.Coldkey)
				require.Equal(t, h.pub(), nr.Pubkey)
				require.Equal(t, f.ctx.BlockHeight(), nr.RegisteredAt)
				info, err := f.k.GetHotkeyInfo(f.ctx, h.addr())
				require.NoError(t, err)
				require.Equal(t, types.DefaultParams().DefaultTake, info.Take)
				price, err := f.k.RegistrationPrice(f.ctx, n)
				require.NoError(t, err)
				require.Equal(t, hp.MinBurn.MulRaw(126).QuoRaw(100), price)
				supply := f.bk.GetSupply(f.ctx, denom).Amount
				require.Equal(t, f.balance(cold).Add(f.balance(addr("owner"))).Add(f.balance(f.k.ModuleAddress())), supply, "price was burned")
			},
		},
		{
			name: "proof signed by another key",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				f.fund(t, cold, tao)
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: newHotkey("a").pub(), Proof: newHotkey("b").proof(t, n, cold), MaxBurn: hp.MinBurn}
			},
			wantErr: types.ErrInvalidProof,
		},
		{
			name: "proof for another coldkey",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				f.fund(t, cold, tao)
				h := newHotkey("a")
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n, addr("other")), MaxBurn: hp.MinBurn}
			},
			wantErr: types.ErrInvalidProof,
		},
		{
			name: "proof for another netuid",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				f.fund(t, cold, tao)
				h := newHotkey("a")
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n+1, cold), MaxBurn: hp.MinBurn}
			},
			wantErr: types.ErrInvalidProof,
		},
		{
			name: "malformed pubkey",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				f.fund(t, cold, tao)
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: []byte{2, 3}, Proof: []byte{1}, MaxBurn: hp.MinBurn}
			},
			wantErr: types.ErrInvalidPubKey,
		},
		{
			name: "unknown subnet",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				h := newHotkey("a")
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: 42, HotkeyPubkey: h.pub(), Proof: h.proof(t, 42, cold), MaxBurn: hp.MinBurn}
			},
			wantErr: types.ErrSubnetNotFound,
		},
		{
			name: "price above max_burn",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				f.fund(t, cold, tao)
				h := newHotkey("a")
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n, cold), MaxBurn: hp.MinBurn.SubRaw(1)}
			},
			wantErr: types.ErrPriceAboveLimit,
		},
		{
			name: "insufficient funds",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				f.fund(t, cold, hp.MinBurn.Int64()-1)
				h := newHotkey("a")
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n, cold), MaxBurn: hp.MinBurn}
			},
			wantErr: types.ErrInsufficientFunds,
		},
		{
			name: "hotkey already registered on the subnet",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				h := newHotkey("a")
				f.registerNeuron(t, cold, n, h)
				f.fund(t, cold, tao)
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n, cold), MaxBurn: math.NewInt(tao)}
			},
			wantErr: types.ErrHotkeyRegistered,
		},
		{
			name: "hotkey owned by another coldkey",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				h := newHotkey("a")
				f.registerNeuron(t, addr("first"), n, h)
				n2 := f.registerSubnet(t, addr("owner2"))
				f.fund(t, cold, tao)
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n2), HotkeyPubkey: h.pub(), Proof: h.proof(t, n2, cold), MaxBurn: math.NewInt(tao)}
			},
			wantErr: types.ErrHotkeyOwnedByOther,
		},
		{
			name: "full subnet while every neuron is immune",
			setup: func(t *testing.T, f *fixture, n uint16) *types.MsgRegisterNeuron {
				setHyper(t, f, n, func(h *types.Hyperparameters) { h.MaxUids, h.MaxValidators = 2, 2; h.ImmunityPeriod = 50 })
				f.registerNeuron(t, cold, n, newHotkey("x"))
				f.registerNeuron(t, cold, n, newHotkey("y"))
				f.advance(49)
				f.fund(t, cold, tao)
				h := newHotkey("z")
				return &types.MsgRegisterNeuron{Coldkey: cold.String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n, cold), MaxBurn: math.NewInt(tao)}
			},
			wantErr: types.ErrSubnetFull,
			check: func(t *testing.T, f *fixture, n uint16, _ *types.MsgRegisterNeuronResponse) {
				_, err := f.k.GetNeuronByHotkey(f.ctx, n, newHotkey("x").addr())
				require.NoError(t, err)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			netuid := f.registerSubnet(t, addr("owner"))
			msg := tc.setup(t, f, netuid)
			before := f.balance(cold)
			resp, err := f.msg.RegisterNeuron(f.ctx, msg)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, before, f.balance(cold), "nothing charged on rejection")
				_, herr := f.k.GetNeuronByHotkey(f.ctx, netuid, sdk.AccAddress(newHotkey("z").addr()))
				require.ErrorIs(t, herr, types.ErrNeuronNotFound)
			} else {
				require.NoError(t, err)
			}
			if tc.check != nil {
				tc.check(t, f, netuid, resp)
			}
		})
	}
}

// setHyper changes a subnet's hyperparameters directly (bypassing owner bounds) for test setup.
func setHyper(t *testing.T, f *fixture, netuid uint16, mutate func(h *types.Hyperparameters)) {
	t.Helper()
	s, err := f.k.GetSubnet(f.ctx, netuid)
	require.NoError(t, err)
	mutate(&s.Hyperparams)
	require.NoError(t, s.Hyperparams.Validate())
	require.NoError(t, f.k.Subnets.Set(f.ctx, netuid, s))
}

func TestNeuronReplacementRule(t *testing.T) {
	f := newFixture(t)
	n := f.registerSubnet(t, addr("owner"))
	setHyper(t, f, n, func(h *types.Hyperparameters) { h.MaxUids, h.MaxValidators = 4, 4; h.ImmunityPeriod = 10 })
	cold := addr("cold")
	hk := []hotkey{newHotkey("0"), newHotkey("1"), newHotkey("2"), newHotkey("3")}
	f.registerNeuron(t, cold, n, hk[0]) // uid 0, height 1
	f.advance(1)
	f.registerNeuron(t, cold, n, hk[1]) // uid 1, height 2
	f.registerNeuron(t, cold, n, hk[2]) // uid 2, height 2
	f.advance(1)
	f.registerNeuron(t, cold, n, hk[3]) // uid 3, height 3
	emissions := []int64{5, 1, 1, 0}
	for uid, e := range emissions {
		f.writeEpochResult(t, n, uint16(uid), types.EpochResult{Emission: math.NewInt(e)})
	}
	// At height 12: uids 0,1,2 are out of immunity (registered ≤ 2), uid 3 is immune although it has
	// the lowest emission. Among 1 and 2 (emission 1, same height) the lower uid goes.
	f.setHeight(12)
	f.registerNeuron(t, cold, n, newHotkey("new1"))
	nr, err := f.k.GetNeuron(f.ctx, n, 1)
	require.NoError(t, err)
	require.Equal(t, newHotkey("new1").addr().String(), nr.Hotkey)
	_, err = f.k.GetNeuronByHotkey(f.ctx, n, hk[1].addr())
	require.ErrorIs(t, err, types.ErrNeuronNotFound)

	// Next: uid 2 (emission 1) beats uid 0 (emission 5).
	f.registerNeuron(t, cold, n, newHotkey("new2"))
	nr, err = f.k.GetNeuron(f.ctx, n, 2)
	require.NoError(t, err)
	require.Equal(t, newHotkey("new2").addr().String(), nr.Hotkey)

	// Now at height 13 uid 3 (emission 0) left immunity; uids 1 and 2 are new and immune.
	f.setHeight(13)
	f.registerNeuron(t, cold, n, newHotkey("new3"))
	nr, err = f.k.GetNeuron(f.ctx, n, 3)
	require.NoError(t, err)
	require.Equal(t, newHotkey("new3").addr().String(), nr.Hotkey)

	// Ties on emission are broken by older registration: set uid 0 (height 1) and uid 3 equal.
	f.setHeight(30)
	f.writeEpochResult(t, n, 0, types.EpochResult{Emission: math.NewInt(0)})
	f.writeEpochResult(t, n, 1, types.EpochResult{Emission: math.NewInt(9)})
	f.writeEpochResult(t, n, 2, types.EpochResult{Emission: math.NewInt(9)})
	f.registerNeuron(t, cold, n, newHotkey("new4"))
	nr, err = f.k.GetNeuron(f.ctx, n, 0)
	require.NoError(t, err)
	require.Equal(t, newHotkey("new4").addr().String(), nr.Hotkey)
}

// TestRegistrationsPerBlockLimit: max_registrations_per_block registrations succeed in one block,
// the next is refused with a retry height and changes nothing, and the count restarts next block.
func TestRegistrationsPerBlockLimit(t *testing.T) {
	f := newFixture(t)
	n := f.registerSubnet(t, addr("owner"))
	setHyper(t, f, n, func(h *types.Hyperparameters) { h.MaxRegistrationsPerBlock = 2 })
	f.setHeight(50)
	f.registerNeuron(t, addr("c"), n, newHotkey("a"))
	f.registerNeuron(t, addr("c"), n, newHotkey("b"))

	price, err := f.k.RegistrationPrice(f.ctx, n)
	require.NoError(t, err)
	f.fund(t, addr("c"), price.Int64())
	third := func() error {
		h := newHotkey("c")
		_, err := f.msg.RegisterNeuron(f.ctx, &types.MsgRegisterNeuron{
			Coldkey: addr("c").String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n, addr("c")), MaxBurn: price,
		})
		return err
	}
	err = third()
	require.ErrorIs(t, err, types.ErrTooManyRegistrations)
	require.ErrorContains(t, err, "allows 2 registrations per block")
	require.ErrorContains(t, err, "retry at height 51")
	_, err = f.k.GetNeuronByHotkey(f.ctx, n, newHotkey("c").addr())
	require.ErrorIs(t, err, types.ErrNeuronNotFound)
	require.Equal(t, price, f.balance(addr("c")), "nothing burned")
	s, err := f.k.GetSubnet(f.ctx, n)
	require.NoError(t, err)
	require.Equal(t, uint64(2), s.BlockRegistrations)
	require.Equal(t, int64(50), s.BlockRegistrationsHeight)
	require.Equal(t, uint64(2), s.Registrations)

	f.advance(1)
	require.NoError(t, third(), "the next block has room again")
	s, err = f.k.GetSubnet(f.ctx, n)
	require.NoError(t, err)
	require.Equal(t, uint64(1), s.BlockRegistrations)
	require.Equal(t, int64(51), s.BlockRegistrationsHeight)
	require.Equal(t, uint64(3), s.Registrations)
}

// TestRegistrationGasPerNeuronRead: choosing a uid on a full subnet reads every neuron and pays
// RegistrationGasPerNeuron for each, so the gas of a registration grows with the subnet.
func TestRegistrationGasPerNeuronRead(t *testing.T) {
	f := newFixture(t)
	replacementGas := func(size uint32) uint64 {
		n := f.registerSubnet(t, addr(fmt.Sprintf("owner-%d", size)))
		setHyper(t, f, n, func(h *types.Hyperparameters) {
			h.MaxUids, h.MaxValidators, h.ImmunityPeriod, h.MaxRegistrationsPerBlock = size, size, 0, types.MaxRegistrationsPerBlockLimit
		})
		for i := range size {
			f.registerNeuron(t, addr("c"), n, newHotkey(fmt.Sprintf("%d-%d", size, i)))
		}
		h := newHotkey(fmt.Sprintf("%d-replacer", size))
		price, err := f.k.RegistrationPrice(f.ctx, n)
		require.NoError(t, err)
		f.fund(t, addr("c"), price.Int64())
		f.ctx = f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
		resp, err := f.msg.RegisterNeuron(f.ctx, &types.MsgRegisterNeuron{
			Coldkey: addr("c").String(), Netuid: uint32(n), HotkeyPubkey: h.pub(), Proof: h.proof(t, n, addr("c")), MaxBurn: price,
		})
		require.NoError(t, err)
		require.NotEmpty(t, resp.ReplacedHotkey, "the subnet of %d was full", size)
		return f.ctx.GasMeter().GasConsumed()
	}
	small, large := replacementGas(4), replacementGas(12)
	require.GreaterOrEqual(t, large, small+8*types.RegistrationGasPerNeuron,
		"replacing on a full subnet of 12 reads 8 more neurons than on one of 4 (%d vs %d gas)", large, small)
}

func TestRegistrationPriceDecaysAndGrows(t *testing.T) {
	f := newFixture(t)
	n := f.registerSubnet(t, addr("owner"))
	base := math.NewInt(64 * tao)
	setHyper(t, f, n, func(h *types.Hyperparameters) {
		h.MinBurn, h.MaxBurn = math.NewInt(tao), math.NewInt(100*tao)
		h.MaxRegistrationsPerBlock = types.MaxRegistrationsPerBlockLimit // 16 registrations in one block below
	})
	s, err := f.k.GetSubnet(f.ctx, n)
	require.NoError(t, err)
	s.Burn, s.BurnUpdatedAt = base, f.ctx.BlockHeight()
	require.NoError(t, f.k.Subnets.Set(f.ctx, n, s))

	price := func() math.Int {
		p, err := f.k.RegistrationPrice(f.ctx, n)
		require.NoError(t, err)
		return p
	}
	require.Equal(t, base, price())
	f.advance(360)
	require.Equal(t, base.QuoRaw(2), price(), "one half-life halves the price")
	f.advance(360)
	require.Equal(t, base.QuoRaw(4), price())
	f.advance(360 * 10)
	require.Equal(t, math.NewInt(tao), price(), "clamped at min_burn")

	// Registration at 16 TAO: pays 16, next price 16·1.26.
	f.setHeight(1 + 720)
	f.registerNeuron(t, addr("c"), n, newHotkey("a"))
	require.Equal(t, base.QuoRaw(4).MulRaw(126).QuoRaw(100), price())
	// Growth is clamped at max_burn.
	for i := 0; i < 20; i++ {
		if i == 15 {
			f.advance(1) // max_registrations_per_block
		}
		f.registerNeuron(t, addr("c"), n, newHotkey(string(rune('b'+i))))
	}
	require.Equal(t, math.NewInt(100*tao), price())
}

func TestMsgServeAxon(t *testing.T) {
	tests := []struct {
		name     string
		host     string
		port     uint32
		protocol types.AxonProtocol
		version  uint32
		signer   func(h hotkey) string
		wantErr  error
	}{
		{"ipv4", "203.0.113.7", 8091, types.AXON_PROTOCOL_HTTP, 1, nil, nil},
		{"ipv6", "2001:db8::1", 443, types.AXON_PROTOCOL_HTTPS, 3, nil, nil},
		{"dns", "miner-1.example.org", 80, types.AXON_PROTOCOL_HTTPS, 1, nil, nil},
		{"loopback allowed for localnets", "127.0.0.1", 8091, types.AXON_PROTOCOL_HTTP, 1, nil, nil},
		{"empty host", "", 8091, types.AXON_PROTOCOL_HTTP, 1, nil, types.ErrInvalidAxon},
		{"host with port", "1.2.3.4:80", 8091, types.AXON_PROTOCOL_HTTP, 1, nil, types.ErrInvalidAxon},
		{"bad dns label", "-bad.example", 8091, types.AXON_PROTOCOL_HTTP, 1, nil, types.ErrInvalidAxon},
		{"bad ip", "300.1.1.1", 8091, types.AXON_PROTOCOL_HTTP, 1, nil, types.ErrInvalidAxon},
		{"unspecified ip", "0.0.0.0", 8091, types.AXON_PROTOCOL_HTTP, 1, nil, types.ErrInvalidAxon},
		{"port zero", "1.2.3.4", 0, types.AXON_PROTOCOL_HTTP, 1, nil, types.ErrInvalidAxon},
		{"port too big", "1.2.3.4", 65536, types.AXON_PROTOCOL_HTTP, 1, nil, types.ErrInvalidAxon},
		{"protocol unspecified", "1.2.3.4", 80, types.AXON_PROTOCOL_UNSPECIFIED, 1, nil, types.ErrInvalidAxon},
		{"version zero", "1.2.3.4", 80, types.AXON_PROTOCOL_HTTP, 0, nil, types.ErrInvalidAxon},
		{"hotkey not registered", "1.2.3.4", 80, types.AXON_PROTOCOL_HTTP, 1,
			func(hotkey) string { return newHotkey("stranger").addr().String() }, types.ErrNeuronNotFound},
		{"invalid hotkey address", "1.2.3.4", 80, types.AXON_PROTOCOL_HTTP, 1,
			func(hotkey) string { return "x" }, types.ErrInvalidAddress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			n := f.registerSubnet(t, addr("owner"))
			h := newHotkey("a")
			uid := f.registerNeuron(t, addr("c"), n, h)
			signer := h.addr().String()
			if tc.signer != nil {
				signer = tc.signer(h)
			}
			f.advance(3)
			_, err := f.msg.ServeAxon(f.ctx, &types.MsgServeAxon{Hotkey: signer, Netuid: uint32(n), Host: tc.host, Port: tc.port, Protocol: tc.protocol, Version: tc.version})
			nr, gerr := f.k.GetNeuron(f.ctx, n, uid)
			require.NoError(t, gerr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, types.AxonInfo{}, nr.Axon)
				return
			}
			require.NoError(t, err)
			require.Equal(t, types.AxonInfo{Host: tc.host, Port: tc.port, Protocol: tc.protocol, Version: tc.version, Block: f.ctx.BlockHeight()}, nr.Axon)
		})
	}
}

// TestValidatorPermitWriters: the epoch's result grants and takes permits; RevokeValidatorPermit
// only takes one away and leaves every other field alone.
func TestValidatorPermitWriters(t *testing.T) {
	f := newFixture(t)
	n := f.registerSubnet(t, addr("owner"))
	f.registerNeuron(t, addr("c"), n, newHotkey("0"))
	f.registerNeuron(t, addr("c"), n, newHotkey("1"))
	res := types.EpochResult{Incentive: 7, Emission: math.NewInt(3), Active: true, ValidatorPermit: true}
	f.writeEpochResult(t, n, 1, res)
	nr, err := f.k.GetNeuron(f.ctx, n, 1)
	require.NoError(t, err)
	require.True(t, nr.ValidatorPermit)

	require.NoError(t, f.k.RevokeValidatorPermit(f.ctx, n, 1))
	got, err := f.k.GetNeuron(f.ctx, n, 1)
	require.NoError(t, err)
	nr.ValidatorPermit = false
	require.Equal(t, nr, got, "only the permit changes")
	before, err := f.k.GetNeuron(f.ctx, n, 0)
	require.NoError(t, err)
	require.NoError(t, f.k.RevokeValidatorPermit(f.ctx, n, 0), "no permit: nothing to revoke")
	after, err := f.k.GetNeuron(f.ctx, n, 0)
	require.NoError(t, err)
	require.Equal(t, before, after)
	require.ErrorIs(t, f.k.RevokeValidatorPermit(f.ctx, n, 9), types.ErrNeuronNotFound)

	// The next epoch decides again: it grants the permit back, and can take it.
	f.writeEpochResult(t, n, 1, res)
	got, err = f.k.GetNeuron(f.ctx, n, 1)
	require.NoError(t, err)
	require.True(t, got.ValidatorPermit, "the epoch grants the permit again")
	res.ValidatorPermit = false
	f.writeEpochResult(t, n, 1, res)
	got, err = f.k.GetNeuron(f.ctx, n, 1)
	require.NoError(t, err)
	require.False(t, got.ValidatorPermit, "the epoch takes it")
}

// writeEpochResult records r into the neuron at (netuid, uid) as the epoch does: WriteEpochResult
// into the neuron just read.
func (f *fixture) writeEpochResult(tb testing.TB, netuid, uid uint16, r types.EpochResult) {
	tb.Helper()
	n, err := f.k.GetNeuron(f.ctx, netuid, uid)
	require.NoError(tb, err)
	_, err = f.k.WriteEpochResult(f.ctx, n, r)
	require.NoError(tb, err)
}

func TestSetNeuronGuards(t *testing.T) {
	f := newFixture(t)
	n := f.registerSubnet(t, addr("owner"))
	f.registerNeuron(t, addr("c"), n, newHotkey("a"))
	nr, err := f.k.GetNeuron(f.ctx, n, 0)
	require.NoError(t, err)
	nr.Incentive, nr.LastUpdate = 123, 77
	require.NoError(t, f.k.SetNeuron(f.ctx, nr))
	got, err := f.k.GetNeuron(f.ctx, n, 0)
	require.NoError(t, err)
	shown, err := f.q.Neuron(f.ctx, &types.QueryNeuronRequest{Netuid: uint32(n), Uid: 0})
	require.NoError(t, err)
	require.Equal(t, int64(77), shown.Neuron.LastUpdate, "SetNeuron sets the last update too (kept apart)")
	got.LastUpdate = shown.Neuron.LastUpdate
	require.Equal(t, nr, got)
	nr.Hotkey = newHotkey("b").addr().String()
	require.ErrorIs(t, f.k.SetNeuron(f.ctx, nr), types.ErrNeuronNotFound)
	cur, err := f.k.GetNeuron(f.ctx, n, 0)
	require.NoError(t, err)
	_, err = f.k.WriteEpochResult(f.ctx, cur, types.EpochResult{Rank: 70000, Emission: math.ZeroInt()})
	require.ErrorIs(t, err, types.ErrInvalidAmount)
	_, err = f.k.GetNeuron(f.ctx, n, 5)
	require.ErrorIs(t, err, types.ErrNeuronNotFound, "an empty slot cannot be read for its result")
	_, err = f.k.WriteEpochResult(f.ctx, types.Neuron{Netuid: uint32(n), Uid: 5}, types.EpochResult{Emission: math.ZeroInt()})
	require.ErrorIs(t, err, types.ErrNeuronNotFound, "an empty slot is not a neuron")

	// WriteEpochResult writes into the neuron it is given and returns what it stored.
	cur, err = f.k.GetNeuron(f.ctx, n, 0)
	require.NoError(t, err)
	written, err := f.k.WriteEpochResult(f.ctx, cur, types.EpochResult{Rank: 9, Incentive: 8, Emission: math.NewInt(7), ValidatorPermit: true})
	require.NoError(t, err)
	stored, err := f.k.GetNeuron(f.ctx, n, 0)
	require.NoError(t, err)
	require.Equal(t, written, stored)
	require.Equal(t, uint32(9), stored.Rank)
	require.Equal(t, uint32(8), stored.Incentive)
	require.True(t, stored.ValidatorPermit)
	require.Equal(t, cur.LastUpdate, stored.LastUpdate, "fields the epoch does not own are kept")
}
