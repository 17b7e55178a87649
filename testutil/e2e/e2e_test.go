package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestRemoveStaleBuilds: the build directory of a test process that has exited is removed, the
// directories of running processes (this one) and names that are not a pid are kept.
func TestRemoveStaleBuilds(t *testing.T) {
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(os.TempDir(), buildPrefix+strconv.Itoa(exited.Process.Pid))
	alive := filepath.Join(os.TempDir(), buildPrefix+strconv.Itoa(os.Getpid()))
	other := filepath.Join(os.TempDir(), buildPrefix+"notapid")
	for _, dir := range []string{dead, alive, other} {
		if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	removeStaleBuilds()
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the build directory of exited pid %d is still there (%v)", exited.Process.Pid, err)
	}
	for _, dir := range []string{alive, other} {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s was removed: %v", dir, err)
		}
	}
}
