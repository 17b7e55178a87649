package ibcapp

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v10/modules/core/02-client/types"
)

// PacketSender sends packets; the IBC channel keeper (*channelkeeper.Keeper) and any
// porttypes.ICS4Wrapper satisfy it.
type PacketSender interface {
	SendPacket(ctx sdk.Context, sourcePort, sourceChannel string, timeoutHeight clienttypes.Height,
		timeoutTimestamp uint64, data []byte) (sequence uint64, err error)
}

// SendQuery sends a request for the top k miners of netuid on sourceChannel (port PortID) and
// returns the packet sequence. The request is validated first, so a bad k never leaves the chain.
func SendQuery(ctx sdk.Context, sender PacketSender, sourceChannel string, netuid uint16, k uint32,
	timeoutHeight clienttypes.Height, timeoutTimestamp uint64,
) (uint64, error) {
	q := NewQueryPacketData(netuid, k)
	if err := q.ValidateBasic(); err != nil {
		return 0, err
	}
	return sender.SendPacket(ctx, PortID, sourceChannel, timeoutHeight, timeoutTimestamp, q.GetBytes())
}
