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

// TestValidatorScoringFlags: tasks per miner and the score EMA's α come from the file, flags win,
// the old `tasks` name still works (not together with the new one), and out-of-range values stop
// the worker at start.
func TestValidatorScoringFlags(t *testing.T) {
	dir := t.TempDir()
	load := func(file string, args ...string) (Config, error) {
		t.Helper()
		path := filepath.Join(dir, "validator.yaml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := validatorCmd()
		if err := cmd.ParseFlags(append([]string{"--config", path, "--hotkey", "v"}, args...)); err != nil {
			t.Fatal(err)
		}
		return loadConfig(cmd, commonFlags, validatorFlags)
	}
	cfg, err := load("netuid: 2\n")
	if err != nil || cfg.Validator.TasksPerMiner != 128 || cfg.Validator.ScoreEMAAlpha != 0.3 {
		t.Fatalf("defaults: tasks per miner %d alpha %v err %v", cfg.Validator.TasksPerMiner, cfg.Validator.ScoreEMAAlpha, err)
	}
	cfg, err = load("validator: {tasks_per_miner: 16, score_ema_alpha: 0.5}\n")
	if err != nil || cfg.Validator.TasksPerMiner != 16 || cfg.Validator.ScoreEMAAlpha != 0.5 {
		t.Fatalf("file: tasks per miner %d alpha %v err %v", cfg.Validator.TasksPerMiner, cfg.Validator.ScoreEMAAlpha, err)
	}
	cfg, err = load("validator: {tasks_per_miner: 16, score_ema_alpha: 0.5}\n", "--tasks-per-miner", "4", "--score-ema-alpha", "1")
	if err != nil || cfg.Validator.TasksPerMiner != 4 || cfg.Validator.ScoreEMAAlpha != 1 {
		t.Fatalf("flags over file: tasks per miner %d alpha %v err %v", cfg.Validator.TasksPerMiner, cfg.Validator.ScoreEMAAlpha, err)
	}
	cfg, err = load("validator: {tasks: 32}\n")
	if err != nil || cfg.Validator.TasksPerMiner != 32 || cfg.Validator.Tasks != 0 {
		t.Fatalf("old key tasks: tasks per miner %d err %v", cfg.Validator.TasksPerMiner, err)
	}
	cfg, err = load("netuid: 2\n", "--tasks", "8")
	if err != nil || cfg.Validator.TasksPerMiner != 8 {
		t.Fatalf("old flag --tasks: tasks per miner %d err %v", cfg.Validator.TasksPerMiner, err)
	}
	for _, bad := range []struct {
		file string
		args []string
	}{
		{"validator: {tasks: 32, tasks_per_miner: 16}\n", nil},
		{"netuid: 2\n", []string{"--score-ema-alpha", "0"}},
		{"validator: {score_ema_alpha: 1.5}\n", nil},
		{"netuid: 2\n", []string{"--tasks-per-miner", "0"}},
	} {
		if _, err := load(bad.file, bad.args...); err == nil {
			t.Fatalf("accepted %q %v", bad.file, bad.args)
		}
	}
}
