package ibctest_test

import (
	"encoding/json"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	clienttypes "github.com/cosmos/ibc-go/v10/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v10/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v10/testing"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/ibctest"
	"github.com/taochain/taochain/x/intelligence/ibcapp"
	subnetkeeper "github.com/taochain/taochain/x/subnet/keeper"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// The subnet keeper, as the app holds it (a value), must satisfy the application's keeper interface.
var _ ibcapp.SubnetKeeper = subnetkeeper.Keeper{}

// routeIntelligence checks that the app routes port "intelligence" to the intelligence application.
func routeIntelligence(t *testing.T, chain *ibctesting.TestChain) {
	t.Helper()
	m, ok := ibctest.App(chain).IBCKeeper.PortKeeper.Router.Route(ibcapp.PortID)
	require.True(t, ok, "app does not route port %s", ibcapp.PortID)
	require.IsType(t, ibcapp.IBCModule{}, m, "port %s is routed to another module", ibcapp.PortID)
}

// newIntelligenceChains starts two taochain chains that both route the intelligence port and have
// a connection between them, and returns a path configured for an intelligence channel (not yet
// opened).
func newIntelligenceChains(t *testing.T) (*ibctesting.Coordinator, *ibctesting.TestChain, *ibctesting.TestChain, *ibctesting.Path) {
	t.Helper()
	coord, chainA, chainB := ibctest.NewChainPair(t)
	routeIntelligence(t, chainA)
	routeIntelligence(t, chainB)
	path := ibctesting.NewPath(chainA, chainB)
	for _, ep := range []*ibctesting.Endpoint{path.EndpointA, path.EndpointB} {
		ep.ChannelConfig.PortID = ibcapp.PortID
		ep.ChannelConfig.Version = ibcapp.Version
		ep.ChannelConfig.Order = channeltypes.UNORDERED
	}
	path.SetupConnections()
	return coord, chainA, chainB, path
}

// openIntelligenceChannel runs the full four-step handshake and checks both ends are OPEN.
func openIntelligenceChannel(t *testing.T, path *ibctesting.Path) {
	t.Helper()
	path.CreateChannels()
	for _, ep := range []*ibctesting.Endpoint{path.EndpointA, path.EndpointB} {
		ch := ep.GetChannel()
		require.Equal(t, channeltypes.OPEN, ch.State)
		require.Equal(t, ibcapp.Version, ch.Version)
		require.Equal(t, channeltypes.UNORDERED, ch.Ordering)
	}
}

func TestIntelligenceHandshake(t *testing.T) {
	t.Run("right version opens", func(t *testing.T) {
		_, _, _, path := newIntelligenceChains(t)
		openIntelligenceChannel(t, path)
	})

	t.Run("empty version selects the default", func(t *testing.T) {
		_, _, _, path := newIntelligenceChains(t)
		path.EndpointA.ChannelConfig.Version = ""
		path.EndpointB.ChannelConfig.Version = ""
		openIntelligenceChannel(t, path)
	})

	tests := []struct {
		name    string
		setup   func(path *ibctesting.Path)
		wantErr *errorsmod.Error
	}{
		{"wrong version", func(path *ibctesting.Path) { path.EndpointA.ChannelConfig.Version = "ics20-1" },
			ibcapp.ErrInvalidVersion},
		{"ordered channel", func(path *ibctesting.Path) { path.EndpointA.ChannelConfig.Order = channeltypes.ORDERED },
			ibcapp.ErrInvalidChannelOrdering},
		{"counterparty port not intelligence", func(path *ibctesting.Path) {
			path.EndpointB.ChannelConfig.PortID = ibctesting.TransferPort
		}, ibcapp.ErrInvalidPort},
	}
	for _, tc := range tests {
		t.Run(tc.name+" fails init", func(t *testing.T) {
			_, chainA, _, path := newIntelligenceChains(t)
			tc.setup(path)
			before := ibctest.App(chainA).IBCKeeper.ChannelKeeper.GetAllChannels(chainA.GetContext())
			requireCode(t, path.EndpointA.ChanOpenInit(), tc.wantErr)
			require.Len(t, ibctest.App(chainA).IBCKeeper.ChannelKeeper.GetAllChannels(chainA.GetContext()), len(before),
				"a rejected init must not create a channel")
		})
	}

	t.Run("try rejects a counterparty version it does not speak", func(t *testing.T) {
		_, _, chainB, path := newIntelligenceChains(t)
		require.NoError(t, path.EndpointA.ChanOpenInit())
		// Chain A's INIT channel now proposes another version, as a foreign implementation would;
		// the proof chain B verifies matches it, so only the application callback can refuse.
		const other = "taochain-intelligence-2"
		path.EndpointA.UpdateChannel(func(ch *channeltypes.Channel) { ch.Version = other })
		path.EndpointA.ChannelConfig.Version = other
		requireCode(t, path.EndpointB.ChanOpenTry(), ibcapp.ErrInvalidVersion)
		require.Empty(t, ibctest.App(chainB).IBCKeeper.ChannelKeeper.GetAllChannels(chainB.GetContext()))
	})

	t.Run("user close is rejected", func(t *testing.T) {
		_, _, _, path := newIntelligenceChains(t)
		openIntelligenceChannel(t, path)
		err := path.EndpointA.ChanCloseInit()
		requireCode(t, err, ibcapp.ErrChannelCloseRejected)
		require.Equal(t, channeltypes.OPEN, path.EndpointA.GetChannel().State)
	})
}

// requireCode fails unless err is a transaction failure with want's codespace and code.
func requireCode(t *testing.T, err error, want *errorsmod.Error) {
	t.Helper()
	require.ErrorContains(t, err, want.Codespace()+"/"+strconv.FormatUint(uint64(want.ABCICode()), 10)+":")
}

// testNeuron is a neuron registered on chain B and the incentive the test gives it.
type testNeuron struct {
	uid       uint32
	hotkey    string
	incentive uint32
}

// setupSubnet registers a subnet on chain B and one neuron per entry of incentives through real
// transactions, then writes each neuron's incentive (and, for the first neuron, an axon) with the
// subnet keeper as an epoch would, and commits. It returns the netuid and the neurons.
func setupSubnet(t *testing.T, coord *ibctesting.Coordinator, chainB *ibctesting.TestChain, incentives []uint32) (uint16, []testNeuron) {
	t.Helper()
	owner := chainB.SenderAccounts[0]
	ownerAddr := owner.SenderAccount.GetAddress().String()
	res, err := chainB.SendMsgsWithSender(owner, &subnettypes.MsgRegisterSubnet{
		Owner: ownerAddr, Name: "oracle", MaxLock: app.TAO(1_000_000),
	})
	require.NoError(t, err)
	var subnetRes subnettypes.MsgRegisterSubnetResponse
	require.NoError(t, ibctesting.UnmarshalMsgResponses(chainB.Codec, res.Data, &subnetRes))
	netuid := uint16(subnetRes.Netuid)

	neurons := make([]testNeuron, len(incentives))
	for i := range incentives {
		priv := secp256k1.GenPrivKey()
		proof, err := priv.Sign(subnettypes.RegistrationProofBytes(chainB.ChainID, netuid, ownerAddr))
		require.NoError(t, err)
		res, err := chainB.SendMsgsWithSender(owner, &subnettypes.MsgRegisterNeuron{
			Coldkey: ownerAddr, Netuid: uint32(netuid), HotkeyPubkey: priv.PubKey().Bytes(), Proof: proof,
			MaxBurn: app.TAO(1_000_000),
		})
		require.NoError(t, err)
		var neuronRes subnettypes.MsgRegisterNeuronResponse
		require.NoError(t, ibctesting.UnmarshalMsgResponses(chainB.Codec, res.Data, &neuronRes))
		neurons[i] = testNeuron{uid: neuronRes.Uid, hotkey: neuronRes.Hotkey, incentive: incentives[i]}
	}

	keeper := ibctest.App(chainB).SubnetKeeper
	ctx := chainB.GetContext()
	for i, tn := range neurons {
		n, err := keeper.GetNeuron(ctx, netuid, uint16(tn.uid))
		require.NoError(t, err)
		n.Incentive = tn.incentive
		if i == 0 {
			n.Axon = subnettypes.AxonInfo{Host: "10.0.0.7", Port: 8091, Protocol: subnettypes.AXON_PROTOCOL_HTTPS, Version: 1, Block: ctx.BlockHeight()}
		}
		require.NoError(t, keeper.SetNeuron(ctx, n))
	}
	coord.CommitBlock(chainB)
	return netuid, neurons
}

// sendRawQuery commits data as an intelligence packet on chain A and returns the packet.
func sendRawQuery(t *testing.T, coord *ibctesting.Coordinator, path *ibctesting.Path, data []byte) channeltypes.Packet {
	t.Helper()
	chainA := path.EndpointA.Chain
	timeout := path.EndpointB.Chain.GetTimeoutHeight()
	seq, err := ibctest.App(chainA).IBCKeeper.ChannelKeeper.SendPacket(chainA.GetContext(), ibcapp.PortID,
		path.EndpointA.ChannelID, timeout, 0, data)
	require.NoError(t, err)
	coord.CommitBlock(chainA)
	return channeltypes.NewPacket(data, seq, ibcapp.PortID, path.EndpointA.ChannelID, ibcapp.PortID,
		path.EndpointB.ChannelID, timeout, 0)
}

// sendQuery sends a query with ibcapp.SendQuery on chain A and returns the committed packet.
func sendQuery(t *testing.T, coord *ibctesting.Coordinator, path *ibctesting.Path, netuid uint16, k uint32,
	timeoutHeight clienttypes.Height, timeoutTimestamp uint64,
) channeltypes.Packet {
	t.Helper()
	chainA := path.EndpointA.Chain
	seq, err := ibcapp.SendQuery(chainA.GetContext(), ibctest.App(chainA).IBCKeeper.ChannelKeeper,
		path.EndpointA.ChannelID, netuid, k, timeoutHeight, timeoutTimestamp)
	require.NoError(t, err)
	coord.CommitBlock(chainA)
	return channeltypes.NewPacket(ibcapp.NewQueryPacketData(netuid, k).GetBytes(), seq, ibcapp.PortID,
		path.EndpointA.ChannelID, ibcapp.PortID, path.EndpointB.ChannelID, timeoutHeight, timeoutTimestamp)
}

// relayQuery delivers packet to chain B, then B's acknowledgement back to chain A. It returns the
// acknowledgement and the events of A's MsgAcknowledgement transaction.
func relayQuery(t *testing.T, path *ibctesting.Path, packet channeltypes.Packet) (channeltypes.Acknowledgement, []abci.Event) {
	t.Helper()
	require.NoError(t, path.EndpointB.UpdateClient())
	recvRes, err := path.EndpointB.RecvPacketWithResult(packet)
	require.NoError(t, err, "MsgRecvPacket must succeed whatever the query")
	require.Zero(t, recvRes.Code)
	ackBz, err := ibctesting.ParseAckFromEvents(recvRes.Events)
	require.NoError(t, err)
	ackRes, err := path.EndpointA.AcknowledgePacketWithResult(packet, ackBz)
	require.NoError(t, err)
	require.Zero(t, ackRes.Code)
	require.False(t, ibctest.App(path.EndpointA.Chain).IBCKeeper.ChannelKeeper.HasPacketCommitment(
		path.EndpointA.Chain.GetContext(), packet.SourcePort, packet.SourceChannel, packet.Sequence),
		"the acknowledgement must clear the packet commitment")
	return decodeAck(t, ackBz), ackRes.Events
}

// eventAttrs returns the attributes of the first event of type typ, failing if there is none.
func eventAttrs(t *testing.T, events []abci.Event, typ string) map[string]string {
	t.Helper()
	for _, ev := range events {
		if ev.Type != typ {
			continue
		}
		attrs := make(map[string]string, len(ev.Attributes))
		for _, a := range ev.Attributes {
			attrs[a.Key] = a.Value
		}
		return attrs
	}
	t.Fatalf("no %s event in %d events", typ, len(events))
	return nil
}

func TestIntelligenceQueryTopK(t *testing.T) {
	coord, _, chainB, path := newIntelligenceChains(t)
	openIntelligenceChannel(t, path)
	// uid order 0..4; incentives tie between uid 1 and 3; uid 4 has none.
	netuid, neurons := setupSubnet(t, coord, chainB, []uint32{30_000, 50_000, 10_000, 50_000, 0})
	for i, n := range neurons {
		require.Equal(t, uint32(i), n.uid)
	}
	axon0 := "https://10.0.0.7:8091"

	tests := []struct {
		k    uint32
		want []testNeuron
	}{
		{k: 1, want: []testNeuron{neurons[1]}},
		{k: 3, want: []testNeuron{neurons[1], neurons[3], neurons[0]}},
		// More than the subnet holds: every neuron, the zero-incentive one last.
		{k: ibcapp.MaxTopK, want: []testNeuron{neurons[1], neurons[3], neurons[0], neurons[2], neurons[4]}},
	}
	for _, tc := range tests {
		t.Run("k="+strconv.FormatUint(uint64(tc.k), 10), func(t *testing.T) {
			packet := sendQuery(t, coord, path, netuid, tc.k, path.EndpointB.Chain.GetTimeoutHeight(), 0)
			ack, events := relayQuery(t, path, packet)
			require.True(t, ack.Success(), "ack error: %s", ack.GetError())

			res, err := ibcapp.DecodeQueryResult(ack.GetResult())
			require.NoError(t, err)
			require.Equal(t, uint32(netuid), res.Netuid)
			require.Len(t, res.Miners, len(tc.want))
			for i, w := range tc.want {
				got := res.Miners[i]
				require.Equal(t, w.uid, got.UID, "rank %d", i)
				require.Equal(t, w.hotkey, got.Hotkey, "rank %d", i)
				require.Equal(t, w.incentive, got.Incentive, "rank %d", i)
				if w.uid == neurons[0].uid {
					require.Equal(t, axon0, got.Axon)
				} else {
					require.Empty(t, got.Axon, "uid %d never served an axon", w.uid)
				}
			}
			// The wire format is the documented JSON.
			var raw map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(ack.GetResult(), &raw))
			require.Contains(t, raw, "netuid")
			require.Contains(t, raw, "miners")

			// Chain A decoded the answer and emitted it.
			attrs := eventAttrs(t, events, ibcapp.EventTypeQueryResult)
			require.Equal(t, "true", attrs[ibcapp.AttributeKeySuccess])
			require.Equal(t, strconv.Itoa(len(tc.want)), attrs[ibcapp.AttributeKeyMiners])
			require.Equal(t, strconv.FormatUint(uint64(netuid), 10), attrs[ibcapp.AttributeKeyNetuid])
			require.JSONEq(t, string(ack.GetResult()), attrs[ibcapp.AttributeKeyResult])
		})
	}
}

