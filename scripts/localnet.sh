#!/usr/bin/env bash
# Starts a fresh single-validator taochain on 127.0.0.1 in the foreground: new home every run,
# funded test accounts printed, 1-second blocks. Ctrl-C stops the node cleanly.
#
# Environment: TAOD (binary, default build/taod), LOCALNET_HOME (default build/localnet),
# CHAIN_ID (default taochain-local-1), RPC_PORT (26657), GRPC_PORT (9090), API_PORT (1317),
# P2P_PORT (26656), SNAPSHOT_INTERVAL (state-sync snapshots, default every 100 blocks), NO_START=1 to only prepare the home, DEMO=0 to skip the demo subnet
# (scripts/demo.sh: subnet "demo" with three registered miners and stake), WORKERS=0 to skip the
# off-chain workers (TAOWORKER, default next to TAOD: three miners on MINER_PORT.. (8091-8093) with
# n-gram orders 1/3/5, a validator worker, and `taoworker watch` printing a live summary),
# TAOSCAN=0 to skip the explorer (TAOSCAN_BIN, default next to TAOD: `taoscan` indexing into
# LOCALNET_HOME/taoscan.db and serving http://127.0.0.1:TAOSCAN_PORT, default 8080).
# FEDERATED=1 makes the demo subnet federated instead (four miners, each training on its own
# quarter of the shipped corpus and sharing model updates, and a federated validator; see
# scripts/demo-workers.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
TAOD=${TAOD:-$root/build/taod}
TAOWORKER=${TAOWORKER:-$(dirname "$TAOD")/taoworker}
TAOSCAN_BIN=${TAOSCAN_BIN:-$(dirname "$TAOD")/taoscan}
TAOSCAN_PORT=${TAOSCAN_PORT:-8080}
HOME_DIR=${LOCALNET_HOME:-$root/build/localnet}
CHAIN_ID=${CHAIN_ID:-taochain-local-1}
RPC_PORT=${RPC_PORT:-26657}
GRPC_PORT=${GRPC_PORT:-9090}
API_PORT=${API_PORT:-1317}
P2P_PORT=${P2P_PORT:-26656}
MINER_PORT=${MINER_PORT:-8091}
VALIDATOR_METRICS_PORT=${VALIDATOR_METRICS_PORT:-9101}
KR=(--keyring-backend test --home "$HOME_DIR")

[ -x "$TAOD" ] || { echo "localnet: $TAOD not found; run 'make build' first" >&2; exit 1; }

rm -rf "$HOME_DIR"
"$TAOD" init localnet-validator --chain-id "$CHAIN_ID" --default-denom rao --home "$HOME_DIR" >/dev/null 2>&1

# Accounts: the validator operator and three users, each funded in genesis (amounts in rao).
declare -A funds=(
  [validator]=100000000000000   # 100,000 TAO
  [alice]=10000000000000        #  10,000 TAO
  [bob]=10000000000000          #  10,000 TAO
  [subnet-owner]=10000000000000 #  10,000 TAO
)
for name in validator alice bob subnet-owner; do
  "$TAOD" keys add "$name" "${KR[@]}" --output json >"$HOME_DIR/$name.key.json" 2>&1
  addr=$("$TAOD" keys show "$name" -a "${KR[@]}")
  "$TAOD" genesis add-genesis-account "$addr" "${funds[$name]}rao" --home "$HOME_DIR"
done

"$TAOD" genesis gentx validator 50000000000000rao --chain-id "$CHAIN_ID" "${KR[@]}" >/dev/null 2>&1
"$TAOD" genesis collect-gentxs --home "$HOME_DIR" >/dev/null 2>&1
# Governance decided in minutes, not days: 60 s voting period (30 s expedited; the SDK's are 48 h/24 h).
sed -i -e 's/"voting_period": "[0-9]*s"/"voting_period": "60s"/' \
  -e 's/"expedited_voting_period": "[0-9]*s"/"expedited_voting_period": "30s"/' "$HOME_DIR/config/genesis.json"
"$TAOD" genesis validate-genesis --home "$HOME_DIR" >/dev/null

# Fast blocks and loopback-only listeners.
cfg="$HOME_DIR/config/config.toml"
app="$HOME_DIR/config/app.toml"
sed -i \
  -e 's/^timeout_commit = .*/timeout_commit = "1s"/' \
  -e 's/^timeout_propose = .*/timeout_propose = "1s"/' \
  -e "s#^laddr = \"tcp://127.0.0.1:26657\"#laddr = \"tcp://127.0.0.1:$RPC_PORT\"#" \
  -e "s#^laddr = \"tcp://0.0.0.0:26656\"#laddr = \"tcp://127.0.0.1:$P2P_PORT\"#" \
  -e 's/^addr_book_strict = .*/addr_book_strict = false/' \
  -e 's/^allow_duplicate_ip = .*/allow_duplicate_ip = true/' \
  -e 's/^prometheus = .*/prometheus = true/' \
  -e "s#^prometheus_listen_addr = .*#prometheus_listen_addr = \"127.0.0.1:${PROM_PORT:-26660}\"#" \
  "$cfg"
