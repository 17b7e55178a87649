package ibctest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	transfertypes "github.com/cosmos/ibc-go/v10/modules/apps/transfer/types"
	clienttypes "github.com/cosmos/ibc-go/v10/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v10/modules/core/04-channel/types"
	channeltypesv2 "github.com/cosmos/ibc-go/v10/modules/core/04-channel/v2/types"
	ibctesting "github.com/cosmos/ibc-go/v10/testing"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/ibctest"
)

// sendTransferV2 submits an ICS-20 MsgTransfer over IBC v2 (source "channel" = client id) and
// returns the v2 packet it committed.
func sendTransferV2(t *testing.T, endpoint *ibctesting.Endpoint, sender ibctesting.SenderAccount, coin sdk.Coin,
	receiver string,
) channeltypesv2.Packet {
	t.Helper()
	timeout := uint64(endpoint.Counterparty.Chain.GetContext().BlockTime().Add(time.Hour).Unix())
	msg := transfertypes.NewMsgTransferWithEncoding(transfertypes.PortID, endpoint.ClientID, coin,
		sender.SenderAccount.GetAddress().String(), receiver, clienttypes.ZeroHeight(), timeout, "",
		transfertypes.EncodingProtobuf)
	res, err := endpoint.Chain.SendMsgsWithSender(sender, msg)
	require.NoError(t, err)
	packets, err := ibctesting.ParseIBCV2Packets(channeltypes.EventTypeSendPacket, res.Events)
	require.NoError(t, err)
	require.Len(t, packets, 1)
	return packets[0]
}

// relayV2 delivers packet from endpoint's chain to the counterparty and proves back the ICS-20
// success acknowledgement. MsgAcknowledgement verifies the ack against the receiver's stored
// commitment, so relaying fails unless the receiving app really wrote a success ack.
func relayV2(t *testing.T, from *ibctesting.Endpoint, packet channeltypesv2.Packet) {
	t.Helper()
	// MsgTransfer does not update the counterparty's light client (ibctesting's MsgSendPacket
	// helper would); the receiver needs a header that contains the packet commitment.
	require.NoError(t, from.Counterparty.UpdateClient())
	require.NoError(t, from.Counterparty.MsgRecvPacket(packet))
	ack := channeltypesv2.NewAcknowledgement(channeltypes.NewResultAcknowledgement([]byte{byte(1)}).Acknowledgement())
	require.NoError(t, from.MsgAcknowledgePacket(packet, ack))
}

// TestTransferV2RoundTrip moves rao A -> B -> A over IBC v2 (client-to-client, no connection or
// channel handshake) through the app's v2 router.
func TestTransferV2RoundTrip(t *testing.T) {
	_, chainA, chainB := ibctest.NewChainPair(t)
	path := ibctest.NewV2Path(chainA, chainB)

	senderA := chainA.SenderAccounts[0]
	receiverB := chainB.SenderAccounts[1]
	addrA := senderA.SenderAccount.GetAddress()
	addrB := receiverB.SenderAccount.GetAddress()
	escrowA := transfertypes.GetEscrowAddress(transfertypes.PortID, path.EndpointA.ClientID)
	startA := ibctest.Balance(chainA, addrA, app.BaseDenom)
	amount := app.TAO(4)

	packet := sendTransferV2(t, path.EndpointA, senderA, sdk.NewCoin(app.BaseDenom, amount), addrB.String())
	require.Equal(t, path.EndpointA.ClientID, packet.SourceClient)
	require.Equal(t, path.EndpointB.ClientID, packet.DestinationClient)
	require.Equal(t, amount, ibctest.Balance(chainA, escrowA, app.BaseDenom).Amount)
	require.Equal(t, startA.Amount.Sub(amount), ibctest.Balance(chainA, addrA, app.BaseDenom).Amount)

	relayV2(t, path.EndpointA, packet)

	voucher := transfertypes.NewDenom(app.BaseDenom, transfertypes.NewHop(transfertypes.PortID, path.EndpointB.ClientID))
	require.Equal(t, "transfer/"+path.EndpointB.ClientID+"/"+app.BaseDenom, voucher.Path())
	require.Equal(t, sdk.NewCoin(voucher.IBCDenom(), amount), ibctest.Balance(chainB, addrB, voucher.IBCDenom()))
	_, found := ibctest.App(chainB).TransferKeeper.GetDenom(chainB.GetContext(), voucher.Hash())
	require.True(t, found)

	back := sendTransferV2(t, path.EndpointB, receiverB, sdk.NewCoin(voucher.IBCDenom(), amount), addrA.String())
	require.True(t, ibctest.Supply(chainB, voucher.IBCDenom()).IsZero(), "voucher must be burned when sent back")
	relayV2(t, path.EndpointB, back)

	require.Equal(t, startA, ibctest.Balance(chainA, addrA, app.BaseDenom))
	require.True(t, ibctest.Balance(chainA, escrowA, app.BaseDenom).IsZero(), "escrow must be released")
	require.True(t, ibctest.App(chainA).TransferKeeper.GetTotalEscrowForDenom(chainA.GetContext(), app.BaseDenom).IsZero())
}
