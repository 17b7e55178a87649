package types

import "encoding/binary"

// signWriter builds the length-prefixed encodings of SignBytes and CommitPayload: every
// variable-length field is a 4-byte big-endian length followed by its bytes, integers are
// fixed-size big-endian, repeated integers are a 4-byte count followed by the values.
type signWriter struct{ buf []byte }

func (w *signWriter) bytes(b []byte) {
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(len(b)))
	w.buf = append(w.buf, b...)
}

func (w *signWriter) string(s string) { w.bytes([]byte(s)) }

func (w *signWriter) u32(v uint32) { w.buf = binary.BigEndian.AppendUint32(w.buf, v) }

func (w *signWriter) u64(v uint64) { w.buf = binary.BigEndian.AppendUint64(w.buf, v) }

func (w *signWriter) u32s(vs []uint32) {
	w.u32(uint32(len(vs)))
	for _, v := range vs {
		w.u32(v)
	}
}
