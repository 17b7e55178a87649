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
  local w=(--keyring-dir "$home" --keyring-backend test --grpc "127.0.0.1:$grpc" --netuid 1)
  mkdir -p "$logs"
  "$TAOWORKER" validator "${w[@]}" --hotkey validator-hot --home "$home/validator-worker" \
    --metrics-listen "127.0.0.1:$metrics_port" >"$logs/validator.log" 2>&1 &
  pids+=($!)
  for order in 1 3 5; do
    i=$((i + 1))
    "$TAOWORKER" miner "${w[@]}" --hotkey "miner$i-hot" --order "$order" \
      --listen "127.0.0.1:$((miner_port + i - 1))" >"$logs/miner$i.log" 2>&1 &
    pids+=($!)
  done
  echo "demo: miners miner1..3-hot (n-gram orders 1, 3, 5) on 127.0.0.1:$miner_port-$((miner_port + 2)),"
  echo "      validator worker validator-hot (metrics 127.0.0.1:$metrics_port); logs in $logs"
  echo "demo: live summary every 5 s; within a few epochs incentive ranks miner3 > miner2 > miner1"
  "$TAOWORKER" watch --grpc "127.0.0.1:$grpc" --netuid 1 --interval 5s --keyring-dir "$home" &
  pids+=($!)
}
