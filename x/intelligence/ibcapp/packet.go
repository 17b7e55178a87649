package ibcapp

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"strconv"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// QueryPacketData is the packet a counterparty sends to ask for the top miners of a subnet.
type QueryPacketData struct {
	// Netuid is the subnet to rank (0..65535).
	Netuid uint32 `json:"netuid"`
	// K is how many miners to return, 1..MaxTopK.
	K uint32 `json:"k"`
}

// NewQueryPacketData returns the query for the top k miners of netuid.
func NewQueryPacketData(netuid uint16, k uint32) QueryPacketData {
	return QueryPacketData{Netuid: uint32(netuid), K: k}
}

// ValidateBasic checks that netuid fits a u16 and that k is in [1, MaxTopK].
func (d QueryPacketData) ValidateBasic() error {
	if d.Netuid > uint32(subnettypes.MaxNetuid) {
		return ErrInvalidPacket.Wrapf("netuid %d above the largest netuid %d", d.Netuid, subnettypes.MaxNetuid)
	}
	if d.K == 0 || d.K > MaxTopK {
		return ErrInvalidK.Wrapf("k is %d, allowed 1..%d", d.K, MaxTopK)
	}
	return nil
}

// GetBytes is the JSON encoding of the query sent as packet data.
func (d QueryPacketData) GetBytes() []byte {
	bz, err := json.Marshal(d)
	if err != nil {
		// A struct of two integers always marshals.
		panic(err)
	}
	return bz
}

// wireQuery mirrors QueryPacketData with pointers so that missing fields are told apart from zeros.
type wireQuery struct {
	Netuid *uint32 `json:"netuid"`
	K      *uint32 `json:"k"`
}

// DecodeQueryPacketData strictly decodes packet data: exactly one JSON object with both "netuid"
// and "k", no other fields and nothing after it. It then applies ValidateBasic.
func DecodeQueryPacketData(bz []byte) (QueryPacketData, error) {
	var w wireQuery
	if err := decodeStrict(bz, &w); err != nil {
		return QueryPacketData{}, ErrInvalidPacket.Wrapf("packet data is not a JSON object {\"netuid\": u16, \"k\": 1..%d}: %s", MaxTopK, err)
	}
	if w.Netuid == nil || w.K == nil {
		return QueryPacketData{}, ErrInvalidPacket.Wrap("packet data must set both \"netuid\" and \"k\"")
	}
	d := QueryPacketData{Netuid: *w.Netuid, K: *w.K}
	return d, d.ValidateBasic()
}

// Miner is one ranked neuron in a query result.
type Miner struct {
	// UID is the neuron's uid on the subnet.
	UID uint32 `json:"uid"`
	// Hotkey is the bech32 address of the neuron's hotkey.
	Hotkey string `json:"hotkey"`
	// Axon is the served endpoint as "proto://host:port", empty if the neuron never served one.
	Axon string `json:"axon"`
	// Incentive is the neuron's last-epoch incentive (u16 fixed point, 65535 = 1).
	Incentive uint32 `json:"incentive"`
}

// QueryResult is the result carried by a successful acknowledgement.
type QueryResult struct {
	// Netuid is the queried subnet.
	Netuid uint32 `json:"netuid"`
	// Miners are at most k neurons, by incentive descending then uid ascending. Neurons with zero
	// incentive are included after all others when the subnet has fewer than k with positive
	// incentive, so the answer is never shorter than min(k, neurons on the subnet).
	Miners []Miner `json:"miners"`
}

// GetBytes is the JSON encoding of the result, deterministic because it is a struct of ordered
// slices and scalars.
func (r QueryResult) GetBytes() []byte {
	if r.Miners == nil {
		r.Miners = []Miner{}
	}
	bz, err := json.Marshal(r)
	if err != nil {
		// Strings and integers only: marshalling cannot fail.
		panic(err)
	}
	return bz
}

// DecodeQueryResult strictly decodes an acknowledgement result.
func DecodeQueryResult(bz []byte) (QueryResult, error) {
	var r QueryResult
	if err := decodeStrict(bz, &r); err != nil {
		return QueryResult{}, ErrInvalidAcknowledgement.Wrapf("result is not a JSON query result: %s", err)
	}
	if r.Netuid > uint32(subnettypes.MaxNetuid) {
		return QueryResult{}, ErrInvalidAcknowledgement.Wrapf("result netuid %d above %d", r.Netuid, subnettypes.MaxNetuid)
	}
	if len(r.Miners) > MaxTopK {
		return QueryResult{}, ErrInvalidAcknowledgement.Wrapf("result has %d miners, at most %d allowed", len(r.Miners), MaxTopK)
	}
	return r, nil
}

// decodeStrict decodes exactly one JSON value into v, rejecting unknown fields and trailing data.
func decodeStrict(bz []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(bz))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailingData
	}
	return nil
}

// errTrailingData is wrapped into a registered error by the callers of decodeStrict.
var errTrailingData = trailingDataError{}

type trailingDataError struct{}

func (trailingDataError) Error() string { return "data after the JSON value" }

// AxonString formats an axon as "proto://host:port" ("http" or "https"; IPv6 hosts in brackets).
// A neuron that never served an axon (empty host) or an unknown protocol gives "".
func AxonString(a subnettypes.AxonInfo) string {
	if a.Host == "" {
		return ""
	}
	var scheme string
	switch a.Protocol {
	case subnettypes.AXON_PROTOCOL_HTTP:
		scheme = "http"
	case subnettypes.AXON_PROTOCOL_HTTPS:
		scheme = "https"
	default:
		return ""
	}
	return scheme + "://" + net.JoinHostPort(a.Host, strconv.FormatUint(uint64(a.Port), 10))
}
