// Package cli holds the query commands taochain adds to `taod query gov`. The SDK gov module owns
// the `gov` command; autocli fills the same command with the SDK's generated gov queries
// (proposals, proposal, votes, tally, params, ...), so both live side by side.
package cli

import (
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/taochain/taochain/x/gov/types"
)

// GetQueryCmd returns the `query gov` command holding taochain's voting-power queries.
func GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Querying commands for the governance module",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(VotingPowerCmd(), TotalVotingPowerCmd())
	return cmd
}

// VotingPowerCmd queries the voting power breakdown of an address.
func VotingPowerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "voting-power [address]",
		Short: "Show an address's governance voting power: bonded stake, subnet stake per netuid, total",
		Long: "Show the voting power an address votes with: the token value of its delegations to bonded " +
			"validators plus the TAO value of its (coldkey's) stake in every subnet. Amounts are in rao.",
		Example: "taod query gov voting-power $(taod keys show alice -a)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			res, err := types.NewQueryClient(clientCtx).VotingPower(cmd.Context(), &types.QueryVotingPowerRequest{Address: args[0]})
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res)
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// TotalVotingPowerCmd queries the voting power quorum is measured against.
func TotalVotingPowerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "total-voting-power",
		Short: "Show the total voting power (bonded tokens + subnet stake) that quorum is measured against",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			res, err := types.NewQueryClient(clientCtx).TotalVotingPower(cmd.Context(), &types.QueryTotalVotingPowerRequest{})
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res)
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}
