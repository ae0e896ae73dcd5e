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
d=$(mktemp -d /tmp/ctrscope-logerr-XXXX)
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
TOML
containerd --config "$d/config.toml" > "$out/containerd-failed-starts.txt" 2>&1 & cd_pid=$!
for _ in $(seq 1 100); do ctr --address "$d/c.sock" version >/dev/null 2>&1 && break; sleep 0.1; done
bash "$here/lib/build-image.sh" "$d/img.tar" "$IMAGE" >/dev/null
ctr --address "$d/c.sock" -n ctrscope images import "$d/img.tar" >/dev/null
for i in 1 2; do ctr --address "$d/c.sock" -n ctrscope run --rm "$IMAGE" "logok-$i" echo hi >/dev/null; done
for i in $(seq 1 10); do ctr --address "$d/c.sock" -n ctrscope run --rm "$IMAGE" "logbad-$i" /nonexistent >/dev/null 2>&1 || true; done
kill "$cd_pid"; wait "$cd_pid" || true
echo "wrote $out/containerd-failed-starts.txt"
