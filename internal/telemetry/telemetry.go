// Package telemetry emits the taochain modules' Prometheus metrics through the SDK's telemetry
// (hashicorp/go-metrics, served at the API server's /metrics?format=prometheus and, since its
// Prometheus sink registers on prometheus.DefaultRegisterer, at CometBFT's prometheus_listen_addr).
// docs/observability.md lists every metric.
//
// It lives outside x/ and app/ because it converts to go-metrics' float32: the modules hand it
// integers only. Metrics are write-only: nothing here reads or writes state, and no value is fed back into the
// state machine, so the floats and the wall clock of go-metrics cannot fork the chain. Each
// function records only while ctx executes FinalizeBlock (see Committed): a count means something
// happened in a block the node committed, not in CheckTx, a simulation or a proposal check.
package telemetry

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	metrics "github.com/hashicorp/go-metrics"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdktelemetry "github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Label names shared by the modules' metrics.
const (
	LabelNetuid    = "netuid"
	LabelReason    = "reason"
	LabelCodespace = "codespace"
)

// ReasonInternal is the reason label of an error that wraps no registered error (a bug or a store
// failure rather than a refusal with a documented cause).
const ReasonInternal = "internal"

// MetricLabel is a metric label (go-metrics'), so the modules need not import go-metrics.
type MetricLabel = metrics.Label

// Committed reports whether ctx executes FinalizeBlock (begin block, the block's transactions, end
// block): the execution whose writes the node commits. CheckTx, ReCheckTx, simulations (--gas
// auto) and proposal handling run the same code on state that is thrown away.
func Committed(ctx context.Context) bool {
	return sdk.UnwrapSDKContext(ctx).ExecMode() == sdk.ExecModeFinalize
}

// Enabled reports whether a metric recorded now is kept: telemetry is on and ctx is committed.
// Callers use it to skip work (such as a store walk) done only to feed a metric.
func Enabled(ctx context.Context) bool {
	return sdktelemetry.IsTelemetryEnabled() && Committed(ctx)
}

// Netuid is the netuid label.
func Netuid(netuid uint16) MetricLabel {
	return sdktelemetry.NewLabel(LabelNetuid, strconv.FormatUint(uint64(netuid), 10))
}

// Label is a metric label.
func Label(name, value string) MetricLabel { return sdktelemetry.NewLabel(name, value) }

// Count adds n to the counter key in a committed execution. The modules pass integers; the float
// that go-metrics carries is made here, outside the state machine's packages.
func Count(ctx context.Context, key []string, n uint64, labels ...MetricLabel) {
	if Committed(ctx) {
		sdktelemetry.IncrCounterWithLabels(key, float32(n), labels)
	}
}

// Amount adds amount (rao) to the counter key in a committed execution. go-metrics carries float32:
// each increment keeps about 7 significant digits; Prometheus sums them in float64.
func Amount(ctx context.Context, key []string, amount math.Int, labels ...MetricLabel) {
	if amount.IsNil() || !amount.IsPositive() {
		return
	}
	if Committed(ctx) {
		sdktelemetry.IncrCounterWithLabels(key, AmountValue(amount), labels)
	}
}

// Gauge sets the gauge key to v in a committed execution.
func Gauge(ctx context.Context, key []string, v uint64, labels ...MetricLabel) {
	if Committed(ctx) {
		sdktelemetry.SetGaugeWithLabels(key, float32(v), labels)
	}
}

// GaugeAmount sets the gauge key to amount (rao; see AmountValue) in a committed execution.
func GaugeAmount(ctx context.Context, key []string, amount math.Int, labels ...MetricLabel) {
	if Committed(ctx) {
		sdktelemetry.SetGaugeWithLabels(key, AmountValue(amount), labels)
	}
}

// Since records the milliseconds elapsed from start (from Now) into the summary key in a committed
// execution.
func Since(ctx context.Context, key []string, start time.Time, labels ...MetricLabel) {
	if Enabled(ctx) {
		metrics.MeasureSinceWithLabels(key, start.UTC(), labels)
	}
}

// Start is the start of a measurement that is logged as well as recorded (MillisSince, Since):
// the wall clock whether telemetry is on or not (never read by the state machine).
func Start() time.Time { return time.Now() }

// MillisSince is the milliseconds elapsed from start (from Start), for a log line.
func MillisSince(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

// Now is the start of a measurement for Since: the wall clock when telemetry is on, the zero time
// otherwise (never read by the state machine).
func Now() time.Time { return sdktelemetry.Now() }

// Outcome counts a message handled by a msg server: key+"accepted" labelled with accepted and
// common when err is nil, key+"refused" labelled with common, the codespace and the reason
// (Refusal) otherwise. Callers keep the netuid out of common: a refused message's netuid may name
// no subnet, and an unbounded label would let anyone grow the node's metric set.
func Outcome(ctx context.Context, key []string, err error, accepted []MetricLabel, common ...MetricLabel) {
	if err == nil {
		Count(ctx, withSuffix(key, "accepted"), 1, append(accepted[:len(accepted):len(accepted)], common...)...)
		return
	}
	codespace, reason := Refusal(err)
	Count(ctx, withSuffix(key, "refused"), 1,
		append(common[:len(common):len(common)], Label(LabelCodespace, codespace), Label(LabelReason, reason))...)
}

// withSuffix returns key+part in a new slice (key is a shared package-level variable).
func withSuffix(key []string, part string) []string {
	return append(key[:len(key):len(key)], part)
}

// Refusal names why err refused a message: the codespace and the snake_case description of the
// registered error it wraps (types.ErrWrongEpoch "wrong epoch" → "intelligence", "wrong_epoch").
// An error that wraps no registered error is ("", ReasonInternal). Registered errors are a fixed
// set, so the labels are too.
func Refusal(err error) (codespace, reason string) {
	var registered *errorsmod.Error
	if !errors.As(err, &registered) {
		return "", ReasonInternal
	}
	return registered.Codespace(), snake(registered.Error())
}

// snake lowercases s and joins its runs of letters and digits with "_".
func snake(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
			continue
		}
		sep = true
	}
	if b.Len() == 0 {
		return ReasonInternal
	}
	return b.String()
}

// AmountValue is amount (rao) as a go-metrics value: float32, about 7 significant digits, 0 for a
// nil or negative amount and saturated beyond uint64.
func AmountValue(amount math.Int) float32 {
	switch {
	case amount.IsNil() || !amount.IsPositive():
		return 0
	case !amount.IsUint64():
		return float32(1<<64 - 1)
	}
	return float32(amount.Uint64())
}