func TestIntelligenceQueryErrors(t *testing.T) {
	coord, _, chainB, path := newIntelligenceChains(t)
	openIntelligenceChannel(t, path)
	netuid, _ := setupSubnet(t, coord, chainB, []uint32{1, 2})
	_, err := ibctest.App(chainB).SubnetKeeper.GetSubnet(chainB.GetContext(), netuid+1)
	require.ErrorIs(t, err, subnettypes.ErrSubnetNotFound, "the unknown-subnet case needs a free netuid")

	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{"unknown subnet", ibcapp.NewQueryPacketData(netuid+1, 4).GetBytes(), ibcapp.ErrUnknownSubnet},
		{"k too large", ibcapp.NewQueryPacketData(netuid, ibcapp.MaxTopK+1).GetBytes(), ibcapp.ErrInvalidK},
		{"k zero", ibcapp.NewQueryPacketData(netuid, 0).GetBytes(), ibcapp.ErrInvalidK},
		{"netuid above u16", []byte(`{"netuid":70000,"k":1}`), ibcapp.ErrInvalidPacket},
		{"malformed bytes", []byte{0xff, 0x00, '{', 0x13}, ibcapp.ErrInvalidPacket},
		{"truncated json", []byte(`{"netuid":1,"k":`), ibcapp.ErrInvalidPacket},
		{"missing k", []byte(`{"netuid":1}`), ibcapp.ErrInvalidPacket},
		{"unknown field", []byte(`{"netuid":1,"k":1,"extra":true}`), ibcapp.ErrInvalidPacket},
		{"negative k", []byte(`{"netuid":1,"k":-1}`), ibcapp.ErrInvalidPacket},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			packet := sendRawQuery(t, coord, path, tc.data)
			ack, events := relayQuery(t, path, packet)
			require.False(t, ack.Success())
			wantAck := channeltypes.NewErrorAcknowledgementWithCodespace(tc.wantErr)
			require.Equal(t, wantAck.GetError(), ack.GetError())
			require.Contains(t, ack.GetError(), ibcapp.Codespace+"/")

			attrs := eventAttrs(t, events, ibcapp.EventTypeQueryResult)
			require.Equal(t, "false", attrs[ibcapp.AttributeKeySuccess])
			require.Equal(t, ack.GetError(), attrs[ibcapp.AttributeKeyError])
		})
	}

	// SendQuery refuses a bad k before anything leaves chain A.
	chainA := path.EndpointA.Chain
	seqBefore, found := ibctest.App(chainA).IBCKeeper.ChannelKeeper.GetNextSequenceSend(chainA.GetContext(), ibcapp.PortID, path.EndpointA.ChannelID)
	require.True(t, found)
	for _, k := range []uint32{0, ibcapp.MaxTopK + 1} {
		_, err := ibcapp.SendQuery(chainA.GetContext(), ibctest.App(chainA).IBCKeeper.ChannelKeeper,
			path.EndpointA.ChannelID, netuid, k, chainB.GetTimeoutHeight(), 0)
		require.ErrorIs(t, err, ibcapp.ErrInvalidK)
	}
	seqAfter, _ := ibctest.App(chainA).IBCKeeper.ChannelKeeper.GetNextSequenceSend(chainA.GetContext(), ibcapp.PortID, path.EndpointA.ChannelID)
	require.Equal(t, seqBefore, seqAfter)
}

