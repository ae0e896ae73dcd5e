#!/usr/bin/env bash
# Re-records fixtures/containerd/containerd-debug.txt and ctr-plugins-ls.txt. Run as root.
# The log comes from a PRIVATE containerd (its own root, state, address and config under a temp
# dir, level=debug, stdout and stderr to the fixture) during three `ctr run --rm`, then stopped:
# the host's containerd is never reconfigured. Usage: scripts/record-fixtures-logs.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(cd "$here/.." && pwd)/fixtures/containerd
IMAGE=docker.io/library/busybox:latest
d=$(mktemp -d /tmp/ctrscope-logrec-XXXX)
trap 'kill "$cd_pid" 2>/dev/null || true; wait "$cd_pid" 2>/dev/null || true; rm -rf "$d"' EXIT
cat > "$d/config.toml" <<TOML
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$d/c.sock"
[ttrpc]
  address = "$d/c.sock.ttrpc"
[debug]
  level = "debug"
TOML
containerd --config "$d/config.toml" > "$out/containerd-debug.txt" 2>&1 & cd_pid=$!
for _ in $(seq 1 100); do ctr --address "$d/c.sock" version >/dev/null 2>&1 && break; sleep 0.1; done
bash "$here/lib/build-image.sh" "$d/img.tar" "$IMAGE" >/dev/null
ctr --address "$d/c.sock" -n ctrscope images import "$d/img.tar" >/dev/null
for i in 1 2 3; do ctr --address "$d/c.sock" -n ctrscope run --rm "$IMAGE" "logrec-$i" echo hi >/dev/null; done
kill "$cd_pid"; wait "$cd_pid" || true
# The host's containerd, read only.
ctr plugins ls > "$out/ctr-plugins-ls.txt"
echo "wrote $out/containerd-debug.txt and $out/ctr-plugins-ls.txt"
