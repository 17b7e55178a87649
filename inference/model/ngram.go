package model

import (
	"context"
	"fmt"
	"math"
	"sort"
	"unicode/utf8"
)

// MaxOrder is the largest n-gram order Train accepts. Higher orders need far more text than a
// worker corpus holds and only cost memory.
const MaxOrder = 16

// NGram is a character n-gram language model with interpolated Kneser-Ney smoothing.
//
// For a history h (the previous order-1 characters) and a character w:
//
//	P_n(w | h) = max(c(h w) − D_n, 0) / c(h·) + D_n · N1+(h·) / c(h·) · P_{n−1}(w | h')
//
// where h' is h without its oldest character, c are raw counts for the highest order and
// continuation counts (number of distinct characters seen before h w) for lower orders, N1+(h·) is
// the number of distinct characters seen after h, and D_n = n1/(n1+2·n2) is estimated per order from
// the number of n-grams seen once (n1) and twice (n2). Unseen histories fall through to the lower
// order, and the recursion ends in the uniform distribution over the alphabet plus one unknown symbol,
// so every character (even one never seen in training) has non-zero probability and the
// probabilities over the alphabet sum to one.
//
// An NGram is immutable after Train and safe for concurrent use.
type NGram struct {
	order    int
	vocab    []rune // sorted training alphabet
	index    map[rune]int32
	contexts map[string]*contextStats // keyed by the UTF-8 history, lengths 0..order-1
	discount []float64                // discount[n] for n-grams of length n (1..order)
}

// contextStats are the (raw or continuation) counts of the characters that followed one history.
type contextStats struct {
	chars  []int32 // vocabulary indices, ascending
	counts []uint32
	total  float64 // sum of counts
}

func (s *contextStats) count(c int32) uint32 {
	i := sort.Search(len(s.chars), func(i int) bool { return s.chars[i] >= c })
	if i < len(s.chars) && s.chars[i] == c {
		return s.counts[i]
	}
	return 0
}

// Train builds an order-n character model from corpus. Order 1 is a unigram model; order n
// conditions on the previous n−1 characters. Train panics if order is outside [1, MaxOrder]; an empty
// corpus yields the uniform model over the unknown symbol.
func Train(corpus string, order int) *NGram {
	return FromCounts(order, CountEvents(corpus, order))
}

// Order returns the model's order n.
func (m *NGram) Order() int { return m.order }

// Alphabet returns the characters seen in training, in ascending order.
func (m *NGram) Alphabet() []rune { return append([]rune(nil), m.vocab...) }

// Name returns "ngram-o<order>".
func (m *NGram) Name() string { return fmt.Sprintf("ngram-o%d", m.order) }

// uniform is the probability of one symbol at the bottom of the recursion.
func (m *NGram) uniform() float64 { return 1 / float64(len(m.vocab)+1) }

// prob returns P(w | history) where text[:end] is UTF-8 and starts[] are the byte offsets of its
// last runes: history suffixes are text[starts[k]:end]. Map lookups with string(bytes) keys do not
// allocate, which keeps scoring cheap.
func (m *NGram) prob(text []byte, starts []int, end int, w rune) float64 {
	c, known := m.index[w]
	p := m.uniform()
	for k := 0; k <= len(starts); k++ {
		from := end
		if k > 0 {
			from = starts[len(starts)-k]
		}
		st := m.contexts[string(text[from:end])]
		if st == nil {
			// A longer history than an unseen one cannot have been seen either.
			break
		}
		d := m.discount[k+1]
		var hit float64
		if known {
			hit = max(float64(st.count(c))-d, 0)
		}
		p = (hit + d*float64(len(st.chars))*p) / st.total
	}
	return p
}

// LogProb returns the natural-log probability of continuation following context: the sum over the
// continuation's characters of log P(char | previous order−1 characters), where the history runs
// back into context as needed. It is 0 for an empty continuation.
func (m *NGram) LogProb(context, continuation string) float64 {
	buf := make([]byte, 0, len(context)+len(continuation))
	buf = append(buf, context...)
	// starts holds the byte offsets of the last order−1 runes before the current position.
	starts := make([]int, 0, m.order)
	push := func(off int) {
		if m.order == 1 {
			return
		}
		if len(starts) == m.order-1 {
			copy(starts, starts[1:])
			starts = starts[:len(starts)-1]
		}
		starts = append(starts, off)
	}
	for off := range context {
		push(off)
	}
	var total float64
	for _, w := range continuation {
		total += math.Log(m.prob(buf, starts, len(buf), w))
		push(len(buf))
		buf = utf8.AppendRune(buf, w)
	}
	return total
}

// Distribution returns P(next character | context) for every character of the alphabet, indexed
// like Alphabet(). The missing mass (1 − sum) is the probability of a character outside the
// alphabet.
func (m *NGram) Distribution(context string) []float64 {
	runes := []rune(context)
	if len(runes) > m.order-1 {
		runes = runes[len(runes)-(m.order-1):]
	}
	dist := make([]float64, len(m.vocab))
	for i := range dist {
		dist[i] = m.uniform()
	}
	for k := 0; k <= len(runes); k++ {
		st := m.contexts[string(runes[len(runes)-k:])]
		if st == nil {
			break
		}
		d := m.discount[k+1]
		back := d * float64(len(st.chars)) / st.total
		for i := range dist {
			dist[i] *= back
		}
		for i, c := range st.chars {
			dist[c] += max(float64(st.counts[i])-d, 0) / st.total
		}
	}
	return dist
}

// Complete appends n characters to prompt greedily: each step picks the most probable next
// character, breaking ties by the smaller code point, so the output is deterministic. It returns only
// the n generated characters. A model trained on an empty corpus returns "".
func (m *NGram) Complete(prompt string, n int) string {
	if len(m.vocab) == 0 || n <= 0 {
		return ""
	}
	history := []rune(prompt)
	out := make([]rune, 0, n)
	for range n {
		dist := m.Distribution(string(history))
		best := 0
		for i, p := range dist {
			if p > dist[best] {
				best = i
			}
		}
		r := m.vocab[best]
		out = append(out, r)
		history = append(history, r)
		if len(history) > m.order {
			history = history[len(history)-m.order:]
		}
	}
	return string(out)
}

// Score implements Model; it is LogProb with a cancellation check.
func (m *NGram) Score(ctx context.Context, prompt, continuation string) (float64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return m.LogProb(prompt, continuation), nil
}

// Generate implements Model with Complete.
func (m *NGram) Generate(ctx context.Context, prompt string, maxChars int) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if maxChars < 0 {
		return "", fmt.Errorf("model: negative generation length %d", maxChars)
	}
	return m.Complete(prompt, maxChars), nil
}
