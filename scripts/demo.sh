#!/usr/bin/env bash
# Sets up the demo subnet on a running localnet: subnet-owner creates subnet "demo", three miner
# hotkeys (miner1-hot..miner3-hot) are registered by alice, bob and subnet-owner, and alice stakes
# on miner1-hot so the subnet earns emission. Prints the metagraph at the end.
#
# Environment: TAOD, LOCALNET_HOME, CHAIN_ID, RPC_PORT as for localnet.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
TAOD=${TAOD:-$root/build/taod}
HOME_DIR=${LOCALNET_HOME:-$root/build/localnet}
CHAIN_ID=${CHAIN_ID:-taochain-local-1}
NODE="tcp://127.0.0.1:${RPC_PORT:-26657}"
Q=(--home "$HOME_DIR" --node "$NODE" --output json)
TX=(--home "$HOME_DIR" --node "$NODE" --chain-id "$CHAIN_ID" --keyring-backend test
    --gas auto --gas-adjustment 1.5 --gas-prices 0.001rao --yes --output json)

height() { { "$TAOD" status --node "$NODE" 2>/dev/null || true; } | sed -n 's/.*"latest_block_height":"\([0-9]*\)".*/\1/p'; }

# wait_height H: waits (at most 60 s) for the chain to reach height H.
wait_height() {
  for _ in $(seq 1 120); do
    h=$(height); [ -n "$h" ] && [ "$h" -ge "$1" ] && return 0
    sleep 0.5
  done
  echo "demo: chain did not reach height $1" >&2; return 1
}

# tx FROM ARGS...: broadcasts, waits for inclusion, fails loudly on a non-zero code.
tx() {
  local from=$1; shift
  local out hash code
  out=$("$TAOD" tx "$@" --from "$from" "${TX[@]}" 2> >(grep -v "^gas estimate" >&2))
  hash=$(echo "$out" | sed -n 's/.*"txhash":"\([0-9A-F]*\)".*/\1/p')
  code=$(echo "$out" | grep -o '"code":[0-9]*' | head -1 | cut -d: -f2)
  [ "${code:-0}" = 0 ] || { echo "demo: tx $* rejected: $out" >&2; return 1; }
  for _ in $(seq 1 60); do
    if out=$("$TAOD" q tx "$hash" "${Q[@]}" 2>/dev/null); then
      code=$(echo "$out" | grep -o '"code":[0-9]*' | head -1 | cut -d: -f2)
      [ "${code:-0}" = 0 ] || { echo "demo: tx $* failed: $(echo "$out" | head -c 400)" >&2; return 1; }
      return 0
    fi
    sleep 0.5
  done
  echo "demo: tx $hash not included" >&2; return 1
}

wait_height 2
tx subnet-owner subnet register-subnet demo 1000000000000
netuid=$("$TAOD" q subnet subnets "${Q[@]}" | tr -d " \n" | sed -n 's/.*"netuid":\([0-9]*\).*"name":"demo".*/\1/p')
[ -n "$netuid" ] || { echo "demo: subnet 'demo' not found after registration" >&2; exit 1; }

i=0
for owner in alice bob subnet-owner; do
  i=$((i + 1))
  "$TAOD" keys show "miner$i-hot" --home "$HOME_DIR" --keyring-backend test >/dev/null 2>&1 ||
    "$TAOD" keys add "miner$i-hot" --home "$HOME_DIR" --keyring-backend test --output json >/dev/null 2>&1
  tx "$owner" subnet register "$netuid" "miner$i-hot" 100000000000
done
hot1=$("$TAOD" keys show miner1-hot -a --home "$HOME_DIR" --keyring-backend test)
tx alice subnet add-stake "$hot1" "$netuid" 5000000000000

echo "demo: subnet 'demo' is netuid $netuid with 3 neurons; alice stakes 5000 TAO on miner1-hot ($hot1)"
echo "demo: watch it with: $TAOD q subnet metagraph $netuid --home $HOME_DIR   and   $TAOD q tao pending-emission $netuid --home $HOME_DIR"
