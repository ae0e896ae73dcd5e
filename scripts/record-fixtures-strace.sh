#!/usr/bin/env bash
# Re-records fixtures/strace/: real strace 6.1 captures of containerd (and, through -f, its shims and
# runc) while containers start. Needs root, strace and a running containerd with the test image in
# namespace ctrscope (scripts/setup.sh). Each capture lasts a few seconds: strace slows containerd
# about 6.5x. Captures are gzip-compressed (a few hundred KB each); README.md lists the commands.
# Usage: sudo bash scripts/record-fixtures-strace.sh [NAME...]   (NAME: a fixture file name; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=fixtures/strace
mkdir -p "$OUT"
PID=$(pgrep -xo containerd) || { echo "record: containerd is not running" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# $1: fixture name; $2: seconds to trace; $3: containers to start; rest: strace options.
# strace writes to -o FILE, or to its stderr when STDERR=1.
STDERR=0
# The load starts 0.5 s after strace so that strace has attached to every thread.
ONLY=" $* "
record() {
  local name=$1 secs=$2 count=$3; shift 3
  if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $name.gz "* && "$ONLY" != *" $name "* ]]; then return 0; fi
  (sleep 0.5; bash scripts/load.sh "$count" >/dev/null 2>&1) &
  local load=$!
  if [ "$STDERR" = 1 ]; then
    timeout -s INT "$secs" strace "$@" -p "$PID" 2>"$TMP/out" || true
  else
    timeout -s INT "$secs" strace "$@" -o "$TMP/out" -p "$PID" 2>"$TMP/log" || true
  fi
  wait "$load" || true
  gzip -9 -n -c "$TMP/out" > "$OUT/$name.gz"
  rm -f "$TMP/out"
  echo "record: $OUT/$name.gz ($(zcat "$OUT/$name.gz" | wc -l) lines)" >&2
}

# The -C table lands at the end of the same file: tests compare it with our counts of the lines.
record containerd-tt-T-C-w.txt 2 30 -f -tt -T -C -w
record containerd-tt-Tns-C-w.txt 2 30 -f -tt --syscall-times=ns -C -w
# Format variants, one container each, also with the -C -w table.
record containerd-ttt-T-C-w.txt 3 1 -f -ttt -T -C -w
record containerd-r-T-C-w.txt 3 1 -f -r -T -C -w
record containerd-y-tt-T-C-w.txt 3 1 -f -y -tt -T -C -w
# strace 6.1 dies in -X verbose on the first signal mask it prints ("sprintsigmask_n: got unexpected
# return value 2"): the first capture shows that (cut, no table); the second leaves out the two
# syscalls that print masks so that strace lives to print its table.
record containerd-Xverbose-tt-T-C-w-died.txt 3 1 -f -X verbose -tt -T -C -w
record containerd-Xverbose-nosigmask-tt-T-C-w.txt 3 1 -f -X verbose -e 'trace=!rt_sigprocmask,rt_sigaction' -tt -T -C -w
# On stderr: "[pid N]" prefixes and strace's own "strace: Process N attached" lines.
STDERR=1 record containerd-stderr-tt-T-C-w.txt 3 1 -f -tt -T -C -w
# Summary tables only.
record containerd-c.txt 3 1 -f -c
record containerd-c-w-U.txt 3 1 -f -c -w -U name,calls,errors,total-time,min-time,max-time,avg-time
