package typedevent

import (
	"reflect"

	"github.com/cosmos/gogoproto/proto"
)

// Fast reports whether tev's type takes the fast path rather than the SDK's conversion.
func Fast(tev proto.Message) bool {
	return layoutOf(reflect.TypeOf(tev).Elem()) != nil
}
