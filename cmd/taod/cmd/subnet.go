package cmd

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"

	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// registerCmd registers a hotkey held in the local keyring as a neuron. The generated
// `register-neuron` command needs a pre-computed proof of possession; this one signs
// RegistrationProofBytes with the hotkey itself, so the coldkey (--from) pays and the hotkey is bound.
func registerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register [netuid] [hotkey-key-name] [max-burn]",
		Short: "Register a keyring hotkey as a neuron on a subnet (signs the proof of possession with the hotkey)",
		Long: `Register a neuron. The coldkey given by --from pays the registration burn; the hotkey named by
[hotkey-key-name] (a secp256k1 key in the same keyring) signs "chain_id|netuid|coldkey" to prove
possession. [max-burn] is the highest price in rao you accept; the current price is shown by
'taod q subnet registration-price [netuid]'.`,
		Example: "taod tx subnet register 1 miner-hotkey 2000000000 --from alice",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			netuid, err := strconv.ParseUint(args[0], 10, 16)
			if err != nil {
				return fmt.Errorf("netuid %q: want an integer in [0, 65535]", args[0])
			}
			maxBurn, ok := math.NewIntFromString(args[2])
			if !ok || maxBurn.IsNegative() {
				return fmt.Errorf("max-burn %q: want a non-negative integer amount of rao", args[2])
			}
			record, err := clientCtx.Keyring.Key(args[1])
			if err != nil {
				return fmt.Errorf("hotkey %q not in the keyring: %w", args[1], err)
			}
			pub, err := record.GetPubKey()
			if err != nil {
				return err
			}
			if _, err := subnettypes.HotkeyPubKey(pub.Bytes()); err != nil {
				return fmt.Errorf("hotkey %q: %w", args[1], err)
			}
			coldkey := clientCtx.GetFromAddress().String()
			proof, _, err := clientCtx.Keyring.Sign(args[1],
				subnettypes.RegistrationProofBytes(clientCtx.ChainID, uint16(netuid), coldkey), signing.SignMode_SIGN_MODE_DIRECT)
			if err != nil {
				return fmt.Errorf("signing the proof with hotkey %q: %w", args[1], err)
			}
			msg := &subnettypes.MsgRegisterNeuron{
				Coldkey:      coldkey,
				Netuid:       uint32(netuid),
				HotkeyPubkey: pub.Bytes(),
				Proof:        proof,
				MaxBurn:      maxBurn,
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// addHandWrittenCommands attaches commands autocli cannot generate to the module command trees it built.
func addHandWrittenCommands(rootCmd *cobra.Command) error {
	txCmd, _, err := rootCmd.Find([]string{"tx", "subnet"})
	if err != nil || txCmd.Name() != "subnet" {
		return fmt.Errorf("tx subnet command not found to attach 'register': %v", err)
	}
	txCmd.AddCommand(registerCmd())

	intelCmd, _, err := rootCmd.Find([]string{"tx", "intelligence"})
	if err != nil || intelCmd.Name() != "intelligence" {
		return fmt.Errorf("tx intelligence command not found to attach the weights commands: %v", err)
	}
	intelCmd.AddCommand(intelligenceWeightCmds()...)
	return nil
}
