package corpus

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed text/*.txt
var textFS embed.FS

// HeldOutEvery is the split period: paragraph i (0-based, in file order) is held out when
// i%HeldOutEvery == HeldOutEvery/2, so 1 paragraph in HeldOutEvery is reserved for evaluation and the
// held-out paragraphs are spread over every topic in the corpus.
const HeldOutEvery = 5

var paragraphs = mustLoad()

func mustLoad() []string {
	names, err := fs.Glob(textFS, "text/*.txt")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	var out []string
	for _, name := range names {
		raw, err := textFS.ReadFile(name)
		if err != nil {
			panic(err)
		}
		out = append(out, SplitParagraphs(string(raw))...)
	}
	if len(out) < HeldOutEvery {
		panic("corpus: embedded text has too few paragraphs")
	}
	return out
}

// SplitParagraphs splits text at blank lines and normalises each paragraph so that every run of
// whitespace (including line breaks) becomes a single space. Empty paragraphs are dropped.
func SplitParagraphs(text string) []string {
	var out []string
	for _, block := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		p := strings.Join(strings.Fields(block), " ")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Paragraphs returns a copy of all paragraphs of the embedded corpus in file order.
func Paragraphs() []string {
	return append([]string(nil), paragraphs...)
}

// Text returns the whole embedded corpus, paragraphs joined by newlines.
func Text() string {
	return strings.Join(paragraphs, "\n")
}

// IsHeldOut reports whether paragraph i (0-based, in file order) is held out: the HeldOutEvery
// rule.
func IsHeldOut(i int) bool { return i%HeldOutEvery == HeldOutEvery/2 }

// Split partitions paragraphs into training and held-out text using the HeldOutEvery rule. Each part
// is its paragraphs joined by newlines.
func Split(paras []string) (train, heldOut string) {
	var tr, ho []string
	for i, p := range paras {
		if IsHeldOut(i) {
			ho = append(ho, p)
		} else {
			tr = append(tr, p)
		}
	}
	return strings.Join(tr, "\n"), strings.Join(ho, "\n")
}

// Train returns the training part of the embedded corpus (about 80% of it).
func Train() string {
	tr, _ := Split(paragraphs)
	return tr
}

// HeldOut returns the held-out part of the embedded corpus, used only for evaluation.
func HeldOut() string {
	_, ho := Split(paragraphs)
	return ho
}
