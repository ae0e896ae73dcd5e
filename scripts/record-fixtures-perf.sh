#!/usr/bin/env bash
# Re-records fixtures/perf-script/: a CPU profile of the running containerd, taken with perf while
# scripts/load.sh starts containers, printed by `perf script`; and what FlameGraph's
# stackcollapse-perf.pl makes of it for each option (the bytes `ctrscope collapse` must print).
#
# Usage: sudo STACKCOLLAPSE_PERF=/path/to/stackcollapse-perf.pl scripts/record-fixtures-perf.sh [SECONDS]
#   SECONDS  how long perf records (default 5)
# stackcollapse-perf.pl is not part of ctrscope: take it from github.com/brendangregg/FlameGraph.
# Needs: root, perf, a running containerd, the test image (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-5}
OUT=fixtures/perf-script
NAME=containerd-cpu
SC=${STACKCOLLAPSE_PERF:-}

[ "$(id -u)" = 0 ] || { echo "record-fixtures-perf: run as root (perf -p needs it)" >&2; exit 3; }
command -v perf >/dev/null || { echo "record-fixtures-perf: perf not found (apt-get install linux-perf)" >&2; exit 4; }
[ -n "$SC" ] && [ -f "$SC" ] || { echo "record-fixtures-perf: set STACKCOLLAPSE_PERF to FlameGraph's stackcollapse-perf.pl" >&2; exit 4; }
PID=$(pgrep -xo containerd) || { echo "record-fixtures-perf: containerd is not running" >&2; exit 6; }

data=$(mktemp /tmp/ctrscope-perf.XXXXXX.data)
trap 'rm -f "$data"' EXIT

bash scripts/load.sh 100 &
load=$!
perf record -F 99 -g -p "$PID" -o "$data" -- sleep "$SECONDS_" 2>/dev/null
kill -TERM "$load" 2>/dev/null || true
wait "$load" || true

mkdir -p "$OUT"
perf script -i "$data" > "$OUT/$NAME.perf-script.txt" 2>/dev/null
size=$(stat -c %s "$OUT/$NAME.perf-script.txt")
echo "record-fixtures-perf: $OUT/$NAME.perf-script.txt: $size bytes" >&2
[ "$size" -le 2200000 ] || echo "record-fixtures-perf: over 2 MB: record fewer seconds" >&2

for opt in default pid tid kernel jit all addrs; do
  args=(); [ "$opt" = default ] || args=("--$opt")
  perl "$SC" "${args[@]}" "$OUT/$NAME.perf-script.txt" > "$OUT/$NAME-collapsed-$opt.txt" 2>/dev/null
done
ls -l "$OUT" >&2
