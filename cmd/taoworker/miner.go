package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/taochain/taochain/inference/auth"
	"github.com/taochain/taochain/inference/axon"
	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/federated"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/metagraph"
	"github.com/taochain/taochain/inference/model"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// axonVersion is the worker protocol version announced in MsgServeAxon.
const axonVersion = 2

func minerCmd() *cobra.Command {
	cmd := roleCmd("miner", "Serve a language model at an axon and announce it on chain", minerFlags, runMiner)
	_ = cmd.Flags().MarkDeprecated("openai-url", "use --model-url")
	_ = cmd.Flags().MarkDeprecated("openai-model", "use --model-name")
	return cmd
}

// modelProbeTimeout bounds the startup probe of a model server.
const modelProbeTimeout = 60 * time.Second

// buildModel returns the configured model. A model server is probed first: the miner does not
// start (and announce an axon) unless the server answers a scoring request correctly.
func buildModel(ctx context.Context, cfg MinerConfig, log *slog.Logger) (model.Model, error) {
	switch cfg.Model {
	case "ngram":
		if cfg.NGramOrder < 1 || cfg.NGramOrder > model.MaxOrder {
			return nil, fmt.Errorf("--order %d: outside [1, %d]", cfg.NGramOrder, model.MaxOrder)
		}
		text, err := trainingText(cfg)
		if err != nil {
			return nil, err
		}
		return model.Train(text, cfg.NGramOrder), nil
	case "server":
		res, err := probeServer(ctx, cfg)
		if err != nil {
			return nil, err
		}
		log.Info("model server answers scoring requests", "url", cfg.ModelURL, "model_api", res.API,
			"probe_likely_logprob", res.Likely, "probe_implausible_logprob", res.Implausible)
		return res.Model, nil
	}
	return nil, fmt.Errorf("--model %q: want ngram or server", cfg.Model)
}

