#!/bin/bash
# Runs one `clearway bench` command with two builds in turn, ROUNDS times each, and prints each run's summary lines.
# This machine's own speed drifts by a fifth to a half within an hour, so a change is measured against the build
# before it in alternation, never against a figure from another hour.
#
#   Benchmarks/in-turns.sh ROUNDS BASE NEW bench-arguments…
#   e.g. Benchmarks/in-turns.sh 4 /tmp/clearway-base .build/release/clearway intake --duration 10 --connections 16
#
# Making the base build: `git stash` (or `git checkout COMMIT -- Sources Package.swift`),
# `swift build -c release --product clearway && cp .build/release/clearway /tmp/clearway-base`, then restore the tree
# and build again.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 ROUNDS BASE_BINARY NEW_BINARY bench-arguments…" >&2
  exit 2
fi
rounds=$1 base=$2 new=$3
shift 3
for binary in "$base" "$new"; do
  [ -x "$binary" ] || { echo "$binary is not an executable clearway build" >&2; exit 2; }
done
for round in $(seq 1 "$rounds"); do
  for side in base new; do
    binary=$base
    [ "$side" = new ] && binary=$new
    summary=$("$binary" bench "$@" 2>&1 | grep -E '^(intake|parcels|writer|ratio|cpu|latency[^:]*|storage floor|http floor|xml parse[^:]*):' | tr '\n' ' ')
    echo "round $round $side: $summary"
  done
done
