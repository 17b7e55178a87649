#!/usr/bin/env bash
# Starts a fresh 4-validator taochain on 127.0.0.1: four homes under build/localnet-multi/node{0..3},
# one genesis with four gentxs of equal power (so any 3 of 4 validators keep committing), persistent
# peers between all nodes, 1-second blocks. The nodes run in the background with their logs in
# node<i>/node.log; Ctrl-C (or TERM) stops all four cleanly.
#
# Ports: node i uses BASE_PORT + 10*i + {0: p2p, 1: rpc, 2: grpc, 3: api (REST), 4: prometheus}.
#
# Environment: TAOD (binary, default build/taod), LOCALNET_MULTI_HOME (default build/localnet-multi),
# CHAIN_ID (default taochain-multi-1), BASE_PORT (default 26600), SNAPSHOT_INTERVAL (state-sync
# snapshots, default every 20 blocks), NO_START=1 to only prepare the
# homes, DEMO=0 to skip the demo subnet (scripts/demo.sh against node0), WORKERS=0 to skip the demo
# workers (TAOWORKER, default next to TAOD; scripts/demo-workers.sh: three miners, a validator
# worker and the live summary, all against node0; MINER_PORT, VALIDATOR_METRICS_PORT).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
TAOD=${TAOD:-$root/build/taod}
TAOWORKER=${TAOWORKER:-$(dirname "$TAOD")/taoworker}
ROOT_DIR=${LOCALNET_MULTI_HOME:-$root/build/localnet-multi}
CHAIN_ID=${CHAIN_ID:-taochain-multi-1}
BASE_PORT=${BASE_PORT:-26600}
# State-sync snapshots every SNAPSHOT_INTERVAL blocks (a node that joins restores the latest one).
SNAPSHOT_INTERVAL=${SNAPSHOT_INTERVAL:-20}
NODES=4

[ -x "$TAOD" ] || { echo "localnet-multi: $TAOD not found; run 'make build' first" >&2; exit 1; }

home() { echo "$ROOT_DIR/node$1"; }
port() { echo $((BASE_PORT + 10 * $1 + $2)); } # port NODE OFFSET
p2p_port() { port "$1" 0; }
rpc_port() { port "$1" 1; }
grpc_port() { port "$1" 2; }
api_port() { port "$1" 3; }
prom_port() { port "$1" 4; }
kr() { echo --keyring-backend test --home "$(home "$1")"; }

rm -rf "$ROOT_DIR"
mkdir -p "$ROOT_DIR"

# Every node gets a home and a "validator" key; node0 also holds the demo users (as in localnet.sh)
# so scripts/demo.sh runs against it unchanged.
val_funds=100000000000000   # 100,000 TAO
val_bond=50000000000000     #  50,000 TAO each: equal voting power
declare -A user_funds=(
  [alice]=10000000000000        # 10,000 TAO
  [bob]=10000000000000          # 10,000 TAO
  [subnet-owner]=10000000000000 # 10,000 TAO
)
users=(alice bob subnet-owner)
for i in $(seq 0 $((NODES - 1))); do
  "$TAOD" init "node$i" --chain-id "$CHAIN_ID" --default-denom rao --home "$(home "$i")" >/dev/null 2>&1
  # shellcheck disable=SC2046
  "$TAOD" keys add validator $(kr "$i") --output json >"$(home "$i")/validator.key.json" 2>&1
done
for name in "${users[@]}"; do
  # shellcheck disable=SC2046
  "$TAOD" keys add "$name" $(kr 0) --output json >"$(home 0)/$name.key.json" 2>&1
done

# Genesis accounts are added on node0, then its genesis is copied to every node for its gentx.
g0="$(home 0)/config/genesis.json"
for i in $(seq 0 $((NODES - 1))); do
  # shellcheck disable=SC2046
  addr=$("$TAOD" keys show validator -a $(kr "$i"))
  "$TAOD" genesis add-genesis-account "$addr" "${val_funds}rao" --home "$(home 0)"
done
for name in "${users[@]}"; do
  # shellcheck disable=SC2046
  addr=$("$TAOD" keys show "$name" -a $(kr 0))
  "$TAOD" genesis add-genesis-account "$addr" "${user_funds[$name]}rao" --home "$(home 0)"
done

mkdir -p "$(home 0)/config/gentx"
for i in $(seq 0 $((NODES - 1))); do
  [ "$i" = 0 ] || cp "$g0" "$(home "$i")/config/genesis.json"
  # shellcheck disable=SC2046
  "$TAOD" genesis gentx validator "${val_bond}rao" --chain-id "$CHAIN_ID" --moniker "node$i" \
    --ip 127.0.0.1 --p2p-port "$(p2p_port "$i")" \
    --output-document "$(home 0)/config/gentx/gentx-node$i.json" $(kr "$i") >/dev/null 2>&1
done
"$TAOD" genesis collect-gentxs --home "$(home 0)" >/dev/null 2>&1
# Governance decided in minutes, not days: 60 s voting period (30 s expedited; the SDK's are 48 h/24 h).
sed -i -e 's/"voting_period": "[0-9]*s"/"voting_period": "60s"/' \
  -e 's/"expedited_voting_period": "[0-9]*s"/"expedited_voting_period": "30s"/' "$g0"
"$TAOD" genesis validate-genesis --home "$(home 0)" >/dev/null
for i in $(seq 1 $((NODES - 1))); do cp "$g0" "$(home "$i")/config/genesis.json"; done

# Persistent peers: every node dials the other three by node id.
ids=()
for i in $(seq 0 $((NODES - 1))); do
  ids+=("$("$TAOD" comet show-node-id --home "$(home "$i")")")
