// Package doctest finds the commands taochain's documentation tells people to run, so a test can
// run them against a live localnet and the docs cannot rot.
//
// The convention, for README.md, docs/*.md and x/*/README.md:
//
//   - Every fenced block names its language. ```sh (also bash, shell) blocks are commands and run;
//     every other language (text, console, json, toml, go, ...) is shown, not run.
//   - `<!-- doc-test: skip (reason) -->` on the line before a ```sh block keeps it from running; the
//     reason is reported by the test and is required.
//   - `<!-- doc-test: file NAME -->` on the line before any block writes the block's text to NAME in
//     the working directory before the blocks after it run (e.g. a proposal.json that a command
//     submits).
//
// A fenced block without a language, a marker not followed by a fence, a skip without a reason and
// an unclosed fence are errors, so a mistake in the convention fails the test instead of hiding a
// command from it.
package doctest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Block is one fenced code block of a Markdown file.
type Block struct {
	// File is the path the block was read from, Line the 1-based line of its opening fence.
	File string
	Line int
	// Lang is the fence's language (the first word after the backticks).
	Lang string
	// Text is the block's content, without the fences.
	Text string
	// Skip is the reason given by a skip marker; empty when the block is not skipped.
	Skip string
	// WriteFile is the file name given by a file marker; empty when there is none.
	WriteFile string
}

// Shell reports whether the block holds commands (```sh, ```bash or ```shell).
func (b Block) Shell() bool {
	switch b.Lang {
	case "sh", "bash", "shell":
		return true
	}
	return false
}

// Runs reports whether the block is a shell block that the test runs.
func (b Block) Runs() bool { return b.Shell() && b.Skip == "" && b.WriteFile == "" }

// Where names the block as file:line for test output.
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

var (
	markerRe = regexp.MustCompile(`^<!--\s*doc-test:\s*(.*?)\s*-->\s*$`)
	skipRe   = regexp.MustCompile(`^skip\s*\((.+)\)$`)
	fileRe   = regexp.MustCompile(`^file\s+([A-Za-z0-9._-]+)$`)
)

// Parse returns the fenced blocks of a Markdown document in order. name is used in positions and
// errors.
func Parse(name string, src []byte) ([]Block, error) {
	lines := strings.Split(string(src), "\n")
	var (
		out     []Block
		pending *Block // marker fields waiting for the next fence
		pendAt  int
	)
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := markerRe.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			if pending != nil {
				return nil, fmt.Errorf("%s:%d: doc-test marker not followed by a fenced block", name, pendAt)
			}
			pending, pendAt = &Block{}, i+1
			switch {
			case skipRe.MatchString(m[1]):
				pending.Skip = strings.TrimSpace(skipRe.FindStringSubmatch(m[1])[1])
			case fileRe.MatchString(m[1]):
				pending.WriteFile = fileRe.FindStringSubmatch(m[1])[1]
			default:
				return nil, fmt.Errorf("%s:%d: unknown doc-test marker %q (want 'skip (reason)' or 'file NAME')", name, i+1, m[1])
			}
			continue
		}
		if !strings.HasPrefix(line, "```") {
			if pending != nil {
				return nil, fmt.Errorf("%s:%d: doc-test marker not followed by a fenced block", name, pendAt)
			}
			continue
		}
		b := Block{File: name, Line: i + 1}
		if pending != nil {
			b.Skip, b.WriteFile = pending.Skip, pending.WriteFile
			pending = nil
		}
		if f := strings.Fields(strings.TrimPrefix(line, "```")); len(f) > 0 {
			b.Lang = f[0]
		}
		if b.Lang == "" {
			return nil, fmt.Errorf("%s:%d: fenced block without a language (```sh runs, ```text does not)", name, i+1)
		}
		var body []string
		closed := false
		for i++; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == "```" {
				closed = true
				break
			}
			body = append(body, lines[i])
		}
		if !closed {
			return nil, fmt.Errorf("%s:%d: fenced block is never closed", name, b.Line)
		}
		if b.Skip != "" && !b.Shell() {
			return nil, fmt.Errorf("%s:%d: skip marker on a ```%s block, which does not run anyway", name, b.Line, b.Lang)
		}
		b.Text = strings.Join(body, "\n") + "\n"
		out = append(out, b)
	}
	if pending != nil {
		return nil, fmt.Errorf("%s:%d: doc-test marker not followed by a fenced block", name, pendAt)
	}
	return out, nil
}

// Files returns the documents the convention covers, relative to root, in the order their blocks
// run: README.md, docs/*.md, x/*/README.md (each group sorted).
func Files(root string) ([]string, error) {
	files := []string{"README.md"}
	for _, pattern := range []string{"docs/*.md", "x/*/README.md"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		for _, f := range m {
			rel, err := filepath.Rel(root, f)
			if err != nil {
				return nil, err
			}
			files = append(files, rel)
		}
	}
	return files, nil
}

// Load parses every document of Files(root).
func Load(root string) ([]Block, error) {
	files, err := Files(root)
	if err != nil {
		return nil, err
	}
	var out []Block
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return nil, err
		}
		blocks, err := Parse(f, src)
		if err != nil {
			return nil, err
		}
		out = append(out, blocks...)
	}
	return out, nil
}

var txHashRe = regexp.MustCompile(`"?txhash"?\s*:\s*"?([0-9A-F]{64})`)

// TxHashes returns the transaction hashes in a command's output (text or JSON tx responses), in
// order and without repeats.
func TxHashes(out string) []string {
	seen := map[string]bool{}
	var hashes []string
	for _, m := range txHashRe.FindAllStringSubmatch(out, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			hashes = append(hashes, m[1])
		}
	}
	return hashes
}
