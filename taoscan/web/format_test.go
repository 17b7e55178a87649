package web

import (
	"strings"
	"testing"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/taochain/taochain/taoscan/store"
)

func TestFormatTAO(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0.000000000", "1": "0.000000001", "999999999": "0.999999999", "1000000000": "1.000000000",
		"21000000000000000": "21000000.000000000", "000123": "0.000000123", "-5": "-0.000000005",
		"123456789012345678901234567890": "123456789012345678901.234567890", "abc": "abc", "": "",
	} {
		if got := formatTAO(in); got != want {
			t.Errorf("formatTAO(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatU16(t *testing.T) {
	for in, want := range map[uint32]string{0: "0.0000", 65535: "1.0000", 32768: "0.5000", 6554: "0.1000"} {
		if got := formatU16(in); got != want {
			t.Errorf("formatU16(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestCmpDecimal(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{{"9", "10", -1}, {"10", "9", 1}, {"100", "100", 0}, {"007", "7", 0}, {"0", "", 0}, {"123456789012", "99999999999", 1}}
	for _, c := range cases {
		if got := cmpDecimal(c.a, c.b); got != c.want {
			t.Errorf("cmpDecimal(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestParsers(t *testing.T) {
	if _, err := parseNetuid("65535"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "65536", "+1", " 1", "1 ", "0x1", "١"} {
		if _, err := parseNetuid(bad); err == nil {
			t.Errorf("parseNetuid(%q) accepted", bad)
		}
	}
	if h, err := parseHash(strings.Repeat("aB", 32)); err != nil || h != strings.Repeat("AB", 32) {
		t.Errorf("parseHash: %q %v", h, err)
	}
	if _, err := parseAddress(addr(1)); err != nil {
		t.Error(err)
	}
	// 32-byte addresses (module accounts) are accepted, other lengths refused.
	if _, err := parseAddress(mustBech32Bytes(32)); err != nil {
		t.Error(err)
	}
	if _, err := parseAddress(mustBech32Bytes(19)); err == nil {
		t.Error("19-byte address accepted")
	}
}

func TestOrderedParams(t *testing.T) {
	ps, err := orderedParams(`{"z":1,"a":"2","nested":{"x": [1, 2]},"b":true}`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Name+"="+p.Value)
	}
	if want := `z=1 a=2 nested={"x":[1,2]} b=true`; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
	if _, err := orderedParams(`[1]`); err == nil {
		t.Error("array accepted")
	}
	if ps, err := orderedParams(""); err != nil || len(ps) != 0 {
		t.Errorf("empty: %v %v", ps, err)
	}
}

func TestCharts(t *testing.T) {
	for n := 0; n < 2; n++ {
		s := series{X: make([]int64, n), Y: make([]string, n)}
		for i := range s.Y {
			s.Y[i] = "5"
		}
		out := string(lineChart("c", "t", "x", s, taoLabel))
		if !strings.Contains(out, "No data yet") || strings.Contains(out, "polyline") {
			t.Errorf("%d points: %s", n, out)
		}
	}
	out := string(lineChart("c", "a<b", "block", series{X: []int64{1, 2, 3}, Y: []string{"0", "1000000000", "500000000"}}, taoLabel))
	if !strings.Contains(out, `<polyline class="line" points="150.0,170.0 389.0,22.0 628.0,96.0"/>`) {
		t.Errorf("line points: %s", out)
	}
	if !strings.Contains(out, "1.000000000 TAO") || !strings.Contains(out, "0.000000000 TAO") || !strings.Contains(out, "a&lt;b") {
		t.Errorf("labels or escaping: %s", out)
	}
	// A flat line (min == max) is drawn in the middle instead of dividing by zero.
	flat := string(lineChart("c", "t", "x", series{X: []int64{1, 2}, Y: []string{"7", "7"}}, fracLabel))
	if !strings.Contains(flat, `points="150.0,96.0 628.0,96.0"`) {
		t.Errorf("flat: %s", flat)
	}
	bars := string(stackedBars("s", "t", []string{"a", "b"}, []stackBar{{Label: "e1", Parts: []string{"1", "3"}}, {Label: "e2", Parts: []string{"0", "2"}}}, taoLabel))
	if strings.Count(bars, "<rect") != 6 || !strings.Contains(bars, "e1 b: 0.000000003 TAO") {
		t.Errorf("bars: %s", bars)
	}
	if empty := string(stackedBars("s", "t", nil, nil, taoLabel)); !strings.Contains(empty, "No data yet") {
		t.Errorf("empty bars: %s", empty)
	}
}

func mustBech32Bytes(n int) string {
	b := make([]byte, n)
	s, err := bech32.ConvertAndEncode(addressPrefix, b)
	if err != nil {
		panic(err)
	}
	return s
}

// TestSortMetaTies: rows that tie on the column come out by uid whatever order they went in
// (the store hands them over by uid, so this shuffles them first).
func TestSortMetaTies(t *testing.T) {
	var rows []*metaRow
	for i := 0; i < 200; i++ {
		uid := uint32((i * 73) % 200) // a permutation of 0..199
		rows = append(rows, &metaRow{Neuron: store.Neuron{UID: uid, Stake: []string{"5", "10", "10", "7"}[uid%4], Trust: uid % 3}})
	}
	for _, desc := range []bool{false, true} {
		sortMeta(rows, "stake", desc)
		for i := 1; i < len(rows); i++ {
			a, b := rows[i-1], rows[i]
			c := cmpDecimal(a.Stake, b.Stake)
			if desc {
				c = -c
			}
			if c > 0 || c == 0 && a.UID > b.UID {
				t.Fatalf("desc=%v: stake %s uid %d before stake %s uid %d", desc, a.Stake, a.UID, b.Stake, b.UID)
			}
		}
	}
}

// TestMetagraphRowsEscape: the rows are written outside html/template, so every value must be
// escaped here; an axon is whatever the neuron served.
func TestMetagraphRowsEscape(t *testing.T) {
	r := newMetaRow(store.Neuron{UID: 7, Hotkey: `tao1"><script>`, Coldkey: "a&b", Stake: "1", Emission: "2",
		Axon: `<img src=x onerror=alert(1)>:80`}, 10)
	out := metagraphRows(3, []*metaRow{&r})
	if strings.Contains(out, "<script>") || strings.Contains(out, "<img") {
		t.Fatalf("unescaped: %s", out)
	}
	for _, want := range []string{`data-value="&lt;img src=x onerror=alert(1)&gt;:80"`, `href="/account/a&amp;b"`, `<a href="/subnet/3/neuron/7">7</a>`,
		`data-col="stake" data-value="1">0.000000001</td>`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in %s", want, out)
		}
	}
	if empty := metagraphRows(3, nil); !strings.Contains(empty, "No neurons") {
		t.Errorf("empty: %s", empty)
	}
}
