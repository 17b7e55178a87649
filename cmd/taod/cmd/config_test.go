package cmd

import (
	"path/filepath"
	"testing"

	"github.com/spf13/viper"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/taochain/taochain/app"
)

// readTOML parses one of the config files `taod init` wrote.
func readTOML(t *testing.T, path string) *viper.Viper {
	t.Helper()
	v := viper.New()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return v
}

// TestInitWritesSafeDefaults runs `taod init` in a temp home and checks every default a fresh node
// relies on, in the files as written: a non-zero rao gas price, telemetry and CometBFT Prometheus
// metrics, state-sync snapshots, Swagger for the API server and a bounded block gas.
func TestInitWritesSafeDefaults(t *testing.T) {
	home := t.TempDir()
	root := NewRootCmd()
	root.SetArgs([]string{"init", "node0", "--home", home, "--chain-id", "taochain-defaults-test"})
	if err := svrcmd.Execute(root, "TAOD", home); err != nil {
		t.Fatalf("taod init: %v", err)
	}

	appToml := readTOML(t, filepath.Join(home, "config", "app.toml"))
	minGas := appToml.GetString("minimum-gas-prices")
	prices, err := sdk.ParseDecCoins(minGas)
	if err != nil {
		t.Fatalf("minimum-gas-prices %q: %v", minGas, err)
	}
	if len(prices) != 1 || prices[0].Denom != app.BaseDenom || !prices[0].Amount.IsPositive() {
		t.Fatalf("minimum-gas-prices %q, want one positive %s price", minGas, app.BaseDenom)
	}
	if minGas != DefaultMinGasPrices {
		t.Fatalf("minimum-gas-prices %q, want %q (the price the localnet scripts and tests pay)", minGas, DefaultMinGasPrices)
	}
	for key, want := range map[string]any{
		"telemetry.enabled":                   true,
		"telemetry.prometheus-retention-time": int64(DefaultPrometheusRetention),
		"state-sync.snapshot-interval":        int64(DefaultSnapshotInterval),
		"state-sync.snapshot-keep-recent":     int64(DefaultSnapshotKeepRecent),
		"api.swagger":                         true,
		"iavl-cache-size":                     int64(DefaultIAVLCacheSize),
	} {
		var got any
		switch want.(type) {
		case bool:
			got = appToml.GetBool(key)
		case int64:
			got = appToml.GetInt64(key)
		}
		if !appToml.IsSet(key) || got != want {
			t.Errorf("app.toml %s = %v, want %v", key, appToml.Get(key), want)
		}
	}
	if appToml.GetInt64("state-sync.snapshot-interval") <= 0 {
		t.Error("state-sync snapshots are off")
	}

	cometToml := readTOML(t, filepath.Join(home, "config", "config.toml"))
	if !cometToml.GetBool("instrumentation.prometheus") {
		t.Errorf("config.toml instrumentation.prometheus = %v, want true", cometToml.Get("instrumentation.prometheus"))
	}
	if got := cometToml.GetString("instrumentation.prometheus_listen_addr"); got != DefaultCometPrometheusAddr {
		t.Errorf("config.toml instrumentation.prometheus_listen_addr = %q, want %q", got, DefaultCometPrometheusAddr)
	}
	if got := cometToml.GetString("consensus.timeout_commit"); got != "5s" {
		t.Errorf("config.toml consensus.timeout_commit = %q, want 5s", got)
	}

	g, err := genutiltypes.AppGenesisFromFile(filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Consensus.Params.Block.MaxGas; got != DefaultBlockMaxGas || got <= 0 {
		t.Fatalf("genesis block max_gas %d, want %d", got, DefaultBlockMaxGas)
	}
}
