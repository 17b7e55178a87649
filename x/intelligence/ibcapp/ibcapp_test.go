package ibcapp_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	channeltypes "github.com/cosmos/ibc-go/v10/modules/core/04-channel/types"

	"github.com/taochain/taochain/x/intelligence/ibcapp"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

var _ ibcapp.SubnetKeeper = subnetkeeper.Keeper{}

func TestDecodeQueryPacketData(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    ibcapp.QueryPacketData
		wantErr error
	}{
		{"valid", `{"netuid":3,"k":10}`, ibcapp.QueryPacketData{Netuid: 3, K: 10}, nil},
		{"valid, whitespace and order", " { \"k\": 64 , \"netuid\": 65535 }\n", ibcapp.QueryPacketData{Netuid: 65535, K: 64}, nil},
		{"k zero", `{"netuid":3,"k":0}`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidK},
		{"k above max", `{"netuid":3,"k":65}`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidK},
		{"netuid above u16", `{"netuid":65536,"k":1}`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"missing netuid", `{"k":1}`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"null", `null`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"empty", ``, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"array", `[3,10]`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"string number", `{"netuid":"3","k":10}`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"float", `{"netuid":3,"k":1.5}`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"unknown field", `{"netuid":3,"k":1,"x":1}`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"trailing value", `{"netuid":3,"k":1}{}`, ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
		{"binary", "\xff\xfe\x00", ibcapp.QueryPacketData{}, ibcapp.ErrInvalidPacket},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ibcapp.DecodeQueryPacketData([]byte(tc.data))
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			// Round trip through the encoding SendQuery uses.
			again, err := ibcapp.DecodeQueryPacketData(got.GetBytes())
			require.NoError(t, err)
			require.Equal(t, got, again)
		})
	}
	require.Equal(t, `{"netuid":7,"k":2}`, string(ibcapp.NewQueryPacketData(7, 2).GetBytes()))
}

func TestAxonString(t *testing.T) {
	tests := []struct {
		axon subnettypes.AxonInfo
		want string
	}{
		{subnettypes.AxonInfo{Host: "1.2.3.4", Port: 80, Protocol: subnettypes.AXON_PROTOCOL_HTTP}, "http://1.2.3.4:80"},
		{subnettypes.AxonInfo{Host: "miner.example.org", Port: 443, Protocol: subnettypes.AXON_PROTOCOL_HTTPS}, "https://miner.example.org:443"},
		{subnettypes.AxonInfo{Host: "2001:db8::1", Port: 8091, Protocol: subnettypes.AXON_PROTOCOL_HTTP}, "http://[2001:db8::1]:8091"},
		{subnettypes.AxonInfo{}, ""},
		{subnettypes.AxonInfo{Host: "1.2.3.4", Port: 80, Protocol: subnettypes.AXON_PROTOCOL_UNSPECIFIED}, ""},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, ibcapp.AxonString(tc.axon), "%+v", tc.axon)
	}
}

func neuron(uid, incentive uint32) subnettypes.Neuron {
	return subnettypes.Neuron{Uid: uid, Hotkey: "hk" + string(rune('a'+uid)), Incentive: incentive}
}

func uids(ms []ibcapp.Miner) []uint32 {
	out := make([]uint32, len(ms))
	for i, m := range ms {
		out[i] = m.UID
	}
	return out
}

func TestRankMiners(t *testing.T) {
	neurons := []subnettypes.Neuron{
		neuron(0, 0), neuron(1, 100), neuron(2, 65535), neuron(3, 100), neuron(4, 7), neuron(5, 0), neuron(6, 65535),
	}
	all := []uint32{2, 6, 1, 3, 4, 0, 5}
	for k := uint32(0); k <= uint32(len(neurons))+2; k++ {
		want := all[:min(int(k), len(all))]
		// Every rotation and the reversal of the input give the same ranking.
		for r := range neurons {
			in := append(append([]subnettypes.Neuron{}, neurons[r:]...), neurons[:r]...)
			require.Equal(t, want, uids(ibcapp.RankMiners(in, k)), "k=%d rotation %d", k, r)
		}
		rev := make([]subnettypes.Neuron, len(neurons))
		for i, n := range neurons {
			rev[len(neurons)-1-i] = n
		}
		require.Equal(t, want, uids(ibcapp.RankMiners(rev, k)), "k=%d reversed", k)
	}
	got := ibcapp.RankMiners(neurons, 1)
	require.Equal(t, []ibcapp.Miner{{UID: 2, Hotkey: "hkc", Axon: "", Incentive: 65535}}, got)

	// k is capped at MaxTopK.
	many := make([]subnettypes.Neuron, 100)
	for i := range many {
		many[i] = neuron(uint32(i), uint32(i))
	}
	top := ibcapp.RankMiners(many, 1000)
	require.Len(t, top, ibcapp.MaxTopK)
	require.Equal(t, uint32(99), top[0].UID)
	require.Equal(t, uint32(100-ibcapp.MaxTopK), top[ibcapp.MaxTopK-1].UID)
}

