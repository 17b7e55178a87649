package model

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// Counts are the raw highest-order event counts of an order-n character model, keyed by the
// UTF-8 n-gram (history followed by the predicted character). Near the start of a text the history
// is shorter than n−1 characters, so keys have 1..n runes, exactly the events Train counts raw.
//
// They are the sufficient statistics of Train: FromCounts(order, CountEvents(text, order)) gives the
// same model as Train(text, order), and counts of several texts add up, which is what federated
// learning exchanges instead of the text itself.
type Counts map[string]uint64

// CountEvents returns the raw highest-order event counts of text for an order-n model.
// It panics if order is outside [1, MaxOrder].
func CountEvents(text string, order int) Counts {
	if order < 1 || order > MaxOrder {
		panic(fmt.Sprintf("model: n-gram order %d outside [1, %d]", order, MaxOrder))
	}
	runes := []rune(text)
	out := Counts{}
	for i := range runes {
		start := max(i-(order-1), 0)
		out[string(runes[start:i+1])]++
	}
	return out
}

// Add adds other's counts into c.
func (c Counts) Add(other Counts) {
	for k, v := range other {
		c[k] += v
	}
}

// FromCounts builds an order-n model from raw highest-order event counts, as Train does from text:
// the key's prefix is the history and its last rune the predicted character; keys longer than n
// runes, empty keys and zero counts are ignored. Lower orders use continuation counts, where every
// distinct (k+1)-rune suffix of a key with a non-zero count adds one — the distinct (k+1)-grams of
// the text, since each of them ends some counted event. Counts above the uint32 range saturate.
// It panics if order is outside [1, MaxOrder].
func FromCounts(order int, counts Counts) *NGram {
	if order < 1 || order > MaxOrder {
		panic(fmt.Sprintf("model: n-gram order %d outside [1, %d]", order, MaxOrder))
	}
	keys := make([][]rune, 0, len(counts))
	vals := make([]uint64, 0, len(counts))
	seen := map[rune]bool{}
	for k, v := range counts {
		r := []rune(k)
		if v == 0 || len(r) == 0 || len(r) > order {
			continue
		}
		keys = append(keys, r)
		vals = append(vals, v)
		for _, x := range r {
			seen[x] = true
		}
	}
	m := &NGram{order: order, index: map[rune]int32{}, contexts: map[string]*contextStats{}}
	for r := range seen {
		m.vocab = append(m.vocab, r)
	}
	sort.Slice(m.vocab, func(i, j int) bool { return m.vocab[i] < m.vocab[j] })
	for i, r := range m.vocab {
		m.index[r] = int32(i)
	}

	rows := map[string]map[int32]uint64{}
	add := func(history []rune, w rune, n uint64) {
		key := string(history)
		row := rows[key]
		if row == nil {
			row = map[int32]uint64{}
			rows[key] = row
		}
		row[m.index[w]] += n
	}
	for i, r := range keys {
		add(r[:len(r)-1], r[len(r)-1], vals[i])
	}
	for n := 1; n < order; n++ {
		distinct := map[string]struct{}{}
		for _, r := range keys {
			if len(r) < n+1 {
				continue
			}
			gram := r[len(r)-n-1:]
			if _, dup := distinct[string(gram)]; dup {
				continue
			}
			distinct[string(gram)] = struct{}{}
			add(gram[1:n], gram[n], 1)
		}
	}

	n1 := make([]float64, order+1)
	n2 := make([]float64, order+1)
	for key, row := range rows {
		st := &contextStats{}
		for c := range row {
			st.chars = append(st.chars, c)
		}
		sort.Slice(st.chars, func(i, j int) bool { return st.chars[i] < st.chars[j] })
		st.counts = make([]uint32, len(st.chars))
		n := utf8.RuneCountInString(key) + 1
		for i, c := range st.chars {
			k := uint32(min(row[c], uint64(^uint32(0))))
			st.counts[i] = k
			st.total += float64(k)
			switch k {
			case 1:
				n1[n]++
			case 2:
				n2[n]++
			}
		}
		m.contexts[key] = st
	}
	m.discount = make([]float64, order+1)
	for n := 1; n <= order; n++ {
		d := 0.5
		if n1[n]+n2[n] > 0 {
			d = n1[n] / (n1[n] + 2*n2[n])
		}
		m.discount[n] = min(max(d, 0.05), 0.95)
	}
	return m
}
