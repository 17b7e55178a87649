// Command taoworker is taochain's off-chain worker: `taoworker miner` serves a language model at
// an axon and announces it on chain; `taoworker validator` evaluates the subnet's miners each epoch
// and submits signed evaluations. See inference/README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "taoworker:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "taoworker",
		Short:         "taochain off-chain worker: miner (serves a model) and validator (evaluates miners)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(minerCmd(), validatorCmd(), watchCmd(), modelCheckCmd(), &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "taoworker %s (commit %s)\n", version.Version, version.Commit)
		},
	})
	return root
}
