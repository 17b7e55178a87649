package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestConfigFileThenFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "miner.yaml")
	yaml := "netuid: 3\nchain: {grpc: \"10.0.0.1:9090\"}\nkeys: {hotkey: from-file}\nminer: {ngram_order: 2, metagraph_refresh: 7s}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := minerCmd()
	if err := cmd.ParseFlags([]string{"--config", path, "--order", "4", "--hotkey", "from-flag"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(cmd, commonFlags, minerFlags)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Netuid != 3 || cfg.Chain.GRPC != "10.0.0.1:9090" || cfg.Miner.MetagraphRefresh != 7*time.Second {
		t.Fatalf("file values not applied: %+v", cfg)
	}
	if cfg.Miner.NGramOrder != 4 || cfg.Keys.Hotkey != "from-flag" {
		t.Fatalf("flags do not override the file: order %d hotkey %q", cfg.Miner.NGramOrder, cfg.Keys.Hotkey)
	}
	if cfg.Miner.Listen != DefaultConfig().Miner.Listen {
		t.Fatalf("default listen lost: %q", cfg.Miner.Listen)
	}

	if err := os.WriteFile(path, []byte("minner: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd = minerCmd()
	_ = cmd.ParseFlags([]string{"--config", path, "--hotkey", "x"})
	if _, err := loadConfig(cmd, commonFlags, minerFlags); err == nil {
		t.Fatal("unknown config key accepted")
	}
	cmd = minerCmd()
	_ = cmd.ParseFlags(nil)
	if _, err := loadConfig(cmd, commonFlags, minerFlags); err == nil {
		t.Fatal("missing hotkey accepted")
	}
	if _, err := newLogger(Config{LogFormat: "xml", LogLevel: "info"}); err == nil {
		t.Fatal("unknown log format accepted")
	}
}
