package types

import "math/bits"

// UIDSet is the set of a subnet's occupied uids as x/subnet stores it: bit uid%8 of byte uid/8
// is set when a neuron holds uid. The stored form has no trailing zero byte, so equal sets have
// equal bytes (and an empty set is not stored at all). At MaxUIDsLimit = 1,024 uids it is at
// most 128 bytes, so a weight row's targets are checked with one store read instead of one read
// per uid.
type UIDSet []byte

// Has reports whether uid is occupied.
func (s UIDSet) Has(uid uint32) bool {
	i := uid / 8
	return uint64(i) < uint64(len(s)) && s[i]&(1<<(uid%8)) != 0
}

// Len is the number of occupied uids.
func (s UIDSet) Len() uint32 {
	n := 0
	for _, b := range s {
		n += bits.OnesCount8(b)
	}
	return uint32(n)
}

// With returns the set with uid added; s is not changed.
func (s UIDSet) With(uid uint16) UIDSet {
	out := make(UIDSet, max(len(s), int(uid)/8+1))
	copy(out, s)
	out[uid/8] |= 1 << (uid % 8)
	return out
}

// Without returns the set with uid removed, in the stored form (no trailing zero byte); s is not
// changed.
func (s UIDSet) Without(uid uint16) UIDSet {
	out := append(UIDSet(nil), s...)
	if int(uid)/8 < len(out) {
		out[uid/8] &^= 1 << (uid % 8)
	}
	for len(out) > 0 && out[len(out)-1] == 0 {
		out = out[:len(out)-1]
	}
	return out
}
