#!/usr/bin/env bash
# npm run bench:serve: what `ctrscope serve` costs under a container-start loop (scripts/load.sh),
# serve's own CPU and its tracers' (running and reaped) from /proc, over WINDOW_S seconds after
# SETTLE_S, scraped every 15 s as Prometheus would; the largest RSS of serve. With
# CTRSCOPE_BENCH_CLI=OTHER/dist/src/cli.js it alternates this build and that one, round by round
# in one sitting (this host drifts 10-15% a minute: compare within a sitting only).
# Env: ROUNDS (2), SETTLE_S (20), WINDOW_S (60), PORT (19465).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-2}; SETTLE_S=${SETTLE_S:-20}; WINDOW_S=${WINDOW_S:-60}; PORT=${PORT:-19465}
clis=("$here/dist/src/cli.js"); [ -n "${CTRSCOPE_BENCH_CLI:-}" ] && clis+=("$CTRSCOPE_BENCH_CLI")
for c in "${clis[@]}"; do [ -f "$c" ] || { echo "bench:serve: $c not found (build it: npx tsc -p tsconfig.json)" >&2; exit 2; }; done
bash "$here/scripts/load.sh" > /dev/null 2>&1 & L=$!
P=""
trap 'kill -TERM $L 2>/dev/null; [ -n "$P" ] && kill -TERM $P 2>/dev/null; wait 2>/dev/null' EXIT
ticks() { # CPU ticks of pid $1 and its children (running: their own; reaped: in $1's cutime/cstime)
  local t c; t=$(awk '{print $14+$15+$16+$17}' /proc/$1/stat)
  for c in $(pgrep -P "$1"); do t=$((t + $(awk '{print $14+$15+$16+$17}' /proc/$c/stat 2>/dev/null || echo 0))); done
  echo "$t"
}
hz=$(getconf CLK_TCK)
one() {
  node "$1" serve --listen 127.0.0.1:$PORT > /dev/null 2>&1 & P=$!
  sleep "$SETTLE_S"
  local a o1 b o2 max=0 r i
  a=$(ticks $P); o1=$(awk '{print $14+$15}' /proc/$P/stat)
  for i in $(seq "$WINDOW_S"); do
    sleep 1
    [ $((i % 15)) -eq 0 ] && curl -s 127.0.0.1:$PORT/metrics > /dev/null
    r=$(awk '/VmRSS/{print $2}' /proc/$P/status); [ "$r" -gt "$max" ] && max=$r
  done
  b=$(ticks $P); o2=$(awk '{print $14+$15}' /proc/$P/stat)
  local starts; starts=$(curl -s 127.0.0.1:$PORT/metrics | awk '/^ctrscope_container_start_seconds_count/ {s+=$2} END {print s+0}')
  kill -TERM $P; wait $P 2>/dev/null; P=""
  awk -v w=$((b-a)) -v o=$((o2-o1)) -v m=$((max/1024)) -v s="$starts" -v hz="$hz" -v n="$WINDOW_S" -v c="$1" \
    'BEGIN { printf "%-50s whole %.1f%% of a core  own %.1f%%  tracers %.1f%%  rss max %d MiB  starts seen %d\n", c, 100*w/hz/n, 100*o/hz/n, 100*(w-o)/hz/n, m, s }'
}
for round in $(seq "$ROUNDS"); do for c in "${clis[@]}"; do one "$c"; done; done
