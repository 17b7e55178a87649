// Package fednode is the networked side of federated learning for a miner (issue 19): it runs
// inference/federated's pure core against peers' axons and the chain. A Miner holds its private
// text's n-gram counts (the text itself is never kept, sent or logged), the privacy ledger, the
// updates it serves and the merged model it answers validators with.
//
// # Protocol flow, per epoch
//
//  1. Publish. When the chain's epoch advances, the miner takes the counts of the events seen since
//     its previous release (model.Counts, own minus what the previous release was made from),
//     has the federated.Accountant charge the release, writes the charge to the ledger, and only
//     then privatizes the counts (federated.Privatize), signs the update with its hotkey
//     (federated.Sign) and keeps it to serve. Entries carried over from an update that was not
//     committed (step 2) are added to the fresh ones first. A release the budget refuses publishes
//     nothing new: carried entries, if any, are published alone, uncharged; without them nothing
//     is. The miner keeps serving its merged model and still merges its peers.
//  2. Commit. The miner commits sha256 and the length of the update's canonical bytes on chain
//     (federated.Commitment; MsgCommitModelUpdate). A failed commit is retried at the next poll of
//     the same epoch; one the chain refused in a block (ErrCommitFailedInBlock: its fee is spent)
//     is given up. An update given up, or whose epoch ends before a commit of it succeeds (under
//     load a commit lands in the next epoch, where the chain refuses it, or keeps timing out), is
//     not lost: its privatized entries are carried into the next update the miner publishes (logged as "federated update
//     not committed; its entries go into the next one"), since peers fetch only committed updates
//     and its counts are already marked released. They are released values, so publishing them
//     again is post-processing and charges nothing; only the new delta is charged. Counts of the
//     same gram add up, each capped at the clip, and when the grams exceed the update's MaxEntries
//     or MaxTotal the largest are kept (as Privatize keeps them): the update stays within
//     federated.LimitsOf, and what the caps cut waits for the update after. The carry-over is
//     cleared once the update holding it is committed. When a commit failed without an answer (a
//     timeout) the miner first reads the chain's commitments: an update that landed after all is
//     not carried, so peers do not count it twice.
//  3. Serve. Its axon answers GET /v1/federated/update?epoch=N (protocol.FederatedUpdatePath) with
//     the update in the wire format below, unauthenticated and rate-limited per IP (see
//     inference/axon); the last KeepEpochs updates are kept.
//  4. Fetch and merge. Every poll the miner reads the subnet's latest commitments with each
//     peer's axon URL and incentive (Chain.ModelUpdateCommitments) and fetches each commitment it
//     has not fetched yet, at most MaxParallelFetches at once (Fetch: the committed size bounds what
//     is read; federated.Verify checks size, hash, encoding, header and signature). It drops
//     copies and replays as the validator does (federated.Accept, in commitment-height order),
//     adds each accepted update to that peer's counts, and serves
//     model.FromCounts(order, federated.Merge(own, peers)), peers weighted by their on-chain
//     incentive (federated.Weights). Refused updates are logged with the reason and not retried.
//
// Step does one poll of this loop and Run repeats it; both need a Chain, the three chain calls
// the worker implements over its chain client. The chain keeps each hotkey's latest commitment
// and the one before it (PeerInfo.Previous, when it was for the epoch just before), and the miner
// fetches each of the two it has not fetched yet. Only when three or more of a peer's commitments
// land between two of its polls does a miner miss the older updates; that is logged nowhere
// because they are never seen, and costs only what they would have taught.
//
// A miner with Config.NoPublish (taoworker miner --no-publish) skips steps 1 to 3: it only
// fetches and merges, a consumer that spends no privacy budget and earns no sharing score.
// AddText may be called at any time; TextFollower reads what is appended to a text file, so a
// miner that keeps collecting text (--follow-corpus) releases the new text in its next update.
//
// # Validators: scoring what miners share
//
// A validator of a federated subnet scores each miner on two things: the quality of the model it
// serves (the validator loop's inference tasks) and the marginal value of the update it published.
// SharingScorer does the second. In the validator's epoch E it reads the commitments
// (CommitmentSource, the read method of Chain) and scores those for epoch E−1, the newest
// complete set: it fetches each update from the miner's axon as miners do (Fetch: concurrently,
// at most MaxParallelFetches, each within FetchTimeout and the committed size), and hands them to
// federated.Validator.Score, which verifies them again, drops copies and replays and measures, in
// commitment-height order, each accepted update's held-out gain over what random updates of its
// shape gain by chance. A miner's share is its gain over the epoch's total: shares sum to 1 over
// the helpful updates; a missing, unreachable, refused, empty or harmful update gets 0, logged
// with its reason. The scorer keeps the validator's reference model (the prior plus every update
// that helped) and the content hashes seen across epochs, in memory only: after a restart the
// reference starts over. A miner usually commits E before the validator reads E−1's; the chain
// then keeps its E−1 commitment as the previous one (PeerInfo.Previous) and the scorer takes it
// from there, the update still being served (KeepEpochs). Scoring costs about five model
// builds and held-out passes per update (the update and four random ones):
// BenchmarkSharingScorerEpoch, fetching and scoring updates of whole shards of the training split
// at order 5, took 1.07 s for 4 updates and 2.07 s for 8 on a 2-core AMD EPYC, about 0.26 s each.
//
// # Wire format
//
//	u8(len(pub_key)) pub_key u8(len(signature)) signature update_bytes
//
// pub_key is the hotkey's secp256k1 public key, signature the 64-byte r||s over update_bytes, and
// update_bytes federated.Update.Encode's canonical encoding, running to the end of the body; the
// committed size fixes its length, so a fetcher reads at most that plus MaxWireOverhead.
//
// # Privacy ledger
//
// The accountant's spending persists in StateFile in the worker's home: every release (epoch,
// subnet, hotkey, ε, δ), written atomically before the release is computed, so a crash or a
// restart can neither reset the budget nor hide a release. At start the ledger is replayed into a
// fresh accountant; a ledger that spent more than the configured budget stops the miner rather
// than silently exhausting it. The budget belongs to the home's text, so releases under any
// hotkey or subnet count. Counts already released are not persisted: after a restart the next
// update is made from all the text again (charged like any other). Neither is the carry-over:
// entries of an update not committed when the miner stops are dropped (Run logs how many), and
// the restarted miner's first update releases their text again, charged. Privacy.Noiseless, which
// publishes exact clipped counts, spends nothing and is for tests and measurements only.
//
// # Metrics
//
// With Config.Registerer the miner exports taoworker_privacy_epsilon_spent,
// taoworker_privacy_epsilon_remaining, taoworker_privacy_delta_spent,
// taoworker_privacy_delta_remaining and taoworker_privacy_releases (charged releases only: a
// budget-exhausted epoch that publishes carried entries alone adds none),
// taoworker_federated_carried_entries (entries of uncommitted updates waiting for the next one,
// also Status.CarriedEntries), and counts taoworker_federated_peer_updates_merged_total and
// taoworker_federated_peer_updates_refused_total; each publish logs the accountant's summary line
// (federated.Accountant.String) and how many of its entries are fresh and carried.
package fednode
