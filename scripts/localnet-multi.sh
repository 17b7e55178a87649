#!/usr/bin/env bash
# Starts a fresh 4-validator taochain on 127.0.0.1: four homes under build/localnet-multi/node{0..3},
# one genesis made by the genesis ceremony (scripts/ceremony.sh) with four gentxs of equal power (so
# any 3 of 4 validators keep committing), persistent peers between all nodes, 1-second blocks. The
# nodes run in the background with their logs in node<i>/node.log; Ctrl-C (or TERM) stops all four
# cleanly.
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
mkdir -p "$(home 0)"

# The genesis is made by the genesis ceremony (scripts/ceremony.sh all, docs/genesis-ceremony.md):
# every node is an operator with its own "validator" key, funded with 100,000 TAO, bonding 50,000
# TAO (equal voting power); the coordinator's files are in $ROOT_DIR/coordinator and the files
# that travel between the machines in $ROOT_DIR/transfer. node0 also holds the demo users (as in
# localnet.sh) so scripts/demo.sh runs against it unchanged; the ceremony funds them from an
# accounts file.
val_funds=100000000000000   # 100,000 TAO
val_bond=50000000000000     #  50,000 TAO each: equal voting power
declare -A user_funds=(
  [alice]=10000000000000        # 10,000 TAO
  [bob]=10000000000000          # 10,000 TAO
  [subnet-owner]=10000000000000 # 10,000 TAO
)
users=(alice bob subnet-owner)
declare -A user_addr=()
for name in "${users[@]}"; do
  # shellcheck disable=SC2046
  "$TAOD" keys add "$name" $(kr 0) --output json >"$(home 0)/$name.key.json" 2>&1
  user_addr[$name]=$(sed -n 's/.*"address":"\([^"]*\)".*/\1/p' "$(home 0)/$name.key.json")
  echo "${user_addr[$name]} ${user_funds[$name]}rao" >>"$ROOT_DIR/accounts.txt"
done
# Governance decided in minutes, not days: 60 s voting period (30 s expedited; the SDK's are 48 h/24 h).
if ! out=$(TAOD=$TAOD CHAIN_ID=$CHAIN_ID BASE_PORT=$BASE_PORT SNAPSHOT_INTERVAL=$SNAPSHOT_INTERVAL \
  ACCOUNTS="$ROOT_DIR/accounts.txt" OPERATOR_FUNDS=${val_funds}rao SELF_BOND=${val_bond}rao \
  VOTING_PERIOD=60s EXPEDITED_VOTING_PERIOD=30s KEY=validator KEYRING_BACKEND=test NO_START=1 \
  "$root/scripts/ceremony.sh" all "$ROOT_DIR" "$NODES" 2>&1); then
  echo "$out" >&2
  echo "localnet-multi: the genesis ceremony failed" >&2
  exit 1
fi
ids=() vals=()
for i in $(seq 0 $((NODES - 1))); do
  read -r addr _ id <"$(home "$i")/operator.txt"
  vals+=("$addr")
  ids+=("$id")
done

echo "taochain 4-validator localnet — chain-id $CHAIN_ID, homes $ROOT_DIR/node{0..3}"
printf '  %-6s %-42s %-6s %-6s %-6s %-6s %-6s %s\n' node "node id" p2p rpc grpc api prom validator
for i in $(seq 0 $((NODES - 1))); do
  printf '  %-6s %-42s %-6s %-6s %-6s %-6s %-6s %s\n' "node$i" "${ids[$i]}" "$(p2p_port "$i")" \
    "$(rpc_port "$i")" "$(grpc_port "$i")" "$(api_port "$i")" "$(prom_port "$i")" "${vals[$i]}"
done
echo "  each validator bonds $val_bond rao (equal power: any 3 of 4 keep the chain committing)"
echo "  genesis sha256 $(cut -d' ' -f1 "$ROOT_DIR/transfer/genesis.sha256") (scripts/ceremony.sh all; docs/genesis-ceremony.md)"
echo "  funded users in node0's keyring (keyring-backend test; mnemonics in $(home 0)/<name>.key.json):"
for name in "${users[@]}"; do
  printf '    %-13s %s  %s rao\n' "$name" "${user_addr[$name]}" "${user_funds[$name]}"
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
