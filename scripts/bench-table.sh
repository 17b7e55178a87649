#!/usr/bin/env bash
# Reads `go test -bench` output on stdin, passes it through unchanged, and at the end prints every
# benchmark result as a table: one row per benchmark, one column per unit (ns/op, B/op, allocs/op
# and custom metrics such as txs/s from b.ReportMetric). Used by `make bench`.
set -euo pipefail

awk '
{ print; fflush() }
/^pkg: / { pkg = $2; sub(/^github.com\/taochain\/taochain\//, "", pkg) }
/^Benchmark[^ \t]*[ \t]+[0-9]+[ \t]/ {
  name = $1; sub(/-[0-9]+$/, "", name)
  row = pkg "." name
  if (!(row in seen)) { seen[row] = 1; rows[++nrows] = row }
  iters[row] = $2
  for (i = 3; i < NF; i += 2) {
    unit = $(i + 1)
    if (!(unit in ucol)) { ucol[unit] = ++nunits; units[nunits] = unit }
    val[row, unit] = $i
  }
}
END {
  if (nrows == 0) exit 0
  # Throughput metrics first, then the standard ones.
  n = 0
  if ("txs/s" in ucol) order[++n] = "txs/s"
  for (u = 1; u <= nunits; u++) if (units[u] !~ /^(txs\/s|ns\/op|B\/op|allocs\/op)$/) order[++n] = units[u]
  for (u = 1; u <= nunits; u++) if (units[u] ~ /^(ns\/op|B\/op|allocs\/op)$/) order[++n] = units[u]
  w = 9
  for (r = 1; r <= nrows; r++) if (length(rows[r]) > w) w = length(rows[r])
  printf "\n%-" w "s %6s", "benchmark", "iters"
  for (u = 1; u <= n; u++) printf " %14s", order[u]
  printf "\n"
  for (r = 1; r <= nrows; r++) {
    printf "%-" w "s %6s", rows[r], iters[rows[r]]
    for (u = 1; u <= n; u++) {
      v = val[rows[r], order[u]]
      printf " %14s", (v == "" ? "-" : v)
    }
    printf "\n"
  }
}
'