// TestIntelligenceQueryTimeout: a query chain B never receives in time is timed out on chain A,
// which emits a timeout event and clears the commitment.
func TestIntelligenceQueryTimeout(t *testing.T) {
	coord, chainA, chainB, path := newIntelligenceChains(t)
	openIntelligenceChannel(t, path)
	rev := clienttypes.ParseChainID(chainB.ChainID)
	timeout := clienttypes.NewHeight(rev, uint64(chainB.ProposedHeader.Height)+2)
	packet := sendQuery(t, coord, path, 1, 5, timeout, 0)
	coord.CommitNBlocks(chainB, 5)

	require.NoError(t, path.EndpointB.UpdateClient())
	_, err := path.EndpointB.RecvPacketWithResult(packet)
	require.ErrorContains(t, err, "timeout elapsed")

	require.NoError(t, path.EndpointA.UpdateClient())
	res, err := path.EndpointA.TimeoutPacketWithResult(packet)
	require.NoError(t, err)
	attrs := eventAttrs(t, res.Events, ibcapp.EventTypeQueryTimeout)
	require.Equal(t, "1", attrs[ibcapp.AttributeKeyNetuid])
	require.Equal(t, "5", attrs[ibcapp.AttributeKeyK])
	require.Equal(t, strconv.FormatUint(packet.Sequence, 10), attrs[ibcapp.AttributeKeySequence])
	require.False(t, ibctest.App(chainA).IBCKeeper.ChannelKeeper.HasPacketCommitment(chainA.GetContext(),
		packet.SourcePort, packet.SourceChannel, packet.Sequence))
}
