#!/usr/bin/env bash
# Sets up the demo subnet on a running localnet: subnet-owner creates subnet "demo", three miner
# hotkeys (miner1-hot..miner3-hot) are registered by alice, bob and subnet-owner, the validator
# account registers validator-hot, and alice stakes 5,000 TAO on validator-hot so the subnet earns
# emission. Stake goes on the validator, not on a miner: stake buys a validator permit, and a
# permit that is never used to set weights is what x/slashing's liveness rule punishes.
#
# With DEMO_VALIDATOR=1 (run it again so after `make localnet`) it also prepares the subnet for
# taoworker: tempo DEMO_TEMPO (default 10 blocks, the lowest the x/subnet bounds allow) and 20,000
# TAO more on validator-hot from the validator account (more than any other hotkey, so it holds a
# validator permit from the next epoch on). Hotkeys get no TAO: a registered hotkey's own
# MsgServeAxon, weights, commits, reveals and evaluations are paid by its coldkey.
#
# With DEMO_FEDERATED=1 as well, the subnet is a federated one (issue 19): its `federated`
# hyperparameter is turned on and a fourth miner hotkey, miner4-hot, is registered by alice, so
# four `taoworker miner --federated` processes can share model updates (docs/architecture.md, "Collective learning").
#
# Idempotent: every step checks the chain first, so running it again changes nothing. Every wait is
# bounded. Environment: TAOD, LOCALNET_HOME, CHAIN_ID, RPC_PORT as for localnet.sh; DEMO_VALIDATOR
# (default 0), DEMO_TEMPO.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
TAOD=${TAOD:-$root/build/taod}
HOME_DIR=${LOCALNET_HOME:-$root/build/localnet}
CHAIN_ID=${CHAIN_ID:-taochain-local-1}
NODE="tcp://127.0.0.1:${RPC_PORT:-26657}"
DEMO_VALIDATOR=${DEMO_VALIDATOR:-0}
DEMO_TEMPO=${DEMO_TEMPO:-10}
DEMO_FEDERATED=${DEMO_FEDERATED:-0}
Q=(--home "$HOME_DIR" --node "$NODE" --output json)
KR=(--home "$HOME_DIR" --keyring-backend test)
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

addr() { "$TAOD" keys show "$1" -a "${KR[@]}"; }
ensure_key() { "$TAOD" keys show "$1" "${KR[@]}" >/dev/null 2>&1 || "$TAOD" keys add "$1" "${KR[@]}" --output json >/dev/null 2>&1; }
is_neuron() { "$TAOD" q subnet neuron-by-hotkey "$netuid" "$(addr "$1")" "${Q[@]}" >/dev/null 2>&1; }
# has_stake COLDKEY HOTKEY_ADDR: whether the coldkey already has a stake position on the hotkey.
has_stake() { "$TAOD" q subnet stake-by-coldkey "$(addr "$1")" "${Q[@]}" 2>/dev/null | grep -q "\"$2\""; }
demo_netuid() { "$TAOD" q subnet subnets "${Q[@]}" | tr -d " \n" | sed -n 's/.*"netuid":\([0-9]*\),[^}]*"name":"demo".*/\1/p'; }

wait_height 2
netuid=$(demo_netuid)
if [ -z "$netuid" ]; then
  tx subnet-owner subnet register-subnet demo 1000000000000
  netuid=$(demo_netuid)
fi
[ -n "$netuid" ] || { echo "demo: subnet 'demo' not found after registration" >&2; exit 1; }

owners=(alice bob subnet-owner)
[ "$DEMO_FEDERATED" = 1 ] && owners+=(alice)
i=0
for owner in "${owners[@]}"; do
  i=$((i + 1))
  ensure_key "miner$i-hot"
  is_neuron "miner$i-hot" || tx "$owner" subnet register "$netuid" "miner$i-hot" 100000000000
done
ensure_key validator-hot
is_neuron validator-hot || tx validator subnet register "$netuid" validator-hot 100000000000
vhot=$(addr validator-hot)
has_stake alice "$vhot" || tx alice subnet add-stake "$vhot" "$netuid" 5000000000000

if [ "$DEMO_VALIDATOR" = 1 ]; then
  # One update for both changes: the owner may update hyperparameters once per rate-limit window.
  hp=$("$TAOD" q subnet hyperparameters "$netuid" "${Q[@]}" | tr -d ' \n')
  inner=$(echo "$hp" | sed -e 's/^{"hyperparams"://' -e 's/}$//')
  want=$(echo "$inner" | sed -e "s/\"tempo\":\"\{0,1\}[0-9]*\"\{0,1\}/\"tempo\":\"$DEMO_TEMPO\"/")
  if [ "$DEMO_FEDERATED" = 1 ] && ! echo "$want" | grep -q '"federated":true'; then
    want=$(echo "$want" | sed -e 's/,"federated":false//' -e 's/"federated":false,\{0,1\}//' -e 's/^{/{"federated":true,/')
  fi
  tempo=$(echo "$inner" | sed -n 's/.*"tempo":"\{0,1\}\([0-9]*\)"\{0,1\}.*/\1/p')
  if [ "$tempo" != "$DEMO_TEMPO" ] || { [ "$DEMO_FEDERATED" = 1 ] && ! echo "$inner" | grep -q '"federated":true'; }; then
    tx subnet-owner subnet update-hyperparams "$netuid" "$want"
  fi
  # Staked last: the permit arrives at the next epoch, and a permitted validator that stays silent
  # for x/slashing's max_missed_epochs loses it, so the validator worker should start right after.
  has_stake validator "$vhot" || tx validator subnet add-stake "$vhot" "$netuid" 20000000000000
  echo "demo: validator-hot ($vhot) staked 20000 TAO more; tempo $DEMO_TEMPO; hotkeys hold no TAO, their coldkeys pay their fees"
fi

echo "demo: subnet 'demo' is netuid $netuid with ${#owners[@]} miners; alice stakes 5000 TAO on validator-hot ($vhot)"
echo "demo: watch it with: $TAOD q subnet metagraph $netuid --home $HOME_DIR   and   $TAOD q tao pending-emission $netuid --home $HOME_DIR"
