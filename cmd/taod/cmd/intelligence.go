package cmd

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
)

// weightRow is the part every weights command shares: [netuid] [uids] [weights] [version-key].
type weightRow struct {
	netuid     uint32
	uids       []uint32
	weights    []uint32
	versionKey uint64
}

func parseWeightRow(args []string) (weightRow, error) {
	var r weightRow
	netuid, err := strconv.ParseUint(args[0], 10, 16)
	if err != nil {
		return r, fmt.Errorf("netuid %q: want an integer in [0, 65535]", args[0])
	}
	r.netuid = uint32(netuid)
	if r.uids, err = parseU16List("uids", args[1]); err != nil {
		return r, err
	}
	if r.weights, err = parseU16List("weights", args[2]); err != nil {
		return r, err
	}
	if len(r.uids) != len(r.weights) {
		return r, fmt.Errorf("%d uids but %d weights: give one weight per uid", len(r.uids), len(r.weights))
	}
	if r.versionKey, err = strconv.ParseUint(args[3], 10, 64); err != nil {
		return r, fmt.Errorf("version-key %q: want a non-negative integer", args[3])
	}
	return r, nil
}

// parseU16List parses "0,1,2" into u16 values carried as uint32 (the proto type).
func parseU16List(what, s string) ([]uint32, error) {
	parts := strings.Split(s, ",")
	out := make([]uint32, 0, len(parts))
	for _, p := range parts {
		v, err := strconv.ParseUint(strings.TrimSpace(p), 10, 16)
		if err != nil {
			return nil, fmt.Errorf("%s %q: want comma-separated integers in [0, 65535]", what, s)
		}
		out = append(out, uint32(v))
	}
	return out, nil
}

func parseSalt(s string) ([]byte, error) {
	salt, err := hex.DecodeString(s)
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return nil, fmt.Errorf("salt %q: want 8 to 64 bytes written as hex (16 to 128 hex digits)", s)
	}
	return salt, nil
}

// weightsCmd builds one of the weight-row commands: the signer (--from) is the hotkey.
func weightsCmd(use, short, example string, nargs int, build func(hotkey string, r weightRow, rest []string) (sdk.Msg, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    cobra.ExactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			row, err := parseWeightRow(args[:4])
			if err != nil {
				return err
			}
			msg, err := build(clientCtx.GetFromAddress().String(), row, args[4:])
			if err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// intelligenceWeightCmds are set-weights, commit-weights and reveal-weights: autocli cannot parse
// repeated u32 positional arguments, and commit-weights here computes the commitment from the row
// and salt so nobody has to hash by hand.
func intelligenceWeightCmds() []*cobra.Command {
	return []*cobra.Command{
		weightsCmd("set-weights [netuid] [uids] [weights] [version-key]",
			"Set the weight row of the signing hotkey (--from must be the hotkey)",
			"taod tx intelligence set-weights 1 0,1,2 65535,30000,100 1 --from validator-hot --wait", 4,
			func(hotkey string, r weightRow, _ []string) (sdk.Msg, error) {
				return &inteltypes.MsgSetWeights{Hotkey: hotkey, Netuid: r.netuid, Uids: r.uids, Weights: r.weights, VersionKey: r.versionKey}, nil
			}),
		weightsCmd("commit-weights [netuid] [uids] [weights] [version-key] [salt-hex]",
			"Commit a weight row on a commit-reveal subnet: sends sha256(payload ‖ salt); keep the salt to reveal (--from must be the hotkey)",
			"taod tx intelligence commit-weights 1 0,1,2 65535,30000,100 1 $(openssl rand -hex 16) --from myhotkey", 5,
			func(hotkey string, r weightRow, rest []string) (sdk.Msg, error) {
				salt, err := parseSalt(rest[0])
				if err != nil {
					return nil, err
				}
				return inteltypes.NewMsgCommitWeights(hotkey, r.netuid, r.uids, r.weights, r.versionKey, salt), nil
			}),
		weightsCmd("reveal-weights [netuid] [uids] [weights] [version-key] [salt-hex]",
			"Reveal a committed weight row reveal_period epochs after the commit (--from must be the hotkey)",
			"taod tx intelligence reveal-weights 1 0,1,2 65535,30000,100 1 <salt-hex> --from myhotkey", 5,
			func(hotkey string, r weightRow, rest []string) (sdk.Msg, error) {
				salt, err := parseSalt(rest[0])
				if err != nil {
					return nil, err
				}
				return inteltypes.NewMsgRevealWeights(hotkey, r.netuid, r.uids, r.weights, r.versionKey, salt), nil
			}),
	}
}
