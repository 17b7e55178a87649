package keeper

import (
	"context"
	"strings"

	"github.com/taochain/taochain/internal/telemetry"
	"github.com/taochain/taochain/x/slashing/types"
)

// The x/slashing metrics (listed in docs/observability.md): every telemetry call of the module's
// intelligence offences is in this file. Nothing here writes state; x/internal/telemetry says when
// they are recorded.

// Metric keys; the Prometheus name is the key's parts joined with "_".
var (
	metricOffences = []string{types.ModuleName, "offences"}
	metricSlashed  = []string{types.ModuleName, "slashed", "rao"}
)

// labelKind labels an offence by kind: "equivocation", "liveness" or "useless_miner".
const labelKind = "kind"

// observeOffence counts a recorded offence and the stake it slashed, by kind.
func observeOffence(ctx context.Context, o types.Offence) {
	kind := telemetry.Label(labelKind, offenceKindLabel(o.Kind))
	telemetry.Count(ctx, metricOffences, 1, kind)
	telemetry.Amount(ctx, metricSlashed, o.Slashed, kind)
}

// offenceKindLabel is kind's enum name without its prefix, in lower case
// (OFFENCE_KIND_USELESS_MINER → "useless_miner").
func offenceKindLabel(kind types.OffenceKind) string {
	return strings.ToLower(strings.TrimPrefix(kind.String(), "OFFENCE_KIND_"))
}