// probeServer checks the model server flags and runs the scoring probe, naming the flags and URL
// when it fails.
func probeServer(ctx context.Context, cfg MinerConfig) (model.ProbeResult, error) {
	if cfg.ModelURL == "" {
		return model.ProbeResult{}, errors.New("--model server needs --model-url (miner.model_url), the model server's root, e.g. http://127.0.0.1:8080")
	}
	api, err := model.ParseAPI(cfg.ModelAPI)
	if err != nil {
		return model.ProbeResult{}, fmt.Errorf("--model-api: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, modelProbeTimeout)
	defer cancel()
	res, err := model.Probe(pctx, model.ServerConfig{BaseURL: cfg.ModelURL, Model: cfg.ModelName, APIKey: os.Getenv("OPENAI_API_KEY")}, api)
	if err != nil {
		return res, fmt.Errorf("the model server at --model-url %s does not answer a scoring request (--model-api %s): %w; "+
			"check it with `taoworker model-check --model-url %s`", cfg.ModelURL, api, err, cfg.ModelURL)
	}
	return res, nil
}

func runMiner(ctx context.Context, cfg Config, log *slog.Logger) error {
	kr, priv, signer, err := openHotkey(cfg.Keys)
	if err != nil {
		return err
	}
	var m model.Model
	if !cfg.Miner.Federated {
		start := time.Now()
		if m, err = buildModel(ctx, cfg.Miner, log); err != nil {
			return err
		}
		log.Info("model ready", "model", m.Name(), "took", time.Since(start).String())
	}

	client, err := chain.Dial(ctx, chain.Config{
		GRPCAddr: cfg.Chain.GRPC, ChainID: cfg.Chain.ChainID, Keyring: kr, GasPrice: cfg.Chain.GasPrices,
		GasAdjustment: cfg.Chain.GasAdjustment, Logger: log,
	})
	if err != nil {
		return err
	}
	defer client.Close()
	// Serving the axon costs a fee; say now, with the fix, if neither the hotkey nor its coldkey
	// can pay it, rather than failing every retry.
	if err := client.CheckKeyFees(ctx, cfg.Keys.Hotkey, cfg.Netuid); err != nil {
		return err
	}

	reg := prometheus.NewRegistry()
	refreshes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "taoworker", Subsystem: "miner", Name: "metagraph_refreshes_total",
		Help: "Metagraph refreshes of the permit cache by result.",
	}, []string{"result"})
	served := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: "taoworker", Subsystem: "miner", Name: "axon_served",
		Help: "1 once MsgServeAxon for this axon is included on chain.",
	})
	reg.MustRegister(refreshes, served)

	var updates axon.UpdateSource
	if cfg.Miner.Federated {
		start := time.Now()
		fm, follow, err := newFederatedMiner(cfg, priv, client.ChainID(), reg, log)
		if err != nil {
			return err
		}
		m = fm.Model()
		if !cfg.Miner.NoPublish {
			// A consumer's axon holds no updates; without a source it answers 404 saying so.
			updates = fm
		}
		log.Info("federated model ready", "model", m.Name(), "took", time.Since(start).String(), "privacy", fm.Status().Budget)
		hp, err := client.Hyperparameters(ctx, cfg.Netuid)
		if err != nil {
			return err
		}
		if !hp.Federated {
			return fmt.Errorf("--federated: subnet %d does not take model updates (its federated hyperparameter is off); "+
				"its owner turns it on with `taod tx subnet update-hyperparams`, or run the miner without --federated", cfg.Netuid)
		}
		// Publish, commit, fetch and merge once per poll, at the metagraph's refresh period.
		go func() {
			_ = fm.Run(ctx, federatedChain{client: client, netuid: cfg.Netuid, hotkey: cfg.Keys.Hotkey}, cfg.Miner.MetagraphRefresh)
		}()
		if follow != nil {
			go followCorpus(ctx, fm, follow, cfg.Miner.Corpus, cfg.Miner.MetagraphRefresh, log)
		}
	}

	permits := &metagraph.Refresher{
		Cache: &metagraph.Cache{}, MinInterval: time.Second, Timeout: 5 * time.Second,
		Fetch: func(ctx context.Context) ([]metagraph.Miner, []string, error) {
			mg, err := client.Metagraph(ctx, cfg.Netuid)
			if err != nil {
				refreshes.WithLabelValues("error").Inc()
				return nil, nil, err
			}
			refreshes.WithLabelValues("ok").Inc()
			miners, permitted := chain.Miners(mg)
			return miners, permitted, nil
		},
	}
	refresh := func() error { return permits.Refresh(ctx) }
	if err := refresh(); err != nil {
		log.Warn("first metagraph refresh failed; retrying in the background", "error", err)
	}

	verifier, err := auth.NewVerifier(auth.VerifierConfig{Self: signer.Address(), Authorize: permits.Permit})
	if err != nil {
		return err
	}
	srv, err := axon.New(axon.Config{
		Addr: cfg.Miner.Listen, Model: m, Signer: signer, Verifier: verifier, Updates: updates,
		RequestTimeout: cfg.Miner.RequestTimeout, Registry: reg, Logger: log,
	})
	if err != nil {
		return err
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve() }()
	log.Info("axon serving", "addr", srv.Addr(), "hotkey", signer.Address(), "netuid", cfg.Netuid)

	port := cfg.Miner.ExternalPort
	if port == 0 {
		_, p, _ := net.SplitHostPort(srv.Addr())
		n, _ := strconv.ParseUint(p, 10, 32)
		port = uint32(n)
	}
	go announce(ctx, client, cfg, signer.Address(), port, served, log)

	ticker := time.NewTicker(cfg.Miner.MetagraphRefresh)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			log.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				return err
			}
			return <-serveErr
		case err := <-serveErr:
			return err
		case <-ticker.C:
			if err := refresh(); err != nil {
				log.Warn("metagraph refresh failed", "error", err)
			}
		}
	}
}

// trainingText is the text a built-in n-gram miner trains on: --corpus, else part K/N of the
// shipped training split (--corpus-shard), else all of it.
func trainingText(cfg MinerConfig) (string, error) {
	if cfg.Corpus != "" {
		bz, err := os.ReadFile(cfg.Corpus)
		if err != nil {
			return "", fmt.Errorf("--corpus: %w", err)
		}
		return string(bz), nil
	}
	k, n, err := parseCorpusShard(cfg)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return federated.Shards(n)[k-1], nil
	}
	return corpus.Train(), nil
}