func TestHandshakeCallbacks(t *testing.T) {
	m := ibcapp.NewIBCModule(subnetkeeper.Keeper{})
	cp := channeltypes.NewCounterparty(ibcapp.PortID, "channel-0")
	ctx := sdk.Context{}

	v, err := m.OnChanOpenTry(ctx, channeltypes.UNORDERED, nil, ibcapp.PortID, "channel-1", cp, ibcapp.Version)
	require.NoError(t, err)
	require.Equal(t, ibcapp.Version, v)
	_, err = m.OnChanOpenTry(ctx, channeltypes.UNORDERED, nil, ibcapp.PortID, "channel-1", cp, "")
	require.ErrorIs(t, err, ibcapp.ErrInvalidVersion)
	_, err = m.OnChanOpenTry(ctx, channeltypes.ORDERED, nil, ibcapp.PortID, "channel-1", cp, ibcapp.Version)
	require.ErrorIs(t, err, ibcapp.ErrInvalidChannelOrdering)
	_, err = m.OnChanOpenTry(ctx, channeltypes.UNORDERED, nil, "transfer", "channel-1", cp, ibcapp.Version)
	require.ErrorIs(t, err, ibcapp.ErrInvalidPort)

	_, err = m.OnChanOpenInit(ctx, channeltypes.UNORDERED, nil, "other", "channel-1", cp, "")
	require.ErrorIs(t, err, ibcapp.ErrInvalidPort)

	require.NoError(t, m.OnChanOpenAck(ctx, ibcapp.PortID, "channel-1", "channel-0", ibcapp.Version))
	require.ErrorIs(t, m.OnChanOpenAck(ctx, ibcapp.PortID, "channel-1", "channel-0", "ics20-1"), ibcapp.ErrInvalidVersion)
	require.ErrorIs(t, m.OnChanCloseInit(ctx, ibcapp.PortID, "channel-1"), ibcapp.ErrChannelCloseRejected)
	require.NoError(t, m.OnChanCloseConfirm(ctx, ibcapp.PortID, "channel-1"))
}

func TestOnAcknowledgementPacketRejectsBadAcks(t *testing.T) {
	m := ibcapp.NewIBCModule(subnetkeeper.Keeper{})
	ctx := sdk.Context{}.WithEventManager(sdk.NewEventManager())
	packet := channeltypes.Packet{Sequence: 1, SourcePort: ibcapp.PortID, SourceChannel: "channel-0",
		Data: ibcapp.NewQueryPacketData(3, 2).GetBytes()}
	ack := func(a channeltypes.Acknowledgement) []byte { return a.Acknowledgement() }
	miner := ibcapp.Miner{UID: 1, Hotkey: "x", Incentive: 5}

	tests := []struct {
		name    string
		ack     []byte
		wantErr error
	}{
		{"ok", ack(channeltypes.NewResultAcknowledgement(ibcapp.QueryResult{Netuid: 3, Miners: []ibcapp.Miner{miner}}.GetBytes())), nil},
		{"error ack", ack(channeltypes.NewErrorAcknowledgementWithCodespace(ibcapp.ErrUnknownSubnet)), nil},
		{"not an ack", []byte("garbage"), ibcapp.ErrInvalidAcknowledgement},
		{"result not json", ack(channeltypes.NewResultAcknowledgement([]byte("nope"))), ibcapp.ErrInvalidAcknowledgement},
		{"other netuid", ack(channeltypes.NewResultAcknowledgement(ibcapp.QueryResult{Netuid: 4}.GetBytes())), ibcapp.ErrInvalidAcknowledgement},
		{"more than k", ack(channeltypes.NewResultAcknowledgement(ibcapp.QueryResult{Netuid: 3, Miners: []ibcapp.Miner{miner, miner, miner}}.GetBytes())), ibcapp.ErrInvalidAcknowledgement},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := m.OnAcknowledgementPacket(ctx, ibcapp.Version, packet, tc.ack, nil)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
	var results int
	for _, ev := range ctx.EventManager().Events() {
		if ev.Type == ibcapp.EventTypeQueryResult {
			results++
		}
	}
	require.Equal(t, 2, results, "one result event per accepted acknowledgement")
}
