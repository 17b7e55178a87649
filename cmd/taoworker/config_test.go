package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/federated"
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

// TestKeyringDefaultsMatchTaod: the keyring lives in taod's home, the backend comes from the flag,
// else the home's client.toml, else os; a missing hotkey is reported with where it was looked for.
func TestKeyringDefaultsMatchTaod(t *testing.T) {
	if got := DefaultConfig().Keys.KeyringDir; got != app.DefaultNodeHome || filepath.Base(got) != ".taochain" {
		t.Fatalf("default keyring dir %q, want taod's home %q", got, app.DefaultNodeHome)
	}
	home := t.TempDir()
	load := func(args ...string) Config {
		t.Helper()
		cmd := minerCmd()
		if err := cmd.ParseFlags(append([]string{"--hotkey", "miner1-hot", "--keyring-dir", home}, args...)); err != nil {
			t.Fatal(err)
		}
		cfg, err := loadConfig(cmd, commonFlags, minerFlags)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	if b := load().Keys.KeyringBackend; b != "os" {
		t.Fatalf("no client.toml: backend %q, want os", b)
	}
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config", "client.toml"), []byte("keyring-backend = \"test\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := load()
	if cfg.Keys.KeyringBackend != "test" {
		t.Fatalf("client.toml says test: backend %q", cfg.Keys.KeyringBackend)
	}
	if b := load("--keyring-backend", "file").Keys.KeyringBackend; b != "file" {
		t.Fatalf("flag file: backend %q", b)
	}

	_, _, _, err := openHotkey(cfg.Keys)
	if err == nil {
		t.Fatal("missing hotkey accepted")
	}
	for _, want := range []string{`"miner1-hot"`, home, "test keyring", "taod keys add miner1-hot --home " + home + " --keyring-backend test"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestKeyringPassphraseSources: --keyring-passphrase-file wins over $TAOWORKER_KEYRING_PASSPHRASE;
// only its first line counts, and an empty one is refused.
func TestKeyringPassphraseSources(t *testing.T) {
	t.Setenv(passphraseEnv, "from-environment")
	o, err := keyringOptions(KeysConfig{KeyringDir: "/x", KeyringBackend: "file"})
	if err != nil || o.Passphrase != "from-environment" {
		t.Fatalf("env: %q %v", o.Passphrase, err)
	}
	path := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(path, []byte("from-the-file\r\nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err = keyringOptions(KeysConfig{KeyringDir: "/x", KeyringBackend: "file", KeyringPassphraseFile: path})
	if err != nil || o.Passphrase != "from-the-file" {
		t.Fatalf("file: %q %v", o.Passphrase, err)
	}
	if err := os.WriteFile(path, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := keyringOptions(KeysConfig{KeyringPassphraseFile: path}); err == nil || !strings.Contains(err.Error(), "--keyring-passphrase-file") {
		t.Fatalf("empty passphrase file: %v", err)
	}
}

// TestModelServerFlags: --model-url/--model-name and their old names --openai-url/--openai-model
// (and YAML openai_url) fill the same settings, `--model openai` means server, and an old and a
// new name with different values is refused naming both flags.
func TestModelServerFlags(t *testing.T) {
	dir := t.TempDir()
	cfg, err := loadMinerConfig(t, dir, "netuid: 1\n", "--model", "openai", "--openai-url", "http://a:1", "--openai-model", "m1")
	if err != nil || cfg.Miner.Model != "server" || cfg.Miner.ModelURL != "http://a:1" || cfg.Miner.ModelName != "m1" || cfg.Miner.ModelAPI != "auto" {
		t.Fatalf("old flags: %+v %v", cfg.Miner, err)
	}
	cfg, err = loadMinerConfig(t, dir, "miner: {model: server, openai_url: \"http://b:2\"}\n")
	if err != nil || cfg.Miner.ModelURL != "http://b:2" {
		t.Fatalf("old YAML key: %+v %v", cfg.Miner, err)
	}
	cfg, err = loadMinerConfig(t, dir, "miner: {model: server, model_url: \"http://b:2\", model_api: llamacpp}\n", "--model-url", "http://c:3")
	if err != nil || cfg.Miner.ModelURL != "http://c:3" || cfg.Miner.ModelAPI != "llamacpp" {
		t.Fatalf("flag over file: %+v %v", cfg.Miner, err)
	}
	_, err = loadMinerConfig(t, dir, "netuid: 1\n", "--model-url", "http://a:1", "--openai-url", "http://b:2")
	if err == nil || !strings.Contains(err.Error(), "--openai-url") || !strings.Contains(err.Error(), "--model-url") {
		t.Fatalf("conflicting old and new names: %v", err)
	}
	for _, bad := range [][]string{{"--gas-prices", "cheap"}, {"--gas-adjustment", "0.5"}} {
		_, err := loadMinerConfig(t, dir, "netuid: 1\n", bad...)
		if err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Fatalf("%v: error %v does not name the flag", bad, err)
		}
	}
}

// TestFederatedConfig: the federated miner settings default to federated.DefaultPrivacy with a
// budget of ten releases, come from the file with flags on top, are checked only with
// --federated, and a bad value is refused naming the flag and what is allowed; --no-publish and
// --follow-corpus are refused without --federated, --follow-corpus also without --corpus.
func TestFederatedConfig(t *testing.T) {
	dir := t.TempDir()
	def := federated.DefaultPrivacy()
	cfg, err := loadMinerConfig(t, dir, "netuid: 1\n")
	if err != nil || cfg.Miner.Federated || cfg.Miner.Privacy() != def ||
		cfg.Miner.PrivacyBudgetEpsilon != 10*def.Epsilon || cfg.Miner.PrivacyBudgetDelta != 10*def.Delta {
		t.Fatalf("defaults: %+v %v", cfg.Miner, err)
	}
	cfg, err = loadMinerConfig(t, dir, "miner: {federated: true, privacy_epsilon: 0.5, privacy_budget_epsilon: 4}\n", "--privacy-delta", "1e-7", "--privacy-budget-epsilon", "3")
	if err != nil || !cfg.Miner.Federated || cfg.Miner.PrivacyEpsilon != 0.5 || cfg.Miner.PrivacyDelta != 1e-7 ||
		cfg.Miner.PrivacyBudgetEpsilon != 3 || cfg.Miner.PrivacyBudgetDelta != 10*def.Delta {
		t.Fatalf("file then flags: %+v %v", cfg.Miner, err)
	}
	if p := cfg.Miner.Privacy(); p.Epsilon != 0.5 || p.Delta != 1e-7 || p.Clip != def.Clip || p.Noiseless {
		t.Fatalf("privacy %+v", p)
	}
	// Out-of-range values are ignored while the miner is not federated.
	if _, err := loadMinerConfig(t, dir, "netuid: 1\n", "--privacy-epsilon", "0"); err != nil {
		t.Fatalf("non-federated miner with --privacy-epsilon 0: %v", err)
	}
	cfg, err = loadMinerConfig(t, dir, "miner: {federated: true, no_publish: true, corpus: text.txt}\n", "--follow-corpus")
	if err != nil || !cfg.Miner.NoPublish || !cfg.Miner.FollowCorpus {
		t.Fatalf("no_publish and --follow-corpus: %+v %v", cfg.Miner, err)
	}
	for _, flag := range []string{"--no-publish", "--follow-corpus"} {
		if _, err := loadMinerConfig(t, dir, "netuid: 1\n", flag); err == nil || !strings.Contains(err.Error(), flag+" (miner.") || !strings.Contains(err.Error(), "add --federated") {
			t.Errorf("%s without --federated: error %v, want it to ask for --federated", flag, err)
		}
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "server", "--model-url", "http://a:1"}, "needs --model ngram"},
		{[]string{"--privacy-epsilon", "0"}, "--privacy-epsilon (miner.privacy_epsilon) 0: must be positive and finite"},
		{[]string{"--privacy-epsilon", "+Inf"}, "--privacy-epsilon"},
		{[]string{"--privacy-delta", "0"}, "--privacy-delta (miner.privacy_delta) 0: must be in (0, 1)"},
		{[]string{"--privacy-delta", "1"}, "--privacy-delta"},
		{[]string{"--privacy-budget-epsilon", "0.5"}, "--privacy-budget-epsilon (miner.privacy_budget_epsilon) 0.5: must be finite and at least --privacy-epsilon 1"},
		{[]string{"--privacy-budget-delta", "1e-7"}, "--privacy-budget-delta (miner.privacy_budget_delta) 1e-07: must be in [--privacy-delta 1e-06, 1)"},
		{[]string{"--privacy-budget-delta", "1"}, "--privacy-budget-delta"},
		{[]string{"--follow-corpus"}, "--follow-corpus (miner.follow_corpus) needs --corpus"},
	} {
		_, err := loadMinerConfig(t, dir, "netuid: 1\n", append([]string{"--federated"}, bad.args...)...)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: error %v, want it to say %q", bad.args, err, bad.want)
		}
	}
}

// TestValidatorFederatedConfig: the federated validator settings default to a sharing weight of
// 0.5 and order 5, come from the file with flags on top, are checked only with --federated, and a
// bad value is refused naming the flag and the allowed range.
func TestValidatorFederatedConfig(t *testing.T) {
	dir := t.TempDir()
	load := func(file string, args ...string) (Config, error) {
		t.Helper()
		path := filepath.Join(dir, "validator.yaml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := validatorCmd()
		if err := cmd.ParseFlags(append([]string{"--config", path, "--hotkey", "v", "--keyring-backend", "test"}, args...)); err != nil {
			t.Fatal(err)
		}
		return loadConfig(cmd, commonFlags, validatorFlags)
	}
	cfg, err := load("netuid: 1\n")
	if err != nil || cfg.Validator.Federated || cfg.Validator.SharingWeight != 0.5 || cfg.Validator.FederatedOrder != 5 {
		t.Fatalf("defaults: %+v %v", cfg.Validator, err)
	}
	cfg, err = load("validator: {federated: true, sharing_weight: 0.25, federated_order: 4}\n", "--sharing-weight", "0.75")
	if err != nil || !cfg.Validator.Federated || cfg.Validator.SharingWeight != 0.75 || cfg.Validator.FederatedOrder != 4 {
		t.Fatalf("file then flags: %+v %v", cfg.Validator, err)
	}
	for _, w := range []string{"0", "1"} {
		if _, err := load("netuid: 1\n", "--federated", "--sharing-weight", w); err != nil {
			t.Fatalf("--sharing-weight %s: %v", w, err)
		}
	}
	// Out-of-range values are ignored while the validator is not federated.
	if _, err := load("netuid: 1\n", "--sharing-weight", "2"); err != nil {
		t.Fatalf("non-federated validator with --sharing-weight 2: %v", err)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--sharing-weight", "-0.1"}, "--sharing-weight (validator.sharing_weight) -0.1: must be in [0, 1]"},
		{[]string{"--sharing-weight", "1.5"}, "--sharing-weight (validator.sharing_weight) 1.5: must be in [0, 1]"},
		{[]string{"--sharing-weight", "NaN"}, "--sharing-weight"},
		{[]string{"--federated-order", "0"}, "--federated-order (validator.federated_order) 0: must be in [1, 16]"},
		{[]string{"--federated-order", "17"}, "--federated-order (validator.federated_order) 17: must be in [1, 16]"},
	} {
		_, err := load("netuid: 1\n", append([]string{"--federated"}, bad.args...)...)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: error %v, want it to say %q", bad.args, err, bad.want)
		}
	}
}

// TestCorpusShard: --corpus-shard K/N trains on the K-th part of the shipped training split, read
// from a flag or the config file; malformed or conflicting values are refused with what is
// allowed.
func TestCorpusShard(t *testing.T) {
	dir := t.TempDir()
	shards := federated.Shards(4)
	for _, c := range []struct {
		file string
		args []string
		want string
	}{
		{"netuid: 1\n", []string{"--corpus-shard", "2/4"}, shards[1]},
		{"miner: {corpus_shard: 4/4}\n", nil, shards[3]},
		{"netuid: 1\n", nil, corpus.Train()},
	} {
		cfg, err := loadMinerConfig(t, dir, c.file, c.args...)
		if err != nil {
			t.Fatalf("%q %v: %v", c.file, c.args, err)
		}
		text, err := trainingText(cfg.Miner)
		if err != nil || text != c.want {
			t.Errorf("%q %v: trained on %d characters (%v), want %d", c.file, c.args, len(text), err, len(c.want))
		}
	}
	for _, bad := range []string{"0/4", "5/4", "1/0", "1/65", "2", "a/4", "2/b"} {
		if _, err := loadMinerConfig(t, dir, "netuid: 1\n", "--corpus-shard", bad); err == nil || !strings.Contains(err.Error(), "want K/N with 1 ≤ K ≤ N ≤ 64") {
			t.Errorf("--corpus-shard %s: error %v, want it refused with what is allowed", bad, err)
		}
	}
	if _, err := loadMinerConfig(t, dir, "netuid: 1\n", "--corpus-shard", "1/4", "--corpus", "text.txt"); err == nil || !strings.Contains(err.Error(), "--corpus is set too") {
		t.Errorf("--corpus-shard with --corpus: error %v, want it refused", err)
	}
}

// loadMinerConfig writes file as dir/miner.yaml and loads a miner's config from it with args on
// top of --hotkey m --keyring-backend test.
func loadMinerConfig(t *testing.T, dir, file string, args ...string) (Config, error) {
	t.Helper()
	path := filepath.Join(dir, "miner.yaml")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := minerCmd()
	if err := cmd.ParseFlags(append([]string{"--config", path, "--hotkey", "m", "--keyring-backend", "test"}, args...)); err != nil {
		t.Fatal(err)
	}
	return loadConfig(cmd, commonFlags, minerFlags)
}
