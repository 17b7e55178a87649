#!/usr/bin/env bash
# The taochain genesis ceremony, as the role steps of a multi-machine launch. Each step runs on one
# machine and reads only its own home and the files other machines sent it (docs/genesis-ceremony.md):
#
#   operator-init <home> <moniker>
#       taod init, the operator's "validator" key; prints the account address and node id, and
#       writes <home>/operator.txt ("address moniker node-id") to send to the coordinator.
#   coordinator-start <home> <chain-id> <operators-file> [<accounts-file>]
#       the pre-genesis: every operator address (first word of each operators-file line) funded with
#       OPERATOR_FUNDS, every "<address> <coins>" line of accounts-file funded, params set; writes
#       <home>/pre-genesis.json to send to every operator.
#   operator-gentx <home> <pre-genesis.json> <amount> <ip> <p2p-port>
#       checks the pre-genesis (valid, funds this operator with at least <amount>), writes the gentx
#       <home>/gentx-<moniker>.json to send to the coordinator.
#   coordinator-collect <home> <gentx-dir>
#       checks every gentx (one MsgCreateValidator; self-bond >= MIN_SELF_BOND in the bond denom;
#       operator account funded; no duplicate validator, moniker, consensus key or node id), collects
#       them, validates the genesis, runs InitChain once on a throwaway node (which verifies every
#       gentx signature, so a gentx signed for another chain-id is refused), and publishes
#       <home>/genesis.json, <home>/genesis.sha256 and <home>/peers.txt.
#   operator-install <home> <genesis.json> <sha256> <peers>
#       refuses a genesis whose sha256 is not the published one; installs it and sets persistent_peers
#       (comma-separated id@host:port; the node's own entry is dropped).
#   all <root> <n>
#       the whole ceremony for n homes on this machine (<root>/node<i>, coordinator in
#       <root>/coordinator, the files that would travel in <root>/transfer), each node configured for
#       127.0.0.1 (node i uses BASE_PORT + 10*i + {0 p2p, 1 rpc, 2 grpc, 3 api, 4 prometheus}, 1 s
#       blocks), then starts them in the background until Ctrl-C (NO_START=1: only prepare).
#
# Environment: TAOD (binary, default build/taod), KEY (operator key name, default validator),
# KEYRING_BACKEND (default test), OPERATOR_FUNDS (default 100000000000000rao), MIN_SELF_BOND (rao,
# default 1000000000000), GENESIS_TIME (RFC 3339 UTC launch time, default: when coordinator-start
# ran), VOTING_PERIOD and EXPEDITED_VOTING_PERIOD (e.g. 60s; default the SDK's), TRIAL_TIMEOUT
# (seconds for the InitChain trial, default 120). For `all`: CHAIN_ID (default
# taochain-ceremony-1), BASE_PORT (default 26600), SELF_BOND (default 50000000000000rao), ACCOUNTS
# (an accounts-file), SNAPSHOT_INTERVAL (default 20), NO_START. Needs jq and sha256sum.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
self="$root/scripts/ceremony.sh"
TAOD=${TAOD:-$root/build/taod}
KEY=${KEY:-validator}
KEYRING_BACKEND=${KEYRING_BACKEND:-test}
OPERATOR_FUNDS=${OPERATOR_FUNDS:-100000000000000rao} # 100,000 TAO
MIN_SELF_BOND=${MIN_SELF_BOND:-1000000000000}        #   1,000 TAO
TRIAL_TIMEOUT=${TRIAL_TIMEOUT:-120}

die() {
  echo "ceremony: $*" >&2
  exit 1
}
need_taod() { [ -x "$TAOD" ] || die "$TAOD not found; run 'make build' first (or set TAOD)"; }
need_tools() {
  command -v jq >/dev/null || die "jq is required (apt-get install jq)"
  command -v sha256sum >/dev/null || die "sha256sum is required (coreutils)"
}
kr() { echo --keyring-backend "$KEYRING_BACKEND" --home "$1"; }