sed -i \
  -e 's/^minimum-gas-prices = .*/minimum-gas-prices = "0.001rao"/' \
  -e "s#^address = \"tcp://localhost:1317\"#address = \"tcp://127.0.0.1:$API_PORT\"#" \
  -e "s#^address = \"localhost:9090\"#address = \"127.0.0.1:$GRPC_PORT\"#" \
  -e "s/^snapshot-interval = .*/snapshot-interval = ${SNAPSHOT_INTERVAL:-100}/" \
  "$app"
# Client defaults so `taod --home build/localnet tx ...` just works.
"$TAOD" config set client chain-id "$CHAIN_ID" --home "$HOME_DIR" >/dev/null
"$TAOD" config set client keyring-backend test --home "$HOME_DIR" >/dev/null
# Fees: the node's minimum gas price, and margin for --gas auto (taod reads both as tx defaults).
"$TAOD" config set client gas-prices 0.001rao --home "$HOME_DIR" >/dev/null
"$TAOD" config set client gas-adjustment 1.5 --home "$HOME_DIR" >/dev/null
"$TAOD" config set client node "tcp://127.0.0.1:$RPC_PORT" --home "$HOME_DIR" >/dev/null

echo "taochain localnet — chain-id $CHAIN_ID, home $HOME_DIR"
echo "  RPC  http://127.0.0.1:$RPC_PORT   gRPC 127.0.0.1:$GRPC_PORT   REST http://127.0.0.1:$API_PORT"
echo "  funded test accounts (keyring-backend test; mnemonics in $HOME_DIR/<name>.key.json):"
for name in validator alice bob subnet-owner; do
  printf '    %-13s %s  %s rao\n' "$name" "$("$TAOD" keys show "$name" -a "${KR[@]}")" "${funds[$name]}"
done
echo "  try: $TAOD --home $HOME_DIR q bank balances \$($TAOD --home $HOME_DIR keys show alice -a)"
echo "  stop with Ctrl-C"

[ "${NO_START:-0}" = 1 ] && exit 0

# The node runs in the background of this script so the demo subnet can be set up once blocks flow;
# Ctrl-C (or TERM) is forwarded to the node and the workers, which shut down cleanly.
"$TAOD" start --home "$HOME_DIR" --api.enable --grpc.enable --minimum-gas-prices 0.001rao \
  >"$HOME_DIR/node.log" 2>&1 &
node=$!
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  kill -INT $node 2>/dev/null; wait $node 2>/dev/null
  exit 0
}
trap stop_all INT TERM
echo "  node log: $HOME_DIR/node.log"

# The explorer follows the node from its first block; it waits for the node's RPC on its own.
if [ "${TAOSCAN:-1}" = 1 ] && [ -x "$TAOSCAN_BIN" ]; then
  "$TAOSCAN_BIN" --node "tcp://127.0.0.1:$RPC_PORT" --grpc "127.0.0.1:$GRPC_PORT" --chain-id "$CHAIN_ID" \
    --db "$HOME_DIR/taoscan.db" --listen "127.0.0.1:$TAOSCAN_PORT" >"$HOME_DIR/taoscan.log" 2>&1 &
  pids+=($!)
  echo "  taoscan explorer: http://127.0.0.1:$TAOSCAN_PORT/   (log $HOME_DIR/taoscan.log)"
fi

if [ "${DEMO:-1}" = 1 ]; then
  workers=${WORKERS:-1}
  [ -x "$TAOWORKER" ] || workers=0
  if ! TAOD=$TAOD LOCALNET_HOME=$HOME_DIR CHAIN_ID=$CHAIN_ID RPC_PORT=$RPC_PORT DEMO_VALIDATOR=$workers \
    DEMO_FEDERATED=${FEDERATED:-0} "$root/scripts/demo.sh"; then
    echo "localnet: demo subnet setup failed; the chain keeps running (see $HOME_DIR/node.log)" >&2
    workers=0
  fi
  if [ "$workers" = 1 ]; then
    # shellcheck source=demo-workers.sh
    . "$root/scripts/demo-workers.sh"
    if [ "${FEDERATED:-0}" = 1 ]; then
      MINER_PORT=$MINER_PORT VALIDATOR_METRICS_PORT=$VALIDATOR_METRICS_PORT start_federated_workers "$HOME_DIR" "$GRPC_PORT"
    else
      MINER_PORT=$MINER_PORT VALIDATOR_METRICS_PORT=$VALIDATOR_METRICS_PORT start_demo_workers "$HOME_DIR" "$GRPC_PORT"
    fi
  fi
fi
wait $node
