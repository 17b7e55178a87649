package fednode

import (
	"errors"
	"fmt"

	"github.com/taochain/taochain/inference/federated"
)

// MaxWireOverhead is the most the wire format adds to an update's canonical bytes: two length
// bytes and at most 255 bytes each of public key and signature. A fetcher reads at most the
// committed size plus this.
const MaxWireOverhead = 2 + 255 + 255

// ErrWire marks a body that is not in the wire format.
var ErrWire = errors.New("fednode: malformed update body")

// EncodeWire returns the body an axon serves for s:
//
//	u8(len(pub_key)) pub_key u8(len(signature)) signature update_bytes
//
// update_bytes (federated.Update.Encode) run to the end of the body, so their length is the body's
// less the header; the commitment fixes it. It fails when the key or signature is longer than 255
// bytes, which no secp256k1 key or signature is.
func EncodeWire(s federated.SignedUpdate) ([]byte, error) {
	if len(s.PubKey) > 255 || len(s.Signature) > 255 {
		return nil, fmt.Errorf("%w: public key of %d bytes and signature of %d, at most 255 each allowed", ErrWire, len(s.PubKey), len(s.Signature))
	}
	out := make([]byte, 0, 2+len(s.PubKey)+len(s.Signature)+len(s.Bytes))
	out = append(out, byte(len(s.PubKey)))
	out = append(out, s.PubKey...)
	out = append(out, byte(len(s.Signature)))
	out = append(out, s.Signature...)
	return append(out, s.Bytes...), nil
}

// DecodeWire splits a body in EncodeWire's format. It checks only the framing; federated.Verify
// checks the rest. The result aliases body.
func DecodeWire(body []byte) (federated.SignedUpdate, error) {
	var s federated.SignedUpdate
	rest := body
	for _, field := range []struct {
		name string
		dst  *[]byte
	}{{"public key", &s.PubKey}, {"signature", &s.Signature}} {
		if len(rest) < 1 {
			return federated.SignedUpdate{}, fmt.Errorf("%w: %d bytes end before the %s length", ErrWire, len(body), field.name)
		}
		n := int(rest[0])
		if len(rest)-1 < n {
			return federated.SignedUpdate{}, fmt.Errorf("%w: %s of %d bytes, %d bytes left", ErrWire, field.name, n, len(rest)-1)
		}
		*field.dst, rest = rest[1:1+n], rest[1+n:]
	}
	s.Bytes = rest
	return s, nil
}