# ge A B: whether decimal integer string A >= B (any length, no floats).
ge() {
  local a b
  a=$(echo "$1" | sed 's/^0*//') b=$(echo "$2" | sed 's/^0*//')
  [ "${#a}" -ne "${#b}" ] && { [ "${#a}" -gt "${#b}" ]; return; }
  [ "$a" = "$b" ] || [[ "$a" > "$b" ]]
}

# coin AMOUNT: splits "<integer><denom>" into the globals coin_amount, coin_denom.
coin() {
  [[ "$1" =~ ^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]*)$ ]] || return 1
  coin_amount=${BASH_REMATCH[1]} coin_denom=${BASH_REMATCH[2]}
}

# acc_of ADDRESS: the account (tao1...) address of an account or validator operator address.
acc_of() { "$TAOD" debug addr "$1" 2>/dev/null | sed -n 's/^Bech32 Acc: //p'; }

# balance GENESIS ADDRESS DENOM: the address's genesis balance in denom (0 when none).
balance() {
  jq -r --arg a "$2" --arg d "$3" \
    '[.app_state.bank.balances[] | select(.address == $a) | .coins[] | select(.denom == $d) | .amount] | first // "0"' "$1"
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# node_id HOME: the CometBFT node id, the first 20 bytes of the sha256 of the node's ed25519 public
# key (the last 32 bytes of node_key.json's key); what `taod comet show-node-id` prints, without
# starting taod for it.
node_id() { jq -r .priv_key.value "$1/config/node_key.json" | base64 -d | tail -c 32 | sha256sum | cut -c1-40; }

# client_config HOME KEY VALUE: sets a string key of the home's client.toml (taod's tx defaults).
client_config() { sed -i "s#^$2 = .*#$2 = \"$3\"#" "$1/config/client.toml"; }

# has_key HOME: whether the home's keyring holds KEY (test and file keyrings are files; asking
# taod would prompt for the file keyring's passphrase).
has_key() {
  case "$KEYRING_BACKEND" in
  test | file) [ -f "$1/keyring-$KEYRING_BACKEND/$KEY.info" ] ;;
  # shellcheck disable=SC2046
  *) "$TAOD" keys show "$KEY" $(kr "$1") >/dev/null 2>&1 ;;
  esac
}

