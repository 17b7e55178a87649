package yuma

import (
	"math/bits"
	"slices"
)

// csr is a sparse matrix in compressed-row form: row i holds the entries
// start[i] ≤ k < start[i+1], with strictly increasing column indices.
// Columns are uids, so they always fit in uint16.
type csr struct {
	start []int
	col   []uint16
	val   []I32F32
}

// push appends an entry to the row being built; endRow closes it.
func (m *csr) push(col uint16, v I32F32) {
	m.col = append(m.col, col)
	m.val = append(m.val, v)
}

func (m *csr) endRow() { m.start = append(m.start, len(m.col)) }

func (m *csr) rows() int { return len(m.start) - 1 }

// rowRange returns the entry index range of row i.
func (m *csr) rowRange(i int) (int, int) { return m.start[i], m.start[i+1] }

// rawEntry is one sanitized input entry: a uid and a raw (possibly summed)
// u16 value.
type rawEntry struct {
	uid   uint16
	value uint64
}

// canonicalRow copies a sparse input row into buf sorted by uid with
// duplicate uids summed, so malformed rows (unsorted, repeated uids) are
// handled deterministically. Rows that are already strictly sorted, the
// normal case, are copied in one pass without sorting.
func canonicalRow(buf []rawEntry, row []Weight) []rawEntry {
	buf = buf[:0]
	sorted := true
	for k, w := range row {
		if k > 0 && w.UID <= row[k-1].UID {
			sorted = false
		}
		buf = append(buf, rawEntry{uid: w.UID, value: uint64(w.Value)})
	}
	if sorted {
		return buf
	}
	slices.SortFunc(buf, func(a, b rawEntry) int { return int(a.uid) - int(b.uid) })
	out := buf[:0]
	for _, e := range buf {
		if len(out) > 0 && out[len(out)-1].uid == e.uid {
			out[len(out)-1].value += e.value
			continue
		}
		out = append(out, e)
	}
	return out
}

// normalizeUint64Into writes into out (len(values), zeroed) values[i]/Σ values
// over the indices where include is true (0 elsewhere), each rounded down,
// computed from the exact integers. If the sum needs more than 64 bits, all
// values are shifted right by the same amount first. With nothing included,
// or an all-zero sum, all results are 0.
func normalizeUint64Into(out []I32F32, values []uint64, include []bool) {
	var hi, lo uint64
	for i, v := range values {
		if include[i] {
			var carry uint64
			lo, carry = bits.Add64(lo, v, 0)
			hi += carry
		}
	}
	shift := uint(bits.Len64(hi))
	var total uint64
	for i, v := range values {
		if include[i] {
			total += v >> shift
		}
	}
	if total == 0 {
		return
	}
	for i, v := range values {
		if include[i] {
			out[i] = Ratio(v>>shift, total)
		}
	}
}

// normalize divides every element by the sum, in place, leaving an all-zero
// (or non-positive-sum) vector unchanged. Results are rounded down, so the
// sum afterwards lies in [One−len(x) ulps, One].
func normalize(x []I32F32) {
	var sum I32F32
	for _, v := range x {
		sum = sum.Add(v)
	}
	if sum <= 0 {
		return
	}
	for i, v := range x {
		x[i] = v.Div(sum)
	}
}

// unionSize returns the number of distinct (row, column) pairs of the first
// n rows of a and b, the size of their merge.
func unionSize(n int, a, b *csr) int {
	size := 0
	for i := 0; i < n; i++ {
		u := newRowUnion(a, b, i)
		for _, _, _, ok := u.next(); ok; _, _, _, ok = u.next() {
			size++
		}
	}
	return size
}

// rowUnion walks the union of row i of two matrices in ascending column order: the merge
// both bond EMAs (and unionSize) are made of.
type rowUnion struct {
	aCol, bCol         []uint16
	ak, aEnd, bk, bEnd int
}

func newRowUnion(a, b *csr, i int) rowUnion {
	ak, aEnd := a.rowRange(i)
	bk, bEnd := b.rowRange(i)
	return rowUnion{aCol: a.col, bCol: b.col, ak: ak, aEnd: aEnd, bk: bk, bEnd: bEnd}
}

// next returns the next column of the union and the index of its entry in a and in b (-1 when
// that side has none); ok is false after the last column.
func (u *rowUnion) next() (j uint16, ai, bi int, ok bool) {
	aOK, bOK := u.ak < u.aEnd, u.bk < u.bEnd
	switch {
	case aOK && (!bOK || u.aCol[u.ak] < u.bCol[u.bk]):
		j, ai, bi = u.aCol[u.ak], u.ak, -1
		u.ak++
	case bOK && (!aOK || u.bCol[u.bk] < u.aCol[u.ak]):
		j, ai, bi = u.bCol[u.bk], -1, u.bk
		u.bk++
	case aOK:
		j, ai, bi = u.aCol[u.ak], u.ak, u.bk
		u.ak++
		u.bk++
	default:
		return 0, -1, -1, false
	}
	return j, ai, bi, true
}
