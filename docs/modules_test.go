// Package docs_test tests that docs/modules.md is right: following it builds a module that works.
package docs_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/testutil/doctest"
	"github.com/taochain/taochain/testutil/e2e"
)

// guideMarker starts the skip reason of the docs/modules.md blocks that TestModuleGuide runs. The
// live-localnet docs test (cmd/taod TestDocsCommandsRun) skips them and reports this reason.
const guideMarker = "TestModuleGuide runs this in a copy of the repository"

// TestModuleGuide follows docs/modules.md: it copies the repository's tracked files (as they are
// in the working tree) to a temporary directory, runs there, in order and from the root, every sh
// block of the guide marked with guideMarker — writing x/example, patching app/keepers.go and
// app/modules.go, `go build ./...` and the example's in-app test — and fails on the first block
// that exits non-zero.
func TestModuleGuide(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole repository in a copy")
	}
	root := e2e.RepoRoot()
	src, err := os.ReadFile(filepath.Join(root, "docs", "modules.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := doctest.Parse("docs/modules.md", src)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	copyTrackedFiles(t, root, dir)
	if _, err := os.Stat(filepath.Join(dir, "x", "example")); err == nil {
		t.Fatal("x/example exists before the guide is followed: the guide's module must not be shipped")
	}

	// No -trimpath: the dependencies' build cache keys hold their directories in the module
	// cache, which the copy shares with the repository, so only the repository's own packages
	// compile again. With -trimpath every dependency (the SDK, CometBFT, ibc-go) compiled from
	// scratch, which took more than 15 minutes on a loaded 2-core CI machine.
	env := os.Environ()
	ran := 0
	for _, b := range blocks {
		if !b.Shell() || !strings.HasPrefix(b.Skip, guideMarker) {
			continue
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", b.Text)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		cancel()
		if err != nil {
			t.Fatalf("%s: %v\n%s\n%s", b.Where(), err, b.Text, out.String())
		}
		t.Logf("%s: ok in %s", b.Where(), time.Since(start).Round(time.Second))
		ran++
	}
	if ran == 0 {
		t.Fatalf("docs/modules.md has no block marked %q", guideMarker)
	}
}

// copyTrackedFiles copies the files git tracks under root, as they are in the working tree, to
// dir. A tracked file deleted in the working tree is left out.
func copyTrackedFiles(t *testing.T, root, dir string) {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	list, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		info, err := os.Lstat(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		bz, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, bz, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}
