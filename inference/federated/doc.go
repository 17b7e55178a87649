// Package federated is the pure core of collective learning on a subnet (issue 19): miners that
// serve character n-gram models (model.NGram) improve from each other's count updates without
// sending text, under a differential-privacy budget, and a validator rewards the updates that help.
// It does no networking and touches no chain state; the worker wires it to both.
//
// # Update
//
// Every epoch a miner publishes the n-gram event counts (model.Counts: history plus next character,
// the sufficient statistics of model.Train, see model.FromCounts) it has seen since its previous
// update, after clipping and noise. The canonical encoding (Update.Encode) is
//
//	bytes("TAOCHAIN_FEDERATED_UPDATE_V1") bytes(chain_id) u32(netuid) u64(epoch) bytes(hotkey)
//	u32(order) u32(n) { bytes(gram) u64(count) }×n
//
// with bytes(x) a 4-byte big-endian length then x, integers big-endian, entries sorted bytewise by
// gram without duplicates and counts in [1, clip] — one encoding per update. The miner commits
// sha256 of those bytes and their length on chain (Commitment: integers and a hash, no floats) and
// signs the bytes with its secp256k1 hotkey as the SDK signs (ECDSA over their sha256, r||s with
// low s). A peer that fetches an update checks, in order, the size against the commitment and its
// limit, the hash, the encoding (Decode says what was wrong and what is allowed), that the header
// names the commitment's chain, subnet, epoch and hotkey, that the public key is the hotkey's, and
// the signature (Verify). A signed update replayed into another epoch or committed by another
// hotkey fails there. Counts re-signed under a fresh header verify, so Accept keeps sha256 of
// (order, entries) — the content hash — with the epoch it was first seen: the same content
// committed later in the same epoch is a copy (ErrCopied), in a later epoch a replay (ErrReplayed);
// the earliest commitment (by height) keeps the credit.
//
// # Privacy
//
// Raw text never leaves the miner; only Privatize's output does. The protected unit is one counted
// event (one character with its history). Counts are clipped at Privacy.Clip, so one event moves
// one count by at most one (L1 sensitivity 1); two-sided geometric noise with parameter e^−ε makes
// the counts ε-DP, and only noisy counts ≥ τ (Privacy.Threshold) are released, τ chosen so a gram
// seen once — whose mere presence would reveal the event — passes with probability ≤ δ: (ε, δ)-DP
// per release. Capping the number of grams and the total, and capping counts at the clip after
// noise, are post-processing. A text of k characters is protected at k·ε by group privacy. The
// Accountant adds releases up by basic composition and refuses one that would exceed the miner's
// budget; it reports spent and remaining ε and δ. TestMembershipInferenceWithinBound attacks
// releases and checks TPR ≤ e^ε·FPR + δ within 4.5 standard errors, and that the same check catches
// a mechanism with half the noise or without the threshold.
//
// # Merge and rewards
//
// A miner serves model.FromCounts(order, Merge(own, peers)): its own counts plus each peer's
// verified updates times w_j = min(1, incentive_j / median positive incentive) (Weights), rounded.
// The incentive to weigh by is the one a peer earned for sharing (the gain shares below,
// accumulated by the chain), not for its served model: a random gram adds continuation counts to
// the short contexts of whoever merges it however small its weighted count, so a garbage publisher
// that also serves a good model must get no weight at all. The validator (Validator.Score) scores,
// each epoch, the held-out cross-entropy of every served model (CrossEntropy, the unknown-character
// mass shared over AlphabetSize characters so models with small alphabets cannot look perfect) and
// the gain of every accepted update: the held-out cross-entropy of its reference model without the
// update minus with it, less what random updates of the same shape gain by chance (mean + 3
// standard deviations of 4 seeded draws: adding counts changes the smoothing, which alone moves a
// weak reference by up to ±0.2 nats per character), floored at zero. Gains are taken in
// commitment-height order, each against the reference plus the epoch's earlier helpful updates, so
// a near-copy (copied counts slightly changed, which the exact content match misses) gains nothing
// over its original. The reference starts from a public prior (printable ASCII once) and keeps the
// updates that helped. Missing, rejected, copied, replayed and harmful (garbage) updates gain
// nothing. A miner's score is (1−s)·its share of exp(−cross-entropy) plus s·its share of the gains,
// so a miner that only consumes earns the quality part at most.
//
// # What the simulation shows
//
// Simulate runs 4 honest miners on contiguous (topic-disjoint) shards of corpus.Train(), a
// free-rider, two garbage publishers (4,096 random grams once; 128 at the clip), a copier, a
// near-copier and a replayer for 10 epochs at order 5, publishers committing in rotating order;
// sharing incentives are the validator's gain shares summed so far, zero before the first scores,
// so nothing is merged in epoch 1. Sharing clipped counts without noise meets issue 19's targets:
// merged 0.82–0.84× alone and equal to central (1.66 nats/char against 1.96–2.03 alone), every
// non-honest miner below every honest one. Under the default privacy (ε = 1, δ = 1e-6 per epoch,
// budget 10 and 1e-5) the threshold τ = 15 removes nearly every gram, since an honest miner sees
// about 410 events an epoch and most grams once: updates are empty and merged equals alone.
// Spending the whole budget in one release at epoch 9 (τ = 3; the accountant then refuses epoch
// 10's) gets merged to 0.99× alone. That is not a tuning problem: a gram seen once in a release can
// be published with probability at most δ whatever ε is, and on a corpus this small the singletons
// are most of what a peer would learn. Private sharing that helps needs far more text per miner, so
// that useful counts stand well above τ.
package federated
