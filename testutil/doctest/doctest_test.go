package doctest

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	doc := strings.Join([]string{
		"# Title",
		"```sh",
		"taod q tao params",
		"```",
		"text",
		"```text",
		"height 1",
		"```",
		"<!-- doc-test: skip (needs Hermes) -->",
		"```sh",
		"hermes start",
		"```",
		"<!-- doc-test: file proposal.json -->",
		"```json",
		`{"a": 1}`,
		"```",
		"```bash title",
		"echo hi",
		"",
		"echo there",
		"```",
	}, "\n")
	blocks, err := Parse("doc.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{File: "doc.md", Line: 2, Lang: "sh", Text: "taod q tao params\n"},
		{File: "doc.md", Line: 6, Lang: "text", Text: "height 1\n"},
		{File: "doc.md", Line: 10, Lang: "sh", Text: "hermes start\n", Skip: "needs Hermes"},
		{File: "doc.md", Line: 14, Lang: "json", Text: "{\"a\": 1}\n", WriteFile: "proposal.json"},
		{File: "doc.md", Line: 17, Lang: "bash", Text: "echo hi\n\necho there\n"},
	}
	if !reflect.DeepEqual(blocks, want) {
		t.Fatalf("blocks\n%+v\nwant\n%+v", blocks, want)
	}
	var runs []int
	for _, b := range blocks {
		if b.Runs() {
			runs = append(runs, b.Line)
		}
	}
	if !reflect.DeepEqual(runs, []int{2, 17}) {
		t.Errorf("blocks that run start at lines %v, want [2 17]", runs)
	}
}

func TestParseRejectsBrokenConvention(t *testing.T) {
	for name, doc := range map[string]string{
		"no language":            "```\ntaod status\n```\n",
		"unclosed":               "```sh\ntaod status\n",
		"skip without reason":    "<!-- doc-test: skip -->\n```sh\nx\n```\n",
		"skip with empty reason": "<!-- doc-test: skip () -->\n```sh\nx\n```\n",
		"marker before text":     "<!-- doc-test: skip (r) -->\nsome text\n```sh\nx\n```\n",
		"marker at the end":      "```sh\nx\n```\n<!-- doc-test: skip (r) -->\n",
		"two markers":            "<!-- doc-test: skip (r) -->\n<!-- doc-test: file a.json -->\n```json\n{}\n```\n",
		"unknown marker":         "<!-- doc-test: run-twice -->\n```sh\nx\n```\n",
		"skip on a text block":   "<!-- doc-test: skip (r) -->\n```text\nx\n```\n",
		"file name with a slash": "<!-- doc-test: file ../a.json -->\n```json\n{}\n```\n",
	} {
		if _, err := Parse("doc.md", []byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTxHashes(t *testing.T) {
	h1 := strings.Repeat("AB", 32)
	h2 := strings.Repeat("0F", 32)
	out := "code: 0\ntxhash: " + h1 + "\n" + `{"height":"0","txhash":"` + h2 + `","code":0}` + "\ntxhash: " + h1 + "\n"
	if got := TxHashes(out); !reflect.DeepEqual(got, []string{h1, h2}) {
		t.Fatalf("TxHashes = %v", got)
	}
	if got := TxHashes("no transaction here: txhash: abc"); got != nil {
		t.Fatalf("TxHashes found %v in output without a hash", got)
	}
}

// TestRepositoryDocsFollowTheConvention parses the repository's documents, so a broken fence or
// marker fails quickly here and not only in the live docs test.
func TestRepositoryDocsFollowTheConvention(t *testing.T) {
	blocks, err := Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for _, b := range blocks {
		if b.Runs() {
			runs++
		}
	}
	if runs < 5 {
		t.Fatalf("only %d runnable blocks in the docs", runs)
	}
}
