#!/usr/bin/env bash
# Sets the host up (scripts/setup.sh) and runs the whole test suite: the unit project first, then
# the integration project alone, so no unit test competes for the CPUs with a measurement.
# Usage: scripts/test.sh [vitest args...]   (with a --project among them: that one vitest run only)
# Prints a closing line "N passed, N failed, N skipped" over both runs. With CI=true a missing
# prerequisite fails, and so does any skipped test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test-peers
reports=()
trap 'rm -f "${reports[@]}"' EXIT
status=0
skip_build=${CTRSCOPE_SKIP_BUILD:-0}

# One vitest run; its JSON report is kept for the closing line.
run() {
  local report
  report=$(mktemp --suffix=.json)
  reports+=("$report")
  # --passWithNoTests: a file filter in "$@" may match only one project's files.
  CTRSCOPE_SKIP_BUILD=$skip_build npx vitest run --passWithNoTests --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
  skip_build=1 # the first run's global set-up built dist/
}

explicit=0
for a in "$@"; do
  case "$a" in --project | --project=*) explicit=1 ;; esac
done
if [ "$explicit" = 1 ]; then
  run "$@"
else
  run --project unit "$@"
  run --project integration "$@"
fi

node -e '
  const fs = require("fs");
  const sum = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numTotalTests: 0, numFailedTestSuites: 0 };
  for (const f of process.argv.slice(1)) {
    // A run that crashed before writing its report is a failure.
    if (!fs.existsSync(f) || fs.statSync(f).size === 0) { console.error(`no vitest report in ${f}`); process.exitCode = 1; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    for (const k of Object.keys(sum)) sum[k] += r[k] ?? 0;
  }
  const skipped = sum.numPendingTests + sum.numTodoTests;
  console.log(`${sum.numPassedTests} passed, ${sum.numFailedTests} failed, ${skipped} skipped`);
  if (sum.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
  if (skipped > 0 && process.env.CI === "true") { console.error(`CI: ${skipped} tests skipped; under CI every test must run`); process.exit(1); }
' "${reports[@]}" || status=1
exit "$status"