done
for i in $(seq 0 $((NODES - 1))); do
  peers=""
  for j in $(seq 0 $((NODES - 1))); do
    [ "$i" = "$j" ] && continue
    peers="${peers:+$peers,}${ids[$j]}@127.0.0.1:$(p2p_port "$j")"
  done
  cfg="$(home "$i")/config/config.toml"
  app="$(home "$i")/config/app.toml"
  sed -i \
    -e 's/^timeout_commit = .*/timeout_commit = "1s"/' \
    -e 's/^timeout_propose = .*/timeout_propose = "1s"/' \
    -e "s#^laddr = \"tcp://127.0.0.1:26657\"#laddr = \"tcp://127.0.0.1:$(rpc_port "$i")\"#" \
    -e "s#^laddr = \"tcp://0.0.0.0:26656\"#laddr = \"tcp://127.0.0.1:$(p2p_port "$i")\"#" \
    -e "s#^persistent_peers = .*#persistent_peers = \"$peers\"#" \
    -e 's/^addr_book_strict = .*/addr_book_strict = false/' \
    -e 's/^allow_duplicate_ip = .*/allow_duplicate_ip = true/' \
    -e 's/^pprof_laddr = .*/pprof_laddr = ""/' \
    -e 's/^prometheus = .*/prometheus = true/' \
    -e "s#^prometheus_listen_addr = .*#prometheus_listen_addr = \"127.0.0.1:$(prom_port "$i")\"#" \
    "$cfg"
  sed -i \
    -e 's/^minimum-gas-prices = .*/minimum-gas-prices = "0.001rao"/' \
    -e "s#^address = \"tcp://localhost:1317\"#address = \"tcp://127.0.0.1:$(api_port "$i")\"#" \
    -e "s#^address = \"localhost:9090\"#address = \"127.0.0.1:$(grpc_port "$i")\"#" \
    -e "s/^snapshot-interval = .*/snapshot-interval = $SNAPSHOT_INTERVAL/" \
    "$app"
  "$TAOD" config set client chain-id "$CHAIN_ID" --home "$(home "$i")" >/dev/null
  "$TAOD" config set client keyring-backend test --home "$(home "$i")" >/dev/null
  # Fees: the node's minimum gas price, and margin for --gas auto (taod reads both as tx defaults).
  "$TAOD" config set client gas-prices 0.001rao --home "$(home "$i")" >/dev/null
  "$TAOD" config set client gas-adjustment 1.5 --home "$(home "$i")" >/dev/null
  "$TAOD" config set client node "tcp://127.0.0.1:$(rpc_port "$i")" --home "$(home "$i")" >/dev/null
done

echo "taochain 4-validator localnet — chain-id $CHAIN_ID, homes $ROOT_DIR/node{0..3}"
printf '  %-6s %-42s %-6s %-6s %-6s %-6s %-6s %s\n' node "node id" p2p rpc grpc api prom validator
for i in $(seq 0 $((NODES - 1))); do
  # shellcheck disable=SC2046
  printf '  %-6s %-42s %-6s %-6s %-6s %-6s %-6s %s\n' "node$i" "${ids[$i]}" "$(p2p_port "$i")" \
    "$(rpc_port "$i")" "$(grpc_port "$i")" "$(api_port "$i")" "$(prom_port "$i")" \
    "$("$TAOD" keys show validator -a $(kr "$i"))"
done
echo "  each validator bonds $val_bond rao (equal power: any 3 of 4 keep the chain committing)"
echo "  funded users in node0's keyring (keyring-backend test; mnemonics in $(home 0)/<name>.key.json):"
for name in "${users[@]}"; do
  # shellcheck disable=SC2046
  printf '    %-13s %s  %s rao\n' "$name" "$("$TAOD" keys show "$name" -a $(kr 0))" "${user_funds[$name]}"
done
echo "  query a node:  $TAOD --home $(home 1) status | jq .sync_info"
echo "  validators:    $TAOD --home $(home 0) q comet-validator-set"
echo "  logs:          tail -f $ROOT_DIR/node*/node.log"
echo "  kill/restart one node, what the tests check: docs/network.md"

[ "${NO_START:-0}" = 1 ] && exit 0
echo "  stop with Ctrl-C (all four nodes)"

pids=()
for i in $(seq 0 $((NODES - 1))); do
  "$TAOD" start --home "$(home "$i")" --api.enable --grpc.enable --minimum-gas-prices 0.001rao \
    >"$(home "$i")/node.log" 2>&1 &
  pids+=($!)
  echo "$!" >"$(home "$i")/node.pid"
done
stop_all() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  exit 0
}
trap stop_all INT TERM
echo "  started: pids ${pids[*]} (pid files $ROOT_DIR/node<i>/node.pid)"

if [ "${DEMO:-1}" = 1 ]; then
  workers=${WORKERS:-1}
  [ -x "$TAOWORKER" ] || workers=0
  if ! TAOD=$TAOD LOCALNET_HOME=$(home 0) CHAIN_ID=$CHAIN_ID RPC_PORT=$(rpc_port 0) DEMO_VALIDATOR=$workers \
    "$root/scripts/demo.sh"; then
    echo "localnet-multi: demo subnet setup failed; the chain keeps running" >&2
    workers=0
  fi
  if [ "$workers" = 1 ]; then
    # The workers (three miners, a validator worker, the live summary) talk to node0.
    # shellcheck source=demo-workers.sh
    . "$root/scripts/demo-workers.sh"
    start_demo_workers "$(home 0)" "$(grpc_port 0)"
  fi
fi
# Keep running while any node runs; a node that exits (crash or kill) is reported, the rest go on.
while :; do
  alive=0
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
  [ "$alive" = 0 ] && { echo "localnet-multi: all nodes stopped" >&2; exit 1; }
  sleep 1 &
  wait $! || true
done
