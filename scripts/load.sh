#!/usr/bin/env bash
# Starts containers from the test image in a loop so there is always something to trace.
# Every container it makes is removed, also when it is stopped with Ctrl-C or SIGTERM.
# Usage: scripts/load.sh [COUNT]        COUNT containers one after another (default: until stopped)
# Env:   CTRSCOPE_NAMESPACE (ctrscope), CTRSCOPE_IMAGE (docker.io/library/busybox:latest),
#        CONTAINERD_ADDRESS (/run/containerd/containerd.sock), LOAD_CMD (echo hi), LOAD_PAUSE (0)
set -uo pipefail
NS=${CTRSCOPE_NAMESPACE:-ctrscope}
IMAGE=${CTRSCOPE_IMAGE:-docker.io/library/busybox:latest}
ADDRESS=${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}
PAUSE=${LOAD_PAUSE:-0}
count=${1:-0}
case "$count" in ''|*[!0-9]*) echo "load: COUNT must be a whole number, got '$count'" >&2; exit 2;; esac
read -r -a cmd <<< "${LOAD_CMD:-echo hi}"
prefix="ctrscope-load-$$"
current=""
ctr_() { ctr --address "$ADDRESS" -n "$NS" "$@"; }

cleanup() {
  # Remove whatever this loop left: a task still running and its container.
  for id in $(ctr_ containers ls -q 2>/dev/null | grep "^$prefix-"); do
    ctr_ tasks kill -s KILL "$id" >/dev/null 2>&1
    ctr_ tasks delete -f "$id" >/dev/null 2>&1
    ctr_ containers delete "$id" >/dev/null 2>&1
  done
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

started=0; failed=0; i=0
while [ "$count" = 0 ] || [ "$i" -lt "$count" ]; do
  i=$((i + 1))
  current="$prefix-$i"
  if ctr_ run --rm "$IMAGE" "$current" "${cmd[@]}" >/dev/null 2>&1; then
    started=$((started + 1))
  else
    failed=$((failed + 1))
    ctr_ containers delete "$current" >/dev/null 2>&1
  fi
  [ "$PAUSE" != 0 ] && sleep "$PAUSE"
done
echo "load: $started containers started, $failed failed" >&2
[ "$failed" = 0 ]
