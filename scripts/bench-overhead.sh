#!/usr/bin/env bash
# Overhead of tracing on containerd: how many containers start (one after another, `ctr run --rm
# busybox true`) in a fixed time with nothing attached, with each in-kernel probe of ctrscope
# attached to containerd and its shims, and with `strace -f` on containerd. Prints each case's
# starts per second and its ratio to the untraced rate. The host is shared and noisy, so an
# untraced count runs before every traced case and after the last one: each traced case is
# compared with the mean of the untraced counts on either side of it.
# Usage: sudo npm run bench:overhead            (root; containerd running; test image imported)
#        SECONDS_PER_CASE=10 ROUNDS=3 PROBES="syscall-count sched" bash scripts/bench-overhead.sh
#        ROUNDS=N repeats the whole sequence and prints the median ratio per case.
# About 2 x SECONDS_PER_CASE + 4 s per traced case (8 by default: about 3 minutes). Every
# container it makes is removed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
T=${SECONDS_PER_CASE:-8}
ROUNDS=${ROUNDS:-1}
NS=${CTRSCOPE_NAMESPACE:-ctrscope}
IMAGE=${CTRSCOPE_IMAGE:-docker.io/library/busybox:latest}
PROBES=${PROBES:-syscall-count vfs-latency file-opens process-exec sched cpu-profile off-cpu}
CLI="$root/dist/src/cli.js"
prefix="ctrscope-bench-$$"
bg=""

[ "$(id -u)" = 0 ] || { echo "bench-overhead: needs root (tracers)" >&2; exit 3; }
cd_pid=$(pgrep -xo containerd) || { echo "bench-overhead: containerd is not running" >&2; exit 6; }
[ -f "$CLI" ] || { echo "bench-overhead: build first (npx tsc -p .)" >&2; exit 2; }
ctr -n "$NS" images ls -q | grep -qx "$IMAGE" || { echo "bench-overhead: $IMAGE is not imported in namespace $NS (scripts/setup.sh)" >&2; exit 6; }

cleanup() {
  # Only what this script started: the background tracer (by pid) and its own containers.
  if [ -n "$bg" ]; then kill -INT "$bg" 2>/dev/null; wait "$bg" 2>/dev/null; fi
  for id in $(ctr -n "$NS" containers ls -q 2>/dev/null | grep "^$prefix-"); do
    ctr -n "$NS" tasks kill -s KILL "$id" >/dev/null 2>&1
    ctr -n "$NS" tasks delete -f "$id" >/dev/null 2>&1
    ctr -n "$NS" containers delete "$id" >/dev/null 2>&1
  done
}
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# starts: container starts completed in T seconds, printed as "N SECONDS".
starts() {
  local n=0 i=0 t0 end
  t0=$(now_ms)
  end=$((t0 + T * 1000))
  while [ "$(now_ms)" -lt "$end" ]; do
    i=$((i + 1))
    if ctr -n "$NS" run --rm "$IMAGE" "$prefix-$i" true >/dev/null 2>&1; then n=$((n + 1)); else ctr -n "$NS" containers delete "$prefix-$i" >/dev/null 2>&1; fi
  done
  echo "$n $(( $(now_ms) - t0 ))"
}

declare -a names rates
record() { # NAME "N MS"
  local n ms
  read -r n ms <<< "$2"
  names+=("$1")
  rates+=("$(awk -v n="$n" -v ms="$ms" 'BEGIN { printf "%.2f", n / (ms / 1000) }')")
  printf '%-16s %5d starts in %5.1f s\n' "$1" "$n" "$(awk -v ms="$ms" 'BEGIN { print ms / 1000 }')" >&2
}

# A traced case: start the tracer, give it time to attach, count, then stop it.
traced() { # NAME SETTLE_S CMD...
  local name=$1 settle=$2; shift 2
  "$@" >/dev/null 2>&1 &
  bg=$!
  sleep "$settle"
  if ! kill -0 "$bg" 2>/dev/null; then echo "bench-overhead: $name did not start" >&2; bg=""; return; fi
  record "$name" "$(starts)"
  kill -INT "$bg" 2>/dev/null
  wait "$bg" 2>/dev/null
  bg=""
}

echo "bench-overhead: $T s per case, $ROUNDS round(s), containerd pid $cd_pid, $(nproc) CPUs" >&2
for _round in $(seq "$ROUNDS"); do
  record untraced "$(starts)"
  for p in $PROBES; do
    # --duration outlasts the count; SIGINT ends the probe early (it still prints).
    traced "$p" 4 node "$CLI" --probe "$p" --duration "$((T + 30))s"
    record untraced "$(starts)"
  done
  traced "strace -f" 1 strace -f -qq -o /dev/null -p "$cd_pid"
  record untraced "$(starts)"
done

# Each traced case against the mean of the untraced counts just before and after it; with
# several rounds, the median of its ratios.
ratios=""
for i in "${!names[@]}"; do
  [ "${names[$i]}" = untraced ] && continue
  around=$(awk -v a="${rates[$((i - 1))]}" -v b="${rates[$((i + 1))]}" 'BEGIN { printf "%.2f", (a + b) / 2 }')
  ratios+="${names[$i]}|${rates[$i]}|$around|$(awk -v r="${rates[$i]}" -v b="$around" 'BEGIN { printf "%.1f", 100 * r / b }')"$'\n'
done
printf '\n| tracing attached | starts/s | untraced around it | ratio |\n| --- | ---: | ---: | ---: |\n'
for p in $PROBES "strace -f"; do
  grep "^$p|" <<< "$ratios" | sort -t'|' -k4 -n | awk -F'|' -v name="$p" '{ r[NR] = $0 } END {
    split(r[int((NR + 1) / 2)], m, /\|/); note = (NR > 1) ? " (median of " NR ")" : ""
    printf "| %s | %s | %s | %.0f%%%s |\n", name, m[2], m[3], m[4], note }'
done
