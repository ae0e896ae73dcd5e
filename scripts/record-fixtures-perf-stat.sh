#!/usr/bin/env bash
# Re-records fixtures/perf-stat/: real `perf stat` output (stderr) from this host, taken while
# scripts/load.sh starts containers, so containerd has work to count.
# Usage: sudo scripts/record-fixtures-perf-stat.sh        (needs root, perf, a running containerd)
# Each capture is short (1-3 s); the whole run takes about 40 s. The README lists each command.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/fixtures/perf-stat
mkdir -p "$out"
pid=$(pgrep -xo containerd) || { echo "record: containerd is not running (start it first)" >&2; exit 1; }
events=context-switches,cpu-migrations,page-faults,task-clock,cache-misses,cache-references
load_pid=""

stop_load() {
  # load.sh removes its containers on TERM; wait so the next capture starts from a clean state.
  if [ -n "$load_pid" ]; then kill -TERM "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
  load_pid=""
}
trap stop_load EXIT

# capture FILE PERF-ARGS...: runs `perf stat PERF-ARGS` under load, its stderr into FILE.
capture() {
  local file=$1; shift
  bash "$root/scripts/load.sh" 50 2>/dev/null &
  load_pid=$!
  sleep 0.3
  perf stat "$@" 2> "$out/$file"
  stop_load
  echo "recorded $file ($(wc -l < "$out/$file") lines)"
}

# CSV (-x,): plain, interval, system-wide, per-thread, per-CPU, per-core, interval+per-thread,
# interval with --summary, repeated runs (-r adds a variance column).
capture csv.txt              -x, -e "$events" -p "$pid" -- sleep 3
capture csv-interval.txt     -x, -I 1000 -e "$events" -p "$pid" -- sleep 3
capture csv-all.txt          -x, -e "$events" -a -- sleep 2
capture csv-per-thread.txt   -x, --per-thread -e "$events" -p "$pid" -- sleep 2
capture csv-per-cpu.txt      -x, -a -A -e "$events" -- sleep 1
capture csv-per-core.txt     -x, -a --per-core -e "$events" -- sleep 1
capture csv-interval-per-thread.txt -x, -I 1000 --per-thread -e "$events" -p "$pid" -- sleep 2
capture csv-interval-summary.txt    -x, -I 1000 --summary -e "$events" -p "$pid" -- sleep 2
capture csv-repeat.txt       -x, -r 2 -e "$events" -p "$pid" -- sleep 1
# Default human-readable format.
capture human.txt            -e "$events" -p "$pid" -- sleep 3
capture human-interval.txt   -I 1000 -e "$events" -p "$pid" -- sleep 2
capture human-per-thread.txt --per-thread -e "$events" -p "$pid" -- sleep 1
capture human-per-cpu.txt    -a -A -e "$events" -- sleep 1
capture human-repeat.txt     -r 2 -e "$events" -p "$pid" -- sleep 1
