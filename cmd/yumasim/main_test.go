package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taochain/taochain/cmd/yumasim/sim"
)

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	html := filepath.Join(dir, "r.html")
	var out, errOut strings.Builder
	if code := run([]string{"run", "--name", "kappa-moves-first", "--epochs", "12", "--csv", dir, "--html", html}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "12 epochs") {
		t.Errorf("--epochs ignored:\n%s", out.String())
	}
	for _, p := range []string{html, filepath.Join(dir, "kappa-moves-first.csv")} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", p, err)
		}
	}

	out.Reset()
	if code := run([]string{"run", "--scenario", "testdata/example.json"}, &out, &errOut); code != 0 {
		t.Fatalf("example: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "scenario example") {
		t.Errorf("example output:\n%s", out.String())
	}

	out.Reset()
	if code := run([]string{"list"}, &out, &errOut); code != 0 || strings.Count(out.String(), "\n") != len(sim.Builtins()) {
		t.Errorf("list: exit %d, output:\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"targets"}, &out, &errOut); code != 0 || strings.Count(out.String(), "\n") != 2+len(sim.Targets()) ||
		!strings.Contains(out.String(), "| ≤ 5 |") {
		t.Errorf("targets: exit %d, output:\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"show", "--name", "cartel"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), `"behaviour": "cartel"`) {
		t.Errorf("show: exit %d, output:\n%s", code, out.String())
	}

	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"run"},
		{"run", "--name", "copier", "--scenario", "x.json"},
		{"run", "--name", "no-such"},
		{"run", "--name", "copier", "--version", "7"},
	} {
		errOut.Reset()
		if code := run(args, &out, &errOut); code == 0 {
			t.Errorf("%q: exit 0", args)
		}
	}
}
