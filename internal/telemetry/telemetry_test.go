package telemetry_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdktelemetry "github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/taochain/taochain/internal/telemetry"
	intelligencetypes "github.com/taochain/taochain/x/intelligence/types"
)

func TestRefusal(t *testing.T) {
	tests := []struct {
		name          string
		err           error
		wantCodespace string
		wantReason    string
	}{
		{"registered", intelligencetypes.ErrWrongEpoch, "intelligence", "wrong_epoch"},
		{"wrapped with context", intelligencetypes.ErrNoValidatorPermit.Wrapf("hotkey %s on subnet %d", "tao1x", 3), "intelligence", "no_validator_permit"},
		{"wrapped twice", errorsmod.Wrap(intelligencetypes.ErrDuplicateEvaluation.Wrap("epoch 7"), "submit"), "intelligence", "evaluation_already_submitted_for_this_epoch"},
		{"sdk error", sdkerrors.ErrInvalidAddress.Wrap("hotkey \"x\""), "sdk", "invalid_address"},
		{"punctuation and case", errorsmod.Register("telemetrytest", 2, " Reveal -- too EARLY! "), "telemetrytest", "reveal_too_early"},
		{"no words", errorsmod.Register("telemetrytest", 3, "!!"), "telemetrytest", telemetry.ReasonInternal},
		{"unregistered", errors.New("store: corrupted"), "", telemetry.ReasonInternal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			codespace, reason := telemetry.Refusal(tc.err)
			if codespace != tc.wantCodespace || reason != tc.wantReason {
				t.Fatalf("Refusal(%v) = %q, %q; want %q, %q", tc.err, codespace, reason, tc.wantCodespace, tc.wantReason)
			}
		})
	}
}

func TestAmountValue(t *testing.T) {
	tests := []struct {
		amount math.Int
		want   float32
	}{
		{math.Int{}, 0},
		{math.NewInt(-5), 0},
		{math.ZeroInt(), 0},
		{math.NewInt(500_000_000), 500_000_000},
		{math.NewIntFromUint64(1 << 63).MulRaw(4), float32(1<<64 - 1)},
	}
	for _, tc := range tests {
		if got := telemetry.AmountValue(tc.amount); got != tc.want {
			t.Errorf("AmountValue(%v) = %v, want %v", tc.amount, got, tc.want)
		}
	}
}

// TestRecordsOnlyCommittedExecution records through the SDK's real telemetry and Prometheus sink
// (as a node does) in every execution mode and reads the default Prometheus registry back: only
// FinalizeBlock counts, refusals carry codespace and reason, acceptances their own labels.
func TestRecordsOnlyCommittedExecution(t *testing.T) {
	if _, err := sdktelemetry.New(sdktelemetry.Config{Enabled: true, PrometheusRetentionTime: 60}); err != nil {
		t.Fatal(err)
	}
	key := []string{"telemetrytest", "evaluations"}
	modes := []sdk.ExecMode{
		sdk.ExecModeCheck, sdk.ExecModeReCheck, sdk.ExecModeSimulate, sdk.ExecModePrepareProposal,
		sdk.ExecModeProcessProposal, sdk.ExecModeVoteExtension, sdk.ExecModeVerifyVoteExtension, sdk.ExecModeFinalize,
	}
	for _, mode := range modes {
		ctx := sdk.Context{}.WithExecMode(mode)
		if got, want := telemetry.Committed(ctx), mode == sdk.ExecModeFinalize; got != want {
			t.Errorf("Committed in mode %d = %v, want %v", mode, got, want)
		}
		telemetry.Outcome(ctx, key, nil, []telemetry.MetricLabel{telemetry.Netuid(3)}, telemetry.Label("msg", "set"))
		telemetry.Outcome(ctx, key, intelligencetypes.ErrStaleNonce.Wrap("nonce 1"), []telemetry.MetricLabel{telemetry.Netuid(3)}, telemetry.Label("msg", "set"))
		telemetry.Outcome(ctx, key, intelligencetypes.ErrStaleNonce, []telemetry.MetricLabel{telemetry.Netuid(3)}, telemetry.Label("msg", "set"))
		telemetry.Amount(ctx, []string{"telemetrytest", "paid", "rao"}, math.NewInt(1500), telemetry.Netuid(3))
		telemetry.Amount(ctx, []string{"telemetrytest", "paid", "rao"}, math.Int{}, telemetry.Netuid(4))
		telemetry.Gauge(ctx, []string{"telemetrytest", "queue"}, uint64(mode))
	}
	// A key shared by callers must not be changed by Outcome's suffix.
	if strings.Join(key, "_") != "telemetrytest_evaluations" {
		t.Fatalf("Outcome changed its key to %v", key)
	}

	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	// One `name{labels} value` line per counter or gauge, labels sorted as Prometheus sorts them.
	var text strings.Builder
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "telemetrytest_") {
			continue
		}
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			name := f.GetName()
			if len(labels) > 0 {
				name += "{" + strings.Join(labels, ",") + "}"
			}
			fmt.Fprintf(&text, "%s %v\n", name, m.GetCounter().GetValue()+m.GetGauge().GetValue())
		}
	}
	got := text.String()
	for _, want := range []string{
		`telemetrytest_evaluations_accepted{msg="set",netuid="3"} 1`,
		`telemetrytest_evaluations_refused{codespace="intelligence",msg="set",reason="stale_nonce"} 2`,
		`telemetrytest_paid_rao{netuid="3"} 1500`,
		`telemetrytest_queue ` + "7",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	for _, unwanted := range []string{`netuid="4"`, `refused{codespace="intelligence",msg="set",netuid`} {
		if strings.Contains(got, unwanted) {
			t.Errorf("unexpected %q in\n%s", unwanted, got)
		}
	}
}
