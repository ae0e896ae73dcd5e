#!/usr/bin/env bash
# Overhead of tracing on containerd: container starts (one after another, `ctr run --rm busybox
# true`) timed one by one with nothing attached, with each in-kernel probe of ctrscope attached to
# containerd and its shims, and with `strace -f` on containerd.
#
# The host is a shared VM whose speed drifts by 10-15% from one minute to the next, so a case is
# never compared with a distant baseline: each round times a block of STARTS starts untraced, then
# one block per traced case with an untraced block after each, and a traced block's median start
# time is compared with the medians of the untraced blocks on either side of it. The ratio printed
# is the start rate kept (untraced median time / traced median time), the median over ROUNDS
# rounds, with the lowest and highest round beside it.
# Usage: sudo npm run bench:overhead            (root; containerd running; test image imported)
#        STARTS=20 ROUNDS=7 PROBES="syscall-count sched" bash scripts/bench-overhead.sh
#        PROBES= BT="probes/live-kernel.bt probes/live-stacks.bt" bash scripts/bench-overhead.sh
#          BT: bpftrace programs run as they are on the default targets (containerd and every
#          shim, by comm), e.g. the live view's own programs or a variant being tried
#        NO_STRACE=1 leaves out the strace -f case
# About ROUNDS x (4 s + 2 x STARTS x 0.1 s) per traced case (7 rounds of 8 cases: about 10
# minutes). Every container it makes is removed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
STARTS=${STARTS:-20}
ROUNDS=${ROUNDS:-7}
NS=${CTRSCOPE_NAMESPACE:-ctrscope}
IMAGE=${CTRSCOPE_IMAGE:-docker.io/library/busybox:latest}
PROBES=${PROBES-syscall-count vfs-latency file-opens process-exec sched cpu-profile off-cpu}
BT=${BT:-}
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

# starts: STARTS container starts one after another; prints the median time of one, in ms.
starts() {
  local i t0
  for i in $(seq "$STARTS"); do
    t0=$EPOCHREALTIME
    if ! ctr -n "$NS" run --rm "$IMAGE" "$prefix-$i" true >/dev/null 2>&1; then
      ctr -n "$NS" containers delete "$prefix-$i" >/dev/null 2>&1
      continue
    fi
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
  done | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -a names times
record() { # NAME MEDIAN_MS
  names+=("$1")
  times+=("$2")
  printf '%-16s median start %7.1f ms (%s starts)\n' "$1" "$2" "$STARTS" >&2
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

echo "bench-overhead: $STARTS starts per block, $ROUNDS round(s), containerd pid $cd_pid, $(nproc) CPUs" >&2
for _round in $(seq "$ROUNDS"); do
  record untraced "$(starts)"
  for p in $PROBES; do
    # --duration outlasts the count; SIGINT ends the probe early (it still prints).
    traced "$p" 4 node "$CLI" --probe "$p" --duration 10m
    record untraced "$(starts)"
  done
  for f in $BT; do
    traced "$(basename "$f")" 4 env BPFTRACE_STRLEN=128 BPFTRACE_MAP_KEYS_MAX=16384 bpftrace -f json "$f" "$cd_pid" containerd-shim
    record untraced "$(starts)"
  done
  if [ -z "${NO_STRACE:-}" ]; then
    traced "strace -f" 1 strace -f -qq -o /dev/null -p "$cd_pid"
    record untraced "$(starts)"
  fi
done

# Each traced block against the mean of the untraced medians just before and after it; per case,
# the median of its rounds' ratios, with the lowest and the highest.
ratios=""
for i in "${!names[@]}"; do
  [ "${names[$i]}" = untraced ] && continue
  around=$(awk -v a="${times[$((i - 1))]}" -v b="${times[$((i + 1))]}" 'BEGIN { printf "%.2f", (a + b) / 2 }')
  ratios+="${names[$i]}|${times[$i]}|$around|$(awk -v t="${times[$i]}" -v u="$around" 'BEGIN { printf "%.1f", 100 * u / t }')"$'\n'
done
printf '\n| tracing attached | median start | untraced around it | rate kept (median of %s) | lowest, highest |\n| --- | ---: | ---: | ---: | ---: |\n' "$ROUNDS"
cases="$PROBES"
for f in $BT; do cases+=" $(basename "$f")"; done
for p in $cases "strace -f"; do
  grep "^$p|" <<< "$ratios" | sort -t'|' -k4 -n | awk -F'|' -v name="$p" '{ r[NR] = $0; k[NR] = $4 } END {
    if (NR == 0) exit
    split(r[int((NR + 1) / 2)], m, /\|/)
    printf "| %s | %.1f ms | %.1f ms | %.0f%% | %.0f%%, %.0f%% |\n", name, m[2], m[3], m[4], k[1], k[NR] }'
done
