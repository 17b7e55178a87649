package types

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
)

// RowHash is sha256 over a canonical row (CanonicalRow: sorted by uid, zeros dropped), each entry
// as big-endian u16 uid ‖ u16 value. Two score rows have the same hash exactly when they give the
// same weights.
func RowHash(entries []WeightEntry) []byte {
	buf := make([]byte, 0, 4*len(entries))
	for _, e := range entries {
		buf = binary.BigEndian.AppendUint16(buf, uint16(e.Uid))
		buf = binary.BigEndian.AppendUint16(buf, uint16(e.Value))
	}
	h := sha256.Sum256(buf)
	return h[:]
}

// NewStoredEvaluation is the record the chain keeps of s, accepted at height from submitter: s
// without its uids and scores (the weight row stores them), the hash of its sign bytes and the
// hash of its canonical row.
func NewStoredEvaluation(s SignedEvaluation, submitter string, height int64) StoredEvaluation {
	ev := s.Evaluation
	stored := StoredEvaluation{
		Signed: s, Submitter: submitter, Height: height,
		SignBytesHash: ev.SignBytesHash(), RowHash: RowHash(CanonicalRow(ev.Uids, ev.Scores)), Entries: uint32(len(ev.Uids)),
	}
	stored.Signed.Evaluation.Uids, stored.Signed.Evaluation.Scores = nil, nil
	return stored
}

// SameStatement reports whether ev is the evaluation s records (same sign bytes).
func (s StoredEvaluation) SameStatement(ev Evaluation) bool {
	return bytes.Equal(s.SignBytesHash, ev.SignBytesHash())
}

// Validate checks a record's form (genesis): a valid evaluation without uids and scores, a
// submitter address, and 32-byte hashes.
func (s StoredEvaluation) Validate() error {
	ev := s.Signed.Evaluation
	if err := ev.ValidateBasic(); err != nil {
		return err
	}
	if len(ev.Uids) != 0 || len(ev.Scores) != 0 {
		return ErrInvalidEvaluation.Wrapf("a stored evaluation keeps no uids or scores (they are the weight row); it has %d", len(ev.Uids))
	}
	if len(s.SignBytesHash) != sha256.Size || len(s.RowHash) != sha256.Size {
		return ErrInvalidEvaluation.Wrapf("sign_bytes_hash and row_hash must have %d bytes; they have %d and %d", sha256.Size, len(s.SignBytesHash), len(s.RowHash))
	}
	return nil
}
