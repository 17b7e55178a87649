package ibcapp

import (
	"strconv"
	"strings"

	sdk "github.com/cosmos/cosmos-sdk/types"

	channeltypes "github.com/cosmos/ibc-go/v10/modules/core/04-channel/types"
	porttypes "github.com/cosmos/ibc-go/v10/modules/core/05-port/types"
	ibcexported "github.com/cosmos/ibc-go/v10/modules/core/exported"
)

var _ porttypes.IBCModule = IBCModule{}

// IBCModule implements the ICS-26 callbacks of the intelligence application.
type IBCModule struct {
	subnets SubnetKeeper
}

// NewIBCModule returns the intelligence application reading subnets and neurons from k. Route it
// with ibcRouter.AddRoute(PortID, NewIBCModule(app.SubnetKeeper)).
func NewIBCModule(k SubnetKeeper) IBCModule {
	return IBCModule{subnets: k}
}

// validateChannel checks what both handshake ends require: UNORDERED, our port on both sides.
func validateChannel(order channeltypes.Order, portID string, counterparty channeltypes.Counterparty) error {
	if order != channeltypes.UNORDERED {
		return ErrInvalidChannelOrdering.Wrapf("got %s, only %s channels are allowed", order, channeltypes.UNORDERED)
	}
	if portID != PortID {
		return ErrInvalidPort.Wrapf("channel on port %q, the application is bound to %q", portID, PortID)
	}
	if counterparty.PortId != PortID {
		return ErrInvalidPort.Wrapf("counterparty port %q, must be %q", counterparty.PortId, PortID)
	}
	return nil
}

// OnChanOpenInit implements porttypes.IBCModule. An empty version selects Version; any other
// version must equal it.
func (IBCModule) OnChanOpenInit(_ sdk.Context, order channeltypes.Order, _ []string, portID, _ string,
	counterparty channeltypes.Counterparty, version string,
) (string, error) {
	if err := validateChannel(order, portID, counterparty); err != nil {
		return "", err
	}
	if strings.TrimSpace(version) == "" {
		return Version, nil
	}
	if version != Version {
		return "", ErrInvalidVersion.Wrapf("got %q, only %q is supported", version, Version)
	}
	return version, nil
}

// OnChanOpenTry implements porttypes.IBCModule. The counterparty must have proposed Version.
func (IBCModule) OnChanOpenTry(_ sdk.Context, order channeltypes.Order, _ []string, portID, _ string,
	counterparty channeltypes.Counterparty, counterpartyVersion string,
) (string, error) {
	if err := validateChannel(order, portID, counterparty); err != nil {
		return "", err
	}
	if counterpartyVersion != Version {
		return "", ErrInvalidVersion.Wrapf("counterparty proposed %q, only %q is supported", counterpartyVersion, Version)
	}
	return Version, nil
}

// OnChanOpenAck implements porttypes.IBCModule: the counterparty must have selected Version.
func (IBCModule) OnChanOpenAck(_ sdk.Context, _, _, _ string, counterpartyVersion string) error {
	if counterpartyVersion != Version {
		return ErrInvalidVersion.Wrapf("counterparty selected %q, only %q is supported", counterpartyVersion, Version)
	}
	return nil
}

// OnChanOpenConfirm implements porttypes.IBCModule; everything was checked in Try.
func (IBCModule) OnChanOpenConfirm(sdk.Context, string, string) error {
	return nil
}

// OnChanCloseInit implements porttypes.IBCModule. Users may not close intelligence channels: the
// channel is shared by every requester on the counterparty chain.
func (IBCModule) OnChanCloseInit(_ sdk.Context, portID, channelID string) error {
	return ErrChannelCloseRejected.Wrapf("channel %s on port %s cannot be closed by a user", channelID, portID)
}

// OnChanCloseConfirm implements porttypes.IBCModule: a close started by the counterparty is accepted.
func (IBCModule) OnChanCloseConfirm(sdk.Context, string, string) error {
	return nil
}

// OnRecvPacket implements porttypes.IBCModule. It answers a query with a result acknowledgement
// holding the JSON QueryResult, or with an error acknowledgement carrying the registered error's
// codespace and code. It never fails the relay transaction and writes no state.
func (im IBCModule) OnRecvPacket(
	ctx sdk.Context,
	channelVersion string,
	packet channeltypes.Packet,
	_ sdk.AccAddress,
) ibcexported.Acknowledgement {
	res, q, err := im.answer(ctx, channelVersion, packet.GetData())
	attrs := []sdk.Attribute{
		sdk.NewAttribute(AttributeKeyChannel, packet.DestinationChannel),
		sdk.NewAttribute(AttributeKeySequence, strconv.FormatUint(packet.Sequence, 10)),
		sdk.NewAttribute(AttributeKeyNetuid, strconv.FormatUint(uint64(q.Netuid), 10)),
		sdk.NewAttribute(AttributeKeyK, strconv.FormatUint(uint64(q.K), 10)),
		sdk.NewAttribute(AttributeKeySuccess, strconv.FormatBool(err == nil)),
	}
	if err != nil {
		ctx.EventManager().EmitEvent(sdk.NewEvent(EventTypeQueryAnswered,
			append(attrs, sdk.NewAttribute(AttributeKeyError, err.Error()))...))
		return channeltypes.NewErrorAcknowledgementWithCodespace(err)
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventTypeQueryAnswered,
		append(attrs, sdk.NewAttribute(AttributeKeyMiners, strconv.Itoa(len(res.Miners))))...))
	return channeltypes.NewResultAcknowledgement(res.GetBytes())
}

