package keeper

import (
	"context"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/internal/telemetry"
	"github.com/taochain/taochain/x/tao/types"
)

// The x/tao metrics (listed in docs/observability.md): every telemetry call of the module is in
// this file. Nothing here writes state; x/internal/telemetry says when they are recorded.

// Metric keys; the Prometheus name is the key's parts joined with "_".
var (
	metricEmissionMinted = []string{types.ModuleName, "emission", "minted", "rao"}
	metricBlockEmission  = []string{types.ModuleName, "block", "emission", "rao"}
)

// Label names and values of the x/tao metrics.
const (
	labelPart    = "part"
	partSecurity = "security"
	partSubnets  = "subnets"
)

// observeMinted records a block's minted emission: the counter split into the security share and
// the subnets' part, and the gauge of the whole block's emission.
func observeMinted(ctx context.Context, security, subnets math.Int) {
	telemetry.Amount(ctx, metricEmissionMinted, security, telemetry.Label(labelPart, partSecurity))
	telemetry.Amount(ctx, metricEmissionMinted, subnets, telemetry.Label(labelPart, partSubnets))
	telemetry.GaugeAmount(ctx, metricBlockEmission, security.Add(subnets))
}
