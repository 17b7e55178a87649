// Command yumasim runs Yuma consensus scenarios through the real
// x/intelligence/yuma epoch, so that a subnet owner can see how
// hyperparameters (kappa, bonds moving average, Yuma version, bonds penalty,
// liquid alpha) treat validators that move early, copy, collude, are small
// or arrive late. See README.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/taochain/taochain/cmd/yumasim/sim"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  yumasim list
  yumasim run (--name NAME | --scenario FILE) [--version 2|3] [--epochs N] [--seed S] [--csv DIR] [--html FILE]
  yumasim show --name NAME      print a built-in scenario as JSON (a starting point for your own)
  yumasim targets               the incentive-integrity targets, worst case over seeds, as each defence is added
`

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "list":
		err = list(stdout)
	case "run":
		err = runScenario(args[1:], stdout, stderr)
	case "show":
		err = show(args[1:], stdout, stderr)
	case "targets":
		err = sim.WriteTargets(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = fmt.Errorf("unknown command %q", args[0])
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "yumasim: %v\n", err)
		if errors.Is(err, errUsage) {
			fmt.Fprint(stderr, usage)
		}
		return 1
	}
	return 0
}

var errUsage = errors.New("bad usage")

func list(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, sc := range sim.Builtins() {
		fmt.Fprintf(tw, "%s\t%s\n", sc.Name, sc.Description)
	}
	return tw.Flush()
}

func show(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "built-in scenario to print")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sc, err := sim.Builtin(*name)
	if err != nil {
		return err
	}
	return sc.Encode(stdout)
}

func runScenario(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "built-in scenario to run (see yumasim list)")
	file := fs.String("scenario", "", "scenario JSON file to run")
	version := fs.Int("version", 0, "Yuma version 2 or 3, overriding the scenario's")
	epochs := fs.Int("epochs", 0, "number of epochs, overriding the scenario's")
	seed := fs.Uint64("seed", 0, "noise seed, overriding the scenario's (0: keep)")
	csvDir := fs.String("csv", "", "directory to write <scenario>.csv with one row per epoch and uid")
	htmlFile := fs.String("html", "", "file to write a self-contained HTML report with charts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || (*name == "") == (*file == "") {
		return fmt.Errorf("%w: run needs exactly one of --name and --scenario", errUsage)
	}
	var sc sim.Scenario
	var err error
	if *name != "" {
		sc, err = sim.Builtin(*name)
	} else {
		sc, err = sim.Load(*file)
	}
	if err != nil {
		return err
	}
	if *version != 0 {
		sc.Params.Version = *version
	}
	if *epochs != 0 {
		sc.Epochs = *epochs
	}
	if *seed != 0 {
		sc.Seed = *seed
	}
	res, err := sim.Run(sc)
	if err != nil {
		return err
	}
	if err := sim.WriteTable(stdout, res); err != nil {
		return err
	}
	if *csvDir != "" {
		path, err := sim.WriteCSVFile(*csvDir, res)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	if *htmlFile != "" {
		f, err := os.Create(*htmlFile)
		if err != nil {
			return err
		}
		if err := sim.WriteHTML(f, res); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *htmlFile)
	}
	return nil
}
