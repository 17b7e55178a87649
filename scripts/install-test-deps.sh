#!/usr/bin/env bash
# Installs the system packages the tests use beyond Go and gcc, when they are missing:
#   iproute2, iptables  the network-fault tests (testutil/netlab: namespaces, veth, bridge, NFQUEUE)
#   jq                  scripts/ceremony.sh (so localnet-multi and every 4-validator test) and the
#                       docs' commands
#   chromium            taoscan's page tests in a real headless browser (cmd/taoscan, chromedp)
#   postgresql          taoscan's store tests on PostgreSQL (a private server per test run)
# Needs root and Debian's apt; otherwise it says what is missing and exits 0, and the tests that
# need it skip with the reason.
set -euo pipefail

missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ ${#missing[@]} = 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: missing ${missing[*]} (needs root and apt-get); the tests that need them will skip or fail saying so" >&2
  exit 0
fi
echo "install-test-deps: apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
