package keeper_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"cosmossdk.io/log"

	slashingtypes "github.com/taochain/taochain/x/slashing/types"
)

// logLines parses the JSON lines a test logger wrote and returns those with message msg.
func logLines(t *testing.T, buf *bytes.Buffer, msg string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %s: %v", sc.Text(), err)
		}
		if line["message"] == msg {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestOffenceAndJailAreLogged checks an operator sees an intelligence offence and the jail it
// causes in the node log: one INFO line each, with kind, hotkey, subnet, offence id and the jail.
func TestOffenceAndJailAreLogged(t *testing.T) {
	f := newFixture(t, isolated())
	v0 := f.validators[0]
	hot := hotkeyAddr(v0).String()
	onChain, conflicting := f.equivocation(v0)

	var buf bytes.Buffer
	ctx := f.c.Context().WithBlockHeight(f.c.Height + 1).WithLogger(log.NewLogger(&buf, log.OutputJSONOption()))
	res, err := srvFor(f).ReportEquivocation(ctx, &slashingtypes.MsgReportEquivocation{
		Reporter: f.reporter.Address.String(), First: conflicting, Second: onChain,
	})
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.c.App.SlashingKeeper.Offences.Get(ctx, res.Offence.Id)
	if err != nil {
		t.Fatal(err)
	}

	offences := logLines(t, &buf, "intelligence offence")
	if len(offences) != 1 {
		t.Fatalf("%d offence lines, want 1; log:\n%s", len(offences), buf.String())
	}
	want := map[string]any{
		"level": "info", "module": "x/slashing", "kind": slashingtypes.OffenceKind_OFFENCE_KIND_EQUIVOCATION.String(),
		"hotkey": hot, "netuid": float64(netuid), "offence_id": float64(o.Id), "epoch": float64(o.Epoch),
		"height": float64(f.c.Height + 1), "slashed": o.Slashed.String(), "jail_epochs": float64(2),
	}
	for k, v := range want {
		if offences[0][k] != v {
			t.Errorf("offence line %s = %v (%T), want %v", k, offences[0][k], offences[0][k], v)
		}
	}
	if !o.Slashed.IsPositive() {
		t.Errorf("the equivocation slashed %s", o.Slashed)
	}

	jails := logLines(t, &buf, "hotkey jailed: no validator permit")
	if len(jails) != 1 {
		t.Fatalf("%d jail lines, want 1; log:\n%s", len(jails), buf.String())
	}
	want = map[string]any{
		"level": "info", "module": "x/slashing", "hotkey": hot, "netuid": float64(netuid),
		"offence_id": float64(o.Id), "jailed_for_epochs": float64(2), "since_height": float64(f.c.Height + 1),
	}
	for k, v := range want {
		if jails[0][k] != v {
			t.Errorf("jail line %s = %v (%T), want %v", k, jails[0][k], jails[0][k], v)
		}
	}
}
