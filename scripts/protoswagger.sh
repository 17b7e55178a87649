#!/usr/bin/env bash
# protoswagger.sh generates taochain's OpenAPI (Swagger 2.0) spec, app/openapi/openapi.json, which
# taod embeds and serves at the API server's /swagger/.
#
# The spec holds exactly the REST routes taod's API server registers: taochain's query services
# (/taochain/...) and those of the SDK and IBC modules wired into the app (their protos come from the
# Go module cache). protoc-gen-swagger (grpc-gateway v1, the version of the gateway in go.mod) turns
# each into a swagger file; `go run ./app/openapi/tidy` merges them, names the spec, makes the
# operation ids unique and sorts the output so regeneration is reproducible.
#
# Offline apart from the first `go install` of the plugin and `go mod download` of the proto modules.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="${TOOLS_BIN:-${REPO_ROOT}/build/tools}"
PROTO_ROOT="${REPO_ROOT}/proto"
OUT_FILE="${REPO_ROOT}/app/openapi/openapi.json"
GATEWAY_VERSION="v1.16.0"

log() { echo "protoswagger: $*" >&2; }

if ! command -v protoc >/dev/null 2>&1; then
  TOOLS_BIN="${TOOLS_BIN}" "${REPO_ROOT}/scripts/install-proto-tools.sh"
fi
if [ ! -x "${TOOLS_BIN}/protoc-gen-swagger" ] \
  || [ "$(go version -m "${TOOLS_BIN}/protoc-gen-swagger" | awk '$1 == "mod" {print $3; exit}')" != "${GATEWAY_VERSION}" ]; then
  log "go install protoc-gen-swagger@${GATEWAY_VERSION}"
  mkdir -p "${TOOLS_BIN}"
  (cd "${TMPDIR:-/tmp}" && GOBIN="${TOOLS_BIN}" GOFLAGS=-mod=mod \
    go install "github.com/grpc-ecosystem/grpc-gateway/protoc-gen-swagger@${GATEWAY_VERSION}")
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
IBC_DIR="$(mod_dir github.com/cosmos/ibc-go/v10@v10.7.0)"
GOGO_DIR="$(mod_dir github.com/cosmos/gogoproto@v1.7.2)"
COSMOS_PROTO_DIR="$(mod_dir github.com/cosmos/cosmos-proto@v1.0.0-beta.5)"
GATEWAY_DIR="$(mod_dir github.com/grpc-ecosystem/grpc-gateway@${GATEWAY_VERSION})"

INCLUDES=(
  -I "${PROTO_ROOT}"
  -I "${SDK_DIR}/proto"
  -I "${IBC_DIR}/proto"
  -I "${GOGO_DIR}"
  -I "${COSMOS_PROTO_DIR}/proto"
  -I "${GATEWAY_DIR}/third_party/googleapis"
)
PROTOC_INCLUDE="$(cd "$(dirname "$(command -v protoc)")/../include" 2>/dev/null && pwd || true)"
if [ -n "${PROTOC_INCLUDE}" ] && [ -f "${PROTOC_INCLUDE}/google/protobuf/descriptor.proto" ]; then
  INCLUDES+=(-I "${PROTOC_INCLUDE}")
fi

# The services whose gateway routes app.RegisterAPIRoutes registers, and nothing else: a route in
# the spec that the server does not register would answer 501 Not Implemented.
mapfile -t TAOCHAIN < <(cd "${PROTO_ROOT}" && find taochain -name query.proto | sort)
SERVICES=(
  "${TAOCHAIN[@]}"
  cosmos/tx/v1beta1/service.proto
  cosmos/base/tendermint/v1beta1/query.proto
  cosmos/base/node/v1beta1/query.proto
  cosmos/auth/v1beta1/query.proto
  cosmos/bank/v1beta1/query.proto
  cosmos/staking/v1beta1/query.proto
  cosmos/distribution/v1beta1/query.proto
  cosmos/slashing/v1beta1/query.proto
  cosmos/evidence/v1beta1/query.proto
  cosmos/gov/v1/query.proto
  cosmos/gov/v1beta1/query.proto
  cosmos/upgrade/v1beta1/query.proto
  cosmos/consensus/v1/query.proto
  ibc/core/client/v1/query.proto
  ibc/core/connection/v1/query.proto
  ibc/core/channel/v1/query.proto
  ibc/core/channel/v2/query.proto
  ibc/applications/transfer/v1/query.proto
)

OUT_DIR="$(mktemp -d)"
mkdir -p "${OUT_DIR}/swagger"
trap 'rm -rf "${OUT_DIR}"' EXIT

# cosmos/ics23/v1/proofs.proto (imported by IBC) ships only compiled into Go; protoc reads it from a
# descriptor set built from the Go registry, and everything else from the include path.
(cd "${REPO_ROOT}" && go run ./app/openapi/tidy descriptors "${OUT_DIR}/sourceless.pb")

# protoc-gen-swagger merges only files of one Go package, so it runs once per service file and
# tidy merges the outputs (definitions carry fully qualified names, so they cannot collide).
log "protoc-gen-swagger over ${#SERVICES[@]} services"
for f in "${SERVICES[@]}"; do
  protoc "${INCLUDES[@]}" --descriptor_set_in="${OUT_DIR}/sourceless.pb" \
    --swagger_out="logtostderr=true,fqn_for_swagger_name=true,include_package_in_tags=true:${OUT_DIR}/swagger" \
    "${f}"
done

mapfile -t PARTS < <(find "${OUT_DIR}/swagger" -name '*.swagger.json' | sort)
(cd "${REPO_ROOT}" && go run ./app/openapi/tidy spec "${OUT_FILE}" "${PARTS[@]}")
log "wrote ${OUT_FILE#"${REPO_ROOT}"/}"
