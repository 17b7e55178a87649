package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/inference/corpus"
	"github.com/taochain/taochain/inference/dendrite"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/scoring"
	"github.com/taochain/taochain/inference/validator"
)

func validatorCmd() *cobra.Command {
	cmd := roleCmd("validator", "Evaluate the subnet's miners every epoch and submit signed evaluations", validatorFlags, runValidator)
	_ = cmd.Flags().MarkDeprecated("tasks", "use --tasks-per-miner")
	return cmd
}

func runValidator(ctx context.Context, cfg Config, log *slog.Logger) error {
	kr, priv, signer, err := openHotkey(cfg.Keys)
	if err != nil {
		return err
	}
	text := corpus.HeldOut()
	if cfg.Validator.EvalCorpus != "" {
		bz, err := os.ReadFile(cfg.Validator.EvalCorpus)
		if err != nil {
			return fmt.Errorf("eval corpus: %w", err)
		}
		text = string(bz)
	}
	if err := os.MkdirAll(cfg.Home, 0o700); err != nil {
		return err
	}
	// One signer per hotkey and subnet: a second worker would sign its own, different evaluations.
	journal := chain.NewJournal(cfg.Home, signer.Address(), cfg.Netuid)
	lock, err := chain.LockSigner(journal, "")
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := adoptLegacyPending(cfg.Home, journal); err != nil {
		return err
	}
	client, err := chain.Dial(ctx, chain.Config{
		GRPCAddr: cfg.Chain.GRPC, ChainID: cfg.Chain.ChainID, Keyring: kr, GasPrice: cfg.Chain.GasPrices,
		GasAdjustment: cfg.Chain.GasAdjustment, Logger: log,
	})
	if err != nil {
		return err
	}
	defer client.Close()
	from := cfg.Keys.From
	if from == "" {
		from = cfg.Keys.Hotkey
	}
	// Evaluations and weights cost fees; say now, with the fix, if they cannot be paid.
	if err := client.CheckKeyFees(ctx, from, cfg.Netuid); err != nil {
		return err
	}
	submitter, err := chain.NewEvaluationSubmitter(client, priv, from, journal, log)
	if err != nil {
		return err
	}
	committer, err := chain.NewCommitter(client, cfg.Keys.Hotkey, filepath.Join(cfg.Home, "weight-commits.json"), log)
	if err != nil {
		return err
	}
	if p, found, onChain, err := submitter.ResolvePending(ctx); err != nil {
		log.Warn("pending evaluation not resolved yet; will retry", "error", err)
	} else if found {
		log.Info("pending evaluation resolved", "netuid", p.Netuid, "epoch", p.Epoch, "on_chain", onChain)
	}
	d, err := dendrite.New(dendrite.Config{Signer: signer, Timeout: cfg.Validator.Timeout})
	if err != nil {
		return err
	}
	sharing, err := newSharingScorer(cfg, client.ChainID(), text, chainCommitments(client, cfg.Netuid), log)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	v, err := validator.New(validator.Config{
		Netuid: cfg.Netuid, Hotkey: signer.Address(), Text: text,
		Tasks: scoring.TaskConfig{Count: cfg.Validator.TasksPerMiner, PromptChars: cfg.Validator.PromptChars,
			ContinuationChars: cfg.Validator.ContinuationChars, Candidates: cfg.Validator.Candidates},
		Scoring: scoring.Config{Sharpness: cfg.Validator.Sharpness, Floor: cfg.Validator.Floor},
		// Beside the signing journal: per hotkey and subnet, and under the same signer lock.
		ScoreEMAAlpha: cfg.Validator.ScoreEMAAlpha, ScoreEMAPath: filepath.Join(journal.Dir, "score-ema.json"),
		EpochBudget: cfg.Validator.EpochBudget, Poll: cfg.Validator.Poll, Registry: reg, Logger: log,
		Sharing: sharing, ShareWeight: cfg.Validator.SharingWeight,
	}, waitingChain{Chain: validator.ChainClient{Client: client}, log: log, what: "node " + cfg.Chain.GRPC}, d, submitter, committer)
	if err != nil {
		return err
	}
	if cfg.Validator.MetricsListen != "" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
		srv := &http.Server{Addr: cfg.Validator.MetricsListen, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics server stopped", "error", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	log.Info("validator running", "hotkey", signer.Address(), "netuid", cfg.Netuid, "chain_id", client.ChainID(), "fee_payer", from,
		"journal", journal.Dir)
	err = v.Run(ctx)
	log.Info("shutting down")
	return err
}

// chainCommitments reads the subnet's model update commitments, joined with the metagraph's
// axons and incentives, for a federated validator (the same adapter the federated miner uses).
func chainCommitments(client *chain.Client, netuid uint16) fednode.CommitmentSource {
	return federatedChain{client: client, netuid: netuid}
}

// newSharingScorer returns the --federated validator's scorer of the model updates miners publish,
// measuring their gains on the validator's held-out text; nil when the validator is not
// federated or gives sharing no weight (said in the log).
func newSharingScorer(cfg Config, chainID, heldOut string, source fednode.CommitmentSource, log *slog.Logger) (validator.Sharing, error) {
	v := cfg.Validator
	switch {
	case !v.Federated:
		return nil, nil
	case v.SharingWeight == 0:
		log.Info("--federated with --sharing-weight 0: model updates are not scored")
		return nil, nil
	}
	s, err := fednode.NewSharingScorer(fednode.SharingConfig{
		ChainID: chainID, Netuid: cfg.Netuid, Order: v.FederatedOrder, HeldOut: heldOut, Commitments: source,
		FetchTimeout: v.Timeout, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	log.Info("scoring model updates", "sharing_weight", v.SharingWeight, "order", v.FederatedOrder)
	return s, nil
}

// adoptLegacyPending moves the pending submission of a worker from before the signing journal
// (<home>/pending-evaluation.json) into the journal when it is for this subnet, so that it is
// still resolved (the same bytes sent again or found on chain) rather than forgotten.
func adoptLegacyPending(home string, j chain.Journal) error {
	legacy := chain.PendingStore{Path: filepath.Join(home, "pending-evaluation.json")}
	p, found, err := legacy.Load()
	if err != nil || !found || p.Netuid != j.Netuid {
		return err
	}
	if _, pending, err := j.Pending().Load(); err != nil || pending {
		return err
	}
	if err := j.Pending().Save(p); err != nil {
		return err
	}
	return legacy.Clear()
}

// waitingChain is the validator's view of the chain that, while the node cannot be reached, waits
// for it with backoff (one log line per attempt, 1 s doubling to 30 s) instead of failing every
// epoch poll (one WARN per poll period).
type waitingChain struct {
	validator.Chain
	log     *slog.Logger
	what    string
	backoff chain.Backoff
}

// Epoch implements validator.Chain.
func (w waitingChain) Epoch(ctx context.Context, netuid uint16) (validator.Epoch, error) {
	var ep validator.Epoch
	err := chain.WaitFor(ctx, w.log, w.what, w.backoff, func(ctx context.Context) error {
		var err error
		ep, err = w.Chain.Epoch(ctx, netuid)
		return err
	})
	return ep, err
}
