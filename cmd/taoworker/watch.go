package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/taochain/taochain/inference/chain"
	"github.com/taochain/taochain/inference/fednode"
	"github.com/taochain/taochain/inference/watch"
)

func watchCmd() *cobra.Command {
	var (
		grpcAddr, keyringDir, keyringBackend, passFile string
		netuid                                         uint16
		interval                                       time.Duration
		once                                           bool
		epochs                                         int
		ledgers                                        []string
	)
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Print a live summary of a subnet: height, epoch, per-neuron incentive and TAO earned",
		Long: `watch polls a node over gRPC and prints, every --interval, the subnet's height and epoch and a
table of its neurons: role, stake, incentive, dividends, validator trust, the last epoch's emission and
the TAO each earned since watch started. With --keyring-dir, hotkeys are shown by their key names.
With --privacy-ledger (a federated miner's home, or its federated_privacy.json; repeatable), it also
prints the privacy budget that miner's text has spent.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if interval <= 0 {
				return fmt.Errorf("--interval %s must be positive", interval)
			}
			if epochs < 0 {
				return fmt.Errorf("--epochs %d must be ≥ 0", epochs)
			}
			// --once reports a node that is down; otherwise watch waits for it.
			client, err := chain.Dial(cmd.Context(), chain.Config{GRPCAddr: grpcAddr, FailFast: once,
				Logger: slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))})
			if err != nil {
				return err
			}
			defer client.Close()
			names := map[string]string{}
			if keyringDir != "" {
				backend, err := chain.ResolveKeyringBackend(keyringDir, keyringBackend)
				if err != nil {
					return err
				}
				opts, err := keyringOptions(KeysConfig{KeyringDir: keyringDir, KeyringBackend: backend, KeyringPassphraseFile: passFile})
				if err != nil {
					return err
				}
				if names, err = keyNames(opts); err != nil {
					return err
				}
			}
			return runWatch(cmd.Context(), cmd.OutOrStdout(), client, netuid, names, ledgers, interval, once, epochs)
		},
	}
	f := cmd.Flags()
	f.StringVar(&grpcAddr, "grpc", "127.0.0.1:9090", "node gRPC address")
	f.Uint16Var(&netuid, "netuid", 1, "subnet to watch")
	f.DurationVar(&interval, "interval", 3*time.Second, "poll period")
	f.StringVar(&keyringDir, "keyring-dir", "", "taod home whose keyring names the hotkeys (optional)")
	f.StringVar(&keyringBackend, "keyring-backend", "", "keyring backend: test, file or os (empty: keyring-backend of <keyring-dir>/config/client.toml, else os)")
	f.StringVar(&passFile, "keyring-passphrase-file", "", "file whose first line is the file keyring's passphrase (else $"+passphraseEnv+")")
	f.BoolVar(&once, "once", false, "print one summary and exit")
	f.IntVar(&epochs, "epochs", 0, "exit after this many epoch runs were seen (0: run until interrupted)")
	f.StringSliceVar(&ledgers, "privacy-ledger", nil, "a federated miner's home or privacy ledger whose spent budget to show (repeatable)")
	return cmd
}

// runWatch polls until ctx ends, once is set, or the tracker has seen the wanted epoch runs. A failed
// poll is printed and retried at the next tick: a node that restarts does not end the watch.
func runWatch(ctx context.Context, out io.Writer, c *chain.Client, netuid uint16, names map[string]string,
	ledgers []string, interval time.Duration, once bool, epochs int) error {
	tracker := watch.NewTracker()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		s, err := poll(ctx, c, netuid)
		if err != nil {
			if once || ctx.Err() != nil {
				return err
			}
			fmt.Fprintf(out, "watch: %v (retrying)\n", err)
		} else {
			tracker.Observe(s)
			var buf bytes.Buffer
			if err := tracker.Render(&buf, s, names); err != nil {
				return err
			}
			renderLedgers(&buf, ledgers)
			buf.WriteString("\n")
			if _, err := out.Write(buf.Bytes()); err != nil {
				return err
			}
			if once || (epochs > 0 && tracker.EpochsSeen() >= epochs) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// renderLedgers writes one line per federated miner's privacy ledger: what its text has spent.
func renderLedgers(w io.Writer, ledgers []string) {
	for _, path := range ledgers {
		if s, err := fednode.ReadLedger(path); err != nil {
			fmt.Fprintf(w, "privacy %s: %v\n", path, err)
		} else {
			fmt.Fprintf(w, "privacy %s: %s\n", path, s)
		}
	}
}

func poll(ctx context.Context, c *chain.Client, netuid uint16) (watch.State, error) {
	info, err := c.EpochInfo(ctx, netuid)
	if err != nil {
		return watch.State{}, fmt.Errorf("epoch info of subnet %d: %w", netuid, err)
	}
	mg, err := c.Metagraph(ctx, netuid)
	if err != nil {
		return watch.State{}, fmt.Errorf("metagraph of subnet %d: %w", netuid, err)
	}
	s := watch.State{Metagraph: mg, Epoch: info}
	last, ok, err := c.LastEpoch(ctx, netuid)
	if err != nil {
		return watch.State{}, fmt.Errorf("last epoch of subnet %d: %w", netuid, err)
	}
	if ok {
		s.Last = &last
	}
	return s, nil
}

// keyNames maps every key's address in a keyring to its name.
func keyNames(opts chain.KeyringOptions) (map[string]string, error) {
	kr, err := opts.Open()
	if err != nil {
		return nil, err
	}
	recs, err := kr.List()
	if err != nil {
		return nil, fmt.Errorf("listing keys in %s (backend %s): %w", opts.Dir, opts.Backend, err)
	}
	names := make(map[string]string, len(recs))
	for _, r := range recs {
		addr, err := r.GetAddress()
		if err != nil {
			return nil, errors.Join(fmt.Errorf("key %q", r.Name), err)
		}
		names[addr.String()] = r.Name
	}
	return names, nil
}
