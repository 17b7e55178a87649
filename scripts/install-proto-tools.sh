#!/usr/bin/env bash
# install-proto-tools.sh installs the offline protobuf toolchain used by scripts/protocgen.sh:
#   * protoc 3.21 from the Debian/Ubuntu archive (package protobuf-compiler), and
#   * the protoc plugins, built with `go install` at pinned versions into $TOOLS_BIN
#     (default: <repo>/build/tools, which is not committed).
# It also downloads the Go modules whose .proto files are imported by taochain's protos, so that
# generation works on a fresh machine without buf's remote registry.
#
# Safe to run repeatedly: every step is skipped when its result is already present.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="${TOOLS_BIN:-${REPO_ROOT}/build/tools}"

GOCOSMOS_MOD="github.com/cosmos/gogoproto"
GOCOSMOS_VERSION="v1.7.2"
GATEWAY_MOD="github.com/grpc-ecosystem/grpc-gateway"
GATEWAY_VERSION="v1.16.0"
PROTOC_WANT_MAJOR_MINOR="3.21"

# Proto dependencies (module@version) read from the Go module cache by protocgen.sh.
PROTO_DEP_MODULES=(
  "github.com/cosmos/cosmos-sdk@v0.53.8"
  "${GOCOSMOS_MOD}@${GOCOSMOS_VERSION}"
  "github.com/cosmos/cosmos-proto@v1.0.0-beta.5"
  "${GATEWAY_MOD}@${GATEWAY_VERSION}"
)

log() { echo "install-proto-tools: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "need root (or sudo) to run: $*"
    exit 1
  fi
}

install_protoc() {
  if command -v protoc >/dev/null 2>&1; then
    local have
    have="$(protoc --version | awk '{print $2}')"
    case "${have}" in
      "${PROTOC_WANT_MAJOR_MINOR}".*) log "protoc ${have} already installed"; return ;;
      *) log "warning: protoc ${have} found, ${PROTOC_WANT_MAJOR_MINOR}.x expected; keeping it" ; return ;;
    esac
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "protoc missing and apt-get unavailable; install protoc ${PROTOC_WANT_MAJOR_MINOR}.x manually"
    exit 1
  fi
  log "installing protobuf-compiler from apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler
  protoc --version >&2
}

# go_tool_version prints the main module version embedded in a Go binary ("" if unknown).
go_tool_version() {
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" {print $3; exit}'
}

install_go_plugin() {
  local pkg="$1" version="$2" bin="$3"
  if [ -x "${TOOLS_BIN}/${bin}" ] && [ "$(go_tool_version "${TOOLS_BIN}/${bin}")" = "${version}" ]; then
    log "${bin} ${version} already installed"
    return
  fi
  log "go install ${pkg}@${version}"
  GOBIN="${TOOLS_BIN}" GOFLAGS=-mod=mod go install "${pkg}@${version}"
}

download_proto_deps() {
  log "downloading proto dependency modules"
  # Run outside the repo's module so the download does not depend on (or edit) go.mod.
  (cd "${TMPDIR:-/tmp}" && GOFLAGS=-mod=mod go mod download "${PROTO_DEP_MODULES[@]}")
}

mkdir -p "${TOOLS_BIN}"
install_protoc
install_go_plugin "${GOCOSMOS_MOD}/protoc-gen-gocosmos" "${GOCOSMOS_VERSION}" protoc-gen-gocosmos
install_go_plugin "${GATEWAY_MOD}/protoc-gen-grpc-gateway" "${GATEWAY_VERSION}" protoc-gen-grpc-gateway
download_proto_deps
log "done; plugins in ${TOOLS_BIN}"
