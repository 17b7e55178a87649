package fednode

import (
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// TextFollower reads a text file that grows while the miner runs, as `tail -f` does: each Read
// returns what was appended since the previous one. A federated miner that keeps collecting text
// (taoworker miner --follow-corpus) hands it to AddText, and its next update releases it; without
// new text an update is empty and helps nobody, so it earns no sharing score.
type TextFollower struct {
	path    string
	offset  int64  // bytes of the file consumed, partial included
	partial []byte // an incomplete UTF-8 character at the end of the last read
}

// NewTextFollower returns a follower of path whose first Read returns the whole file.
func NewTextFollower(path string) *TextFollower { return &TextFollower{path: path} }

// Read returns the text appended to the file since the last Read, up to its last complete UTF-8
// character (the rest is returned once it is complete). A file now shorter than what was read is
// taken to have been replaced or truncated and is read again from its start; rotated reports it.
// What was counted from the old text stays counted: counts cannot be unlearned.
func (f *TextFollower) Read() (text string, rotated bool, err error) {
	file, err := os.Open(f.path)
	if err != nil {
		return "", false, fmt.Errorf("fednode: following %s: %w", f.path, err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return "", false, fmt.Errorf("fednode: following %s: %w", f.path, err)
	}
	if st.Size() < f.offset {
		f.offset, f.partial, rotated = 0, nil, true
	}
	if st.Size() == f.offset {
		return "", rotated, nil
	}
	bz := make([]byte, st.Size()-f.offset)
	n, err := file.ReadAt(bz, f.offset)
	if err != nil && err != io.EOF {
		return "", rotated, fmt.Errorf("fednode: following %s: %w", f.path, err)
	}
	f.offset += int64(n)
	bz = append(f.partial, bz[:n]...)
	cut := len(bz)
	// Keep back a character whose last bytes are not written yet.
	for i := len(bz) - 1; i >= 0 && i >= len(bz)-utf8.UTFMax; i-- {
		if utf8.RuneStart(bz[i]) {
			if !utf8.FullRune(bz[i:]) {
				cut = i
			}
			break
		}
	}
	f.partial = append([]byte(nil), bz[cut:]...)
	return string(bz[:cut]), rotated, nil
}
