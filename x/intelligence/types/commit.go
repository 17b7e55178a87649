package types

import (
	"crypto/sha256"
)

// WeightsCommitDomain separates weight commitments from other hashes.
const WeightsCommitDomain = "TAOCHAIN_WEIGHTS_COMMIT_V1"

// Salt length bounds for commit-reveal.
const (
	MinSaltLength = 8
	MaxSaltLength = 64
)

// CommitHashSize is the size of a weights commitment (sha256).
const CommitHashSize = sha256.Size

// CommitPayload is the canonical encoding of a weight row for commit-reveal, in the same
// length-prefixed format as Evaluation.SignBytes:
//
//	bytes(WeightsCommitDomain) bytes(hotkey) u32(netuid) u32(len(uids)) u32(uid)...
//	u32(len(weights)) u32(weight)... u64(version_key)
//
// Binding the hotkey and netuid stops a validator from copying another's commitment.
func CommitPayload(hotkey string, netuid uint32, uids, weights []uint32, versionKey uint64) []byte {
	var w signWriter
	w.string(WeightsCommitDomain)
	w.string(hotkey)
	w.u32(netuid)
	w.u32s(uids)
	w.u32s(weights)
	w.u64(versionKey)
	return w.buf
}

// WeightsCommitHash returns sha256(CommitPayload(...) ‖ salt), the hash MsgCommitWeights
// carries and MsgRevealWeights must reproduce.
func WeightsCommitHash(hotkey string, netuid uint32, uids, weights []uint32, versionKey uint64, salt []byte) []byte {
	h := sha256.New()
	h.Write(CommitPayload(hotkey, netuid, uids, weights, versionKey))
	h.Write(salt)
	return h.Sum(nil)
}
