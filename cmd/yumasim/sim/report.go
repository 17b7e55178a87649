package sim

import (
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteTable prints the scenario header, the validator and miner totals
// and the key figures.
func WriteTable(w io.Writer, r Result) error {
	sc, s := r.Scenario, Summarize(r)
	p := sc.Params
	// The chain's integer values follow each fraction, so a subnet owner
	// can set exactly what was simulated.
	fmt.Fprintf(w, "scenario %s: Yuma %d, %d epochs, kappa %.3f (%d), bonds_moving_average %.3f (%d), max_validators %d",
		sc.Name, p.Version, len(r.Epochs), p.Kappa, u16Fraction(p.Kappa), p.BondsMovingAverage, ppm(p.BondsMovingAverage), p.MaxValidators)
	if p.Version == 3 {
		fmt.Fprintf(w, ", bonds_penalty %.3f (%d), liquid_alpha %t, alpha %.3f–%.3f (%d–%d)", p.BondsPenalty, u16Fraction(p.BondsPenalty),
			p.LiquidAlpha, p.AlphaLow, p.AlphaHigh, u16Fraction(p.AlphaLow), u16Fraction(p.AlphaHigh))
		fmt.Fprintf(w, ", trust_weighted_consensus %t", p.TrustWeightedConsensus)
	}
	if p.CommitReveal {
		fmt.Fprintf(w, ", commit_reveal with reveal_period %d", max(p.RevealPeriod, 1))
	}
	fmt.Fprintln(w)
	if sc.Description != "" {
		fmt.Fprintf(w, "  %s\n", sc.Description)
	}
	fmt.Fprintln(w)
	width := len("validator")
	for _, v := range s.Validators {
		width = max(width, len(v.Name))
	}
	for _, m := range s.Miners {
		width = max(width, len(m.Name))
	}
	fmt.Fprintf(w, "%-*s  %11s  %15s  %9s  %23s\n", width, "validator", "stake share", "total dividends", "fair", "dividends/stake vs fair")
	for _, v := range s.Validators {
		fmt.Fprintf(w, "%-*s  %11.4f  %15.4f  %9.4f  %23.4f\n", width, v.Name, v.StakeShare, v.Dividends, v.Fair, v.Relative)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-*s  %15s  %10s\n", width, "miner", "total incentive", "last epoch")
	for _, m := range s.Miners {
		fmt.Fprintf(w, "%-*s  %15.4f  %10.4f\n", width, m.Name, m.Incentive, m.Final)
	}
	if len(s.Figures) > 0 {
		fmt.Fprintln(w)
	}
	for _, f := range s.Figures {
		if f.Kind == FigureCatchUp {
			fmt.Fprintf(w, "key figure: %s = %.0f\n", f.Label, f.Value)
		} else {
			fmt.Fprintf(w, "key figure: %s = %.4f\n", f.Label, f.Value)
		}
	}
	return nil
}

// CSVHeader is the header of the per-epoch CSV; one bond_<miner> column
// per miner follows it.
var CSVHeader = []string{
	"epoch", "uid", "name", "role", "stake", "stake_share", "permit",
	"dividends", "incentive", "consensus", "trust", "validator_trust", "bond_sum",
}

// WriteCSVFile writes r's per-epoch CSV to dir/<scenario>.csv and returns
// the path.
func WriteCSVFile(dir string, r Result) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, r.Scenario.Name+".csv")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := WriteCSV(f, r); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// WriteCSV writes one row per epoch and uid. bond_sum is a validator's
// share of bonds summed over miners; bond_<miner> its share of that miner's
// bonds.
func WriteCSV(w io.Writer, r Result) error {
	sc := r.Scenario
	nv := len(sc.Validators)
	cw := csv.NewWriter(w)
	header := append([]string(nil), CSVHeader...)
	for _, m := range sc.Miners {
		header = append(header, "bond_"+m.Name)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	for _, e := range r.Epochs {
		for uid := range e.Stake {
			name, role := "", "miner"
			if uid < nv {
				name, role = sc.Validators[uid].Name, "validator"
			} else {
				name = sc.Miners[uid-nv].Name
			}
			row := []string{
				strconv.Itoa(e.Epoch), strconv.Itoa(uid), name, role, num(e.Stake[uid]), num(e.StakeShare[uid]),
				strconv.FormatBool(e.Permit[uid]), num(e.Dividends[uid]), num(e.Incentive[uid]),
				num(e.Consensus[uid]), num(e.Trust[uid]), num(e.ValidatorTrust[uid]),
			}
			var sum float64
			bonds := make([]string, len(sc.Miners))
			for j := range sc.Miners {
				var b float64
				if uid < nv {
					b = e.Bonds[uid][j]
				}
				sum += b
				bonds[j] = num(b)
			}
			row = append(row, num(sum))
			row = append(row, bonds...)
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Series is one line of a chart.
type Series struct {
	Name   string
	Values []float64
}

// WriteHTML writes a self-contained page: the table, then inline SVG line
// charts of dividends per stake relative to fair, incentive, and each
// miner's bond shares, per epoch. It uses no script and no external file.
func WriteHTML(w io.Writer, r Result) error {
	sc := r.Scenario
	nv := len(sc.Validators)
	var table strings.Builder
	if err := WriteTable(&table, r); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>yumasim %s</title>\n", html.EscapeString(sc.Name))
	b.WriteString("<style>body{font-family:sans-serif;margin:2em;max-width:60em}pre{background:#f6f6f6;padding:1em;overflow-x:auto}" +
		"svg{background:#fff;border:1px solid #ddd;margin:.5em 0}.legend span{margin-right:1.2em;white-space:nowrap}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>yumasim: %s</h1>\n<pre>%s</pre>\n", html.EscapeString(sc.Name), html.EscapeString(table.String()))

	var dps, inc []Series
	for i, v := range sc.Validators {
		s := Series{Name: v.Name}
		for _, e := range r.Epochs {
			s.Values = append(s.Values, ratio(e.Dividends[i], e.StakeShare[i]))
		}
		dps = append(dps, s)
	}
	for j, m := range sc.Miners {
		s := Series{Name: m.Name}
		for _, e := range r.Epochs {
			s.Values = append(s.Values, e.Incentive[nv+j])
		}
		inc = append(inc, s)
	}
	chart(&b, "Dividends per stake relative to fair (1 = paid by stake)", dps)
	chart(&b, "Miner incentive share", inc)
	for j, m := range sc.Miners {
		var bonds []Series
		for i, v := range sc.Validators {
			s := Series{Name: v.Name}
			for _, e := range r.Epochs {
				s.Values = append(s.Values, e.Bonds[i][j])
			}
			bonds = append(bonds, s)
		}
		chart(&b, "Share of bonds on "+m.Name, bonds)
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// palette holds distinguishable line colours, reused cyclically.
var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"}

// chart writes an SVG line chart of series against the epoch, with the y
// axis from 0 to the largest value (at least 1).
func chart(b *strings.Builder, title string, series []Series) {
	const width, height, left, right, top, bottom = 720.0, 260.0, 50.0, 10.0, 10.0, 30.0
	n := 0
	top1 := 1.0
	for _, s := range series {
		n = max(n, len(s.Values))
		for _, v := range s.Values {
			top1 = max(top1, v)
		}
	}
	x := func(i int) float64 {
		if n <= 1 {
			return left
		}
		return left + float64(i)*(width-left-right)/float64(n-1)
	}
	y := func(v float64) float64 { return top + (1-v/top1)*(height-top-bottom) }
	fmt.Fprintf(b, "<h2>%s</h2>\n", html.EscapeString(title))
	fmt.Fprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"%s\">\n",
		width, height, width, height, html.EscapeString(title))
	for k := 0; k <= 4; k++ {
		v := top1 * float64(k) / 4
		fmt.Fprintf(b, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%g\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.2f</text>\n",
			left, y(v), width-right, y(v), left-4, y(v)+4, v)
	}
	step := max(1, n/10)
	for i := 0; i < n; i += step {
		fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%g\" font-size=\"11\" text-anchor=\"middle\">%d</text>\n", x(i), height-bottom+15, i)
	}
	fmt.Fprintf(b, "<text x=\"%g\" y=\"%g\" font-size=\"11\" text-anchor=\"end\">epoch</text>\n", width-right, height-2)
	for k, s := range series {
		var pts strings.Builder
		for i, v := range s.Values {
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(i), y(v))
		}
		fmt.Fprintf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"><title>%s</title></polyline>\n",
			palette[k%len(palette)], strings.TrimSpace(pts.String()), html.EscapeString(s.Name))
	}
	b.WriteString("</svg>\n<div class=\"legend\">")
	for k, s := range series {
		fmt.Fprintf(b, "<span><span style=\"color:%s\">&#9632;</span> %s</span>", palette[k%len(palette)], html.EscapeString(s.Name))
	}
	b.WriteString("</div>\n")
}
