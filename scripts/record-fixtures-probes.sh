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

# capture NAME ENV...: runs probes/NAME.bt (or probes/$bt.bt) for 3 s (or $dur s) under load into
# fixtures/probes/NAME.jsonl.gz.
capture() {
  local name=$1; shift
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then return 0; fi
  bash "$root/scripts/load.sh" "${load_n:-60}" 2>/dev/null &
  load_pid=$!
  sleep 0.3
  env "$@" bpftrace -f json "$root/probes/${bt:-$name}.bt" "$pid" containerd-shim > "$out/$name.jsonl" 2> "$err" &
  local bt=$!
  sleep "${dur:-3}"
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
dur=6 capture runtime-cost BPFTRACE_STRLEN=80 BPFTRACE_MAP_KEYS_MAX=16384
dur=7 capture live-kernel BPFTRACE_STRLEN=128 BPFTRACE_MAP_KEYS_MAX=16384
dur=21 load_n=250 capture live-stacks BPFTRACE_CACHE_USER_SYMBOLS=1
# As the live view runs it (user frames raw), with its @announce prints.
dur=21 load_n=250 bt=live-stacks capture live-stacks-announce BPFTRACE_NO_USER_SYMBOLS=1

# syscall-count-slow: slow calls are rare on a quiet containerd, so this capture also counts a
# helper that makes one (test/bin/slow-munmap.py: a munmap of 1 GiB, tens of ms) by its pid.
if [ -z "${ONLY:-}" ] || [ "$ONLY" = syscall-count-slow ]; then
  coproc HELPER { exec python3 "$root/test/bin/slow-munmap.py"; }
  read -r _ <&"${HELPER[0]}"
  helper=$HELPER_PID
  bpftrace -f json "$root/probes/syscall-count.bt" "$helper" containerd-shim > "$out/syscall-count-slow.jsonl" 2> "$err" &
  bt=$!
  sleep 2
  kill -USR1 "$helper"
  read -r _ <&"${HELPER[0]}"
  sleep 1.5
  kill -INT "$bt" 2>/dev/null || true
  wait "$bt" || { grep -v RLIMIT_MEMLOCK "$err" >&2 || true; echo "record: bpftrace failed for syscall-count-slow" >&2; exit 1; }
  kill "$helper"
  echo "recorded syscall-count-slow.jsonl.gz ($(wc -l < "$out/syscall-count-slow.jsonl") lines)"
  gzip -9nf "$out/syscall-count-slow.jsonl"
fi
