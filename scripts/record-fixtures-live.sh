#!/usr/bin/env bash
# Re-records fixtures/live/: a real `ctrscope --demo --record` session on this host, used by the
# live view's engine, reducer and component tests (replayed through the same parsers).
# Usage: sudo scripts/record-fixtures-live.sh [SECONDS]   (default 4; needs root, bpftrace, a
#        running containerd with the test image: scripts/setup.sh; builds dist/ first)
# The session runs with stdout not a terminal (plain snapshots, discarded) and ends with SIGINT,
# the way Ctrl-C ends it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-4}
out=$root/fixtures/live/demo
cd "$root"
npx tsc -p tsconfig.json
rm -rf "$out"
node dist/src/cli.js --demo --record "$out" > /dev/null &
pid=$!
sleep "$secs"
kill -INT "$pid"
wait "$pid"
echo "recorded $out/session.ndjson ($(wc -l < "$out/session.ndjson") lines, $(wc -c < "$out/session.ndjson") bytes)"
