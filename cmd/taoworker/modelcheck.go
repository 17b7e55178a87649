package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/taochain/taochain/inference/model"
)

func modelCheckCmd() *cobra.Command {
	scratch := DefaultConfig()
	cmd := &cobra.Command{
		Use:   "model-check",
		Short: "Check that a model server answers the scoring requests a miner needs, and with which request shape",
		Long: `model-check runs the probe that 'taoworker miner --model server' runs at start: it asks the server
at --model-url for log P(continuation | prompt) of a likely and an implausible continuation, with the
request shape --model-api names (auto: completions-echo, then llamacpp, then chat), and prints the
shape that works and the two scores, or why each shape failed. It needs no keys and no chain.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadModelFlags(cmd)
			if err != nil {
				return err
			}
			res, err := probeServer(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "model server %s answers scoring requests\n", cfg.ModelURL)
			fmt.Fprintf(out, "  request shape  --model-api %s (%s)\n", res.API, res.Model.Name())
			fmt.Fprintf(out, "  sample score   log P(%q | %q) = %.4f\n", model.ProbeLikely, model.ProbePrompt, res.Likely)
			fmt.Fprintf(out, "                 log P(%q | %q) = %.4f\n", model.ProbeImplausible, model.ProbePrompt, res.Implausible)
			if res.Likely <= res.Implausible {
				fmt.Fprintln(out, "  warning: the implausible continuation scored at least as well as the likely one; is this a language model?")
			}
			return nil
		},
	}
	addFlags(cmd, &scratch, modelServerFlags)
	_ = cmd.Flags().MarkDeprecated("openai-url", "use --model-url")
	_ = cmd.Flags().MarkDeprecated("openai-model", "use --model-name")
	return cmd
}

// loadModelFlags reads the model server settings of `model-check`: --config, then its flags.
func loadModelFlags(cmd *cobra.Command) (MinerConfig, error) {
	cfg, err := readConfig(cmd, modelServerFlags)
	if err != nil {
		return cfg.Miner, err
	}
	if err := adoptLegacyModelFields(&cfg.Miner); err != nil {
		return cfg.Miner, err
	}
	return cfg.Miner, nil
}
