package fednode

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/taochain/taochain/inference/federated"
)

// TestWithCarryKeepsUpdatesCanonicalAndLosesNothing: merging carried entries into fresh ones
// adds the counts of a gram, caps each at the clip and keeps the largest within the entry and
// total caps, so the update validates against the privacy's limits; whatever the caps cut is
// carried on, so entries plus what is left add up to fresh plus carry, gram by gram.
func TestWithCarryKeepsUpdatesCanonicalAndLosesNothing(t *testing.T) {
	p := federated.DefaultPrivacy()
	p.Clip, p.MaxEntries, p.MaxTotal = 32, 40, 600
	const order = 3
	lim := federated.LimitsOf(p, order)
	rng := rand.New(rand.NewPCG(1, 2))
	// random returns up to n entries as Privatize makes them: distinct grams, counts 1..Clip.
	random := func(n int) []federated.Entry {
		seen := map[string]bool{}
		var es []federated.Entry
		for range n {
			g := fmt.Sprintf("%c%c", 'a'+rng.IntN(8), 'a'+rng.IntN(8))
			if !seen[g] {
				seen[g] = true
				es = append(es, federated.Entry{Gram: g, Count: 1 + rng.Uint64N(p.Clip)})
			}
		}
		return federated.SortEntries(es)
	}
	for i := range 200 {
		fresh := random(rng.IntN(40))
		// A carry may hold more than the clip per gram (an update's entries plus an earlier
		// carry's excess): add a second draw.
		carry := federated.SortEntries(append(random(rng.IntN(60)), random(rng.IntN(20))...))
		want := map[string]uint64{}
		for _, e := range append(append([]federated.Entry(nil), fresh...), carry...) {
			want[e.Gram] += e.Count
		}
		entries, left := withCarry(fresh, carry, p)
		u := federated.Update{Order: order, Entries: entries}
		if err := u.Validate(lim); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if err := (federated.Update{Order: order, Entries: left}).Validate(federated.Limits{
			MaxEntries: len(want), MaxCount: ^uint64(0), MaxTotal: ^uint64(0), MaxOrder: order}); err != nil {
			t.Fatalf("case %d: what is left is not sorted and distinct: %v", i, err)
		}
		got := map[string]uint64{}
		for _, e := range append(append([]federated.Entry(nil), entries...), left...) {
			got[e.Gram] += e.Count
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("case %d: entries %v plus left %v are not fresh %v plus carry %v", i, entries, left, fresh, carry)
		}
		if len(carry) > 0 && len(entries) < min(len(want), p.MaxEntries) {
			var total uint64
			for _, e := range entries {
				total += e.Count
			}
			if total+p.Clip <= p.MaxTotal {
				t.Fatalf("case %d: %d entries of %d grams with room left (total %d)", i, len(entries), len(want), total)
			}
		}
	}

	// The largest counts are kept: with room for two entries, the two largest sums go out.
	p.MaxEntries = 2
	entries, left := withCarry([]federated.Entry{{Gram: "a", Count: 3}, {Gram: "b", Count: 20}},
		[]federated.Entry{{Gram: "a", Count: 30}, {Gram: "c", Count: 10}}, p)
	if fmt.Sprint(entries) != "[{a 32} {b 20}]" || fmt.Sprint(left) != "[{a 1} {c 10}]" {
		t.Fatalf("entries %v, left %v; want a capped at the clip and b, with a's excess and c carried on", entries, left)
	}
	// No carry: the fresh entries as Privatize made them.
	fresh := []federated.Entry{{Gram: "x", Count: 5}}
	if entries, left := withCarry(fresh, nil, p); fmt.Sprint(entries) != "[{x 5}]" || left != nil {
		t.Fatalf("without a carry: %v, %v", entries, left)
	}
}
