// Command taoscan is taochain's explorer: it follows a node (CometBFT RPC and websocket for blocks
// and events, gRPC for state), writes what history needs into a database (an SQLite file by
// default, PostgreSQL with --db postgres://…) and serves the pages and their JSON API. See
// docs/taoscan.md.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/version"

	"github.com/taochain/taochain/internal/logging"
	"github.com/taochain/taochain/taoscan/chain"
	"github.com/taochain/taochain/taoscan/indexer"
	"github.com/taochain/taochain/taoscan/store"
	"github.com/taochain/taochain/taoscan/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "taoscan:", err)
		os.Exit(1)
	}
}

type options struct {
	node, grpc, db, listen, chainID string
	logFormat, logLevel             string
	serveOnly                       bool
	startHeight                     int64
	poll                            time.Duration
}

func newRootCmd() *cobra.Command {
	var o options
	root := &cobra.Command{
		Use:   "taoscan",
		Short: "taochain explorer: indexes a node into a database and serves pages and a JSON API",
		Long: `taoscan follows a taochain node and serves the explorer on --listen.

It indexes every block from where it stopped (the database keeps the cursor), waits for a node that
is down and catches up when it is back. --db is an SQLite file (created if missing) or a PostgreSQL
URL (postgres://user:pass@host/db). With --serve-only it only serves pages from a database another
taoscan indexes (PostgreSQL). Prometheus metrics are at /metrics on the same address.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          func(cmd *cobra.Command, _ []string) error { return run(cmd.Context(), o) },
	}
	f := root.Flags()
	f.StringVar(&o.node, "node", "tcp://127.0.0.1:26657", "CometBFT RPC address of the node to follow")
	f.StringVar(&o.grpc, "grpc", "127.0.0.1:9090", "gRPC address of the same node")
	f.StringVar(&o.db, "db", "taoscan.db", "SQLite file, or a postgres:// URL")
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address the web server listens on")
	f.StringVar(&o.chainID, "chain-id", "", "chain id shown in the page header")
	f.BoolVar(&o.serveOnly, "serve-only", false, "serve pages only; another taoscan indexes into --db")
	f.Int64Var(&o.startHeight, "start-height", 0, "first height to index into an empty database (default: the node's earliest block)")
	f.DurationVar(&o.poll, "poll", indexer.DefaultPoll, "how often the node is polled when no websocket event arrives")
	f.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	f.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "taoscan %s (commit %s)\n", version.Version, version.Commit)
		},
	})
	return root
}

func run(ctx context.Context, o options) error {
	log, err := logging.New(os.Stderr, o.logFormat, o.logLevel)
	if err != nil {
		return err
	}
	if o.startHeight < 0 {
		return fmt.Errorf("--start-height %d: want a height ≥ 1, or 0 for the node's earliest block", o.startHeight)
	}
	db, err := store.Open(ctx, o.db)
	if err != nil {
		return fmt.Errorf("opening --db: %w", err)
	}
	defer db.Close()
	node, err := chain.New(o.node, o.grpc)
	if err != nil {
		return fmt.Errorf("node %s / gRPC %s: %w", o.node, o.grpc, err)
	}
	defer node.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := web.New(web.Config{Store: db, Chain: node, ChainID: o.chainID, Logger: log, Registry: reg})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("/", srv.Handler())
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", o.listen, err)
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("taoscan serving", "url", "http://"+ln.Addr().String()+"/", "db", db.Driver())

	if !o.serveOnly {
		ix := &indexer.Indexer{Store: db, Chain: node, Logger: log, Poll: o.poll,
			StartHeight: o.startHeight, Registry: reg}
		go func() { errc <- ix.Run(ctx) }()
	}
	select {
	case <-ctx.Done():
	case err = <-errc: // the server failed, or the indexer's setup did
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
	log.Info("taoscan stopped")
	return err
}
