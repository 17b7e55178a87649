package types

import (
	"bytes"
	"crypto/sha256"

	sdk "github.com/cosmos/cosmos-sdk/types"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// EvaluationDomain separates evaluation signatures from every other use of a hotkey key.
const EvaluationDomain = "TAOCHAIN_EVALUATION_V1"

// TaskCommitmentSize is the size of Evaluation.TaskCommitment (a sha256 digest).
const TaskCommitmentSize = 32

// SignatureSize is the size of a secp256k1 signature (r || s).
const SignatureSize = 64

// SignBytes returns the canonical bytes a validator hotkey signs for an evaluation. The encoding
// is length-prefixed and independent of protobuf, so any language can reproduce it:
//
//	bytes(EvaluationDomain) bytes(chain_id) u32(netuid) u64(epoch) bytes(validator_hotkey)
//	u32(len(uids)) u32(uid)... u32(len(scores)) u32(score)... bytes(task_commitment) u64(nonce)
//
// where bytes(x) is a 4-byte big-endian length followed by x, and u32/u64 are big-endian. The
// hotkey signs it with its secp256k1 key as the SDK does (ECDSA over sha256 of these bytes,
// 64-byte r||s with low s): secp256k1.PrivKey.Sign(e.SignBytes()).
func (e Evaluation) SignBytes() []byte {
	var w signWriter
	w.string(EvaluationDomain)
	w.string(e.ChainId)
	w.u32(e.Netuid)
	w.u64(e.Epoch)
	w.string(e.ValidatorHotkey)
	w.u32s(e.Uids)
	w.u32s(e.Scores)
	w.bytes(e.TaskCommitment)
	w.u64(e.Nonce)
	return w.buf
}

// SignBytesHash returns sha256(SignBytes()), the evaluation's identity in events.
func (e Evaluation) SignBytesHash() []byte {
	h := sha256.Sum256(e.SignBytes())
	return h[:]
}

// ValidateBasic checks the evaluation's form without chain state: a chain id, a netuid and
// scores in u16 range, uids and scores of equal length, a 32-byte task commitment and a valid
// hotkey address. Duplicate uids and hyperparameter limits are checked by the msg server.
func (e Evaluation) ValidateBasic() error {
	if e.ChainId == "" {
		return ErrInvalidEvaluation.Wrap("chain_id is empty")
	}
	if e.Netuid > U16Max {
		return ErrInvalidNetuid.Wrapf("netuid %d: must be at most %d", e.Netuid, U16Max)
	}
	if _, err := sdk.AccAddressFromBech32(e.ValidatorHotkey); err != nil {
		return ErrInvalidEvaluation.Wrapf("validator_hotkey %q: %s", e.ValidatorHotkey, err)
	}
	if len(e.TaskCommitment) != TaskCommitmentSize {
		return ErrInvalidEvaluation.Wrapf("task_commitment has %d bytes, want %d", len(e.TaskCommitment), TaskCommitmentSize)
	}
	return ValidateWeightsForm(e.Uids, e.Scores)
}

// VerifySignature checks sig over e.SignBytes() with the compressed secp256k1 public key pubkey
// and that pubkey is the key of e.ValidatorHotkey.
func (e Evaluation) VerifySignature(pubkey, sig []byte) error {
	pk, err := subnettypes.HotkeyPubKey(pubkey)
	if err != nil {
		return ErrInvalidSignature.Wrapf("hotkey public key: %s", err)
	}
	hotkey, err := sdk.AccAddressFromBech32(e.ValidatorHotkey)
	if err != nil {
		return ErrInvalidEvaluation.Wrapf("validator_hotkey %q: %s", e.ValidatorHotkey, err)
	}
	if !bytes.Equal(subnettypes.HotkeyAddress(pk), hotkey) {
		return ErrInvalidSignature.Wrapf("public key belongs to %s, not to validator_hotkey %s", subnettypes.HotkeyAddress(pk), e.ValidatorHotkey)
	}
	if len(sig) != SignatureSize {
		return ErrInvalidSignature.Wrapf("signature has %d bytes, want %d (r||s)", len(sig), SignatureSize)
	}
	if !pk.VerifySignature(e.SignBytes(), sig) {
		return ErrInvalidSignature.Wrapf("signature does not verify over the SignBytes of hotkey %s's evaluation for subnet %d epoch %d",
			e.ValidatorHotkey, e.Netuid, e.Epoch)
	}
	return nil
}

// VerifyEquivocation checks that a and b prove an equivocation by the hotkey with public key
// pubkey: both are well formed and validly signed by that hotkey, are for the same chain, subnet
// and epoch, and carry conflicting scores — their canonical rows (CanonicalRow: max-upscaled,
// zeros dropped, sorted by uid) differ. Evaluations that differ only in nonce or task commitment,
// or in the order or scale of the same scores, are the same judgement re-signed (a worker retrying
// a submission) and never an offence. It returns nil if they conflict and an error saying why not
// otherwise. x/slashing calls it for MsgReportEquivocation and adds the state checks (the hotkey
// held a permit in that epoch, the evidence is recent enough).
func VerifyEquivocation(pubkey []byte, a, b SignedEvaluation) error {
	for i, s := range []SignedEvaluation{a, b} {
		if err := s.Evaluation.ValidateBasic(); err != nil {
			return ErrNotEquivocation.Wrapf("evaluation %d: %s", i+1, err)
		}
		if err := s.Evaluation.VerifySignature(pubkey, s.Signature); err != nil {
			return ErrNotEquivocation.Wrapf("evaluation %d: %s", i+1, err)
		}
	}
	ea, eb := a.Evaluation, b.Evaluation
	if ea.ChainId != eb.ChainId || ea.Netuid != eb.Netuid || ea.Epoch != eb.Epoch || ea.ValidatorHotkey != eb.ValidatorHotkey {
		return ErrNotEquivocation.Wrapf("evaluations are for (%s, subnet %d, epoch %d, %s) and (%s, subnet %d, epoch %d, %s); they must share chain, subnet, epoch and hotkey",
			ea.ChainId, ea.Netuid, ea.Epoch, ea.ValidatorHotkey, eb.ChainId, eb.Netuid, eb.Epoch, eb.ValidatorHotkey)
	}
	if SameRow(CanonicalRow(ea.Uids, ea.Scores), CanonicalRow(eb.Uids, eb.Scores)) {
		return ErrNotEquivocation.Wrap("the two evaluations carry the same scores (they differ at most in nonce, task commitment, order or scale): re-signing one judgement is not an equivocation")
	}
	return nil
}
