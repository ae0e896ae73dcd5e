#!/usr/bin/env bash
# Re-records fixtures/bpftrace/: real `bpftrace -f json` output (stdout) from this host, taken while
# scripts/load.sh starts containers. fixtures/bpftrace/README.md lists each program.
# Usage: sudo scripts/record-fixtures-bpftrace.sh     (needs root, bpftrace, tracefs, a running containerd)
#        ONLY=stacks.json scripts/record-fixtures-bpftrace.sh   re-records that one file
# About 25 s in all. bpftrace's "couldn't set RLIMIT_MEMLOCK" warning on stderr is harmless here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/fixtures/bpftrace
mkdir -p "$out"
pid=$(pgrep -xo containerd) || { echo "record: containerd is not running (start it first)" >&2; exit 1; }
load_pid=""
err=$(mktemp)

stop_load() {
  if [ -n "$load_pid" ]; then kill -TERM "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
  load_pid=""
}
trap 'stop_load; rm -f "$err"' EXIT

# capture FILE LOAD(yes|no) BPFTRACE-ARGS...: stdout into FILE; stderr shown only on failure.
capture() {
  local file=$1 load=$2; shift 2
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$file" ]; then return 0; fi
  if [ "$load" = yes ]; then
    bash "$root/scripts/load.sh" 50 2>/dev/null &
    load_pid=$!
    sleep 0.3
  fi
  if ! bpftrace -f json "$@" > "$out/$file" 2> "$err"; then
    grep -v RLIMIT_MEMLOCK "$err" >&2 || true
    echo "record: bpftrace failed for $file" >&2
    exit 1
  fi
  stop_load
  echo "recorded $file ($(wc -l < "$out/$file") lines, $(wc -c < "$out/$file") bytes)"
}

capture stacks.json yes -e "profile:hz:99 /pid == $pid/ { @[kstack, ustack, comm] = count(); } interval:s:3 { exit(); }"

capture stacks-perf-mode.json yes -e "profile:hz:99 /pid == $pid/ { @[kstack(perf), ustack(perf), comm, tid] = count(); } interval:s:2 { exit(); }"

capture read-latency.json yes -e '
tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_read /@start[tid]/ {
  $ns = nsecs - @start[tid];
  @hist_ns = hist($ns); @hist_by_comm[comm] = hist($ns);
  @lhist_us = lhist($ns / 1000, 0, 100, 10); @lhist_by_comm_pid[comm, pid] = lhist($ns / 1000, 0, 100, 10);
  @stats_ns = stats($ns); @stats_by_comm[comm] = stats($ns);
  @avg_ns = avg($ns); @avg_by_comm[comm] = avg($ns); @min_ns = min($ns); @max_ns = max($ns);
  @sum_ns = sum($ns); @calls = count(); @calls_by_comm_tid[comm, tid] = count();
  delete(@start[tid]);
}
interval:s:3 { clear(@start); exit(); }'

capture interval.json yes -e '
tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_read /@start[tid]/ { @lat_ns = hist(nsecs - @start[tid]); @reads[comm] = count(); delete(@start[tid]); }
interval:s:1 { time("%H:%M:%S\n"); print(@lat_ns); print(@reads); clear(@lat_ns); clear(@reads); @ticks++; if (@ticks == 3) { clear(@start); exit(); } }'

# Execs by containerd and its children: printf (with quotes and a tab) and join() of argv.
capture exec.json yes -e '
tracepoint:syscalls:sys_enter_execve
/comm == "containerd" || comm == "containerd-shim" || comm == "runc" || comm == "runc:[2:INIT]"/ {
  printf("exec %s \"%s\"\tpid=%d\n", comm, str(args->filename), pid); join(args->argv); }
interval:s:2 { exit(); }'

# Lost events: a one-page perf buffer and wide printf records (8 strings of 200 bytes) from a flood
# of 1-byte reads; the reader cannot keep up and bpftrace reports what the kernel dropped.
if [ -z "${ONLY:-}" ] || [ "$ONLY" = lost-events.json ]; then
  (sleep 2.5; dd if=/dev/zero of=/dev/null bs=1 count=20000 2>/dev/null) &
fi
BPFTRACE_STRLEN=200 BPFTRACE_PERF_RB_PAGES=1 capture lost-events.json no -e '
tracepoint:syscalls:sys_enter_read /comm == "dd"/ { printf("%s%s%s%s%s%s%s%s%d\n", "", "", "", "", "", "", "", "", tid); }
interval:ms:4000 { exit(); }'
wait

# Values of every printable kind from BEGIN: hist buckets below 0, 0, 1; lhist below and above its
# range; tuples; keys and strings that need escaping; print() of values; cat(); system().
capture misc.json no --unsafe -e '
BEGIN {
  @h = hist(-5); @h = hist(0); @h = hist(1); @h = hist(1); @h = hist(3); @h = hist(1000);
  @l = lhist(-3, 0, 50, 10); @l = lhist(7, 0, 50, 10); @l = lhist(500, 0, 50, 10);
  @tuple = (1, "a,b", -2); @tuple_by_key["x\"y", 3] = ("q", 2); @str = "he said \"hi\"\n\ttab";
  @zero = count(); clear(@zero);
  print((1, "two")); print(5); print("str");
  cat("/proc/sys/kernel/ostype"); system("echo from system");
  exit();
}'

# helper_error records: -k reports failed helper calls; a 2-key map overflows at once (under load, so many tids).
BPFTRACE_MAP_KEYS_MAX=2 capture helper-error.json yes -k -e '
profile:hz:99 { @by_tid[tid] = count(); } interval:ms:1000 { exit(); }'
