package sim

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func mustRun(t *testing.T, sc Scenario) Result {
	t.Helper()
	res, err := Run(sc)
	if err != nil {
		t.Fatalf("%s: %v", sc.Name, err)
	}
	return res
}

func table(t *testing.T, res Result) string {
	t.Helper()
	var b strings.Builder
	if err := WriteTable(&b, res); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every named scenario runs and its table names every neuron and prints
// its key figures.
func TestBuiltinsRunAndPrint(t *testing.T) {
	want := []string{"kappa-moves-first", "kappa-moves-second", "kappa-moves-third", "all-switch", "bond-reset",
		"copier", "copier-steady", "cartel", "small-validator", "newcomer"}
	var got []string
	for _, sc := range Builtins() {
		got = append(got, sc.Name)
		t.Run(sc.Name, func(t *testing.T) {
			res := mustRun(t, sc)
			if len(res.Epochs) != sc.Epochs {
				t.Fatalf("%d epochs, want %d", len(res.Epochs), sc.Epochs)
			}
			out := table(t, res)
			for _, v := range sc.Validators {
				if !strings.Contains(out, "\n"+v.Name+" ") {
					t.Errorf("no row for validator %s:\n%s", v.Name, out)
				}
			}
			for _, m := range sc.Miners {
				if !strings.Contains(out, "\n"+m.Name+" ") {
					t.Errorf("no row for miner %s:\n%s", m.Name, out)
				}
			}
			if n := strings.Count(out, "key figure: "); n != len(sc.KeyFigures) || n == 0 {
				t.Errorf("%d key figures printed, want %d", n, len(sc.KeyFigures))
			}
			t.Log("\n" + out)
		})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("built-ins %v, want %v", got, want)
	}
	if _, err := Builtin("no-such"); err == nil {
		t.Error("Builtin accepted an unknown name")
	}
}

func TestScenarioJSONRoundTrip(t *testing.T) {
	scenarios := Builtins()
	example, err := Load("../testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range append(scenarios, example) {
		var buf bytes.Buffer
		if err := sc.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := Decode(&buf)
		if err != nil {
			t.Fatalf("%s: %v", sc.Name, err)
		}
		if !reflect.DeepEqual(back, sc) {
			t.Errorf("%s: round trip changed the scenario:\n got %+v\nwant %+v", sc.Name, back, sc)
		}
	}
}

func TestExampleFileRuns(t *testing.T) {
	sc, err := Load("../testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	out := table(t, mustRun(t, sc))
	if !strings.Contains(out, "early / late dividends per stake") {
		t.Errorf("example table lacks its key figure:\n%s", out)
	}
}

func TestDecodeRejects(t *testing.T) {
	for name, js := range map[string]string{
		"unknown field":   `{"name":"x","epochs":1,"params":{"kappa":0.5,"max_validators":1,"version":2},"validators":[{"name":"v","stake":1}],"miners":[{"name":"m"}],"typo":1}`,
		"no epochs":       `{"name":"x","epochs":0,"params":{"kappa":0.5,"max_validators":1,"version":2},"validators":[{"name":"v","stake":1}],"miners":[{"name":"m"}]}`,
		"kappa above 1":   `{"name":"x","epochs":1,"params":{"kappa":2,"max_validators":1,"version":2},"validators":[{"name":"v","stake":1}],"miners":[{"name":"m"}]}`,
		"version 4":       `{"name":"x","epochs":1,"params":{"kappa":0.5,"max_validators":1,"version":4},"validators":[{"name":"v","stake":1}],"miners":[{"name":"m"}]}`,
		"repeated name":   `{"name":"x","epochs":1,"params":{"kappa":0.5,"max_validators":1,"version":2},"validators":[{"name":"m","stake":1}],"miners":[{"name":"m"}]}`,
		"cartel no miner": `{"name":"x","epochs":1,"params":{"kappa":0.5,"max_validators":1,"version":2},"validators":[{"name":"v","stake":1,"behaviour":"cartel","target":"z"}],"miners":[{"name":"m"}]}`,
		"long row":        `{"name":"x","epochs":1,"params":{"kappa":0.5,"max_validators":1,"version":2},"validators":[{"name":"v","stake":1}],"miners":[{"name":"m"}],"phases":[{"from_epoch":0,"rows":[[1,2]]}]}`,
		"bad figure":      `{"name":"x","epochs":1,"params":{"kappa":0.5,"max_validators":1,"version":2},"validators":[{"name":"v","stake":1}],"miners":[{"name":"m"}],"key_figures":[{"kind":"out_earns","a":"v","b":"m"}]}`,
	} {
		if _, err := Decode(strings.NewReader(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// kappa-moves-first under Yuma 2: the table has one row per validator and
// miner with the expected numeric columns, server-1 earns only epoch 0, and
// the 0.8 validator that moved first (alone a kappa majority) is paid above
// its stake share while the small ones that followed later are paid below,
// the later one least.
func TestKappaMovesFirstTable(t *testing.T) {
	sc, err := Builtin("kappa-moves-first")
	if err != nil {
		t.Fatal(err)
	}
	sc.Params.Version = 2
	out := table(t, mustRun(t, sc))
	rows := map[string][]float64{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		var nums []float64
		for _, s := range f[1:] {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				nums = nil
				break
			}
			nums = append(nums, x)
		}
		if nums != nil {
			rows[f[0]] = nums
		}
	}
	for _, name := range []string{"big", "small-lazy", "small-lazier"} {
		if len(rows[name]) != 4 {
			t.Fatalf("validator row %s = %v, want 4 numbers:\n%s", name, rows[name], out)
		}
	}
	for _, name := range []string{"server-1", "server-2"} {
		if len(rows[name]) != 2 {
			t.Fatalf("miner row %s = %v, want 2 numbers:\n%s", name, rows[name], out)
		}
	}
	near := func(x, want float64) bool { return x > want-1e-3 && x < want+1e-3 }
	if !near(rows["server-1"][0], 1) || !near(rows["server-2"][0], 39) || !near(rows["server-2"][1], 1) {
		t.Errorf("miner rows %v %v, want server-1 1 epoch of incentive, server-2 39", rows["server-1"], rows["server-2"])
	}
	if !near(rows["big"][0], 0.8) || !near(rows["big"][2], 32) {
		t.Errorf("big row %v, want stake share 0.8, fair 32", rows["big"])
	}
	var total float64
	for _, name := range []string{"big", "small-lazy", "small-lazier"} {
		total += rows[name][1]
	}
	if !near(total, 40) {
		t.Errorf("dividends sum to %v, want one per epoch (40)", total)
	}
	big, lazy, lazier := rows["big"][3], rows["small-lazy"][3], rows["small-lazier"][3]
	if big <= 1 || lazy >= 1 || lazier >= lazy {
		t.Errorf("relative dividends big %v, small-lazy %v, small-lazier %v: want big > 1 > small-lazy > small-lazier", big, lazy, lazier)
	}
}

func TestHTMLHasSVG(t *testing.T) {
	sc, _ := Builtin("copier")
	var b strings.Builder
	if err := WriteHTML(&b, mustRun(t, sc)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	// dividends, incentive and one bond chart per miner
	if n := strings.Count(page, "<svg "); n != 2+len(sc.Miners) {
		t.Errorf("%d charts, want %d", n, 2+len(sc.Miners))
	}
	for _, bad := range []string{"<script", "http://", "https://"} {
		if strings.Contains(strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("page is not self-contained: contains %q", bad)
		}
	}
	if !strings.Contains(page, "<polyline") || !strings.Contains(page, "copier") {
		t.Error("page lacks lines or names")
	}
}

func TestCSVParses(t *testing.T) {
	sc, _ := Builtin("newcomer")
	res := mustRun(t, sc)
	var b bytes.Buffer
	if err := WriteCSV(&b, res); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := len(sc.Validators) + len(sc.Miners)
	if len(records) != 1+sc.Epochs*n {
		t.Fatalf("%d records, want header + %d", len(records), sc.Epochs*n)
	}
	header := records[0]
	if !reflect.DeepEqual(header[:len(CSVHeader)], CSVHeader) || len(header) != len(CSVHeader)+len(sc.Miners) {
		t.Fatalf("header %v", header)
	}
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	divSum := make([]float64, sc.Epochs)
	for _, r := range records[1:] {
		epoch, err := strconv.Atoi(r[col("epoch")])
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"stake", "dividends", "incentive", "bond_sum", "bond_a"} {
			if _, err := strconv.ParseFloat(r[col(c)], 64); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
		}
		d, _ := strconv.ParseFloat(r[col("dividends")], 64)
		divSum[epoch] += d
		if r[col("name")] == "newcomer" && epoch < 10 && r[col("stake")] != "0.000000" {
			t.Errorf("newcomer has stake before joining: %v", r)
		}
	}
	for e, s := range divSum {
		if s < 0.999 || s > 1.001 {
			t.Errorf("epoch %d dividends sum to %v", e, s)
		}
	}
}

func TestDeterministic(t *testing.T) {
	render := func(seed uint64) string {
		sc, _ := Builtin("cartel")
		sc.Seed = seed
		res := mustRun(t, sc)
		var b strings.Builder
		if err := WriteTable(&b, res); err != nil {
			t.Fatal(err)
		}
		if err := WriteCSV(&b, res); err != nil {
			t.Fatal(err)
		}
		if err := WriteHTML(&b, res); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if render(5) != render(5) {
		t.Error("same seed, different output")
	}
	if render(5) == render(6) {
		t.Error("different seeds, same output")
	}
}

// The newcomer has no permit in its join epoch (permits come from the
// previous epoch's stakes) and no bonds, so it earns nothing then, and it
// catches up afterwards.
func TestNewcomerCatchesUp(t *testing.T) {
	sc, _ := Builtin("newcomer")
	res := mustRun(t, sc)
	if res.Epochs[10].Permit[3] || res.Epochs[10].Dividends[3] != 0 || !res.Epochs[11].Permit[3] {
		t.Errorf("join epoch: permit %v dividends %v, next permit %v", res.Epochs[10].Permit[3], res.Epochs[10].Dividends[3], res.Epochs[11].Permit[3])
	}
	f := Summarize(res).Figures[0]
	if f.Kind != FigureCatchUp || f.Value < 1 || f.Value >= float64(sc.Epochs-10) {
		t.Errorf("catch-up %v", f.Value)
	}
}