// newFederatedMiner returns the federated state of a miner: its training text's counts (the text
// stays here), the privacy ledger in the worker's home and the privacy gauges on reg. With
// --follow-corpus it also returns the follower of --corpus, past the text already counted.
func newFederatedMiner(cfg Config, key *secp256k1.PrivKey, chainID string, reg prometheus.Registerer, log *slog.Logger) (*fednode.Miner, *fednode.TextFollower, error) {
	if cfg.Miner.NGramOrder < 1 || cfg.Miner.NGramOrder > model.MaxOrder {
		return nil, nil, fmt.Errorf("--order %d: outside [1, %d]", cfg.Miner.NGramOrder, model.MaxOrder)
	}
	var text string
	var follow *fednode.TextFollower
	if cfg.Miner.FollowCorpus {
		follow = fednode.NewTextFollower(cfg.Miner.Corpus)
		t, _, err := follow.Read()
		if err != nil {
			return nil, nil, fmt.Errorf("--corpus: %w", err)
		}
		text = t
	} else {
		t, err := trainingText(cfg.Miner)
		if err != nil {
			return nil, nil, err
		}
		text = t
	}
	fm, err := fednode.NewMiner(fednode.Config{
		ChainID: chainID, Netuid: cfg.Netuid, Order: cfg.Miner.NGramOrder, Key: key, Privacy: cfg.Miner.Privacy(),
		BudgetEpsilon: cfg.Miner.PrivacyBudgetEpsilon, BudgetDelta: cfg.Miner.PrivacyBudgetDelta,
		StatePath: filepath.Join(cfg.Home, fednode.StateFile), HeldOut: corpus.HeldOut(), NoPublish: cfg.Miner.NoPublish,
		Registerer: reg, Logger: log,
	})
	if err != nil {
		return nil, nil, err
	}
	switch {
	case cfg.Miner.NoPublish:
		log.Warn("--no-publish: this miner merges its peers' updates but publishes none; validators give it no sharing score")
	case cfg.Miner.NoPrivacy:
		log.Warn("--no-privacy: updates publish exact clipped counts of the miner's text; they protect nothing of it")
	}
	fm.AddText(text)
	return fm, follow, nil
}

// followCorpus hands the text appended to --corpus to the federated miner every poll until ctx
// ends; a failed read is logged and tried again at the next poll.
func followCorpus(ctx context.Context, fm *fednode.Miner, follow *fednode.TextFollower, path string, poll time.Duration, log *slog.Logger) {
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		text, rotated, err := follow.Read()
		if err != nil {
			log.Warn("--follow-corpus: reading new text failed; retrying at the next poll", "error", err)
			continue
		}
		if rotated {
			log.Warn("--follow-corpus: the corpus file is shorter than what was read; reading it again from its start "+
				"(the text already counted stays counted)", "corpus", path)
		}
		if text != "" {
			fm.AddText(text)
			log.Info("new training text", "corpus", path, "chars", utf8.RuneCountInString(text))
		}
	}
}

// announce sends MsgServeAxon (signed and paid by the hotkey) until it is included, unless the
// chain already shows this endpoint. Retries back off from 1 s to 30 s and stop when ctx ends.
func announce(ctx context.Context, client *chain.Client, cfg Config, hotkey string, port uint32, served prometheus.Gauge, log *slog.Logger) {
	msg := &subnettypes.MsgServeAxon{
		Hotkey: hotkey, Netuid: uint32(cfg.Netuid), Host: cfg.Miner.ExternalHost, Port: port,
		Protocol: subnettypes.AXON_PROTOCOL_HTTP, Version: axonVersion,
	}
	b := chain.DefaultBackoff
	wait := b.Initial
	for attempt := 1; ; attempt++ {
		if mg, err := client.Metagraph(ctx, cfg.Netuid); err == nil {
			for _, n := range mg.Neurons {
				if n.Hotkey == hotkey && n.Axon.Host == msg.Host && n.Axon.Port == msg.Port && n.Axon.Version == msg.Version {
					log.Info("axon already on chain", "host", msg.Host, "port", msg.Port)
					served.Set(1)
					return
				}
			}
		}
		st, err := client.Send(ctx, cfg.Keys.Hotkey, msg)
		if err == nil {
			log.Info("axon served on chain", "host", msg.Host, "port", msg.Port, "height", st.Height)
			served.Set(1)
			return
		}
		log.Warn("MsgServeAxon failed; retrying", "attempt", attempt, "error", err, "retry_in", wait.String(),
			"next_retry", time.Now().Add(wait).Format(time.RFC3339))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, b.Max)
	}
}
