package keeper

import (
	collcodec "cosmossdk.io/collections/codec"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/taochain/taochain/x/intelligence/types"
)

// protoPtr is a pointer to a gogoproto message type P.
type protoPtr[P any] interface {
	*P
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// packedValue stores a row type T in its packed form P (types.PackedWeightsRow,
// types.PackedBondsRow); JSON, used by tooling that walks collections, is T's own.
type packedValue[T any, P any, PP protoPtr[P]] struct {
	json   collcodec.ValueCodec[T]
	pack   func(T) (P, error)
	unpack func(P) (T, error)
}

func (c packedValue[T, P, PP]) Encode(row T) ([]byte, error) {
	p, err := c.pack(row)
	if err != nil {
		return nil, err
	}
	return PP(&p).Marshal()
}

func (c packedValue[T, P, PP]) Decode(b []byte) (T, error) {
	var p P
	if err := PP(&p).Unmarshal(b); err != nil {
		var zero T
		return zero, err
	}
	return c.unpack(p)
}

func (c packedValue[T, P, PP]) EncodeJSON(row T) ([]byte, error) { return c.json.EncodeJSON(row) }
func (c packedValue[T, P, PP]) DecodeJSON(b []byte) (T, error)   { return c.json.DecodeJSON(b) }
func (c packedValue[T, P, PP]) Stringify(row T) string           { return c.json.Stringify(row) }
func (c packedValue[T, P, PP]) ValueType() string                { return "packed " + c.json.ValueType() }

func weightsRowValue(cdc codec.BinaryCodec) collcodec.ValueCodec[types.WeightsRow] {
	return packedValue[types.WeightsRow, types.PackedWeightsRow, *types.PackedWeightsRow]{
		json: codec.CollValue[types.WeightsRow](cdc), pack: types.PackWeightsRow, unpack: types.PackedWeightsRow.Unpack,
	}
}

func bondsRowValue(cdc codec.BinaryCodec) collcodec.ValueCodec[types.BondsRow] {
	return packedValue[types.BondsRow, types.PackedBondsRow, *types.PackedBondsRow]{
		json: codec.CollValue[types.BondsRow](cdc), pack: types.PackBondsRow, unpack: types.PackedBondsRow.Unpack,
	}
}
