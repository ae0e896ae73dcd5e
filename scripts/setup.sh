#!/usr/bin/env bash
# Prepares a Debian/Ubuntu host for ctrscope, as root. Safe to run again: each step checks first
# and says "ok" when there is nothing to do.
#   - installs strace, perf, bpftrace, containerd, runc, busybox-static, python3 when missing
#   - mounts tracefs and debugfs when they are not mounted
#   - starts containerd (debug socket + metrics on) only when none is running; a running
#     containerd is never edited or restarted
#   - builds a busybox OCI image offline and imports it into the "ctrscope" namespace
#   - installs node dependencies and builds ctrscope (when run from a checkout)
#   - with --test-peers (scripts/test.sh passes it): the real clients the tests drive too:
#     prometheus, golang-go (go tool pprof / addr2line), chromium, python3-jsonschema
# Usage: scripts/setup.sh [--no-build] [--test-peers]
set -euo pipefail

NS=${CTRSCOPE_NAMESPACE:-ctrscope}
IMAGE=${CTRSCOPE_IMAGE:-docker.io/library/busybox:latest}
ADDRESS=${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}
CONF_DIR=/etc/ctrscope
CONF=$CONF_DIR/containerd.toml
LOG=/var/log/ctrscope-containerd.log
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
build=1
peers=0
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --test-peers) peers=1 ;;
    *) echo "setup: unknown option '$a' (use --no-build, --test-peers)" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit "${2:-1}"; }

[ "$(id -u)" = 0 ] || die "must run as root (try: sudo $0)" 3
command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian and Ubuntu; install strace, perf, bpftrace, containerd, runc and busybox-static by hand" 4

# --- Node.js ---------------------------------------------------------------------------------
if ! command -v node >/dev/null; then
  die "Node.js >= 20 is required and none is installed: install Node 20 or newer (for example from NodeSource) and run this again" 4
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: ctrscope needs Node >= 20 (install it from NodeSource or nvm, then run this again)" 4
say "ok: node $(node --version)"

# --- packages --------------------------------------------------------------------------------
declare -A want=([strace]=strace [perf]=linux-perf [bpftrace]=bpftrace [containerd]=containerd [runc]=runc [busybox]=busybox-static [setpriv]=util-linux [python3]=python3-minimal)
missing=()
for cmd in strace perf bpftrace containerd runc setpriv python3; do
  command -v "$cmd" >/dev/null || missing+=("${want[$cmd]}")
done
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  }
else
  say "ok: strace, perf, bpftrace, containerd, runc, busybox-static, python3 are installed"
fi

# --- the tests' real clients and peers ---------------------------------------------------------
if [ "$peers" = 1 ]; then
  declare -A peer=([prometheus]=prometheus [go]=golang-go [chromium]=chromium)
  need=()
  for cmd in prometheus go chromium; do command -v "$cmd" >/dev/null || need+=("${peer[$cmd]}"); done
  python3 -c 'import jsonschema' 2>/dev/null || need+=(python3-jsonschema)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing the tests' peers: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    say "ok: prometheus, go, chromium, python3-jsonschema are installed"
  fi
fi

# --- tracefs / debugfs -----------------------------------------------------------------------
if mountpoint -q /sys/kernel/tracing; then say "ok: tracefs mounted"; else
  mount -t tracefs nodev /sys/kernel/tracing && say "mounted tracefs at /sys/kernel/tracing"; fi
if mountpoint -q /sys/kernel/debug; then say "ok: debugfs mounted"; else
  mount -t debugfs nodev /sys/kernel/debug && say "mounted debugfs at /sys/kernel/debug"; fi

# --- containerd ------------------------------------------------------------------------------
if pgrep -x containerd >/dev/null; then
  say "ok: containerd is running (pid $(pgrep -xo containerd)); it is left as it is"
else
  mkdir -p "$CONF_DIR"
  cat > "$CONF" <<TOML
# Written by ctrscope's scripts/setup.sh: containerd's defaults plus its debug socket (pprof)
# and metrics endpoint, which ctrscope reads.
version = 2
[debug]
  address = "/run/containerd/debug.sock"
[metrics]
  address = "127.0.0.1:1338"
  grpc_histogram = true
TOML
  say "starting containerd with $CONF (log: $LOG)"
  setsid containerd --config "$CONF" >>"$LOG" 2>&1 < /dev/null &
  for _ in $(seq 1 100); do
    ctr --address "$ADDRESS" version >/dev/null 2>&1 && break
    sleep 0.1
  done
  ctr --address "$ADDRESS" version >/dev/null 2>&1 || die "containerd did not answer on $ADDRESS within 10 s; see $LOG" 6
  say "containerd is up (pid $(pgrep -xo containerd))"
fi

# --- test image ------------------------------------------------------------------------------
if ctr --address "$ADDRESS" -n "$NS" images ls -q 2>/dev/null | grep -qx "$IMAGE"; then
  say "ok: image $IMAGE present in namespace $NS"
else
  tarball=$(mktemp --suffix=.tar)
  bash "$here/lib/build-image.sh" "$tarball" "$IMAGE" >/dev/null
  ctr --address "$ADDRESS" -n "$NS" images import "$tarball" >/dev/null
  rm -f "$tarball"
  say "built $IMAGE from busybox-static and imported it into namespace $NS"
fi

# --- node dependencies and build -------------------------------------------------------------
if [ "$build" = 1 ] && [ -f "$repo/package.json" ]; then
  cd "$repo"
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] && [ -e node_modules/node-pty/build/Release/pty.node ]; then
    say "ok: node dependencies installed"
  else
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    say "installed node dependencies"
  fi
  newest_src=$(find src parsers probes -newer dist/.built -name '*.ts*' -print -quit 2>/dev/null || echo rebuild)
  if [ -f dist/.built ] && [ -z "$newest_src" ]; then
    say "ok: ctrscope is built"
  else
    npm run -s build && touch dist/.built
    say "built ctrscope (dist/)"
  fi
  chmod +x dist/src/cli.js
  if [ "$(readlink -f /usr/local/bin/ctrscope 2>/dev/null)" = "$repo/dist/src/cli.js" ]; then
    say "ok: /usr/local/bin/ctrscope points at this checkout"
  else
    ln -sfn "$repo/dist/src/cli.js" /usr/local/bin/ctrscope
    say "linked /usr/local/bin/ctrscope -> $repo/dist/src/cli.js"
  fi
fi
say "done"
