package ibctest_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	transfertypes "github.com/cosmos/ibc-go/v10/modules/apps/transfer/types"
	clienttypes "github.com/cosmos/ibc-go/v10/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v10/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v10/testing"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/testutil/ibctest"
)

// sendTransfer submits a MsgTransfer signed by sender on the path's chain A side and returns the
// packet it committed.
func sendTransfer(t *testing.T, endpoint *ibctesting.Endpoint, sender ibctesting.SenderAccount, coin sdk.Coin,
	receiver string, timeoutHeight clienttypes.Height, timeoutTimestamp uint64,
) channeltypes.Packet {
	t.Helper()
	msg := transfertypes.NewMsgTransfer(endpoint.ChannelConfig.PortID, endpoint.ChannelID, coin,
		sender.SenderAccount.GetAddress().String(), receiver, timeoutHeight, timeoutTimestamp, "")
	res, err := endpoint.Chain.SendMsgsWithSender(sender, msg)
	require.NoError(t, err)
	packet, err := ibctesting.ParseV1PacketFromEvents(res.Events)
	require.NoError(t, err)
	return packet
}

// decodeAck decodes an ICS-04 acknowledgement as written by the receiving chain.
func decodeAck(t *testing.T, bz []byte) channeltypes.Acknowledgement {
	t.Helper()
	var ack channeltypes.Acknowledgement
	require.NoError(t, transfertypes.ModuleCdc.UnmarshalJSON(bz, &ack))
	return ack
}

