// Package ibcapp is taochain's "intelligence" IBC application: taochain as an intelligence oracle
// for the interchain. A counterparty chain opens an UNORDERED channel on port "intelligence" with
// version "taochain-intelligence-1" and sends a QueryPacketData {"netuid": N, "k": K}; taochain
// answers in the acknowledgement with the subnet's top-k miners by last-epoch incentive (hotkey,
// axon endpoint, incentive), read from x/subnet.
//
// The answering side only reads state. The same module also runs on the requesting side: SendQuery
// sends a request, OnAcknowledgementPacket decodes the answer and emits it as an event, and
// OnTimeoutPacket emits a timeout event. Packets and results are plain JSON (no proto); events are
// plain SDK events.
package ibcapp
