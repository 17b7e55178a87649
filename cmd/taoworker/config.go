package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v2"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/taochain/taochain/app"
	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/model"
	"github.com/taochain/taochain/inference/validator"
	"github.com/taochain/taochain/internal/logging"
)

// Config is the worker configuration: the YAML file given by --config, then flags on top.
type Config struct {
	// Home holds the worker's state (pending submission, commits, a federated miner's privacy
	// ledger).
	Home string `yaml:"home"`
	// LogFormat is "text" or "json".
	LogFormat string `yaml:"log_format"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// Netuid is the subnet served or evaluated.
	Netuid uint16 `yaml:"netuid"`
	// Chain is how to reach the chain.
	Chain ChainConfig `yaml:"chain"`
	// Keys names the keyring keys.
	Keys KeysConfig `yaml:"keys"`
	// Miner configures `taoworker miner`.
	Miner MinerConfig `yaml:"miner"`
	// Validator configures `taoworker validator`.
	Validator ValidatorConfig `yaml:"validator"`
}

// ChainConfig says how to reach the node.
type ChainConfig struct {
	// GRPC is the node's gRPC address.
	GRPC string `yaml:"grpc"`
	// ChainID is the chain id; empty means ask the node.
	ChainID string `yaml:"chain_id"`
	// GasPrices is the fee per gas unit, e.g. 0.001rao.
	GasPrices string `yaml:"gas_prices"`
	// GasAdjustment multiplies simulated gas.
	GasAdjustment float64 `yaml:"gas_adjustment"`
}

// KeysConfig names the keys in a taod keyring.
type KeysConfig struct {
	// KeyringDir is the directory holding keyring-<backend> (a taod home).
	KeyringDir string `yaml:"keyring_dir"`
	// KeyringBackend is test, file or os; empty means the keyring-backend of
	// <KeyringDir>/config/client.toml, else os (what taod does).
	KeyringBackend string `yaml:"keyring_backend"`
	// KeyringPassphraseFile holds the file backend's passphrase (first line); empty means
	// $TAOWORKER_KEYRING_PASSPHRASE, else ask on the terminal.
	KeyringPassphraseFile string `yaml:"keyring_passphrase_file"`
	// Hotkey is the key name of the neuron's hotkey.
	Hotkey string `yaml:"hotkey"`
	// From is the key name paying evaluation fees; empty means the hotkey pays.
	From string `yaml:"from"`
}

// MinerConfig configures the miner.
type MinerConfig struct {
	// Listen is the axon listen address.
	Listen string `yaml:"listen"`
	// ExternalHost is the host announced on chain (MsgServeAxon).
	ExternalHost string `yaml:"external_host"`
	// ExternalPort is the port announced on chain; 0 means the listen port.
	ExternalPort uint32 `yaml:"external_port"`
	// Model is "ngram" (the built-in character n-gram model) or "server" (a model server at
	// ModelURL; "openai" is its old name).
	Model string `yaml:"model"`
	// NGramOrder is the n-gram order (1..16).
	NGramOrder int `yaml:"ngram_order"`
	// Corpus is a training text file; empty means the shipped training split.
	Corpus string `yaml:"corpus"`
	// CorpusShard, "K/N", trains on the K-th of N contiguous parts of the shipped training split
	// instead of all of it (each part holds different topics): the private shards of the
	// federated demo. Empty means the whole split; it cannot be combined with Corpus.
	CorpusShard string `yaml:"corpus_shard"`
	// ModelURL is the model server's root, e.g. http://127.0.0.1:8080 (model "server").
	ModelURL string `yaml:"model_url"`
	// ModelName is the "model" field sent to the server (model "server").
	ModelName string `yaml:"model_name"`
	// ModelAPI is the request shape the server is asked with: auto, completions-echo, llamacpp or
	// chat; auto probes them in that order at start.
	ModelAPI string `yaml:"model_api"`
	// OpenAIURL is the old name of ModelURL, still read from config files.
	OpenAIURL string `yaml:"openai_url,omitempty"`
	// OpenAIModel is the old name of ModelName, still read from config files.
	OpenAIModel string `yaml:"openai_model,omitempty"`
	// MetagraphRefresh is how often the permit cache is refreshed.
	MetagraphRefresh time.Duration `yaml:"metagraph_refresh"`
	// RequestTimeout bounds each inference task.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// Federated makes the miner take part in federated learning (inference/fednode): it publishes
	// private count updates of its text at its axon and serves its model merged with its peers'.
	// It needs Model "ngram".
	Federated bool `yaml:"federated"`
	// PrivacyEpsilon and PrivacyDelta are ε and δ of each federated release.
	PrivacyEpsilon float64 `yaml:"privacy_epsilon"`
	PrivacyDelta   float64 `yaml:"privacy_delta"`
	// PrivacyBudgetEpsilon and PrivacyBudgetDelta are the total ε and δ the miner's text may
	// spend over all releases, kept across restarts in the home's privacy ledger.
	PrivacyBudgetEpsilon float64 `yaml:"privacy_budget_epsilon"`
	PrivacyBudgetDelta   float64 `yaml:"privacy_budget_delta"`
	// NoPrivacy publishes exact clipped counts, without noise or threshold: the updates then
	// protect nothing of the text. It is for measuring what sharing buys (the federated demo) and
	// for corpora that are public anyway; it spends no budget.
	NoPrivacy bool `yaml:"no_privacy"`
	// NoPublish makes a federated miner a consumer only: it merges its peers' updates but
	// publishes and commits none of its own, so its text spends no privacy budget and it earns no
	// sharing score; its axon answers update requests 404.
	NoPublish bool `yaml:"no_publish"`
	// FollowCorpus makes a federated miner keep reading text appended to Corpus while it runs
	// (as tail -f does) and train on it; its next update releases the new text.
	FollowCorpus bool `yaml:"follow_corpus"`
}

// Privacy is the federated release mechanism the config asks for: federated.DefaultPrivacy with
// its ε and δ.
func (m MinerConfig) Privacy() federated.Privacy {
	p := federated.DefaultPrivacy()
	p.Epsilon, p.Delta, p.Noiseless = m.PrivacyEpsilon, m.PrivacyDelta, m.NoPrivacy
	return p
}

// ValidatorConfig configures the validator.
type ValidatorConfig struct {
	// MetricsListen serves /metrics and /healthz; empty disables it.
	MetricsListen string `yaml:"metrics_listen"`
	// TasksPerMiner is the number of tasks each miner answers per epoch (one set, put to every
	// miner); a miner's epoch score comes from its mean gain over them.
	TasksPerMiner int `yaml:"tasks_per_miner"`
	// Tasks is the old name of TasksPerMiner, still read from config files.
	Tasks int `yaml:"tasks,omitempty"`
	// ScoreEMAAlpha is α of the per-miner score EMA submitted as weights, in (0, 1]; 1 keeps no memory.
	ScoreEMAAlpha float64 `yaml:"score_ema_alpha"`
	// PromptChars is the prompt length.
	PromptChars int `yaml:"prompt_chars"`
	// ContinuationChars is the candidate length.
	ContinuationChars int `yaml:"continuation_chars"`
	// Candidates is K, candidates per task.
	Candidates int `yaml:"candidates"`
	// Timeout bounds each request to a miner.
	Timeout time.Duration `yaml:"timeout"`
	// EpochBudget bounds querying all miners in one epoch.
	EpochBudget time.Duration `yaml:"epoch_budget"`
	// EvalCorpus is held-out text; empty means the shipped held-out split.
	EvalCorpus string `yaml:"eval_corpus"`
	// Sharpness is β of the score formula.
	Sharpness float64 `yaml:"sharpness"`
	// Floor is ε of the score formula.
	Floor float64 `yaml:"floor"`
	// Poll is how often the epoch is checked.
	Poll time.Duration `yaml:"poll"`
	// Federated makes the validator also score, on a federated subnet, the marginal value of the
	// model update each miner publishes (inference/fednode.SharingScorer), not only its served model.
	Federated bool `yaml:"federated"`
	// SharingWeight is s of a miner's epoch score (1−s)·quality + s·sharing, in [0, 1]; 0 scores
	// quality only.
	SharingWeight float64 `yaml:"sharing_weight"`
	// FederatedOrder is the n-gram order of the subnet's models: updates of another order are
	// refused.
	FederatedOrder int `yaml:"federated_order"`
}

// DefaultConfig returns the defaults documented in inference/README.md.
func DefaultConfig() Config {
	home, _ := os.UserHomeDir()
	privacy := federated.DefaultPrivacy()
	return Config{
		Home:      home + "/.taoworker",
		LogFormat: "text",
		LogLevel:  "info",
		Netuid:    1,
		Chain:     ChainConfig{GRPC: "127.0.0.1:9090", GasPrices: "0.001rao", GasAdjustment: chain.DefaultGasAdjustment},
		Keys:      KeysConfig{KeyringDir: app.DefaultNodeHome},
		Miner: MinerConfig{
			Listen: "127.0.0.1:8091", ExternalHost: "127.0.0.1", Model: "ngram", NGramOrder: 5, ModelAPI: "auto",
			MetagraphRefresh: 10 * time.Second, RequestTimeout: 10 * time.Second,
			PrivacyEpsilon: privacy.Epsilon, PrivacyDelta: privacy.Delta,
			PrivacyBudgetEpsilon: 10 * privacy.Epsilon, PrivacyBudgetDelta: 10 * privacy.Delta,
		},
		Validator: ValidatorConfig{
			MetricsListen: "127.0.0.1:9101", TasksPerMiner: 128, ScoreEMAAlpha: 0.3, PromptChars: 64, ContinuationChars: 2, Candidates: 8,
			Timeout: 3 * time.Second, EpochBudget: 6 * time.Second, Sharpness: 1, Floor: 0.05, Poll: time.Second,
			SharingWeight: validator.DefaultShareWeight, FederatedOrder: 5,
		},
	}
}

// binding ties one flag to one config field.
type binding struct {
	name, usage string
	bind        func(fs *pflag.FlagSet, c *Config)
}

func str(name, usage string, field func(*Config) *string) binding {
	return binding{name, usage, func(fs *pflag.FlagSet, c *Config) { fs.StringVar(field(c), name, *field(c), usage) }}
}

func integer(name, usage string, field func(*Config) *int) binding {
	return binding{name, usage, func(fs *pflag.FlagSet, c *Config) { fs.IntVar(field(c), name, *field(c), usage) }}
}

func dur(name, usage string, field func(*Config) *time.Duration) binding {
	return binding{name, usage, func(fs *pflag.FlagSet, c *Config) { fs.DurationVar(field(c), name, *field(c), usage) }}
}

func float(name, usage string, field func(*Config) *float64) binding {
	return binding{name, usage, func(fs *pflag.FlagSet, c *Config) { fs.Float64Var(field(c), name, *field(c), usage) }}
}

func boolean(name, usage string, field func(*Config) *bool) binding {
	return binding{name, usage, func(fs *pflag.FlagSet, c *Config) { fs.BoolVar(field(c), name, *field(c), usage) }}
}

func u16(name, usage string, field func(*Config) *uint16) binding {
	return binding{name, usage, func(fs *pflag.FlagSet, c *Config) { fs.Uint16Var(field(c), name, *field(c), usage) }}
}

func u32(name, usage string, field func(*Config) *uint32) binding {
	return binding{name, usage, func(fs *pflag.FlagSet, c *Config) { fs.Uint32Var(field(c), name, *field(c), usage) }}
}

var commonFlags = []binding{
	str("home", "worker state directory (pending submission, commits)", func(c *Config) *string { return &c.Home }),
	str("log-format", "log format: text or json", func(c *Config) *string { return &c.LogFormat }),
	str("log-level", "log level: debug, info, warn, error", func(c *Config) *string { return &c.LogLevel }),
	u16("netuid", "subnet to serve or evaluate", func(c *Config) *uint16 { return &c.Netuid }),
	str("grpc", "node gRPC address", func(c *Config) *string { return &c.Chain.GRPC }),
	str("chain-id", "chain id (empty: ask the node)", func(c *Config) *string { return &c.Chain.ChainID }),
	str("gas-prices", "fee per gas unit", func(c *Config) *string { return &c.Chain.GasPrices }),
	float("gas-adjustment", "multiplier on simulated gas", func(c *Config) *float64 { return &c.Chain.GasAdjustment }),
	str("keyring-dir", "directory holding keyring-<backend> (a taod home)", func(c *Config) *string { return &c.Keys.KeyringDir }),
	str("keyring-backend", "keyring backend: test, file or os (empty: keyring-backend of <keyring-dir>/config/client.toml, else os)",
		func(c *Config) *string { return &c.Keys.KeyringBackend }),
	str("keyring-passphrase-file", "file whose first line is the file keyring's passphrase (else $"+passphraseEnv+", else the terminal)",
		func(c *Config) *string { return &c.Keys.KeyringPassphraseFile }),
	str("hotkey", "keyring name of the neuron's hotkey", func(c *Config) *string { return &c.Keys.Hotkey }),
}

// modelServerFlags say how to reach a model server; shared by `miner` and `model-check`.
var modelServerFlags = []binding{
	str("model-url", "model server root, e.g. http://127.0.0.1:8080 (--model server)", func(c *Config) *string { return &c.Miner.ModelURL }),
	str("model-name", "model name sent to the server (--model server; llama.cpp ignores it)", func(c *Config) *string { return &c.Miner.ModelName }),
	str("model-api", "request shape: auto, completions-echo (vLLM), llamacpp (llama.cpp /completion) or chat (chat completions with logprobs)",
		func(c *Config) *string { return &c.Miner.ModelAPI }),
	str("openai-url", "old name of --model-url", func(c *Config) *string { return &c.Miner.OpenAIURL }),
	str("openai-model", "old name of --model-name", func(c *Config) *string { return &c.Miner.OpenAIModel }),
}

var minerFlags = append([]binding{
	str("listen", "axon listen address", func(c *Config) *string { return &c.Miner.Listen }),
	str("external-host", "axon host announced on chain", func(c *Config) *string { return &c.Miner.ExternalHost }),
	u32("external-port", "axon port announced on chain (0: the listen port)", func(c *Config) *uint32 { return &c.Miner.ExternalPort }),
	str("model", "model: ngram (built in) or server (a model server at --model-url)", func(c *Config) *string { return &c.Miner.Model }),
	integer("order", "n-gram order (1..16)", func(c *Config) *int { return &c.Miner.NGramOrder }),
	str("corpus", "training text file (empty: the shipped training split)", func(c *Config) *string { return &c.Miner.Corpus }),
	str("corpus-shard", "train on part K/N of the shipped training split (e.g. 2/4; each part holds different topics), not all of it",
		func(c *Config) *string { return &c.Miner.CorpusShard }),
	dur("metagraph-refresh", "permit cache refresh period", func(c *Config) *time.Duration { return &c.Miner.MetagraphRefresh }),
	dur("request-timeout", "deadline of one inference task", func(c *Config) *time.Duration { return &c.Miner.RequestTimeout }),
	boolean("federated", "take part in federated learning: publish private count updates, serve the model merged with peers' (--model ngram)",
		func(c *Config) *bool { return &c.Miner.Federated }),
	float("privacy-epsilon", "ε of each federated release (> 0)", func(c *Config) *float64 { return &c.Miner.PrivacyEpsilon }),
	float("privacy-delta", "δ of each federated release, in (0, 1)", func(c *Config) *float64 { return &c.Miner.PrivacyDelta }),
	float("privacy-budget-epsilon", "total ε of all federated releases, kept across restarts (≥ --privacy-epsilon)",
		func(c *Config) *float64 { return &c.Miner.PrivacyBudgetEpsilon }),
	float("privacy-budget-delta", "total δ of all federated releases, kept across restarts (≥ --privacy-delta, < 1)",
		func(c *Config) *float64 { return &c.Miner.PrivacyBudgetDelta }),
	boolean("no-privacy", "publish exact clipped counts without noise: updates then protect nothing of the text (for public corpora and measurements)",
		func(c *Config) *bool { return &c.Miner.NoPrivacy }),
	boolean("no-publish", "merge peers' updates but publish and commit none of this miner's own: spends no privacy budget, earns no sharing score (--federated)",
		func(c *Config) *bool { return &c.Miner.NoPublish }),
	boolean("follow-corpus", "keep reading text appended to --corpus while running and train on it; the next update releases it (--federated)",
		func(c *Config) *bool { return &c.Miner.FollowCorpus }),
}, modelServerFlags...)

var validatorFlags = []binding{
	str("from", "keyring name of the fee payer (empty: the hotkey pays)", func(c *Config) *string { return &c.Keys.From }),
	str("metrics-listen", "address serving /metrics (empty: off)", func(c *Config) *string { return &c.Validator.MetricsListen }),
	integer("tasks-per-miner", "tasks each miner answers per epoch (the same set for every miner)", func(c *Config) *int { return &c.Validator.TasksPerMiner }),
	integer("tasks", "old name of --tasks-per-miner", func(c *Config) *int { return &c.Validator.TasksPerMiner }),
	float("score-ema-alpha", "weight of the newest epoch in each miner's score EMA, in (0, 1]; 1: no memory", func(c *Config) *float64 { return &c.Validator.ScoreEMAAlpha }),
	integer("prompt-chars", "prompt length in characters", func(c *Config) *int { return &c.Validator.PromptChars }),
	integer("continuation-chars", "candidate length in characters", func(c *Config) *int { return &c.Validator.ContinuationChars }),
	integer("candidates", "candidates per task (true one + decoys)", func(c *Config) *int { return &c.Validator.Candidates }),
	dur("timeout", "deadline of one request to a miner", func(c *Config) *time.Duration { return &c.Validator.Timeout }),
	dur("epoch-budget", "deadline of querying all miners in an epoch", func(c *Config) *time.Duration { return &c.Validator.EpochBudget }),
	str("eval-corpus", "held-out text file (empty: the shipped held-out split)", func(c *Config) *string { return &c.Validator.EvalCorpus }),
	float("sharpness", "score sharpness β", func(c *Config) *float64 { return &c.Validator.Sharpness }),
	float("floor", "score floor ε", func(c *Config) *float64 { return &c.Validator.Floor }),
	dur("poll", "epoch polling period", func(c *Config) *time.Duration { return &c.Validator.Poll }),
	boolean("federated", "federated subnet: also score the marginal value of each miner's published model update",
		func(c *Config) *bool { return &c.Validator.Federated }),
	float("sharing-weight", "weight s of sharing in a miner's epoch score (1−s)·quality + s·sharing, in [0, 1]; 0: quality only (--federated)",
		func(c *Config) *float64 { return &c.Validator.SharingWeight }),
	integer("federated-order", "n-gram order of the subnet's models, 1..16 (--federated)", func(c *Config) *int { return &c.Validator.FederatedOrder }),
}

// roleCmd is the command of one worker role: config file and flags (common plus the role's), the
// logger, then run until the command's context ends.
func roleCmd(use, short string, roleFlags []binding, run func(context.Context, Config, *slog.Logger) error) *cobra.Command {
	scratch := DefaultConfig()
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd, commonFlags, roleFlags)
			if err != nil {
				return err
			}
			log, err := newLogger(cfg)
			if err != nil {
				return err
			}
			return run(cmd.Context(), cfg, log)
		},
	}
	addFlags(cmd, &scratch, commonFlags, roleFlags)
	return cmd
}

// addFlags registers bindings on cmd against a scratch config holding the defaults.
func addFlags(cmd *cobra.Command, scratch *Config, bs ...[]binding) {
	for _, group := range bs {
		for _, b := range group {
			b.bind(cmd.Flags(), scratch)
		}
	}
	cmd.Flags().String("config", "", "YAML config file; flags override it")
}

// loadConfig reads the file named by --config over the defaults, then applies every flag the user
// set, so flags always win over the file.
func loadConfig(cmd *cobra.Command, bs ...[]binding) (Config, error) {
	cfg, err := readConfig(cmd, bs...)
	if err != nil {
		return cfg, err
	}
	return cfg, validateConfig(&cfg)
}

// readConfig reads the file named by --config over the defaults, then applies every flag of bs
// the user set.
func readConfig(cmd *cobra.Command, bs ...[]binding) (Config, error) {
	cfg := DefaultConfig()
	path, _ := cmd.Flags().GetString("config")
	if path != "" {
		bz, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		if err := yaml.UnmarshalStrict(bz, &cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
		if err := adoptLegacyTasks(bz, &cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	// Re-bind every flag onto a throwaway set pointing at cfg and copy the values that were set.
	for _, group := range bs {
		for _, b := range group {
			f := cmd.Flags().Lookup(b.name)
			if f == nil || !f.Changed {
				continue
			}
			fs := pflag.NewFlagSet("apply", pflag.ContinueOnError)
			b.bind(fs, &cfg)
			if err := fs.Set(b.name, f.Value.String()); err != nil {
				return cfg, fmt.Errorf("flag --%s: %w", b.name, err)
			}
		}
	}
	return cfg, nil
}

// validateConfig checks a worker role's config and resolves the keyring backend.
func validateConfig(cfg *Config) error {
	if cfg.Keys.Hotkey == "" {
		return errors.New("config: a hotkey (--hotkey or keys.hotkey) is required")
	}
	if cfg.Validator.TasksPerMiner < 1 {
		return fmt.Errorf("config: --tasks-per-miner %d: want at least 1", cfg.Validator.TasksPerMiner)
	}
	if a := cfg.Validator.ScoreEMAAlpha; !(a > 0 && a <= 1) {
		return fmt.Errorf("config: --score-ema-alpha %v: must be in (0, 1]", a)
	}
	if cfg.Chain.GasAdjustment < 1 {
		return fmt.Errorf("config: --gas-adjustment %v: must be at least 1", cfg.Chain.GasAdjustment)
	}
	if _, err := sdk.ParseDecCoin(cfg.Chain.GasPrices); err != nil {
		return fmt.Errorf("config: --gas-prices %q: %w", cfg.Chain.GasPrices, err)
	}
	if err := adoptLegacyModelFields(&cfg.Miner); err != nil {
		return err
	}
	if _, _, err := parseCorpusShard(cfg.Miner); err != nil {
		return err
	}
	if err := validateFederated(cfg.Miner); err != nil {
		return err
	}
	if err := validateFederatedValidator(cfg.Validator); err != nil {
		return err
	}
	backend, err := chain.ResolveKeyringBackend(cfg.Keys.KeyringDir, cfg.Keys.KeyringBackend)
	if err != nil {
		return fmt.Errorf("config: --keyring-backend not given and %w", err)
	}
	cfg.Keys.KeyringBackend = backend
	return nil
}

// maxCorpusShards bounds N of --corpus-shard K/N: the shipped training split has a few hundred
// paragraphs, and a part should hold several.
const maxCorpusShards = 64

// parseCorpusShard returns K and N of --corpus-shard K/N (0, 0 when it is not set).
func parseCorpusShard(m MinerConfig) (k, n int, err error) {
	if m.CorpusShard == "" {
		return 0, 0, nil
	}
	bad := func(why string) error {
		return fmt.Errorf("config: --corpus-shard (miner.corpus_shard) %q: %s; want K/N with 1 ≤ K ≤ N ≤ %d, e.g. 2/4", m.CorpusShard, why, maxCorpusShards)
	}
	if m.Corpus != "" {
		return 0, 0, bad("--corpus is set too; a miner trains on one text")
	}
	ks, ns, ok := strings.Cut(m.CorpusShard, "/")
	if !ok {
		return 0, 0, bad("no /")
	}
	if k, err = strconv.Atoi(strings.TrimSpace(ks)); err != nil {
		return 0, 0, bad("K is not a number")
	}
	if n, err = strconv.Atoi(strings.TrimSpace(ns)); err != nil {
		return 0, 0, bad("N is not a number")
	}
	if n < 1 || n > maxCorpusShards || k < 1 || k > n {
		return 0, 0, bad("out of range")
	}
	return k, n, nil
}

// validateFederated checks the federated miner settings when --federated is on.
func validateFederated(m MinerConfig) error {
	if !m.Federated {
		switch {
		case m.NoPublish:
			return errors.New("config: --no-publish (miner.no_publish) is for federated miners: add --federated")
		case m.FollowCorpus:
			return errors.New("config: --follow-corpus (miner.follow_corpus) is for federated miners: add --federated")
		}
		return nil
	}
	if m.FollowCorpus && m.Corpus == "" {
		return errors.New("config: --follow-corpus (miner.follow_corpus) needs --corpus, the file to follow")
	}
	if m.Model != "ngram" {
		return fmt.Errorf("config: --federated (miner.federated) needs --model ngram, whose counts are what miners share; got --model %s", m.Model)
	}
	finite := func(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }
	switch {
	case !(m.PrivacyEpsilon > 0) || !finite(m.PrivacyEpsilon):
		return fmt.Errorf("config: --privacy-epsilon (miner.privacy_epsilon) %v: must be positive and finite", m.PrivacyEpsilon)
	case !(m.PrivacyDelta > 0 && m.PrivacyDelta < 1):
		return fmt.Errorf("config: --privacy-delta (miner.privacy_delta) %v: must be in (0, 1)", m.PrivacyDelta)
	case !(m.PrivacyBudgetEpsilon >= m.PrivacyEpsilon) || !finite(m.PrivacyBudgetEpsilon):
		return fmt.Errorf("config: --privacy-budget-epsilon (miner.privacy_budget_epsilon) %v: must be finite and at least --privacy-epsilon %v, one release",
			m.PrivacyBudgetEpsilon, m.PrivacyEpsilon)
	case !(m.PrivacyBudgetDelta >= m.PrivacyDelta && m.PrivacyBudgetDelta < 1):
		return fmt.Errorf("config: --privacy-budget-delta (miner.privacy_budget_delta) %v: must be in [--privacy-delta %v, 1)",
			m.PrivacyBudgetDelta, m.PrivacyDelta)
	}
	return m.Privacy().Validate()
}

// validateFederatedValidator checks the federated validator settings when --federated is on.
func validateFederatedValidator(v ValidatorConfig) error {
	if !v.Federated {
		return nil
	}
	if !(v.SharingWeight >= 0 && v.SharingWeight <= 1) {
		return fmt.Errorf("config: --sharing-weight (validator.sharing_weight) %v: must be in [0, 1]", v.SharingWeight)
	}
	if v.FederatedOrder < 1 || v.FederatedOrder > model.MaxOrder {
		return fmt.Errorf("config: --federated-order (validator.federated_order) %d: must be in [1, %d]", v.FederatedOrder, model.MaxOrder)
	}
	return nil
}

// passphraseEnv names the environment variable holding the file keyring's passphrase.
const passphraseEnv = "TAOWORKER_KEYRING_PASSPHRASE"

// keyringOptions turns the keys config into where and how to open the keyring, reading the
// passphrase from --keyring-passphrase-file or $TAOWORKER_KEYRING_PASSPHRASE.
func keyringOptions(keys KeysConfig) (chain.KeyringOptions, error) {
	o := chain.KeyringOptions{Dir: keys.KeyringDir, Backend: keys.KeyringBackend, Passphrase: os.Getenv(passphraseEnv)}
	if keys.KeyringPassphraseFile != "" {
		bz, err := os.ReadFile(keys.KeyringPassphraseFile)
		if err != nil {
			return o, fmt.Errorf("--keyring-passphrase-file: %w", err)
		}
		o.Passphrase, _, _ = strings.Cut(string(bz), "\n")
		o.Passphrase = strings.TrimRight(o.Passphrase, "\r")
		if o.Passphrase == "" {
			return o, fmt.Errorf("--keyring-passphrase-file %s: the first line is empty", keys.KeyringPassphraseFile)
		}
	}
	return o, nil
}

// adoptLegacyModelFields moves openai_url / openai_model (--openai-url / --openai-model), the old
// names of model_url / model_name, over; giving an old and a new name with different values is an
// error.
func adoptLegacyModelFields(m *MinerConfig) error {
	for _, f := range []struct {
		oldName, newName string
		old, cur         *string
	}{
		{"--openai-url (miner.openai_url)", "--model-url (miner.model_url)", &m.OpenAIURL, &m.ModelURL},
		{"--openai-model (miner.openai_model)", "--model-name (miner.model_name)", &m.OpenAIModel, &m.ModelName},
	} {
		if *f.old == "" {
			continue
		}
		if *f.cur != "" && *f.cur != *f.old {
			return fmt.Errorf("config: %s is the old name of %s: give only one", f.oldName, f.newName)
		}
		*f.cur, *f.old = *f.old, ""
	}
	if m.Model == "openai" {
		m.Model = "server"
	}
	return nil
}

// adoptLegacyTasks moves validator.tasks, the old name of validator.tasks_per_miner, over, so
// that config files written before the rename keep working; giving both is an error.
func adoptLegacyTasks(file []byte, cfg *Config) error {
	if cfg.Validator.Tasks == 0 {
		return nil
	}
	var probe struct {
		Validator struct {
			TasksPerMiner *int `yaml:"tasks_per_miner"`
		} `yaml:"validator"`
	}
	if err := yaml.Unmarshal(file, &probe); err != nil {
		return err
	}
	if probe.Validator.TasksPerMiner != nil {
		return errors.New("validator.tasks is the old name of validator.tasks_per_miner: give only one")
	}
	cfg.Validator.TasksPerMiner, cfg.Validator.Tasks = cfg.Validator.Tasks, 0
	return nil
}

// openHotkey opens the configured keyring and returns it with the hotkey's private key and the
// signer that authenticates axon traffic with it.
func openHotkey(keys KeysConfig) (keyring.Keyring, *secp256k1.PrivKey, *auth.Signer, error) {
	opts, err := keyringOptions(keys)
	if err != nil {
		return nil, nil, nil, err
	}
	kr, err := opts.Open()
	if err != nil {
		return nil, nil, nil, err
	}
	for _, name := range []string{keys.Hotkey, keys.From} {
		if name == "" {
			continue
		}
		if err := chain.RequireKey(kr, opts, name); err != nil {
			return nil, nil, nil, err
		}
	}
	priv, err := chain.HotkeyPrivKey(kr, keys.Hotkey)
	if err != nil {
		return nil, nil, nil, err
	}
	signer, err := auth.NewSigner(priv)
	if err != nil {
		return nil, nil, nil, err
	}
	return kr, priv, signer, nil
}

// newLogger builds the slog logger the config asks for.
func newLogger(cfg Config) (*slog.Logger, error) {
	return logging.New(os.Stderr, cfg.LogFormat, cfg.LogLevel)
}
