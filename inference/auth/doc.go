// Package auth signs and verifies axon traffic between validators and miners with their secp256k1
// hotkeys (github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1: ECDSA over SHA-256 of the message,
// 64-byte r||s signatures with low S).
//
// # Requests
//
// A validator signs every request to a miner. Headers:
//
//	X-Tao-Hotkey       caller's compressed secp256k1 public key, 66 lowercase hex characters
//	X-Tao-Target       the receiving miner's hotkey address (bech32, prefix "tao")
//	X-Tao-Nonce        16–32 random bytes, lowercase hex
//	X-Tao-Timestamp    signing time, Unix milliseconds, decimal
//	X-Tao-Body-Sha256  SHA-256 of the whole request body, lowercase hex
//	X-Tao-Signature    signature, 128 lowercase hex characters
//
// over the canonical bytes
//
//	taochain/axon/request/v1|METHOD|request-uri|hotkey-hex|target|nonce|timestamp|body-sha256
//
// The hotkey travels as a public key, not an address, because a 64-byte ECDSA signature cannot be
// verified (or the key recovered) from an address alone; the verifier derives the bech32 address
// (RIPEMD160(SHA256(pubkey)), prefix "tao", the same as an SDK account address) and authorizes that.
// The target field binds a request to one miner, so a miner cannot forward a validator's signed task
// to another miner and copy its answer; the domain prefix keeps these signatures from ever being valid
// as any other taochain message (evaluations, proofs of possession).
//
// A Verifier checks, in order: well-formed headers, timestamp within ±MaxSkew of its clock,
// target = its own hotkey, signature, the Authorize callback (validator permit per the cached
// metagraph) and that the nonce is unused — all from the headers alone (VerifyHeaders), because the
// signature covers the claimed body hash — then the body against that hash, and finally records the
// (hotkey, nonce) pair (VerifyBody). A server can thus refuse a caller without a permitted key
// before reading a byte of its body. Nonces are remembered until the
// request's timestamp leaves the skew window, in a cache of bounded size; when the cache is full the
// entry closest to expiry is evicted and requests whose window ends at or before that entry's are
// rejected from then on, so memory stays bounded without opening a replay gap.
//
// # Responses
//
// The miner signs its response with headers X-Tao-Hotkey (its public key), X-Tao-Body-Sha256 and
// X-Tao-Signature over
//
//	taochain/axon/response/v1|hotkey-hex|request-nonce|body-sha256
//
// and the validator checks it with VerifyResponse against the miner hotkey it meant to reach.
package auth
