package fednode_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/taochain/taochain/inference/fednode"
)

// TestTextFollower: the first Read returns the file, later ones what was appended; a character
// split across two writes comes whole in the second; a shorter file is read again from its start.
func TestTextFollower(t *testing.T) {
	path := filepath.Join(t.TempDir(), "text.txt")
	write := func(flag int, s string) {
		t.Helper()
		f, err := os.OpenFile(path, flag|os.O_WRONLY|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f := fednode.NewTextFollower(path)
	if _, _, err := f.Read(); err == nil {
		t.Fatal("reading a missing file: no error")
	}
	write(os.O_TRUNC, "first part, ")
	euro := "€" // three bytes
	steps := []struct {
		write       func()
		want        string
		wantRotated bool
	}{
		{func() {}, "first part, ", false},
		{func() {}, "", false},
		{func() { write(os.O_APPEND, "second "+euro[:1]) }, "second ", false},
		{func() { write(os.O_APPEND, euro[1:]+" third") }, euro + " third", false},
		{func() { write(os.O_TRUNC, "new") }, "new", true},
	}
	for i, s := range steps {
		s.write()
		got, rotated, err := f.Read()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got != s.want || rotated != s.wantRotated {
			t.Fatalf("step %d: read %q (rotated %v), want %q (rotated %v)", i, got, rotated, s.want, s.wantRotated)
		}
	}
}
