package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// raoDecimals is the number of decimals between rao and TAO (app.DisplayExponent).
const raoDecimals = 9

// formatTAO shows a rao amount (a decimal integer string, as the store and math.Int print it)
// as TAO with all 9 decimals. It works on the digits, so it is exact at any size.
func formatTAO(rao string) string {
	neg := strings.HasPrefix(rao, "-")
	digits := strings.TrimPrefix(rao, "-")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return rao // not a number: show it as it came rather than invent one
	}
	digits = strings.TrimLeft(digits, "0")
	if len(digits) <= raoDecimals {
		digits = strings.Repeat("0", raoDecimals+1-len(digits)) + digits
	}
	cut := len(digits) - raoDecimals
	out := digits[:cut] + "." + digits[cut:]
	if neg && strings.Trim(digits, "0") != "" {
		out = "-" + out
	}
	return out
}

// formatU16 shows a u16 score as its fraction of 65535 with 4 decimals.
func formatU16(v uint32) string {
	return strconv.FormatFloat(float64(v)/65535, 'f', 4, 64)
}

// shortAddr shortens an address in the middle for tables; the template puts the full value in
// the title attribute and the link.
func shortAddr(s string) string {
	if len(s) <= 16 {
		return s
	}
	return s[:9] + "…" + s[len(s)-6:]
}

func joinStrings(xs []string) string { return strings.Join(xs, ", ") }

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// cmpDecimal compares two non-negative decimal integer strings exactly: by length once leading
// zeros are gone, then by digits. Amounts are compared this way so "9" < "10", which a string
// sort gets wrong, without parsing every row into a big integer.
func cmpDecimal(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// svgHTML marks a chart the package drew itself (every text in it escaped) as safe to embed.
func svgHTML(s string) template.HTML { return template.HTML(s) } //nolint:gosec // built by chart.go with escaped text
