package types_test

import (
	"bytes"
	"testing"

	"github.com/taochain/taochain/x/subnet/types"
)

// TestUIDSet: adding and removing uids keeps Has and Len equal to a plain set, and the bytes
// canonical (no trailing zero byte), so that equal sets store equal bytes.
func TestUIDSet(t *testing.T) {
	var s types.UIDSet
	want := map[uint32]bool{}
	ops := []struct {
		uid uint16
		add bool
	}{{0, true}, {7, true}, {8, true}, {1023, true}, {7, false}, {1023, false}, {300, true}, {300, true}, {9, false}, {65535, true}, {65535, false}}
	for _, op := range ops {
		// The receiver's whole backing array (up to its capacity, so a write past its length is
		// caught too), saved before the call: With and Without must leave it as it was.
		orig := s
		saved := append([]byte(nil), orig[:cap(orig)]...)
		if op.add {
			s = s.With(op.uid)
			want[uint32(op.uid)] = true
		} else {
			s = s.Without(op.uid)
			delete(want, uint32(op.uid))
		}
		if !bytes.Equal(orig[:cap(orig)], saved) {
			t.Fatalf("%+v changed its receiver: %x before, %x after", op, saved[:len(orig)], []byte(orig))
		}
		if len(s) > 0 && s[len(s)-1] == 0 {
			t.Fatalf("after %+v the set ends in a zero byte: %x", op, s)
		}
		if s.Len() != uint32(len(want)) {
			t.Fatalf("after %+v: Len %d, want %d", op, s.Len(), len(want))
		}
		for uid := uint32(0); uid <= 65536; uid++ {
			if s.Has(uid) != want[uid] {
				t.Fatalf("after %+v: Has(%d) = %v", op, uid, s.Has(uid))
			}
		}
	}
	if !bytes.Equal(s, types.UIDSet(nil).With(0).With(8).With(300)) {
		t.Fatalf("the same set built in another order has other bytes: %x", s)
	}
	if s = s.Without(0).Without(8).Without(300); len(s) != 0 {
		t.Fatalf("the empty set is %x, want no bytes", s)
	}
}
