// Package typedevent emits the modules' typed events as the SDK's EventManager.EmitTypedEvent
// does, byte for byte, without its cost. The SDK turns a typed event into attributes by
// marshalling the whole message with jsonpb (reflection on every field, every time), decoding that
// JSON into a map and sorting its keys: about 35 µs an event on our machines, a tenth of a bank
// send's CPU, paid by every evaluation and weight row. Here each event type's fields are resolved
// once into encoders ordered by key, and an event costs a few small allocations.
//
// Only messages whose fields are scalars (bool, integers, string, bytes, enums) or values with
// their own MarshalJSON (math.Int) take that path; any other shape (nested messages, repeated or
// map fields, oneofs, floats) goes through the SDK's conversion unchanged. TestMatchesSDK checks
// every taochain event type against sdk.TypedEventToEvent on random values.
//
// Events are not part of the app hash, but the output is deterministic anyway: it depends only on
// the message.
package typedevent

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Emit emits tev on em, as em.EmitTypedEvent(tev) would.
func Emit(em sdk.EventManagerI, tev proto.Message) error {
	ev, err := ToEvent(tev)
	if err != nil {
		return err
	}
	em.EmitEvent(ev)
	return nil
}

// ToEvent returns what sdk.TypedEventToEvent returns for tev.
func ToEvent(tev proto.Message) (sdk.Event, error) {
	v := reflect.ValueOf(tev)
	if v.Kind() != reflect.Ptr || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return sdk.TypedEventToEvent(tev)
	}
	l := layoutOf(v.Elem().Type())
	if l == nil {
		return sdk.TypedEventToEvent(tev)
	}
	s := v.Elem()
	attrs := make([]abci.EventAttribute, len(l.fields))
	for i, f := range l.fields {
		val, err := f.encode(s.Field(f.index))
		if err != nil {
			return sdk.Event{}, fmt.Errorf("typed event %s field %s: %w", l.name, f.key, err)
		}
		attrs[i] = abci.EventAttribute{Key: f.key, Value: val}
	}
	return sdk.Event{Type: l.name, Attributes: attrs}, nil
}

// layout is an event type's fields in attribute order (sorted by key), each with its encoder.
type layout struct {
	name   string
	fields []field
}

type field struct {
	key    string
	index  int
	encode func(reflect.Value) (string, error)
}

// layouts caches layoutOf by type; a nil *layout means the SDK's conversion.
var layouts sync.Map // reflect.Type → *layout

// layoutOf returns the layout of struct type t, or nil if a field needs the SDK's conversion.
func layoutOf(t reflect.Type) *layout {
	if l, ok := layouts.Load(t); ok {
		return l.(*layout)
	}
	l := buildLayout(t)
	layouts.Store(t, l)
	return l
}

var jsonMarshaler = reflect.TypeOf((*json.Marshaler)(nil)).Elem()

func buildLayout(t reflect.Type) *layout {
	ptr := reflect.PointerTo(t)
	if !ptr.Implements(reflect.TypeOf((*proto.Message)(nil)).Elem()) {
		return nil
	}
	// The SDK marshals messages that customise their JSON their own way.
	for _, m := range []string{"MarshalJSONPB", "XXX_WellKnownType", "MarshalJSON"} {
		if _, ok := ptr.MethodByName(m); ok {
			return nil
		}
	}
	name := proto.MessageName(reflect.New(t).Interface().(proto.Message))
	if name == "" {
		return nil
	}
	l := &layout{name: name}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if strings.HasPrefix(sf.Name, "XXX_") {
			continue
		}
		if sf.Tag.Get("protobuf_oneof") != "" {
			return nil
		}
		tag := sf.Tag.Get("protobuf")
		if tag == "" {
			continue
		}
		key, enum := tagInfo(tag)
		enc := encoderFor(sf.Type, enum)
		if key == "" || enc == nil {
			return nil
		}
		l.fields = append(l.fields, field{key: key, index: i, encode: enc})
	}
	sort.Slice(l.fields, func(i, j int) bool { return l.fields[i].key < l.fields[j].key })
	return l
}

// tagInfo returns the proto field name (jsonpb's key with OrigName) and whether the field is an
// enum, from a gogoproto struct tag such as "varint,4,opt,name=source,proto3,enum=pkg.Source".
func tagInfo(tag string) (name string, enum bool) {
	for _, part := range strings.Split(tag, ",") {
		switch {
		case strings.HasPrefix(part, "name="):
			name = strings.TrimPrefix(part, "name=")
		case strings.HasPrefix(part, "enum="):
			enum = true
		}
	}
	return name, enum
}

// encoderFor returns the encoder of a field of type t, writing exactly what gogoproto's jsonpb
// (OrigName, EmitDefaults) writes for it, or nil if t is not handled here.
func encoderFor(t reflect.Type, enum bool) func(reflect.Value) (string, error) {
	switch {
	case enum:
		if t.Kind() != reflect.Int32 || !t.Implements(reflect.TypeOf((*fmt.Stringer)(nil)).Elem()) || t.Implements(jsonMarshaler) {
			return nil
		}
		return encodeEnum
	case t.Kind() == reflect.Struct:
		// jsonpb writes a value with its own MarshalJSON (a customtype such as math.Int) as that.
		if !t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(reflect.TypeOf((*proto.Message)(nil)).Elem()) {
			return nil
		}
		return func(v reflect.Value) (string, error) {
			b, err := v.Interface().(json.Marshaler).MarshalJSON()
			return string(b), err
		}
	case t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler):
		return nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(v reflect.Value) (string, error) { return strconv.FormatBool(v.Bool()), nil }
	case reflect.Int32:
		return func(v reflect.Value) (string, error) { return strconv.FormatInt(v.Int(), 10), nil }
	case reflect.Uint32:
		return func(v reflect.Value) (string, error) { return strconv.FormatUint(v.Uint(), 10), nil }
	case reflect.Int64: // jsonpb quotes 64-bit integers
		return func(v reflect.Value) (string, error) { return `"` + strconv.FormatInt(v.Int(), 10) + `"`, nil }
	case reflect.Uint64:
		return func(v reflect.Value) (string, error) { return `"` + strconv.FormatUint(v.Uint(), 10) + `"`, nil }
	case reflect.String:
		return encodeJSON
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && t.Elem() == reflect.TypeOf(byte(0)) {
			return encodeJSON // base64, or null when nil
		}
	}
	return nil
}

// encodeJSON is encoding/json's output, which jsonpb defers to for strings and bytes.
func encodeJSON(v reflect.Value) (string, error) {
	b, err := json.Marshal(v.Interface())
	return string(b), err
}

// encodeEnum writes a known enum value's name quoted and an unknown one's number, as jsonpb does.
func encodeEnum(v reflect.Value) (string, error) {
	s := v.Interface().(fmt.Stringer).String()
	if s == strconv.Itoa(int(v.Int())) {
		return s, nil
	}
	return `"` + s + `"`, nil
}