func (im IBCModule) answer(ctx sdk.Context, channelVersion string, data []byte) (QueryResult, QueryPacketData, error) {
	if channelVersion != Version {
		return QueryResult{}, QueryPacketData{}, ErrInvalidVersion.Wrapf("packet on a channel of version %q, want %q", channelVersion, Version)
	}
	q, err := DecodeQueryPacketData(data)
	if err != nil {
		return QueryResult{}, q, err
	}
	res, err := Answer(ctx, im.subnets, q)
	return res, q, err
}

// OnAcknowledgementPacket implements porttypes.IBCModule for the requesting side: it decodes the
// answer to a query this chain sent and emits it as an EventTypeQueryResult event. An error
// acknowledgement is a normal outcome (emitted with success=false); only an acknowledgement that
// is not a valid ICS-04 acknowledgement or whose result is not a QueryResult is an error.
func (IBCModule) OnAcknowledgementPacket(
	ctx sdk.Context,
	_ string,
	packet channeltypes.Packet,
	acknowledgement []byte,
	_ sdk.AccAddress,
) error {
	var ack channeltypes.Acknowledgement
	if err := channeltypes.SubModuleCdc.UnmarshalJSON(acknowledgement, &ack); err != nil {
		return ErrInvalidAcknowledgement.Wrapf("not an ICS-04 acknowledgement: %s", err)
	}
	if err := ack.ValidateBasic(); err != nil {
		return ErrInvalidAcknowledgement.Wrap(err.Error())
	}
	// The request was built by this chain; if it does not decode, report zeros rather than fail.
	q, _ := DecodeQueryPacketData(packet.GetData())
	attrs := []sdk.Attribute{
		sdk.NewAttribute(AttributeKeyChannel, packet.SourceChannel),
		sdk.NewAttribute(AttributeKeySequence, strconv.FormatUint(packet.Sequence, 10)),
		sdk.NewAttribute(AttributeKeyNetuid, strconv.FormatUint(uint64(q.Netuid), 10)),
		sdk.NewAttribute(AttributeKeyK, strconv.FormatUint(uint64(q.K), 10)),
	}
	switch resp := ack.Response.(type) {
	case *channeltypes.Acknowledgement_Result:
		res, err := DecodeQueryResult(resp.Result)
		if err != nil {
			return err
		}
		if res.Netuid != q.Netuid {
			return ErrInvalidAcknowledgement.Wrapf("result is for netuid %d, the query asked for %d", res.Netuid, q.Netuid)
		}
		if uint32(len(res.Miners)) > q.K {
			return ErrInvalidAcknowledgement.Wrapf("result has %d miners, the query asked for at most %d", len(res.Miners), q.K)
		}
		ctx.EventManager().EmitEvent(sdk.NewEvent(EventTypeQueryResult, append(attrs,
			sdk.NewAttribute(AttributeKeySuccess, "true"),
			sdk.NewAttribute(AttributeKeyMiners, strconv.Itoa(len(res.Miners))),
			sdk.NewAttribute(AttributeKeyResult, string(res.GetBytes())),
		)...))
	case *channeltypes.Acknowledgement_Error:
		ctx.EventManager().EmitEvent(sdk.NewEvent(EventTypeQueryResult, append(attrs,
			sdk.NewAttribute(AttributeKeySuccess, "false"),
			sdk.NewAttribute(AttributeKeyError, resp.Error),
		)...))
	}
	return nil
}

// OnTimeoutPacket implements porttypes.IBCModule for the requesting side: the query expired
// unanswered. Nothing was escrowed, so there is nothing to refund; an event records it.
func (IBCModule) OnTimeoutPacket(ctx sdk.Context, _ string, packet channeltypes.Packet, _ sdk.AccAddress) error {
	q, _ := DecodeQueryPacketData(packet.GetData())
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventTypeQueryTimeout,
		sdk.NewAttribute(AttributeKeyChannel, packet.SourceChannel),
		sdk.NewAttribute(AttributeKeySequence, strconv.FormatUint(packet.Sequence, 10)),
		sdk.NewAttribute(AttributeKeyNetuid, strconv.FormatUint(uint64(q.Netuid), 10)),
		sdk.NewAttribute(AttributeKeyK, strconv.FormatUint(uint64(q.K), 10)),
	))
	return nil
}
