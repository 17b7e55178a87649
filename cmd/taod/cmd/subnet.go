package cmd

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
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
		Example: "taod keys add miner7-hot\ntaod tx subnet register 1 miner7-hot 10000000000 --from alice --wait",
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
			coldkey := clientCtx.GetFromAddress().String()
			pub, proof, err := registrationProof(clientCtx.Keyring, args[1], clientCtx.ChainID, uint16(netuid), coldkey)
			if err != nil {
				return err
			}
			msg := &subnettypes.MsgRegisterNeuron{
				Coldkey:      coldkey,
				Netuid:       uint32(netuid),
				HotkeyPubkey: pub,
				Proof:        proof,
				MaxBurn:      maxBurn,
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// registrationProof signs RegistrationProofBytes(chainID, netuid, coldkey) with the keyring key
// hotkeyName and returns the hotkey's compressed public key and the proof of possession.
func registrationProof(kr keyring.Keyring, hotkeyName, chainID string, netuid uint16, coldkey string) (pub, proof []byte, err error) {
	if chainID == "" {
		return nil, nil, errors.New("the proof signs the chain id: set --chain-id (or chain-id in client.toml)")
	}
	record, err := kr.Key(hotkeyName)
	if err != nil {
		return nil, nil, fmt.Errorf("hotkey %q not in the keyring: %w", hotkeyName, err)
	}
	pk, err := record.GetPubKey()
	if err != nil {
		return nil, nil, err
	}
	if _, err := subnettypes.HotkeyPubKey(pk.Bytes()); err != nil {
		return nil, nil, fmt.Errorf("hotkey %q: %w", hotkeyName, err)
	}
	proof, _, err = kr.Sign(hotkeyName, subnettypes.RegistrationProofBytes(chainID, netuid, coldkey), signing.SignMode_SIGN_MODE_DIRECT)
	if err != nil {
		return nil, nil, fmt.Errorf("signing the proof with hotkey %q: %w", hotkeyName, err)
	}
	return pk.Bytes(), proof, nil
}

// hotkeyProofCmd prints the arguments of `register-neuron` for a hotkey in the local keyring: its
// public key and its proof of possession for a coldkey. It is for a hotkey kept apart from the
// coldkey (another machine or keyring): run it where the hotkey lives, register where the coldkey
// lives. It signs offline and broadcasts nothing.
func hotkeyProofCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hotkey-proof [netuid] [hotkey-key-name] [coldkey]",
		Short: "Print a keyring hotkey's public key and proof of possession for register-neuron (offline)",
		Long: `Sign "chain_id|netuid|coldkey" with the hotkey named [hotkey-key-name] and print
{"hotkey_pubkey": "<hex>", "proof": "<hex>"}, the [hotkey-pubkey] and [proof] arguments of
'taod tx subnet register-neuron', which the coldkey then sends. [coldkey] is the address (or keyring
key name) of the account that will pay the registration; the chain id comes from --chain-id or
client.toml. Nothing is broadcast.`,
		Example: `taod keys add miner8-hot
p=$(taod tx subnet hotkey-proof 1 miner8-hot $(taod keys show bob -a))
taod tx subnet register-neuron 1 $(echo "$p" | jq -r .hotkey_pubkey) $(echo "$p" | jq -r .proof) 10000000000 --from bob --wait`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			netuid, err := strconv.ParseUint(args[0], 10, 16)
			if err != nil {
				return fmt.Errorf("netuid %q: want an integer in [0, 65535]", args[0])
			}
			coldkey := args[2]
			if _, err := sdk.AccAddressFromBech32(coldkey); err != nil {
				record, kerr := clientCtx.Keyring.Key(coldkey)
				if kerr != nil {
					return fmt.Errorf("coldkey %q is neither an address (%v) nor a keyring key", coldkey, err)
				}
				addr, err := record.GetAddress()
				if err != nil {
					return err
				}
				coldkey = addr.String()
			}
			pub, proof, err := registrationProof(clientCtx.Keyring, args[1], clientCtx.ChainID, uint16(netuid), coldkey)
			if err != nil {
				return err
			}
			bz, err := json.Marshal(map[string]string{"hotkey_pubkey": hex.EncodeToString(pub), "proof": hex.EncodeToString(proof)})
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return err
		},
	}
	cmd.Flags().String(flags.FlagChainID, "", "the chain id the proof is for")
	cmd.Flags().String(flags.FlagKeyringDir, "", "the keyring directory, if different from --home")
	cmd.Flags().String(flags.FlagKeyringBackend, flags.DefaultKeyringBackend, "the keyring backend (os|file|kwallet|pass|test|memory)")
	return cmd
}

// addHandWrittenCommands attaches commands autocli cannot generate to the module command trees it built.
func addHandWrittenCommands(rootCmd *cobra.Command) error {
	txCmd, _, err := rootCmd.Find([]string{"tx", "subnet"})
	if err != nil || txCmd.Name() != "subnet" {
		return fmt.Errorf("tx subnet command not found to attach 'register': %v", err)
	}
	txCmd.AddCommand(registerCmd(), hotkeyProofCmd())

	intelCmd, _, err := rootCmd.Find([]string{"tx", "intelligence"})
	if err != nil || intelCmd.Name() != "intelligence" {
		return fmt.Errorf("tx intelligence command not found to attach the weights commands: %v", err)
	}
	intelCmd.AddCommand(intelligenceWeightCmds()...)
	return acceptDecimalJSON(rootCmd)
}
