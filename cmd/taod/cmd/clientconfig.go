package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"text/template"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/cosmos/cosmos-sdk/client/flags"
)

// Client config keys taod adds to the SDK's client.toml.
const (
	clientKeyGasPrices     = "gas-prices"
	clientKeyGasAdjustment = "gas-adjustment"
)

// DefaultGasAdjustment multiplies the simulated gas of `--gas auto`. The SDK's 1.0 leaves no margin,
// and gov submit-proposal uses ~4% more gas in the block than in simulation (issue 14).
const DefaultGasAdjustment = 1.5

// clientConfig is client.toml as taod writes it: the SDK's keys plus the fee defaults.
type clientConfig struct {
	ChainID               string
	KeyringBackend        string
	KeyringDefaultKeyName string
	Output                string
	Node                  string
	BroadcastMode         string
	GasPrices             string
	GasAdjustment         string
}

// clientConfigTemplate is the SDK's client.toml template with gas-prices and gas-adjustment, so
// `taod config set client gas-prices 0.001rao` finds the keys it edits.
const clientConfigTemplate = `# This is a TOML config file.
# For more information, see https://github.com/toml-lang/toml

###############################################################################
###                           Client Configuration                            ###
###############################################################################

# The network chain ID
chain-id = "{{ .ChainID }}"
# The keyring's backend, where the keys are stored (os|file|kwallet|pass|test|memory)
keyring-backend = "{{ .KeyringBackend }}"
# Default key name, if set, defines the default key to use for signing transaction when the --from flag is not specified
keyring-default-keyname = "{{ .KeyringDefaultKeyName }}"
# CLI output format (text|json)
output = "{{ .Output }}"
# <host>:<port> to CometBFT RPC interface for this chain
node = "{{ .Node }}"
# Transaction broadcasting mode (sync|async)
broadcast-mode = "{{ .BroadcastMode }}"
` + clientFeeKeysTemplate

const clientFeeKeysTemplate = `
###############################################################################
###                          Transaction fee defaults                       ###
###############################################################################

# Gas price used by tx commands given neither --gas-prices nor --fees (e.g. "0.001rao"; tao amounts
# such as "0.000000001tao" are converted to rao). Empty: pass --gas-prices or --fees on every tx.
gas-prices = "{{ .GasPrices }}"
# Multiplier of the simulated gas when --gas auto is used and --gas-adjustment is not given.
gas-adjustment = {{ .GasAdjustment }}
`

// ensureClientConfig writes home/config/client.toml from taod's template when it is missing, and
// appends the fee keys to a client.toml written by an older taod, so both can be read and set.
func ensureClientConfig(home, chainID string) error {
	dir := filepath.Join(home, "config")
	path := filepath.Join(dir, "client.toml")
	cfg := clientConfig{
		ChainID: chainID, KeyringBackend: "os", Output: "text", Node: "tcp://localhost:26657",
		BroadcastMode: "sync", GasAdjustment: strconv.FormatFloat(DefaultGasAdjustment, 'f', -1, 64),
	}
	existing, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", dir, err)
		}
		return renderClientConfig(path, clientConfigTemplate, cfg, nil)
	}
	if err != nil {
		return err
	}
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(bytes.NewReader(existing)); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if v.IsSet(clientKeyGasPrices) || v.IsSet(clientKeyGasAdjustment) {
		return nil
	}
	return renderClientConfig(path, clientFeeKeysTemplate, cfg, existing)
}

func renderClientConfig(path, tmpl string, cfg clientConfig, prefix []byte) error {
	t, err := template.New("client.toml").Parse(tmpl)
	if err != nil {
		return err
	}
	buf := bytes.NewBuffer(prefix)
	if err := t.Execute(buf, cfg); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o600)
}

// applyFeeDefaults sets --gas-prices and --gas-adjustment of a tx command from client.toml when the
// user gave neither them nor --fees. v is the client context's viper, which has read client.toml.
func applyFeeDefaults(cmd *cobra.Command, v *viper.Viper) error {
	if v == nil {
		return nil
	}
	f := cmd.Flags()
	if f.Lookup(flags.FlagGasPrices) == nil {
		return nil
	}
	if userSetFlag(cmd, flags.FlagFees) && !userSetFlag(cmd, flags.FlagGasPrices) {
		// --fees replaces any configured gas price (the SDK refuses both).
		return f.Set(flags.FlagGasPrices, "")
	}
	if gp := v.GetString(clientKeyGasPrices); gp != "" && !userSetFlag(cmd, flags.FlagGasPrices) {
		if err := f.Set(flags.FlagGasPrices, gp); err != nil {
			return fmt.Errorf("client.toml gas-prices %q: %w", gp, err)
		}
	}
	if f.Lookup(flags.FlagGasAdjustment) != nil && !userSetFlag(cmd, flags.FlagGasAdjustment) {
		adj := DefaultGasAdjustment
		if v.IsSet(clientKeyGasAdjustment) {
			adj = v.GetFloat64(clientKeyGasAdjustment)
		}
		if adj <= 0 {
			return fmt.Errorf("client.toml gas-adjustment %v: want a positive number", adj)
		}
		if err := f.Set(flags.FlagGasAdjustment, strconv.FormatFloat(adj, 'f', -1, 64)); err != nil {
			return err
		}
	}
	return nil
}

// userFlags holds the flags given on the command line of the running command, recorded before
// any config file fills flags in (the SDK's flag binding may copy client.toml values into them).
var userFlags = map[*cobra.Command]map[string]bool{}

// recordUserFlags remembers which flags of cmd the user set; the root pre-run calls it first.
func recordUserFlags(cmd *cobra.Command) {
	set := map[string]bool{}
	cmd.Flags().Visit(func(f *pflag.Flag) { set[f.Name] = true })
	userFlags[cmd] = set
}

// userSetFlag reports whether the user gave flag name to cmd; for a command run without the root
// pre-run (unit tests) it falls back to the flag's Changed state.
func userSetFlag(cmd *cobra.Command, name string) bool {
	if set, ok := userFlags[cmd]; ok {
		return set[name]
	}
	return cmd.Flags().Changed(name)
}
