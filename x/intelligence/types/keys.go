package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the module and of its store. The module needs no module account:
	// x/tao sends epoch payouts directly to their recipients and to the x/subnet module account.
	ModuleName = "intelligence"

	// StoreKey is the KV store key of the module.
	StoreKey = ModuleName

	// GovModuleName is the module whose account is the default params authority.
	GovModuleName = "gov"
)

// Store prefixes. Each is assigned once and never renumbered.
var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// WeightsKey stores (netuid, uid) -> WeightsRow.
	WeightsKey = collections.NewPrefix(1)
	// BondsKey stores (netuid, uid) -> BondsRow.
	BondsKey = collections.NewPrefix(2)
	// EvaluationsKey stores (netuid, epoch, hotkey) -> StoredEvaluation.
	EvaluationsKey = collections.NewPrefix(3)
	// Prefix 4 held hotkey -> nonce before nonces became per subnet; it is retired, not reused.

	// NoncesKey stores (netuid, hotkey) -> last accepted evaluation nonce.
	NoncesKey = collections.NewPrefix(9)
	// CommitsKey stores (netuid, hotkey, reveal epoch) -> WeightsCommit.
	CommitsKey = collections.NewPrefix(5)
	// LastEpochsKey stores netuid -> EpochRecord.
	LastEpochsKey = collections.NewPrefix(6)
	// EpochQueueKey stores (due height, netuid) -> epoch index of deferred epochs.
	EpochQueueKey = collections.NewPrefix(7)
	// QueuedNetuidsKey stores netuid -> due height, the reverse index of EpochQueueKey.
	QueuedNetuidsKey = collections.NewPrefix(8)
	// SchedulesKey stores netuid -> EpochSchedule.
	SchedulesKey = collections.NewPrefix(10)
	// WorkMarksKey stores (netuid, uid) -> height of the last liveness-counting action.
	WorkMarksKey = collections.NewPrefix(11)
	// ModelUpdatesKey stores (netuid, uid) -> ModelUpdateCommitment, the latest of each miner (with
	// the one it replaced, when that was for the epoch before).
	ModelUpdatesKey = collections.NewPrefix(12)
)
