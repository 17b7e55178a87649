package cmd

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"

	"github.com/taochain/taochain/inference/watch"
	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

const flagTable = "table"

// addMetagraphTable gives the generated `q subnet metagraph` a --table flag that prints the same
// summary `taoworker watch --once` prints, rendered by the shared inference/watch package.
func addMetagraphTable(rootCmd *cobra.Command) error {
	c, _, err := rootCmd.Find([]string{"query", "subnet", "metagraph"})
	if err != nil || c.Name() != "metagraph" || c.RunE == nil {
		return fmt.Errorf("query subnet metagraph command not found to add --table: %v", err)
	}
	c.Flags().Bool(flagTable, false, "print a table (uid, hotkey, role, stake, incentive, dividends, trust, last epoch's TAO) instead of JSON/YAML")
	inner := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if table, _ := cmd.Flags().GetBool(flagTable); !table {
			return inner(cmd, args)
		}
		netuid, err := strconv.ParseUint(args[0], 10, 16)
		if err != nil {
			return fmt.Errorf("netuid %q: want an integer in [1, 65535]", args[0])
		}
		clientCtx, err := client.GetClientQueryContext(cmd)
		if err != nil {
			return err
		}
		s, err := fetchWatchState(cmd, clientCtx, uint32(netuid))
		if err != nil {
			return err
		}
		tracker := watch.NewTracker()
		tracker.Observe(s)
		return tracker.Render(cmd.OutOrStdout(), s, keyringNames(clientCtx))
	}
	return nil
}

// fetchWatchState reads what the watch table shows: metagraph, epoch schedule and last epoch run.
func fetchWatchState(cmd *cobra.Command, clientCtx client.Context, netuid uint32) (watch.State, error) {
	ctx := cmd.Context()
	mg, err := subnettypes.NewQueryClient(clientCtx).Metagraph(ctx, &subnettypes.QueryMetagraphRequest{Netuid: netuid})
	if err != nil {
		return watch.State{}, fmt.Errorf("metagraph of subnet %d: %w", netuid, err)
	}
	intel := inteltypes.NewQueryClient(clientCtx)
	info, err := intel.EpochInfo(ctx, &inteltypes.QueryEpochInfoRequest{Netuid: netuid})
	if err != nil {
		return watch.State{}, fmt.Errorf("epoch info of subnet %d: %w", netuid, err)
	}
	s := watch.State{Metagraph: mg, Epoch: info}
	last, err := intel.LastEpoch(ctx, &inteltypes.QueryLastEpochRequest{Netuid: netuid})
	switch {
	case status.Code(err) == codes.NotFound:
	case err != nil:
		return watch.State{}, fmt.Errorf("last epoch of subnet %d: %w", netuid, err)
	default:
		s.Last = &last.LastEpoch
	}
	return s, nil
}

// keyringNames names hotkeys by their keys in the local keyring, when there is one to read.
func keyringNames(clientCtx client.Context) map[string]string {
	names := map[string]string{}
	if clientCtx.Keyring == nil {
		return names
	}
	recs, err := clientCtx.Keyring.List()
	if err != nil {
		// An os/file keyring may be locked or absent on a query-only machine: show addresses.
		return names
	}
	for _, r := range recs {
		addr, err := r.GetAddress()
		if err != nil {
			continue
		}
		names[addr.String()] = r.Name
	}
	return names
}
