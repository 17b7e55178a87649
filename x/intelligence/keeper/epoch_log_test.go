package keeper_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"cosmossdk.io/log"
	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"
)

// logLines parses the JSON lines a test logger wrote and returns those with message msg.
func logLines(t *testing.T, buf *bytes.Buffer, msg string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	for sc.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), "log line %s", sc.Text())
		if line["message"] == msg {
			lines = append(lines, line)
		}
	}
	require.NoError(t, sc.Err())
	return lines
}

// TestEpochLogsOneInfoLine checks an operator sees each subnet epoch in the node log: one INFO line
// with the subnet, epoch, height, emission paid and the miner and validator counts.
func TestEpochLogsOneInfoLine(t *testing.T) {
	w := newEpochWorld(t)
	f := w.f
	pending := math.NewInt(1_000_000_007)
	f.setPending(t, netuid, pending)
	var buf bytes.Buffer
	f.setHeight(8)
	f.ctx = f.ctx.WithLogger(log.NewLogger(&buf, log.OutputJSONOption()))
	require.NoError(t, f.k.EndBlocker(f.ctx))
	rec, found, err := f.k.GetLastEpoch(f.ctx, netuid)
	require.NoError(t, err)
	require.True(t, found)

	lines := logLines(t, &buf, "subnet epoch paid")
	require.Len(t, lines, 1, "log:\n%s", buf.String())
	line := lines[0]
	require.Equal(t, "info", line["level"])
	require.Equal(t, "x/intelligence", line["module"])
	require.EqualValues(t, netuid, line["netuid"])
	require.EqualValues(t, 0, line["epoch"])
	require.EqualValues(t, 8, line["height"])
	require.Equal(t, pending.String(), line["emission"])
	require.Equal(t, rec.OwnerEmission.String(), line["owner"])
	require.Equal(t, rec.MinerEmission.String(), line["miners_paid"])
	require.Equal(t, rec.ValidatorEmission.String(), line["validators_paid"])
	require.EqualValues(t, 2, line["validators"]) // v1 and v2 hold permits
	require.EqualValues(t, 3, line["miners"])

	// No epoch at the next block: no line.
	buf.Reset()
	f.setHeight(9)
	f.ctx = f.ctx.WithLogger(log.NewLogger(&buf, log.OutputJSONOption()))
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Empty(t, logLines(t, &buf, "subnet epoch paid"))
}
