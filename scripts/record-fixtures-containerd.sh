#!/usr/bin/env bash
# Re-records fixtures/containerd/ from this host's running containerd, which must serve its debug
# socket and metrics (scripts/setup.sh starts it so). Run as root. Starts a few test containers
# in namespace ctrscope (scripts/load.sh and `ctr run --rm`), all removed again.
# Needs curl and bpftrace. Usage: scripts/record-fixtures-containerd.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out=$repo/fixtures/containerd
SOCK=${CTRSCOPE_DEBUG_SOCKET:-/run/containerd/debug.sock}
METRICS=${CTRSCOPE_METRICS_URL:-http://127.0.0.1:1338/v1/metrics}
NS=ctrscope
IMAGE=docker.io/library/busybox:latest
mkdir -p "$out"
pprof() { curl -sf --unix-socket "$SOCK" "http://localhost/debug/pprof/$1"; }

# Goroutines and a CPU profile while containers start.
bash "$here/load.sh" 30 >/dev/null 2>&1 & load=$!
sleep 0.5
pprof 'goroutine?debug=1' > "$out/goroutine-debug1.txt"
pprof 'profile?seconds=3' > "$out/cpu-3s.pb.gz"
wait "$load" || true
pprof heap > "$out/heap.pb.gz"

# Metrics before and after five container starts.
# (gzip: each scrape is ~600 KB of text, mostly gRPC label sets)
curl -sf "$METRICS" | gzip -n9 > "$out/metrics-before.txt.gz"
bash "$here/load.sh" 5 >/dev/null 2>&1
curl -sf "$METRICS" | gzip -n9 > "$out/metrics-after.txt.gz"

# Three container starts seen by `ctr events` and container-start.bt; starts.txt: id and ctr's pid.
ctr events > "$out/events.txt" & events=$!
bpftrace "$repo/probes/container-start.bt" > "$out/execs.txt" 2>/dev/null & bt=$!
for _ in $(seq 1 100); do grep -q '^C ' "$out/execs.txt" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
: > "$out/starts.txt"
for i in 1 2 3; do
  id=fixture-start-$$-$i
  ctr -n "$NS" run --rm "$IMAGE" "$id" echo hi >/dev/null & pid=$!
  wait "$pid"
  echo "$id $pid" >> "$out/starts.txt"
done
sleep 0.5
kill -INT "$bt"; kill -TERM "$events"; wait "$bt" "$events" 2>/dev/null || true
# Keep only our starts' events: others' containers may have started meanwhile.
grep -F -f <(cut -d' ' -f1 "$out/starts.txt") "$out/events.txt" > "$out/events.tmp" && mv "$out/events.tmp" "$out/events.txt"
echo "recorded into $out"