// TestTransferRoundTrip sends rao from taochain A to taochain B and back: A escrows, B mints a
// voucher whose denom trace is transfer/<channel on B>/rao, and the return burns the voucher and
// releases the escrow.
func TestTransferRoundTrip(t *testing.T) {
	_, chainA, chainB := ibctest.NewChainPair(t)
	path := ibctest.NewTransferPath(chainA, chainB)

	senderA := chainA.SenderAccounts[0]
	receiverB := chainB.SenderAccounts[1]
	addrA := senderA.SenderAccount.GetAddress()
	addrB := receiverB.SenderAccount.GetAddress()
	require.True(t, strings.HasPrefix(addrA.String(), app.Bech32Prefix+"1"), "sender %s", addrA)

	amount := app.TAO(7)
	startA := ibctest.Balance(chainA, addrA, app.BaseDenom)
	escrowA := transfertypes.GetEscrowAddress(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
	require.True(t, ibctest.Balance(chainA, escrowA, app.BaseDenom).IsZero())

	// A -> B.
	packet := sendTransfer(t, path.EndpointA, senderA, sdk.NewCoin(app.BaseDenom, amount), addrB.String(),
		chainB.GetTimeoutHeight(), 0)
	require.Equal(t, ibctesting.TransferPort, packet.SourcePort)
	require.Equal(t, path.EndpointA.ChannelID, packet.SourceChannel)
	require.Equal(t, path.EndpointB.ChannelID, packet.DestinationChannel)

	// The sender pays no fees in ibctesting (zero-fee txs), so the balance moves by the amount only.
	require.Equal(t, startA.Amount.Sub(amount), ibctest.Balance(chainA, addrA, app.BaseDenom).Amount)
	require.Equal(t, amount, ibctest.Balance(chainA, escrowA, app.BaseDenom).Amount)
	require.Equal(t, amount, ibctest.App(chainA).TransferKeeper.GetTotalEscrowForDenom(chainA.GetContext(), app.BaseDenom).Amount)

	_, ackBz, err := path.RelayPacketWithResults(packet)
	require.NoError(t, err)
	ack := decodeAck(t, ackBz)
	require.True(t, ack.Success(), "ack: %s", ack.GetError())

	voucher := transfertypes.NewDenom(app.BaseDenom, transfertypes.NewHop(path.EndpointB.ChannelConfig.PortID, path.EndpointB.ChannelID))
	require.Equal(t, "transfer/"+path.EndpointB.ChannelID+"/"+app.BaseDenom, voucher.Path())
	// The voucher denom is ibc/ + upper-case hex SHA-256 of the trace path (docs/ibc.md relies on it).
	pathHash := sha256.Sum256([]byte(voucher.Path()))
	require.Equal(t, "ibc/"+strings.ToUpper(hex.EncodeToString(pathHash[:])), voucher.IBCDenom())
	require.False(t, voucher.IsNative())

	stored, found := ibctest.App(chainB).TransferKeeper.GetDenom(chainB.GetContext(), voucher.Hash())
	require.True(t, found, "chain B has no denom trace for %s", voucher.IBCDenom())
	require.Equal(t, voucher.Path(), stored.Path())
	require.Equal(t, app.BaseDenom, stored.Base)

	require.Equal(t, sdk.NewCoin(voucher.IBCDenom(), amount), ibctest.Balance(chainB, addrB, voucher.IBCDenom()))
	require.Equal(t, amount, ibctest.Supply(chainB, voucher.IBCDenom()).Amount)
	// rao itself never crosses: B's native rao supply is untouched by the voucher mint.
	require.True(t, ibctest.Balance(chainB, addrB, app.BaseDenom).Amount.GT(sdkmath.ZeroInt()))

	// B -> A: the voucher goes home.
	back := sendTransfer(t, path.EndpointB, receiverB, sdk.NewCoin(voucher.IBCDenom(), amount), addrA.String(),
		chainA.GetTimeoutHeight(), 0)
	require.True(t, ibctest.Supply(chainB, voucher.IBCDenom()).IsZero(), "voucher must be burned when sent back")

	_, ackBz, err = path.RelayPacketWithResults(back)
	require.NoError(t, err)
	ack = decodeAck(t, ackBz)
	require.True(t, ack.Success(), "ack: %s", ack.GetError())

	require.True(t, ibctest.Balance(chainB, addrB, voucher.IBCDenom()).IsZero())
	require.True(t, ibctest.Supply(chainB, voucher.IBCDenom()).IsZero())
	require.Equal(t, startA, ibctest.Balance(chainA, addrA, app.BaseDenom))
	require.True(t, ibctest.Balance(chainA, escrowA, app.BaseDenom).IsZero(), "escrow must be released")
	require.True(t, ibctest.App(chainA).TransferKeeper.GetTotalEscrowForDenom(chainA.GetContext(), app.BaseDenom).IsZero())
	// A never learns a denom trace for its own native rao.
	require.Empty(t, ibctest.App(chainA).TransferKeeper.GetAllDenoms(chainA.GetContext()))
}

// TestTransferTimeoutRefund sends packets that B never receives in time; MsgTimeout on A refunds
// the escrow to the sender and B mints nothing.
func TestTransferTimeoutRefund(t *testing.T) {
	tests := []struct {
		name string
		// timeouts returns the packet timeouts given chain B's next block height and the shared clock.
		timeouts func(chainB *ibctesting.TestChain) (clienttypes.Height, uint64)
		// expire moves chain B past the timeout.
		expire func(coord *ibctesting.Coordinator, chainB *ibctesting.TestChain)
	}{
		{
			name: "timeout height",
			timeouts: func(chainB *ibctesting.TestChain) (clienttypes.Height, uint64) {
				rev := clienttypes.ParseChainID(chainB.ChainID)
				return clienttypes.NewHeight(rev, uint64(chainB.ProposedHeader.Height)+2), 0
			},
			expire: func(coord *ibctesting.Coordinator, chainB *ibctesting.TestChain) {
				coord.CommitNBlocks(chainB, 5)
			},
		},
		{
			name: "timeout timestamp",
			timeouts: func(chainB *ibctesting.TestChain) (clienttypes.Height, uint64) {
				return clienttypes.ZeroHeight(), uint64(chainB.ProposedHeader.Time.Add(time.Minute).UnixNano())
			},
			expire: func(coord *ibctesting.Coordinator, chainB *ibctesting.TestChain) {
				coord.IncrementTimeBy(2 * time.Minute)
				coord.CommitBlock(chainB)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			coord, chainA, chainB := ibctest.NewChainPair(t)
			path := ibctest.NewTransferPath(chainA, chainB)

			senderA := chainA.SenderAccounts[0]
			addrA := senderA.SenderAccount.GetAddress()
			addrB := chainB.SenderAccounts[1].SenderAccount.GetAddress()
			escrowA := transfertypes.GetEscrowAddress(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
			startA := ibctest.Balance(chainA, addrA, app.BaseDenom)
			amount := app.TAO(3)

			timeoutHeight, timeoutTimestamp := tc.timeouts(chainB)
			packet := sendTransfer(t, path.EndpointA, senderA, sdk.NewCoin(app.BaseDenom, amount), addrB.String(),
				timeoutHeight, timeoutTimestamp)
			require.Equal(t, amount, ibctest.Balance(chainA, escrowA, app.BaseDenom).Amount)

			tc.expire(coord, chainB)

			// B refuses the late packet: the relayer's MsgRecvPacket fails.
			require.NoError(t, path.EndpointB.UpdateClient())
			_, err := path.EndpointB.RecvPacketWithResult(packet)
			require.ErrorContains(t, err, "timeout elapsed")

			require.NoError(t, path.EndpointA.UpdateClient())
			require.NoError(t, path.EndpointA.TimeoutPacket(packet))

			require.Equal(t, startA, ibctest.Balance(chainA, addrA, app.BaseDenom), "sender must be refunded")
			require.True(t, ibctest.Balance(chainA, escrowA, app.BaseDenom).IsZero())
			require.True(t, ibctest.App(chainA).TransferKeeper.GetTotalEscrowForDenom(chainA.GetContext(), app.BaseDenom).IsZero())
			require.False(t, ibctest.App(chainA).IBCKeeper.ChannelKeeper.HasPacketCommitment(chainA.GetContext(),
				packet.SourcePort, packet.SourceChannel, packet.Sequence), "timeout must delete the packet commitment")

			voucher := transfertypes.NewDenom(app.BaseDenom, transfertypes.NewHop(path.EndpointB.ChannelConfig.PortID, path.EndpointB.ChannelID))
			require.True(t, ibctest.Supply(chainB, voucher.IBCDenom()).IsZero())

			// A second MsgTimeout for the same packet is a redundant relay: a no-op that refunds nothing.
			res, err := path.EndpointA.TimeoutPacketWithResult(packet)
			require.NoError(t, err)
			var timeoutRes channeltypes.MsgTimeoutResponse
			require.NoError(t, ibctesting.UnmarshalMsgResponses(chainA.Codec, res.Data, &timeoutRes))
			require.Equal(t, channeltypes.NOOP, timeoutRes.Result)
			require.Equal(t, startA, ibctest.Balance(chainA, addrA, app.BaseDenom))
		})
	}
}

// TestTransferInvalidReceiverRefund sends rao to receivers chain B cannot credit. B answers with an
// error acknowledgement (the relay transaction itself succeeds, nothing panics) and A refunds the
// escrow when the acknowledgement arrives.
func TestTransferInvalidReceiverRefund(t *testing.T) {
	tests := []struct {
		name     string
		receiver func(chainB *ibctesting.TestChain) string
	}{
		{
			name:     "bech32 address with another chain's prefix",
			receiver: func(*ibctesting.TestChain) string { return ibctesting.TestAccAddress },
		},
		{
			name:     "not an address",
			receiver: func(*ibctesting.TestChain) string { return "definitely-not-an-address" },
		},
		{
			name: "blocked module account (bonded pool)",
			receiver: func(chainB *ibctesting.TestChain) string {
				pool := authtypes.NewModuleAddress(stakingtypes.BondedPoolName)
				require.True(chainB.TB, ibctest.App(chainB).BankKeeper.BlockedAddr(pool))
				return pool.String()
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, chainA, chainB := ibctest.NewChainPair(t)
			path := ibctest.NewTransferPath(chainA, chainB)

			senderA := chainA.SenderAccounts[0]
			addrA := senderA.SenderAccount.GetAddress()
			escrowA := transfertypes.GetEscrowAddress(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
			startA := ibctest.Balance(chainA, addrA, app.BaseDenom)
			amount := app.TAO(2)

			packet := sendTransfer(t, path.EndpointA, senderA, sdk.NewCoin(app.BaseDenom, amount), tc.receiver(chainB),
				chainB.GetTimeoutHeight(), 0)
			require.Equal(t, startA.Amount.Sub(amount), ibctest.Balance(chainA, addrA, app.BaseDenom).Amount)

			res, ackBz, err := path.RelayPacketWithResults(packet)
			require.NoError(t, err)
			require.Zero(t, res.Code, "MsgRecvPacket must succeed and carry an error acknowledgement")
			ack := decodeAck(t, ackBz)
			require.False(t, ack.Success())
			require.NotEmpty(t, ack.GetError())

			require.Equal(t, startA, ibctest.Balance(chainA, addrA, app.BaseDenom), "sender must be refunded")
			require.True(t, ibctest.Balance(chainA, escrowA, app.BaseDenom).IsZero())
			require.True(t, ibctest.App(chainA).TransferKeeper.GetTotalEscrowForDenom(chainA.GetContext(), app.BaseDenom).IsZero())

			voucher := transfertypes.NewDenom(app.BaseDenom, transfertypes.NewHop(path.EndpointB.ChannelConfig.PortID, path.EndpointB.ChannelID))
			require.True(t, ibctest.Supply(chainB, voucher.IBCDenom()).IsZero())
		})
	}
}

// TestTransferZeroAmountRejected: a zero-amount MsgTransfer fails in the transaction on A, sends no
// packet and moves no funds.
func TestTransferZeroAmountRejected(t *testing.T) {
	_, chainA, chainB := ibctest.NewChainPair(t)
	path := ibctest.NewTransferPath(chainA, chainB)

	senderA := chainA.SenderAccounts[0]
	addrA := senderA.SenderAccount.GetAddress()
	startA := ibctest.Balance(chainA, addrA, app.BaseDenom)
	ctx := chainA.GetContext()
	seqBefore, found := ibctest.App(chainA).IBCKeeper.ChannelKeeper.GetNextSequenceSend(ctx, path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
	require.True(t, found)

	msg := transfertypes.NewMsgTransfer(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID,
		sdk.NewCoin(app.BaseDenom, sdkmath.ZeroInt()), addrA.String(),
		chainB.SenderAccounts[0].SenderAccount.GetAddress().String(), chainB.GetTimeoutHeight(), 0, "")
	_, err := chainA.SendMsgsWithSender(senderA, msg)
	require.Error(t, err)

	ctx = chainA.GetContext()
	seqAfter, found := ibctest.App(chainA).IBCKeeper.ChannelKeeper.GetNextSequenceSend(ctx, path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
	require.True(t, found)
	require.Equal(t, seqBefore, seqAfter, "no packet may be sent")
	require.Equal(t, startA, ibctest.Balance(chainA, addrA, app.BaseDenom))
}
