package keeper

import (
	"context"
	"time"

	"github.com/taochain/taochain/internal/telemetry"
	"github.com/taochain/taochain/x/intelligence/types"
)

// The x/intelligence metrics (listed in docs/observability.md): every telemetry call of the module
// is in this file. Nothing here writes state; x/internal/telemetry says when they are recorded.

// Metric keys; the Prometheus name is the key's parts joined with "_".
var (
	metricEpochRun         = []string{types.ModuleName, "epoch", "run"}
	metricEpochFailed      = []string{types.ModuleName, "epoch", "failed"}
	metricEpochDuration    = []string{types.ModuleName, "epoch", "duration"}
	metricEpochQueueLength = []string{types.ModuleName, "epoch", "queue", "length"}
	metricEmissionPaid     = []string{types.ModuleName, "emission", "distributed", "rao"}
	metricEvaluations      = []string{types.ModuleName, "evaluations"}
	metricWeights          = []string{types.ModuleName, "weights"}
)

// Label names and values of the x/intelligence metrics.
const (
	labelRecipient      = "recipient"
	recipientOwner      = "owner"
	recipientMiners     = "miners"
	recipientValidators = "validators"

	labelMsg         = "msg"
	weightsMsgSet    = "set"
	weightsMsgCommit = "commit"
	weightsMsgReveal = "reveal"
)

// observeEpoch records one queued epoch's run: its duration since start, and whether it ran or
// failed (adding 0 to the other counter, so both series exist from a subnet's first epoch on and
// rate() and alerts on failures see a 0 rather than no data). An epoch that ran also counts the
// emission it paid to the owner, miners and validators.
func observeEpoch(ctx context.Context, netuid uint16, start time.Time, rec types.EpochRecord, err error) {
	subnet := telemetry.Netuid(netuid)
	telemetry.Since(ctx, metricEpochDuration, start, subnet)
	if err != nil {
		telemetry.Count(ctx, metricEpochFailed, 1, subnet)
		telemetry.Count(ctx, metricEpochRun, 0, subnet)
		return
	}
	telemetry.Count(ctx, metricEpochRun, 1, subnet)
	telemetry.Count(ctx, metricEpochFailed, 0, subnet)
	telemetry.Amount(ctx, metricEmissionPaid, rec.OwnerEmission, subnet, telemetry.Label(labelRecipient, recipientOwner))
	telemetry.Amount(ctx, metricEmissionPaid, rec.MinerEmission, subnet, telemetry.Label(labelRecipient, recipientMiners))
	telemetry.Amount(ctx, metricEmissionPaid, rec.ValidatorEmission, subnet, telemetry.Label(labelRecipient, recipientValidators))
}

// observeEpochQueue sets the epoch queue gauge to the number of subnets whose epoch is queued
// (closed, waiting for a block with work budget left) after this EndBlock. The walk is skipped
// when nothing would record it.
func (k Keeper) observeEpochQueue(ctx context.Context) {
	if !telemetry.Enabled(ctx) {
		return
	}
	queued := 0
	if err := k.QueuedNetuids.Walk(ctx, nil, func(uint16, int64) (bool, error) {
		queued++
		return false, nil
	}); err != nil {
		return
	}
	telemetry.Gauge(ctx, metricEpochQueueLength, uint64(queued))
}

// observeEvaluation counts a MsgSubmitEvaluation accepted (by netuid) or refused (by reason).
func observeEvaluation(ctx context.Context, netuid uint32, err error) {
	telemetry.Outcome(ctx, metricEvaluations, err, []telemetry.MetricLabel{netuidLabel(netuid)})
}

// observeWeights counts a weight-setting message (msg: set, commit or reveal) accepted (by
// netuid) or refused (by reason).
func observeWeights(ctx context.Context, msg string, netuid uint32, err error) {
	telemetry.Outcome(ctx, metricWeights, err, []telemetry.MetricLabel{netuidLabel(netuid)}, telemetry.Label(labelMsg, msg))
}

// netuidLabel labels an accepted message by its netuid, which then names an existing subnet.
func netuidLabel(netuid uint32) telemetry.MetricLabel {
	return telemetry.Netuid(uint16(min(netuid, types.U16Max)))
}
