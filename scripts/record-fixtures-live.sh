#!/usr/bin/env bash
# Re-records fixtures/live/: a real `ctrscope --demo --record` session on this host, used by the
# live view's engine, reducer and component tests (replayed through the same parsers).
# Usage: sudo scripts/record-fixtures-live.sh [SECONDS]   (default 7; needs root, bpftrace, a
#        running containerd with the test image: scripts/setup.sh; builds dist/ first)
# The session runs with stdout not a terminal (plain snapshots, discarded) and ends with SIGINT,
# the way Ctrl-C ends it. containerd's metrics answers are about 250 KB each (cut to the families
# the panel reads): only the first two are kept (their "run", "stdout" and "end" lines), so the
# fixture stays small while the panel still has a window to show.
# fixtures/live/per-probe/ is an older recording (one tracer per probe, rotated; perf stat per
# process), kept as it was made: replays of such recordings must go on working.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-12}
out=$root/fixtures/live/demo
cd "$root"
npx tsc -p tsconfig.json
rm -rf "$out"
node dist/src/cli.js --demo --record "$out" > /dev/null &
pid=$!
sleep "$secs"
kill -INT "$pid"
wait "$pid"
node -e '
const fs = require("fs");
const file = process.argv[1];
const keep = fs.readFileSync(file, "utf8").split("\n").filter((l) => {
  if (!l) return false;
  const e = JSON.parse(l);
  return !(e.source === "containerd-metrics" && (e.run ?? 0) > 1);
});
fs.writeFileSync(file, keep.join("\n") + "\n");
' "$out/session.ndjson"
echo "recorded $out/session.ndjson ($(wc -l < "$out/session.ndjson") lines, $(wc -c < "$out/session.ndjson") bytes)"
