package web

import (
	"html/template"
	"math/big"
	"strconv"
	"strings"
)

// Chart geometry: a fixed viewBox that the CSS scales to the page width.
const (
	chartW      = 640
	chartH      = 200
	chartLeft   = 150 // room for the y labels (TAO amounts with 9 decimals, e.g. 130023.347140005 TAO)
	chartRight  = 12
	chartTop    = 22 // room for the caption above the plot
	chartBottom = 30
)

// series is one line of a line chart: x (height or epoch) and y (an exact decimal integer, rao or
// a u16 score). Floats appear only when a value becomes a pixel position.
type series struct {
	X []int64
	Y []string
}

// pixel maps an exact decimal integer onto [0,1] of the range lo..hi. big.Float keeps it right
// for any size of amount; the result is only a coordinate.
func pixel(v, lo, hi *big.Int) float64 {
	span := new(big.Int).Sub(hi, lo)
	if span.Sign() == 0 {
		return 0.5
	}
	num := new(big.Float).SetInt(new(big.Int).Sub(v, lo))
	f, _ := num.Quo(num, new(big.Float).SetInt(span)).Float64()
	return f
}

func parseInt(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return new(big.Int)
	}
	return v
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func svgOpen(b *strings.Builder, id, title string) {
	b.WriteString(`<svg id="`)
	b.WriteString(template.HTMLEscapeString(id))
	b.WriteString(`" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	b.WriteString(strconv.Itoa(chartW))
	b.WriteString(" ")
	b.WriteString(strconv.Itoa(chartH))
	b.WriteString(`" role="img" aria-label="`)
	b.WriteString(template.HTMLEscapeString(title))
	b.WriteString(`"><title>`)
	b.WriteString(template.HTMLEscapeString(title))
	b.WriteString(`</title>`)
	// The visible caption: <title> alone is only a tooltip.
	svgText(b, chartW-chartRight, 11, "end", "caption", title)
}

func svgText(b *strings.Builder, x, y float64, anchor, class, text string) {
	b.WriteString(`<text x="` + coord(x) + `" y="` + coord(y) + `" text-anchor="` + anchor + `" class="` + class + `">`)
	b.WriteString(template.HTMLEscapeString(text))
	b.WriteString(`</text>`)
}

func svgEmpty(b *strings.Builder, n int) {
	msg := "No data yet: a chart needs at least 2 points, there are " + strconv.Itoa(n) + "."
	svgText(b, chartW/2, chartH/2, "middle", "empty", msg)
	b.WriteString(`</svg>`)
}

// lineChart draws one series with its min/max on the y axis and first/last x under the x axis.
// fmtY formats a y value for the labels (TAO or a fraction); xName names the x axis.
func lineChart(id, title, xName string, s series, fmtY func(string) string) template.HTML {
	var b strings.Builder
	svgOpen(&b, id, title)
	n := len(s.X)
	if len(s.Y) < n {
		n = len(s.Y)
	}
	if n < 2 {
		svgEmpty(&b, n)
		return svgHTML(b.String())
	}
	ys := make([]*big.Int, n)
	lo, hi := parseInt(s.Y[0]), parseInt(s.Y[0])
	for i := 0; i < n; i++ {
		ys[i] = parseInt(s.Y[i])
		if ys[i].Cmp(lo) < 0 {
			lo = ys[i]
		}
		if ys[i].Cmp(hi) > 0 {
			hi = ys[i]
		}
	}
	x0, x1 := s.X[0], s.X[n-1]
	plotW := float64(chartW - chartLeft - chartRight)
	plotH := float64(chartH - chartTop - chartBottom)
	xAt := func(x int64) float64 {
		if x1 == x0 {
			return chartLeft + plotW/2
		}
		return chartLeft + plotW*float64(x-x0)/float64(x1-x0)
	}
	yAt := func(v *big.Int) float64 { return chartTop + plotH*(1-pixel(v, lo, hi)) }
	// axes
	b.WriteString(`<path class="axis" d="M` + coord(chartLeft) + " " + coord(chartTop) + " V" + coord(chartTop+plotH) + " H" + coord(chartLeft+plotW) + `"/>`)
	svgText(&b, chartLeft-6, chartTop+4, "end", "label", fmtY(hi.String()))
	svgText(&b, chartLeft-6, chartTop+plotH, "end", "label", fmtY(lo.String()))
	svgText(&b, chartLeft, chartH-10, "start", "label", xName+" "+strconv.FormatInt(x0, 10))
	svgText(&b, chartLeft+plotW, chartH-10, "end", "label", xName+" "+strconv.FormatInt(x1, 10))
	b.WriteString(`<polyline class="line" points="`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(coord(xAt(s.X[i])) + "," + coord(yAt(ys[i])))
	}
	b.WriteString(`"/></svg>`)
	return svgHTML(b.String())
}

// stackBar is one bar of a stacked-bar chart: a label and one exact amount per part.
type stackBar struct {
	Label string
	Parts []string
}

// stackColors are the fills of the parts, in order; the legend repeats them.
var stackColors = []string{"#7b61ff", "#2e9d5b", "#e08a1e", "#c0392b", "#1f77b4"}

// stackedBars draws one bar per entry, parts stacked bottom-up, scaled to the largest total; a
// legend names the parts.
func stackedBars(id, title string, names []string, bars []stackBar, fmtY func(string) string) template.HTML {
	var b strings.Builder
	svgOpen(&b, id, title)
	if len(bars) == 0 {
		svgEmpty(&b, 0)
		return svgHTML(b.String())
	}
	totals := make([]*big.Int, len(bars))
	max := new(big.Int)
	for i, bar := range bars {
		t := new(big.Int)
		for _, p := range bar.Parts {
			t.Add(t, parseInt(p))
		}
		totals[i] = t
		if t.Cmp(max) > 0 {
			max = t
		}
	}
	plotW := float64(chartW - chartLeft - chartRight)
	plotH := float64(chartH - chartTop - chartBottom)
	zero := new(big.Int)
	b.WriteString(`<path class="axis" d="M` + coord(chartLeft) + " " + coord(chartTop) + " V" + coord(chartTop+plotH) + " H" + coord(chartLeft+plotW) + `"/>`)
	svgText(&b, chartLeft-6, chartTop+4, "end", "label", fmtY(max.String()))
	svgText(&b, chartLeft-6, chartTop+plotH, "end", "label", fmtY("0"))
	slot := plotW / float64(len(bars))
	barW := slot * 0.7
	for i, bar := range bars {
		x := chartLeft + slot*float64(i) + (slot-barW)/2
		base := new(big.Int)
		for j, p := range bar.Parts {
			v := parseInt(p)
			top := new(big.Int).Add(base, v)
			y0 := chartTop + plotH*(1-pixel(base, zero, max))
			y1 := chartTop + plotH*(1-pixel(top, zero, max))
			if max.Sign() == 0 {
				y0, y1 = chartTop+plotH, chartTop+plotH
			}
			b.WriteString(`<rect x="` + coord(x) + `" y="` + coord(y1) + `" width="` + coord(barW) + `" height="` + coord(y0-y1) + `" fill="` + stackColors[j%len(stackColors)] + `"><title>`)
			name := ""
			if j < len(names) {
				name = names[j]
			}
			b.WriteString(template.HTMLEscapeString(bar.Label + " " + name + ": " + fmtY(p)))
			b.WriteString(`</title></rect>`)
			base = top
		}
	}
	svgText(&b, chartLeft, chartH-10, "start", "label", bars[0].Label)
	svgText(&b, chartLeft+plotW, chartH-10, "end", "label", bars[len(bars)-1].Label)
	lx := chartLeft + 150.0
	for j, name := range names {
		b.WriteString(`<rect x="` + coord(lx) + `" y="` + coord(chartH-20) + `" width="10" height="10" fill="` + stackColors[j%len(stackColors)] + `"/>`)
		svgText(&b, lx+14, chartH-11, "start", "label", name)
		lx += 14 + float64(len(name))*7 + 12
	}
	b.WriteString(`</svg>`)
	return svgHTML(b.String())
}

func taoLabel(rao string) string { return formatTAO(rao) + " TAO" }

func fracLabel(v string) string {
	u, ok := parseDigits(v, 1<<32-1)
	if !ok {
		return v
	}
	return formatU16(uint32(u))
}
