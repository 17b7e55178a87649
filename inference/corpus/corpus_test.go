package corpus

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitPartitionsParagraphs(t *testing.T) {
	paras := Paragraphs()
	if len(paras) < 30 {
		t.Fatalf("corpus has only %d paragraphs", len(paras))
	}
	train, heldOut := Train(), HeldOut()
	tr, ho := strings.Split(train, "\n"), strings.Split(heldOut, "\n")
	if len(tr)+len(ho) != len(paras) || len(ho) != (len(paras)+HeldOutEvery/2)/HeldOutEvery {
		t.Fatalf("split sizes %d + %d do not partition %d paragraphs", len(tr), len(ho), len(paras))
	}
	for _, p := range ho {
		if strings.Contains(train, p) {
			t.Fatalf("held-out paragraph also in training text: %q", p[:40])
		}
	}
	if len(Text()) != len(strings.Join(paras, "\n")) {
		t.Fatal("Text is not the joined paragraphs")
	}
}

func TestSplitParagraphs(t *testing.T) {
	got := SplitParagraphs("one  two\nthree\r\n\r\n\n\n  four\tfive \n")
	if want := []string{"one two three", "four five"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("SplitParagraphs = %q, want %q", got, want)
	}
}

func TestWindowsDeterministic(t *testing.T) {
	text := HeldOut()
	a, err := Windows(text, 42, 16, 64, 24)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Windows(text, 42, 16, 64, 24)
	c, _ := Windows(text, 43, 16, 64, 24)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed produced different windows")
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds produced identical windows")
	}
	for _, w := range a {
		if utf8.RuneCountInString(w.Prompt) != 64 || utf8.RuneCountInString(w.Continuation) != 24 {
			t.Fatalf("window lengths %d/%d", utf8.RuneCountInString(w.Prompt), utf8.RuneCountInString(w.Continuation))
		}
		if !strings.Contains(text, w.Prompt+w.Continuation) {
			t.Fatalf("window is not a substring of the text: %q", w.Prompt+w.Continuation)
		}
	}
	// Pin the sampler: a change of algorithm would silently desynchronise validators.
	first, _ := Windows("abcdefghijklmnopqrstuvwxyz", 7, 1, 3, 2)
	if got := first[0].Prompt + "|" + first[0].Continuation; got != pinnedWindow {
		t.Fatalf("sampler output changed: got %q, pinned %q", got, pinnedWindow)
	}
}

func TestWindowsErrors(t *testing.T) {
	for _, tc := range []struct{ count, p, c int }{{0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {1, 10, 10}} {
		if _, err := Windows("short text", 1, tc.count, tc.p, tc.c); err == nil {
			t.Fatalf("Windows(%+v) succeeded", tc)
		}
	}
	// Multi-byte characters count as one.
	w, err := Windows("ééé☃", 1, 1, 3, 1)
	if err != nil || w[0].Prompt != "ééé" || w[0].Continuation != "☃" {
		t.Fatalf("Windows on runes = %+v, %v", w, err)
	}
}

// pinnedWindow is Windows("a…z", seed 7, 1 window, 3+2 chars) as computed by the v1 sampler.
const pinnedWindow = "efg|hi"
