#!/usr/bin/env bash
# Re-records fixtures/containerd/containerd-debug.txt and ctr-plugins-ls.txt. Run as root.
# The log comes from a PRIVATE containerd (its own root, state, address and config under a temp
# dir, level=debug, stdout and stderr to the fixture) during three `ctr run --rm`, then stopped:
# the host's containerd is never reconfigured. Usage: scripts/record-fixtures-logs.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(cd "$here/.." && pwd)/fixtures/containerd
IMAGE=docker.io/library/busybox:latest
# shellcheck source=lib/private-containerd.sh
. "$here/lib/private-containerd.sh"
d=$(mktemp -d /tmp/ctrscope-logrec-XXXX)
trap 'kill "$cd_pid" 2>/dev/null || true; wait "$cd_pid" 2>/dev/null || true; rm -rf "$d"' EXIT
private_containerd "$d" "$out/containerd-debug.txt" debug
for i in 1 2 3; do ctr --address "$cd_sock" -n ctrscope run --rm "$IMAGE" "logrec-$i" echo hi >/dev/null; done
kill "$cd_pid"; wait "$cd_pid" || true
# The host's containerd, read only.
ctr plugins ls > "$out/ctr-plugins-ls.txt"
echo "wrote $out/containerd-debug.txt and $out/ctr-plugins-ls.txt"
