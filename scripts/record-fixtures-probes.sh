#!/usr/bin/env bash
# Re-records fixtures/probes/: the real `bpftrace -f json` output (stdout) of each probe script
# shipped in probes/, run as it is with containerd's pid and "containerd-shim" as its positional
# parameters, for 3 s (then SIGINT, so its END prints the maps once more) while scripts/load.sh
# starts containers. fixtures/probes/README.md lists the exact commands.
# Usage: sudo scripts/record-fixtures-probes.sh        (root, bpftrace, tracefs, a running containerd)
#        ONLY=file-opens scripts/record-fixtures-probes.sh   re-records that one
# About 30 s in all. The kprobe and kfunc rungs of vfs-latency cannot run on a host without
# kprobes and BPF trampolines; they are recorded only where they attach.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/fixtures/probes
mkdir -p "$out"
pid=$(pgrep -xo containerd) || { echo "record: containerd is not running (start it first)" >&2; exit 1; }
err=$(mktemp)
load_pid=""
stop_load() {
  if [ -n "$load_pid" ]; then kill -TERM "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
  load_pid=""
}
trap 'stop_load; rm -f "$err"' EXIT

# capture NAME ENV...: runs probes/NAME.bt for 3 s under load into fixtures/probes/NAME.jsonl.gz.
capture() {
  local name=$1; shift
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then return 0; fi
  bash "$root/scripts/load.sh" 60 2>/dev/null &
  load_pid=$!
  sleep 0.3
  env "$@" bpftrace -f json "$root/probes/$name.bt" "$pid" containerd-shim > "$out/$name.jsonl" 2> "$err" &
  local bt=$!
  sleep 3
  kill -INT "$bt" 2>/dev/null || true
  if ! wait "$bt"; then
    grep -v RLIMIT_MEMLOCK "$err" >&2 || true
    echo "record: bpftrace failed for $name" >&2
    exit 1
  fi
  stop_load
  echo "recorded $name.jsonl.gz ($(wc -l < "$out/$name.jsonl") lines, $(wc -c < "$out/$name.jsonl") bytes before gzip)"
  gzip -9nf "$out/$name.jsonl"
}

capture syscall-count
capture vfs-latency-tracepoint
capture file-opens BPFTRACE_STRLEN=128 BPFTRACE_MAP_KEYS_MAX=16384
capture process-exec BPFTRACE_STRLEN=128
capture cpu-profile BPFTRACE_CACHE_USER_SYMBOLS=1
capture off-cpu BPFTRACE_CACHE_USER_SYMBOLS=1