# ---- operator-init <home> <moniker> ----
operator_init() {
  [ $# = 2 ] || die "usage: operator-init <home> <moniker>"
  local home=$1 moniker=$2
  [ -n "$moniker" ] || die "operator-init: empty moniker; expected the validator's public name"
  [ -e "$home/config/genesis.json" ] && die "operator-init: $home is already initialised; expected a new home"
  "$TAOD" init "$moniker" --default-denom rao --home "$home" >/dev/null 2>&1 ||
    die "operator-init: taod init failed in $home"
  local addr id out
  if has_key "$home"; then # the operator brought a key of that name
    # shellcheck disable=SC2046
    addr=$("$TAOD" keys show "$KEY" -a $(kr "$home")) || die "operator-init: could not read key $KEY"
  else
    # The key's JSON (with the mnemonic) is on stdout; passphrase prompts stay on the terminal.
    # shellcheck disable=SC2046
    out=$("$TAOD" keys add "$KEY" $(kr "$home") --output json) || die "operator-init: could not create key $KEY"
    echo "$out" >"$home/$KEY.key.json"
    addr=$(jq -r .address <<<"$out")
  fi
  id=$(node_id "$home")
  echo "$addr $moniker $id" >"$home/operator.txt"
  echo "operator $moniker initialised in $home"
  echo "  account  $addr"
  echo "  node id  $id"
  echo "  send $home/operator.txt (address moniker node-id) to the coordinator"
}

# ---- coordinator-start <home> <chain-id> <operators-file> [<accounts-file>] ----
coordinator_start() {
  [ $# = 3 ] || [ $# = 4 ] || die "usage: coordinator-start <home> <chain-id> <operators-file> [<accounts-file>]"
  local home=$1 chain_id=$2 operators=$3 accounts=${4:-}
  [[ "$chain_id" =~ ^[a-zA-Z0-9_.-]+$ ]] ||
    die "coordinator-start: chain-id '$chain_id' is not valid; expected letters, digits, '.', '_' or '-' (e.g. taochain-1)"
  [ -f "$operators" ] || die "coordinator-start: operators file $operators not found; expected one 'address ...' line per operator"
  [ -z "$accounts" ] || [ -f "$accounts" ] || die "coordinator-start: accounts file $accounts not found"
  [ -z "${GENESIS_TIME:-}" ] || [[ "$GENESIS_TIME" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$ ]] ||
    die "coordinator-start: GENESIS_TIME '$GENESIS_TIME' is not an RFC 3339 UTC time; expected e.g. 2027-01-15T16:00:00Z"
  [ -e "$home/config/genesis.json" ] && die "coordinator-start: $home is already initialised; expected a new home"
  "$TAOD" init coordinator --chain-id "$chain_id" --default-denom rao --home "$home" >/dev/null 2>&1 ||
    die "coordinator-start: taod init failed in $home"
  local g="$home/config/genesis.json" n=0 line addr coins rest count=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line=${line%%#*}
    [ -z "${line// /}" ] && continue
    read -r addr rest <<<"$line"
    [[ "$addr" =~ ^tao1[02-9ac-hj-np-z]{38}$ ]] ||
      die "coordinator-start: $operators line $n: '$addr' is not an account address; expected the tao1... address operator-init printed"
    jq -e --arg a "$addr" 'any(.app_state.bank.balances[]; .address == $a) | not' "$g" >/dev/null ||
      die "coordinator-start: $operators line $n: operator $addr is listed twice; expected each operator once"
    "$TAOD" genesis add-genesis-account "$addr" "$OPERATOR_FUNDS" --home "$home" ||
      die "coordinator-start: $operators line $n: could not fund operator $addr with $OPERATOR_FUNDS"
    count=$((count + 1))
  done <"$operators"
  [ "$count" -gt 0 ] || die "coordinator-start: $operators lists no operator; expected one 'address ...' line per operator"
  n=0
  if [ -n "$accounts" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      n=$((n + 1))
      line=${line%%#*}
      [ -z "${line// /}" ] && continue
      read -r addr coins rest <<<"$line"
      [[ "$addr" =~ ^tao1[02-9ac-hj-np-z]{38,58}$ ]] && coin "$coins" && [ -z "$rest" ] ||
        die "coordinator-start: $accounts line $n: '$line' is not '<tao1... address> <amount><denom>'"
      "$TAOD" genesis add-genesis-account "$addr" "$coins" --home "$home" ||
        die "coordinator-start: $accounts line $n: could not fund $addr with $coins (listed twice?)"
    done <"$accounts"
  fi
  if [ -n "${GENESIS_TIME:-}" ]; then
    sed -i "s/^  \"genesis_time\": \".*\",$/  \"genesis_time\": \"$GENESIS_TIME\",/" "$g"
  fi
  [ -z "${VOTING_PERIOD:-}" ] || sed -i "s/\"voting_period\": \"[0-9]*s\"/\"voting_period\": \"$VOTING_PERIOD\"/" "$g"
  [ -z "${EXPEDITED_VOTING_PERIOD:-}" ] ||
    sed -i "s/\"expedited_voting_period\": \"[0-9]*s\"/\"expedited_voting_period\": \"$EXPEDITED_VOTING_PERIOD\"/" "$g"
  "$TAOD" genesis validate-genesis --home "$home" >/dev/null || die "coordinator-start: the pre-genesis does not validate"
  cp "$g" "$home/pre-genesis.json"
  echo "pre-genesis for $chain_id: $count operators funded with $OPERATOR_FUNDS each, genesis_time $(jq -r .genesis_time "$g")"
  echo "  send $home/pre-genesis.json (sha256 $(sha256 "$home/pre-genesis.json")) to every operator"
}

# ---- operator-gentx <home> <pre-genesis.json> <amount> <ip> <p2p-port> ----
operator_gentx() {
  [ $# = 5 ] || die "usage: operator-gentx <home> <pre-genesis.json> <amount> <ip> <p2p-port>"
  local home=$1 pre=$2 amount=$3 ip=$4 p2p=$5
  [ -f "$home/config/config.toml" ] || die "operator-gentx: $home is not an operator home; run operator-init first"
  [ -f "$pre" ] || die "operator-gentx: pre-genesis $pre not found"
  jq -e 'type == "object"' "$pre" >/dev/null 2>&1 || die "operator-gentx: $pre is not JSON; expected the coordinator's pre-genesis.json"
  local chain_id denom gentxs addr have moniker
  chain_id=$(jq -r '.chain_id // ""' "$pre")
  denom=$(jq -r '.app_state.staking.params.bond_denom // ""' "$pre")
  gentxs=$(jq '.app_state.genutil.gen_txs | length' "$pre")
  [ -n "$chain_id" ] && [ -n "$denom" ] || die "operator-gentx: $pre has no chain_id or bond denom; expected the coordinator's pre-genesis.json"
  [ "$gentxs" = 0 ] || die "operator-gentx: $pre already holds $gentxs gentxs; expected the pre-genesis (no gentxs yet), not a final genesis"
  coin "$amount" && [ "$coin_denom" = "$denom" ] ||
    die "operator-gentx: amount '$amount' is not '<integer>$denom'; expected the self-bond in the bond denom $denom"
  [[ "$p2p" =~ ^[0-9]+$ ]] && [ "$p2p" -gt 0 ] && [ "$p2p" -lt 65536 ] ||
    die "operator-gentx: p2p port '$p2p' is not a port number"
  if [ -f "$home/operator.txt" ]; then
    addr=$(cut -d' ' -f1 "$home/operator.txt")
  else
    # shellcheck disable=SC2046
    addr=$("$TAOD" keys show "$KEY" -a $(kr "$home")) || die "operator-gentx: no key $KEY in $home"
  fi
  have=$(balance "$pre" "$addr" "$denom")
  ge "$have" "$coin_amount" ||
    die "operator-gentx: the pre-genesis funds your account $addr with $have$denom; expected at least $amount (send operator.txt to the coordinator)"
  "$TAOD" genesis validate-genesis "$pre" >/dev/null || die "operator-gentx: $pre does not validate"
  moniker=$(sed -n 's/^moniker = "\(.*\)"$/\1/p' "$home/config/config.toml")
  cp "$pre" "$home/config/genesis.json"
  local out="$home/gentx-$moniker.json"
  # taod talks on stderr (and asks there for a file keyring's passphrase).
  # shellcheck disable=SC2046
  "$TAOD" genesis gentx "$KEY" "$amount" --chain-id "$chain_id" --moniker "$moniker" \
    --ip "$ip" --p2p-port "$p2p" --output-document "$out" $(kr "$home") ||
    die "operator-gentx: taod genesis gentx failed (its error is above)"
  echo "gentx for $chain_id (pre-genesis sha256 $(sha256 "$pre")): $moniker bonds $amount, peer address $ip:$p2p"
  echo "  send $out to the coordinator"
}

# ---- coordinator-collect <home> <gentx-dir> ----
# trial HOME: runs InitChain once on a throwaway copy of the home (no listeners beyond loopback
# port 0, no peers) and fails with the reason when a gentx is refused.
trial() {
  local home=$1 dir log pid ok=""
  dir=$(mktemp -d)
  cp -r "$home/config" "$dir/config"
  mkdir -p "$dir/data"
  echo '{"height":"0","round":0,"step":0}' >"$dir/data/priv_validator_state.json"
  log="$dir/trial.log"
  "$TAOD" start --home "$dir" --log_no_color --p2p.laddr tcp://127.0.0.1:0 --rpc.laddr tcp://127.0.0.1:0 \
    --rpc.pprof_laddr "" --p2p.persistent_peers "" --p2p.seeds "" --grpc.enable=false --api.enable=false \
    --minimum-gas-prices 0rao >"$log" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + TRIAL_TIMEOUT))
  while [ $SECONDS -lt "$deadline" ]; do
    if grep -q "Completed ABCI Handshake" "$log"; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -z "$ok" ]; then
    trial_log=$(cat "$log")
    rm -rf "$dir"
    return 1
  fi
  rm -rf "$dir"
}

# once MAP KEY WHAT FILE: records that FILE's gentx has KEY in the associative array MAP (the
# caller's), refusing a second gentx with the same KEY.
once() {
  local -n seen=$1
  [ -z "${seen[$2]:-}" ] ||
    die "coordinator-collect: duplicate gentx: ${seen[$2]} and $4 have the same $3; expected one gentx per operator, each with its own key, node and moniker"
  seen[$2]=$4
}

coordinator_collect() {
  [ $# = 2 ] || die "usage: coordinator-collect <home> <gentx-dir>"
  local home=$1 dir=$2
  local pre="$home/pre-genesis.json" g="$home/config/genesis.json"
  [ -f "$pre" ] || die "coordinator-collect: $pre not found; run coordinator-start first"
  [ -d "$dir" ] || die "coordinator-collect: gentx directory $dir not found"
  local files=("$dir"/*.json)
  [ -e "${files[0]}" ] || die "coordinator-collect: no *.json gentx in $dir; expected one gentx per operator"
  local chain_id denom
  chain_id=$(jq -r .chain_id "$pre")
  denom=$(jq -r .app_state.staking.params.bond_denom "$pre")
  declare -A by_val=() by_moniker=() by_pubkey=() by_node=()
  local f fields moniker val pub bond_denom bond memo node acc have peers=""
  for f in "${files[@]}"; do
    fields=$(jq -r '
      if (.body.messages | length) == 1 and .body.messages[0]["@type"] == "/cosmos.staking.v1beta1.MsgCreateValidator"
      then .body.messages[0] | [.description.moniker, .validator_address, .pubkey.key, .value.denom, .value.amount] + [$memo]
        | map(if . == null or . == "" then "-" else . end) | @tsv
      else "not-a-gentx" end' --arg memo "$(jq -r '.body.memo // ""' "$f" 2>/dev/null)" "$f" 2>/dev/null) ||
      die "coordinator-collect: $f is not JSON; expected a gentx written by operator-gentx"
    [ "$fields" != not-a-gentx ] ||
      die "coordinator-collect: $f does not hold exactly one MsgCreateValidator; expected a gentx written by operator-gentx"
    IFS=$'\t' read -r moniker val pub bond_denom bond memo <<<"$fields"
    [ "$bond_denom" = "$denom" ] ||
      die "coordinator-collect: $f ($moniker) bonds in '$bond_denom'; expected the bond denom $denom"
    ge "$bond" "$MIN_SELF_BOND" ||
      die "coordinator-collect: $f ($moniker) self-bonds $bond$denom; expected at least MIN_SELF_BOND $MIN_SELF_BOND$denom"
    [[ "$memo" =~ ^([0-9a-f]{40})@([^:@]+):([0-9]+)$ ]] ||
      die "coordinator-collect: $f ($moniker) has memo '$memo'; expected the node's peer address <node-id>@<ip>:<port> (operator-gentx writes it)"
    node=${BASH_REMATCH[1]}
    once by_val "$val" "validator $val" "$f"
    once by_moniker "$moniker" "moniker $moniker" "$f"
    once by_pubkey "$pub" "consensus key $pub" "$f"
    once by_node "$node" "node id $node" "$f"
    acc=$(acc_of "$val")
    [ -n "$acc" ] || die "coordinator-collect: $f ($moniker) has validator address '$val'; expected a taovaloper1... address"
    have=$(balance "$pre" "$acc" "$denom")
    ge "$have" "$bond" ||
      die "coordinator-collect: $f ($moniker): operator account $acc is not funded: it has $have$denom in the pre-genesis; expected at least its self-bond $bond$denom (add it to the operators file of coordinator-start)"
    peers="${peers:+$peers,}$memo"
  done

  # Always collect into the pre-genesis; a refused round puts it back, leaving nothing behind.
  cp "$pre" "$g"
  local log
  log=$("$TAOD" genesis collect-gentxs --gentx-dir "$dir" --home "$home" 2>&1 >/dev/null) ||
    { cp "$pre" "$g"; die "coordinator-collect: taod genesis collect-gentxs failed: $log"; }
  log=$("$TAOD" genesis validate-genesis --home "$home" 2>&1) ||
    { cp "$pre" "$g"; die "coordinator-collect: the genesis does not validate: $log"; }
  if ! trial "$home"; then
    cp "$pre" "$g"
    if grep -q "signature verification failed" <<<"$trial_log"; then
      moniker=$(sed -n '/failed to execute DeliverTx/,$ s/^.*"moniker": "\(.*\)",$/\1/p' <<<"$trial_log" | head -1)
      f=${by_moniker[$moniker]:-?}
      die "coordinator-collect: gentx $f ($moniker) is not signed for chain-id $chain_id: it was made for another chain-id (or changed after signing); expected a gentx made by operator-gentx from this chain's pre-genesis"
    fi
    die "coordinator-collect: InitChain with the collected genesis failed; the node said:
$(grep -v '^\s*$' <<<"$trial_log" | grep -m1 -A3 'panic\|ERR\|Error' || tail -20 <<<"$trial_log")"
  fi
  cp "$g" "$home/genesis.json"
  local sum
  sum=$(sha256 "$home/genesis.json")
  echo "$sum  genesis.json" >"$home/genesis.sha256"
  echo "$peers" >"$home/peers.txt"
  echo "genesis for $chain_id: ${#files[@]} validators, genesis_time $(jq -r .genesis_time "$g")"
  echo "  sha256 $sum"
  echo "  publish $home/genesis.json, its sha256 (genesis.sha256) and the peers (peers.txt):"
  echo "  $peers"
}

# ---- operator-install <home> <genesis.json> <sha256> <peers> ----
operator_install() {
  [ $# = 4 ] || die "usage: operator-install <home> <genesis.json> <sha256> <peers>"
  local home=$1 gen=$2 want=$3 peers=$4
  [ -f "$home/config/config.toml" ] || die "operator-install: $home is not a node home; run operator-init first"
  [ -f "$gen" ] || die "operator-install: genesis $gen not found"
  [ -f "$want" ] && want=$(cut -d' ' -f1 "$want") # a genesis.sha256 file
  [[ "$want" =~ ^[0-9a-f]{64}$ ]] || die "operator-install: '$want' is not a sha256; expected the 64 hex digits the coordinator published"
  local got
  got=$(sha256 "$gen")
  [ "$got" = "$want" ] ||
    die "operator-install: checksum mismatch: $gen has sha256 $got; expected the published $want (the file was changed or is not the published genesis: fetch it again)"
  local id list="" p chain_id
  id=$(node_id "$home")
  IFS=, read -r -a entries <<<"$peers"
  for p in "${entries[@]}"; do
    [[ "$p" =~ ^[0-9a-f]{40}@[^:@]+:[0-9]+$ ]] ||
      die "operator-install: peer '$p' is not <node-id>@<host>:<port>; expected the comma-separated list the coordinator published"
    [ "${p%%@*}" = "$id" ] || list="${list:+$list,}$p"
  done
  chain_id=$(jq -r .chain_id "$gen")
  cp "$gen" "$home/config/genesis.json"
  "$TAOD" genesis validate-genesis --home "$home" >/dev/null || die "operator-install: $gen does not validate"
  sed -i "s#^persistent_peers = .*#persistent_peers = \"$list\"#" "$home/config/config.toml"
  client_config "$home" chain-id "$chain_id"
  local mine val
  for mine in "$home"/gentx-*.json; do
    [ -f "$mine" ] || continue
    val=$(jq -r '.body.messages[0].validator_address' "$mine")
    jq -e --arg v "$val" '[.app_state.genutil.gen_txs[].body.messages[].validator_address] | index($v)' "$gen" >/dev/null ||
      echo "ceremony: warning: your validator $val ($mine) is not in this genesis; the node runs as a full node" >&2
  done
  echo "installed genesis $got ($chain_id) in $home; persistent peers: ${list:-none}"
}

# ---- all <root> <n> ----
port() { echo $((BASE_PORT + 10 * $1 + $2)); } # port NODE OFFSET

# run_step STEP ARGS...: runs one ceremony step as its own process, as the machine playing that
# role would; its output is shown only when it fails.
run_step() {
  local out
  out=$("$self" "$@" 2>&1) || {
    echo "$out" >&2
    die "all: step $1 failed"
  }
}

# local_config HOME I: loopback listeners on node I's ports, 1 s blocks, client defaults.
local_config() {
  local home=$1 i=$2
  sed -i \
    -e 's/^timeout_commit = .*/timeout_commit = "1s"/' \
    -e 's/^timeout_propose = .*/timeout_propose = "1s"/' \
    -e "s#^laddr = \"tcp://127.0.0.1:26657\"#laddr = \"tcp://127.0.0.1:$(port "$i" 1)\"#" \
    -e "s#^laddr = \"tcp://0.0.0.0:26656\"#laddr = \"tcp://127.0.0.1:$(port "$i" 0)\"#" \
    -e 's/^addr_book_strict = .*/addr_book_strict = false/' \
    -e 's/^allow_duplicate_ip = .*/allow_duplicate_ip = true/' \
    -e 's/^pprof_laddr = .*/pprof_laddr = ""/' \
    -e 's/^prometheus = .*/prometheus = true/' \
    -e "s#^prometheus_listen_addr = .*#prometheus_listen_addr = \"127.0.0.1:$(port "$i" 4)\"#" \
    "$home/config/config.toml"
  sed -i \
    -e 's/^minimum-gas-prices = .*/minimum-gas-prices = "0.001rao"/' \
    -e "s#^address = \"tcp://localhost:1317\"#address = \"tcp://127.0.0.1:$(port "$i" 3)\"#" \
    -e "s#^address = \"localhost:9090\"#address = \"127.0.0.1:$(port "$i" 2)\"#" \
    -e "s/^snapshot-interval = .*/snapshot-interval = $SNAPSHOT_INTERVAL/" \
    "$home/config/app.toml"
  client_config "$home" keyring-backend "$KEYRING_BACKEND"
  # Fees: the node's minimum gas price, and margin for --gas auto (taod reads both as tx defaults).
  client_config "$home" gas-prices 0.001rao
  sed -i 's/^gas-adjustment = .*/gas-adjustment = 1.5/' "$home/config/client.toml"
  client_config "$home" node "tcp://127.0.0.1:$(port "$i" 1)"
}

all() {
  [ $# = 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "usage: all <root> <n> (n >= 1)"
  local top=$1 n=$2 i
  CHAIN_ID=${CHAIN_ID:-taochain-ceremony-1}
  BASE_PORT=${BASE_PORT:-26600}
  SELF_BOND=${SELF_BOND:-50000000000000rao} # 50,000 TAO each: equal voting power
  SNAPSHOT_INTERVAL=${SNAPSHOT_INTERVAL:-20}
  local wire="$top/transfer" coord="$top/coordinator"
  for i in $(seq 0 $((n - 1))); do
    [ -e "$top/node$i/config/genesis.json" ] && die "all: $top/node$i is already initialised; expected a fresh root"
  done
  [ -e "$coord" ] && die "all: $coord exists; expected a fresh root"
  mkdir -p "$wire/gentx"
  : >"$wire/operators.txt"
  # 1. Every operator initialises its home and sends operator.txt to the coordinator.
  for i in $(seq 0 $((n - 1))); do
    run_step operator-init "$top/node$i" "node$i"
    cat "$top/node$i/operator.txt" >>"$wire/operators.txt"
  done
  # 2. The coordinator funds them (and ACCOUNTS) and sends the pre-genesis to every operator.
  run_step coordinator-start "$coord" "$CHAIN_ID" "$wire/operators.txt" ${ACCOUNTS:+"$ACCOUNTS"}
  cp "$coord/pre-genesis.json" "$wire/pre-genesis.json"
  # 3. Every operator makes its gentx and sends it to the coordinator.
  for i in $(seq 0 $((n - 1))); do
    run_step operator-gentx "$top/node$i" "$wire/pre-genesis.json" "$SELF_BOND" 127.0.0.1 "$(port "$i" 0)"
    cp "$top/node$i/gentx-node$i.json" "$wire/gentx/"
  done
  # 4. The coordinator collects, checks and publishes genesis, checksum and peers.
  run_step coordinator-collect "$coord" "$wire/gentx"
  cp "$coord/genesis.json" "$coord/genesis.sha256" "$coord/peers.txt" "$wire/"
  # 5. Every operator verifies and installs the genesis with the peers.
  local sum peers
  sum=$(cut -d' ' -f1 "$wire/genesis.sha256")
  peers=$(cat "$wire/peers.txt")
  for i in $(seq 0 $((n - 1))); do
    run_step operator-install "$top/node$i" "$wire/genesis.json" "$sum" "$peers"
    local_config "$top/node$i" "$i"
  done
  echo "genesis ceremony done: $n validators, chain-id $CHAIN_ID, homes $top/node{0..$((n - 1))}"
  echo "  genesis sha256 $sum (every home's config/genesis.json)"
  for i in $(seq 0 $((n - 1))); do
    printf '  node%-3s p2p %-6s rpc %-6s grpc %-6s api %-6s %s\n' "$i" "$(port "$i" 0)" "$(port "$i" 1)" \
      "$(port "$i" 2)" "$(port "$i" 3)" "$(cut -d' ' -f1 "$top/node$i/operator.txt")"
  done
  [ "${NO_START:-0}" = 1 ] && return 0

  local pids=()
  for i in $(seq 0 $((n - 1))); do
    "$TAOD" start --home "$top/node$i" --api.enable --grpc.enable --minimum-gas-prices 0.001rao \
      >"$top/node$i/node.log" 2>&1 &
    pids+=($!)
    echo "$!" >"$top/node$i/node.pid"
  done
  # shellcheck disable=SC2317
  stop_all() {
    for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    exit 0
  }
  trap stop_all INT TERM
  echo "  started: pids ${pids[*]}, logs $top/node<i>/node.log; stop with Ctrl-C"
  wait
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  [ $# -ge 1 ] || usage
  local step=$1
  shift
  case "$step" in
  operator-init | coordinator-start | operator-gentx | coordinator-collect | operator-install | all)
    need_taod
    need_tools
    "${step//-/_}" "$@"
    ;;
  help | -h | --help) usage ;;
  *)
    echo "ceremony: unknown step '$step'" >&2
    usage
    ;;
  esac
}

# On one line, so a running step never reads an edited script past this point.
main "$@"; exit
