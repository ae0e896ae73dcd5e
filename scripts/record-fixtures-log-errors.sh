#!/usr/bin/env bash
# Re-records fixtures/containerd/containerd-failed-starts.txt. Run as root.
# A PRIVATE containerd (its own root, state, address and config under a temp dir, level=info,
# stdout and stderr to the fixture): two good `ctr run --rm`, then ten whose command does not
# exist (each makes containerd log a real error and warnings), then stopped. The host's
# containerd is never touched. Usage: scripts/record-fixtures-log-errors.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(cd "$here/.." && pwd)/fixtures/containerd
IMAGE=docker.io/library/busybox:latest
# shellcheck source=lib/private-containerd.sh
. "$here/lib/private-containerd.sh"
d=$(mktemp -d /tmp/ctrscope-logerr-XXXX)
trap 'kill "$cd_pid" 2>/dev/null || true; wait "$cd_pid" 2>/dev/null || true; rm -rf "$d"' EXIT
private_containerd "$d" "$out/containerd-failed-starts.txt"
for i in 1 2; do ctr --address "$cd_sock" -n ctrscope run --rm "$IMAGE" "logok-$i" echo hi >/dev/null; done
for i in $(seq 1 10); do ctr --address "$cd_sock" -n ctrscope run --rm "$IMAGE" "logbad-$i" /nonexistent >/dev/null 2>&1 || true; done
kill "$cd_pid"; wait "$cd_pid" || true
echo "wrote $out/containerd-failed-starts.txt"
