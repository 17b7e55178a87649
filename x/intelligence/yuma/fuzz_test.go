package yuma

import (
	"math"
	"reflect"
	"testing"
)

// fuzzBytes hands out bytes of the fuzz input, then zeros once exhausted.
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) u8() uint8 {
	if len(f.b) == 0 {
		return 0
	}
	v := f.b[0]
	f.b = f.b[1:]
	return v
}

func (f *fuzzBytes) u16() uint16 { return uint16(f.u8())<<8 | uint16(f.u8()) }

// u64 draws from a mix of edge values and small numbers, so blocks collide
// and stakes tie often enough to exercise boundaries.
func (f *fuzzBytes) u64() uint64 {
	switch sel := f.u8(); sel % 8 {
	case 0:
		return 0
	case 1:
		return math.MaxUint64
	case 2:
		return math.MaxUint64 - uint64(f.u8())
	case 3:
		return uint64(f.u16()) << 40
	default:
		return uint64(f.u8())
	}
}

// decodeInput builds a bounded Input (at most 48 uids, rows of at most 50
// entries) from fuzz bytes.
func decodeInput(data []byte) Input {
	f := &fuzzBytes{b: data}
	n := int(f.u8() % 49)
	in := Input{
		CurrentBlock:       f.u64(),
		LastEpochBlock:     f.u64(),
		ActivityCutoff:     f.u64(),
		Kappa:              f.u16(),
		BondsMovingAverage: f.u64() * 10_000,
		MaxValidators:      uint16(f.u8()),
		Neurons:            make([]Neuron, n),
	}
	row := func() []Weight {
		k := int(f.u8() % 51)
		out := make([]Weight, 0, k)
		for ; k > 0; k-- {
			out = append(out, Weight{UID: uint16(f.u8()), Value: f.u16()})
		}
		return out
	}
	for i := range in.Neurons {
		nr := &in.Neurons[i]
		flags := f.u8()
		nr.ValidatorPermit = flags&1 != 0
		nr.Stake = f.u64()
		nr.LastUpdate = f.u64()
		nr.RegisteredAt = f.u64()
		if flags&2 != 0 {
			nr.Weights = row()
		}
		if flags&4 != 0 {
			nr.Bonds = row()
		}
	}
	return in
}

// FuzzEpoch decodes arbitrary bytes into a bounded Input and checks that
// Epoch does not panic, is deterministic, and keeps every invariant.
func FuzzEpoch(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{5, 4, 100, 0, 0, 4, 200, 127, 255, 4, 1, 64,
		7, 4, 9, 4, 50, 0, 3, 2, 0, 255, 255, 3, 0, 255, 4, 0, 1, 1, 0, 1,
		7, 4, 3, 4, 50, 0, 2, 2, 0, 255, 255, 3, 0, 255, 1, 2, 0, 1,
		0, 0, 4, 50, 0, 0, 0, 4, 50, 0})
	f.Add([]byte{48, 1, 1, 1, 255, 255, 1, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := decodeInput(data)
		st := run(in)
		checkState(t, st)
		out := st.output()
		checkInvariants(t, in, out)
		if again := Epoch(in); !reflect.DeepEqual(again, out) {
			t.Fatalf("Epoch is not deterministic")
		}
	})
}
