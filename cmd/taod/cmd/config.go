package cmd

import (
	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/taochain/taochain/app"
)

// Defaults `taod init` writes into a fresh home; docs/network.md lists them for operators.
const (
	// DefaultMinGasPrices is the lowest gas price a fresh node's mempool accepts: 0.001 rao per gas,
	// ~70 rao for a bank send. It is the price the localnet scripts, the workers and the tests pay,
	// so they run unchanged, and it is above zero so a public node does not take free spam.
	DefaultMinGasPrices = "0.001" + app.BaseDenom
	// DefaultSnapshotInterval is the block interval of state-sync snapshots: new nodes can join
	// from a recent snapshot instead of replaying every block.
	DefaultSnapshotInterval = 1000
	// DefaultSnapshotKeepRecent is how many state-sync snapshots a node keeps.
	DefaultSnapshotKeepRecent = 2
	// DefaultPrometheusRetention is how long, in seconds, the app's telemetry keeps a metric that is
	// not updated in its Prometheus sink (served at the API server's /metrics?format=prometheus
	// and CometBFT's prometheus_listen_addr): a day, longer than any subnet's epoch, so per-epoch
	// counters (epochs run, emission distributed) and rare ones (offences) do not vanish and restart
	// from zero between two updates, as they did with 60 s.
	DefaultPrometheusRetention = 86400
	// DefaultCometPrometheusAddr is where CometBFT serves its Prometheus metrics: loopback, so a
	// fresh node does not expose them to the internet; scrape remotely by changing it.
	DefaultCometPrometheusAddr = "127.0.0.1:26660"
	// DefaultIAVLCacheSize is IAVL's node cache per store, in nodes. The SDK's 781,250 keeps a
	// busy node's memory growing for more than 10,000 blocks (the caches of the busy stores fill
	// with nodes of old versions); at this size a node's memory levels off within the first few
	// thousand blocks, and the epoch's reads stay within the bounds of docs/performance.md
	// (target 6).
	DefaultIAVLCacheSize = 200_000
)

// initCometConfig returns CometBFT's defaults with taochain's 6-second target block time and
// Prometheus metrics on.
func initCometConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = 5_000_000_000 // 5 s commit wait + ~1 s propose/vote ≈ 6 s blocks
	cfg.Instrumentation.Prometheus = true
	cfg.Instrumentation.PrometheusListenAddr = DefaultCometPrometheusAddr
	return cfg
}

// initAppConfig returns the SDK's app.toml defaults with a non-zero minimum gas price in rao,
// telemetry kept for Prometheus, state-sync snapshots taken, the Swagger UI served whenever the
// API server is enabled, and an IAVL node cache that bounds memory.
func initAppConfig() (string, interface{}) {
	cfg := serverconfig.DefaultConfig()
	cfg.MinGasPrices = DefaultMinGasPrices
	cfg.Telemetry.Enabled = true
	cfg.Telemetry.PrometheusRetentionTime = DefaultPrometheusRetention
	cfg.StateSync.SnapshotInterval = DefaultSnapshotInterval
	cfg.StateSync.SnapshotKeepRecent = DefaultSnapshotKeepRecent
	cfg.API.Swagger = true
	cfg.IAVLCacheSize = DefaultIAVLCacheSize
	return serverconfig.DefaultConfigTemplate, cfg
}
