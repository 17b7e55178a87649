package corpus

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// Window is one evaluation task: a prompt taken from held-out text and the text that truly follows it.
type Window struct {
	// Prompt is the context shown to the model.
	Prompt string `json:"prompt"`
	// Continuation is the text that follows Prompt in the corpus; the model is scored on it.
	Continuation string `json:"continuation"`
}

// windowDomain separates the sampler's hash inputs from any other use of SHA-256 on the same seed.
const windowDomain = "taochain/corpus/window/v1"

// Windows draws count windows from text, deterministically for a given seed. Each window starts at
// a character (rune) offset chosen as SHA-256(domain | seed | index) mod the number of valid starts,
// and has exactly promptChars characters of prompt followed by continuationChars characters of
// continuation. Windows may overlap. It fails when the parameters are not positive or the text is
// shorter than one window.
func Windows(text string, seed uint64, count, promptChars, continuationChars int) ([]Window, error) {
	if count <= 0 || promptChars <= 0 || continuationChars <= 0 {
		return nil, fmt.Errorf("corpus: count (%d), prompt length (%d) and continuation length (%d) must be positive",
			count, promptChars, continuationChars)
	}
	runes := []rune(text)
	span := promptChars + continuationChars
	if len(runes) < span {
		return nil, fmt.Errorf("corpus: text has %d characters, a window needs %d", len(runes), span)
	}
	starts := uint64(len(runes) - span + 1)
	out := make([]Window, count)
	var buf [len(windowDomain) + 16]byte
	copy(buf[:], windowDomain)
	binary.BigEndian.PutUint64(buf[len(windowDomain):], seed)
	for i := range out {
		binary.BigEndian.PutUint64(buf[len(windowDomain)+8:], uint64(i))
		sum := sha256.Sum256(buf[:])
		start := int(binary.BigEndian.Uint64(sum[:8]) % starts)
		out[i] = Window{
			Prompt:       string(runes[start : start+promptChars]),
			Continuation: string(runes[start+promptChars : start+span]),
		}
	}
	return out, nil
}
