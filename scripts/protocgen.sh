#!/usr/bin/env bash
# protocgen.sh generates Go code (gogoproto via protoc-gen-gocosmos, and grpc-gateway handlers) for
# every proto/taochain/**/*.proto and copies it into the package named by each file's go_package
# (github.com/taochain/taochain/x/<module>/types -> x/<module>/types).
#
# Offline: uses protoc from the system, plugins from build/tools (see install-proto-tools.sh) and
# imported .proto files (cosmos-sdk, gogoproto, cosmos_proto, googleapis) from the Go module cache.
# Safe to run repeatedly; output goes to a temp dir first and is copied over the tree at the end.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="${TOOLS_BIN:-${REPO_ROOT}/build/tools}"
GO_MODULE="github.com/taochain/taochain"
PROTO_ROOT="${REPO_ROOT}/proto"

log() { echo "protocgen: $*" >&2; }

if [ ! -x "${TOOLS_BIN}/protoc-gen-gocosmos" ] || [ ! -x "${TOOLS_BIN}/protoc-gen-grpc-gateway" ] \
  || ! command -v protoc >/dev/null 2>&1; then
  TOOLS_BIN="${TOOLS_BIN}" "${REPO_ROOT}/scripts/install-proto-tools.sh"
fi
export PATH="${TOOLS_BIN}:${PATH}"

# mod_dir prints the module-cache directory of module@version, downloading it if needed.
mod_dir() {
  local dir
  dir="$(cd "${TMPDIR:-/tmp}" && GOFLAGS=-mod=mod go mod download -json "$1" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  if [ -z "${dir}" ] || [ ! -d "${dir}" ]; then
    log "cannot locate module $1 in the Go module cache"
    exit 1
  fi
  echo "${dir}"
}

SDK_DIR="$(mod_dir github.com/cosmos/cosmos-sdk@v0.53.8)"
GOGO_DIR="$(mod_dir github.com/cosmos/gogoproto@v1.7.2)"
COSMOS_PROTO_DIR="$(mod_dir github.com/cosmos/cosmos-proto@v1.0.0-beta.5)"
GATEWAY_DIR="$(mod_dir github.com/grpc-ecosystem/grpc-gateway@v1.16.0)"

INCLUDES=(
  -I "${PROTO_ROOT}"
  -I "${SDK_DIR}/proto"                          # cosmos/*, amino/*
  -I "${GOGO_DIR}"                               # gogoproto/gogo.proto
  -I "${COSMOS_PROTO_DIR}/proto"                 # cosmos_proto/cosmos.proto
  -I "${GATEWAY_DIR}/third_party/googleapis"     # google/api/*.proto
)
# Well-known types (google/protobuf/*.proto) ship with protoc; add their dir explicitly when found
# next to the binary, so a protoc without a built-in include path still works.
PROTOC_INCLUDE="$(cd "$(dirname "$(command -v protoc)")/../include" 2>/dev/null && pwd || true)"
if [ -n "${PROTOC_INCLUDE}" ] && [ -f "${PROTOC_INCLUDE}/google/protobuf/descriptor.proto" ]; then
  INCLUDES+=(-I "${PROTOC_INCLUDE}")
fi

OUT_DIR="$(mktemp -d)"
trap 'rm -rf "${OUT_DIR}"' EXIT

cd "${PROTO_ROOT}"
mapfile -t proto_dirs < <(find taochain -name '*.proto' -print0 | xargs -0 -r -n1 dirname | sort -u)
if [ "${#proto_dirs[@]}" -eq 0 ]; then
  log "no .proto files under ${PROTO_ROOT}/taochain"
  exit 0
fi

for dir in "${proto_dirs[@]}"; do
  mapfile -t files < <(find "${dir}" -maxdepth 1 -name '*.proto' | sort)
  for f in "${files[@]}"; do
    if ! grep -q "option go_package *= *\"${GO_MODULE}/" "${f}"; then
      log "${f}: go_package must start with ${GO_MODULE}/"
      exit 1
    fi
  done
  log "generating ${dir} (${#files[@]} files)"
  protoc "${INCLUDES[@]}" \
    --gocosmos_out="plugins=grpc,Mgoogle/protobuf/any.proto=github.com/cosmos/gogoproto/types/any:${OUT_DIR}" \
    --grpc-gateway_out="logtostderr=true,allow_colon_final_segments=true:${OUT_DIR}" \
    "${files[@]}"
done

if [ ! -d "${OUT_DIR}/${GO_MODULE}" ]; then
  log "protoc produced no output under ${GO_MODULE}"
  exit 1
fi
cp -r "${OUT_DIR}/${GO_MODULE}/." "${REPO_ROOT}/"
log "done"
