# Sourced by localnet.sh and localnet-multi.sh (not run on its own): starts the demo subnet's
# off-chain workers against one node and appends their pids to the caller's `pids` array.
#
# start_demo_workers KEYRING_HOME GRPC_PORT: three `taoworker miner`s (miner1..3-hot, n-gram orders
# 1, 3, 5) on 127.0.0.1:MINER_PORT.. (default 8091-8093), a `taoworker validator` (validator-hot,
# metrics on 127.0.0.1:VALIDATOR_METRICS_PORT, default 9101) and `taoworker watch`, which prints the
# live summary on the terminal. Logs go to KEYRING_HOME/logs. Needs TAOWORKER and scripts/demo.sh
# run with DEMO_VALIDATOR=1 first (the validator starts right after its stake, see demo.sh).
start_demo_workers() {
  local home=$1 grpc=$2 logs="$1/logs" i=0 order
  local miner_port=${MINER_PORT:-8091} metrics_port=${VALIDATOR_METRICS_PORT:-9101}
  mkdir -p "$logs"
  start_demo_validator "$home" "$grpc" "$metrics_port"
  for order in 1 3 5; do
    i=$((i + 1))
    start_demo_worker "$home" "$grpc" "$logs/miner$i.log" miner --hotkey "miner$i-hot" --order "$order" \
      --listen "127.0.0.1:$((miner_port + i - 1))"
  done
  echo "demo: miners miner1..3-hot (n-gram orders 1, 3, 5) on 127.0.0.1:$miner_port-$((miner_port + 2)),"
  echo "      validator worker validator-hot (metrics 127.0.0.1:$metrics_port); logs in $logs"
  echo "demo: live summary every 5 s; within a few epochs incentive ranks miner3 > miner2 > miner1"
  start_watch "$home" "$grpc"
}

# start_federated_workers KEYRING_HOME GRPC_PORT: the federated demo (localnet.sh with FEDERATED=1,
# after demo.sh with DEMO_VALIDATOR=1 DEMO_FEDERATED=1): four `taoworker miner --federated`
# (miner1..4-hot, order 5), miner i training on part i/4 of the shipped training split
# (--corpus-shard), a `taoworker validator --federated` and `taoworker watch`. The miners share
# exact counts (--no-privacy): under the default privacy budget a quarter of this corpus releases
# almost nothing (inference/federated's doc shows why), so the demo shows what sharing buys and
# protects nothing of the shards. Each miner's held-out cross-entropy alone and merged, printed
# after every rebuild, comes to the terminal with the miner's log name.
start_federated_workers() {
  local home=$1 grpc=$2 logs="$1/logs" i
  local miner_port=${MINER_PORT:-8091} metrics_port=${VALIDATOR_METRICS_PORT:-9101}
  mkdir -p "$logs"
  start_demo_validator "$home" "$grpc" "$metrics_port" --federated
  for i in 1 2 3 4; do
    : >"$logs/miner$i.log"
    start_demo_worker "$home" "$grpc" "$logs/miner$i.log" miner --hotkey "miner$i-hot" --order 5 \
      --federated --no-privacy --corpus-shard "$i/4" --home "$home/miner$i-worker" \
      --listen "127.0.0.1:$((miner_port + i - 1))"
  done
  echo "demo: federated miners miner1..4-hot (order 5, shards 1/4..4/4 of the shipped corpus, exact counts:"
  echo "      --no-privacy) on 127.0.0.1:$miner_port-$((miner_port + 3)), federated validator worker validator-hot"
  echo "      (metrics 127.0.0.1:$metrics_port); logs in $logs"
  echo "demo: each miner's held-out cross-entropy, alone and merged with its peers, after every rebuild:"
  tail -n +1 -F --pid=$$ "$logs"/miner{1,2,3,4}.log 2>/dev/null | awk '
    /^==> / { f = $2; sub(/.*\//, "", f); sub(/\.log$/, "", f); next }
    /federated model rebuilt/ {
      a = m = p = ""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^heldout_xent_alone=/) { a = substr($i, 20) }
        if ($i ~ /^heldout_xent_merged=/) { m = substr($i, 21) }
        if ($i ~ /^peers=/) { p = substr($i, 7) }
      }
      if (a != "" && m != "") { printf "demo: %s: held-out cross-entropy alone %.3f, merged with %s peers %.3f (%.2fx)\n", f, a, p, m, m / a; fflush() }
    }' &
  # Not in pids: a background awk ignores the SIGINT the caller stops workers with; tail --pid
  # ends within a second of the caller's exit and awk with it.
  start_watch "$home" "$grpc"
}

# The helpers below start one process each in the background (taoworker itself, so that its pid is
# what the caller signals) and append its pid to the caller's `pids` array. Both demos start their
# workers through them, so the plain and the federated demo run the same command lines but for the
# flags they pass.

# start_demo_worker KEYRING_HOME GRPC_PORT LOG COMMAND [FLAG...]: `taoworker COMMAND` on the demo
# subnet (netuid 1) through the node's gRPC on 127.0.0.1:GRPC_PORT, signing with KEYRING_HOME's
# test keyring, with the extra FLAGs; its output goes to LOG.
start_demo_worker() {
  local home=$1 grpc=$2 log=$3 command=$4
  shift 4
  "$TAOWORKER" "$command" --keyring-dir "$home" --keyring-backend test --grpc "127.0.0.1:$grpc" --netuid 1 \
    "$@" >"$log" 2>&1 &
  pids+=($!)
}

# start_demo_validator KEYRING_HOME GRPC_PORT METRICS_PORT [FLAG...]: the demo's `taoworker
# validator` (validator-hot, its state in KEYRING_HOME/validator-worker) with the extra FLAGs (the
# federated demo passes --federated), metrics on 127.0.0.1:METRICS_PORT and its log in
# KEYRING_HOME/logs/validator.log.
start_demo_validator() {
  local home=$1 grpc=$2 metrics_port=$3
  shift 3
  start_demo_worker "$home" "$grpc" "$home/logs/validator.log" validator --hotkey validator-hot \
    --home "$home/validator-worker" "$@" --metrics-listen "127.0.0.1:$metrics_port"
}

# start_watch KEYRING_HOME GRPC_PORT: `taoworker watch`, the subnet's live summary every 5 s on the
# terminal (its output is not redirected).
start_watch() {
  local home=$1 grpc=$2
  "$TAOWORKER" watch --grpc "127.0.0.1:$grpc" --netuid 1 --interval 5s --keyring-dir "$home" &
  pids+=($!)
}
