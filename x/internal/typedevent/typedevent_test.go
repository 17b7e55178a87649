package typedevent_test

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
	"github.com/taochain/taochain/x/internal/typedevent"
	slashingtypes "github.com/taochain/taochain/x/slashing/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
	taotypes "github.com/taochain/taochain/x/tao/types"
)

// Importing the modules' types registers their events.
var (
	_ = intelligencetypes.ModuleName
	_ = slashingtypes.ModuleName
	_ = subnettypes.ModuleName
	_ = taotypes.ModuleName
)

// taochainEvents returns a new value of every registered taochain event message type.
func taochainEvents(t *testing.T) []proto.Message {
	t.Helper()
	var names []string
	proto.HybridResolver.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(fd.Package()), "taochain.") {
			return true
		}
		for i := 0; i < fd.Messages().Len(); i++ {
			if md := fd.Messages().Get(i); strings.HasPrefix(string(md.Name()), "Event") {
				names = append(names, string(md.FullName()))
			}
		}
		return true
	})
	var out []proto.Message
	for _, n := range names {
		typ := proto.MessageType(n)
		if typ == nil {
			t.Fatalf("event %s has no Go type", n)
		}
		out = append(out, reflect.New(typ.Elem()).Interface().(proto.Message))
	}
	if len(out) < 30 {
		t.Fatalf("found %d taochain event types, want every one (at least 30): %v", len(out), names)
	}
	return out
}

// TestMatchesSDK checks that every taochain event, zero and with random field values (escaped
// characters, extreme integers, nil and non-nil bytes, unknown enum values), converts to exactly
// what the SDK's EmitTypedEvent emits.
func TestMatchesSDK(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fast, slow := 0, []string(nil)
	for _, ev := range taochainEvents(t) {
		name := proto.MessageName(ev)
		for round := 0; round < 50; round++ {
			if round > 0 {
				fill(r, reflect.ValueOf(ev).Elem())
			}
			want, err := sdk.TypedEventToEvent(ev)
			if err != nil {
				t.Fatalf("%s: SDK: %v", name, err)
			}
			got, err := typedevent.ToEvent(ev)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s round %d:\n got  %v\n want %v", name, round, got, want)
			}
		}
		if typedevent.Fast(ev) {
			fast++
		} else {
			slow = append(slow, name)
		}
	}
	// The hot events must not fall back to the SDK's conversion.
	for _, ev := range []proto.Message{&intelligencetypes.EventWeightsSet{}, &intelligencetypes.EventEvaluationSubmitted{}, &subnettypes.EventStakeAdded{}} {
		if !typedevent.Fast(ev) {
			t.Fatalf("%s takes the SDK's slow conversion", proto.MessageName(ev))
		}
	}
	t.Logf("%d event types take the fast path; the SDK's conversion: %v", fast, slow)
}

// TestEmit checks that Emit appends the same event as EmitTypedEvent.
func TestEmit(t *testing.T) {
	ev := &intelligencetypes.EventWeightsSet{Netuid: 3, Uid: 7, Hotkey: "tao1<x>", Source: intelligencetypes.WeightsSource(1), Count: 256, VersionKey: 1 << 60}
	a, b := sdk.NewEventManager(), sdk.NewEventManager()
	if err := a.EmitTypedEvent(ev); err != nil {
		t.Fatal(err)
	}
	if err := typedevent.Emit(b, ev); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Events(), b.Events()) {
		t.Fatalf("got %v, want %v", b.Events(), a.Events())
	}
}

var strs = []string{"", "tao1abc", "<script>&</script>", "quote\" back\\slash", "tab\tnl\n", "\u2028\u2029", "ünïcødé ✓", "\xff\xfe bad utf8", "\x00\x01"}

// fill sets every exported field of the struct v to a random value.
func fill(r *rand.Rand, v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		fillValue(r, f)
	}
}

func fillValue(r *rand.Rand, f reflect.Value) {
	switch f.Interface().(type) {
	case sdkmath.Int:
		if r.IntN(4) == 0 {
			f.Set(reflect.ValueOf(sdkmath.Int{}))
		} else {
			f.Set(reflect.ValueOf(sdkmath.NewIntFromUint64(r.Uint64()).MulRaw(int64(r.IntN(1000)))))
		}
		return
	case sdkmath.LegacyDec:
		f.Set(reflect.ValueOf(sdkmath.LegacyNewDecWithPrec(r.Int64N(1<<40), 6)))
		return
	}
	switch f.Kind() {
	case reflect.Bool:
		f.SetBool(r.IntN(2) == 1)
	case reflect.Int32: // half the time small, so enums take known values too
		if r.IntN(2) == 0 {
			f.SetInt(int64(r.IntN(4)))
		} else {
			f.SetInt(int64(int32(r.Uint32())) >> r.IntN(32))
		}
	case reflect.Int64:
		f.SetInt(int64(r.Uint64()) >> r.IntN(64))
	case reflect.Uint32:
		f.SetUint(uint64(r.Uint32() >> r.IntN(32)))
	case reflect.Uint64:
		f.SetUint(r.Uint64() >> r.IntN(64))
	case reflect.String:
		f.SetString(strs[r.IntN(len(strs))])
	case reflect.Slice:
		if r.IntN(3) == 0 {
			f.Set(reflect.Zero(f.Type()))
			return
		}
		n := r.IntN(4)
		s := reflect.MakeSlice(f.Type(), n, n)
		for i := 0; i < n; i++ {
			fillValue(r, s.Index(i))
		}
		f.Set(s)
	case reflect.Ptr:
		if r.IntN(3) == 0 {
			f.Set(reflect.Zero(f.Type()))
			return
		}
		p := reflect.New(f.Type().Elem())
		fillValue(r, p.Elem())
		f.Set(p)
	case reflect.Struct:
		fill(r, f)
	case reflect.Uint8:
		f.SetUint(uint64(r.IntN(256)))
	}
}

// BenchmarkToEvent compares the SDK's conversion and ToEvent on the event every weight row emits.
func BenchmarkToEvent(b *testing.B) {
	ev := &intelligencetypes.EventWeightsSet{Netuid: 3, Uid: 7, Hotkey: "tao1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du", Source: 1, Count: 256, VersionKey: 4}
	b.Run("sdk", func(b *testing.B) {
		for b.Loop() {
			if _, err := sdk.TypedEventToEvent(ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("typedevent", func(b *testing.B) {
		for b.Loop() {
			if _, err := typedevent.ToEvent(ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}
