# Sourced by the fixture scripts that record a containerd's own log: a PRIVATE containerd (its own
# root, state, address and config under DIR, CRI off), its stdout and stderr into LOG, with the
# test image imported in namespace ctrscope. The host's containerd is never touched.
#   private_containerd DIR LOG [LEVEL]   sets cd_pid and cd_sock; the caller's EXIT trap stops it:
#   trap 'kill "$cd_pid" 2>/dev/null || true; wait "$cd_pid" 2>/dev/null || true; rm -rf "$d"' EXIT
private_containerd() {
  local dir=$1 log=$2 level=${3:-}
  cat > "$dir/config.toml" <<TOML
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$dir/c.sock"
[ttrpc]
  address = "$dir/c.sock.ttrpc"
TOML
  if [ -n "$level" ]; then printf '[debug]\n  level = "%s"\n' "$level" >> "$dir/config.toml"; fi
  cd_sock="$dir/c.sock"
  containerd --config "$dir/config.toml" > "$log" 2>&1 & cd_pid=$!
  for _ in $(seq 1 100); do ctr --address "$cd_sock" version >/dev/null 2>&1 && break; sleep 0.1; done
  bash "$(dirname "${BASH_SOURCE[0]}")/build-image.sh" "$dir/img.tar" "$IMAGE" >/dev/null
  ctr --address "$cd_sock" -n ctrscope images import "$dir/img.tar" >/dev/null
}
