package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	var buf bytes.Buffer
	log, err := New(&buf, "JSON", "warn")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("dropped")
	log.Warn("kept", "k", 1)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil || rec["msg"] != "kept" || rec["k"] != float64(1) {
		t.Fatalf("json at warn: %q (%v)", buf.String(), err)
	}
	buf.Reset()
	if log, err = New(&buf, "text", "debug"); err != nil {
		t.Fatal(err)
	}
	log.Debug("shown")
	if !strings.Contains(buf.String(), "msg=shown") {
		t.Fatalf("text at debug: %q", buf.String())
	}
	for _, bad := range [][2]string{{"xml", "info"}, {"text", "loud"}} {
		if _, err := New(&buf, bad[0], bad[1]); err == nil || !strings.Contains(err.Error(), "want") {
			t.Errorf("format %q level %q: %v, want an error saying what is allowed", bad[0], bad[1], err)
		}
	}
}
