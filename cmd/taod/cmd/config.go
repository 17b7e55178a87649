package cmd

import (
	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/taochain/taochain/app"
)

// initCometConfig returns CometBFT's defaults with taochain's 6-second target block time.
func initCometConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = 5_000_000_000 // 5 s commit wait + ~1 s propose/vote ≈ 6 s blocks
	return cfg
}

// initAppConfig sets a minimum gas price in rao so a fresh node does not accept free spam.
func initAppConfig() (string, interface{}) {
	cfg := serverconfig.DefaultConfig()
	cfg.MinGasPrices = "0" + app.BaseDenom
	return serverconfig.DefaultConfigTemplate, cfg
}
