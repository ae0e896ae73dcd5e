/**
 * Guesses which tracer output a file holds from its first lines, for `ctrscope report`.
 * Pure and cheap: it looks at a sample (a few dozen lines), never at the whole input.
 *
 *   strace            3026  04:53:42.840936 futex(0x31fff88, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
 *   strace-summary    % time     seconds  usecs/call     calls    errors syscall
 *   perf-script       containerd  3038   473.502495:   10101010 cpu-clock:ppp:
 *   perf-stat         68341,,context-switches,2243484890,100.00,30.458,K/sec
 *                     " Performance counter stats for process id '3026':"
 *   bpftrace-json     {"type": "attached_probes", "data": {"probes": 4}}
 */
import { looksLikeStrace } from './strace.js';
import { looksLikeStraceSummary } from './strace-summary.js';

export const FORMATS = ['strace', 'strace-summary', 'perf-script', 'perf-stat', 'bpftrace-json'] as const;
export type Format = (typeof FORMATS)[number];

/** How many telling lines `detectFormat` wants to see (it works with fewer at the end of a short input). */
export const DETECT_LINES = 64;

/**
 * Whether a line tells formats apart: not blank, and not one of strace's own messages, which come
 * first on its stderr, one per process it attaches to ("strace: Process 3026 attached").
 */
export function isTelling(line: string): boolean {
  return line.trim() !== '' && !line.startsWith('strace: ');
}

/** The format of the first lines of an input, or null when none fits. */
export function detectFormat(lines: readonly string[]): Format | null {
  const body = lines
    .filter(isTelling)
    .slice(0, DETECT_LINES)
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // Only strace's messages so far: a trace that has not started (strace attached, then stopped).
  if (body.length === 0) return lines.some((l) => l.startsWith('strace: ')) ? 'strace' : null;
  if (looksLikeBpftraceJson(body)) return 'bpftrace-json';
  if (looksLikeStraceSummary(body)) return 'strace-summary';
  if (looksLikePerfStat(body)) return 'perf-stat';
  if (looksLikePerfScript(body)) return 'perf-script';
  if (looksLikeStrace(body)) return 'strace';
  return null;
}

function looksLikeBpftraceJson(body: string[]): boolean {
  // bpftrace may print non-JSON warnings first ("Attaching 4 probes..." goes to stdout in text mode only).
  const first = body.find((l) => l.trimStart().startsWith('{'));
  if (first === undefined) return false;
  try {
    const o = JSON.parse(first) as { type?: unknown };
    return typeof o === 'object' && o !== null && typeof o.type === 'string';
  } catch {
    // A cut first object: not something we can read as bpftrace JSON.
    return false;
  }
}

// "containerd  3038   473.502495:   10101010 cpu-clock:ppp:" and "runc:[2:INIT] 4660/4661 [001] 55.1: 1 sched:sched_switch:"
const PERF_EVENT = /^\S.*?\s+\d+(?:\/\d+)?\s+(?:\[\d+\]\s+)?\d+\.\d+:\s+(?:\d+\s+)?[\w:.-]+:/;
// "\tffffffff821f8914 __schedule+0x3d4 ([kernel.kallsyms])"
const PERF_FRAME = /^\s+[0-9a-f]+\s/;

function looksLikePerfScript(body: string[]): boolean {
  const lines = body.filter((l) => !l.startsWith('#'));
  const events = lines.filter((l) => PERF_EVENT.test(l)).length;
  const frames = lines.filter((l) => PERF_FRAME.test(l)).length;
  return events > 0 && events + frames >= lines.length * 0.8;
}

// CSV: "68341,,context-switches,..." / "     1.001185817,535.92,msec,task-clock,..." / "<not supported>,,cycles,..."
// and with a scope first: "containerd-3026,<not counted>,,context-switches,..." / "S0-D0-C0,1,501.36,msec,task-clock,..."
const PERF_STAT_CSV = /^\s*(?:[\w.:-]+,){0,3}?(?:-?\d+(?:\.\d+)?|<not supported>|<not counted>),[^,]*,[a-zA-Z][\w:/.=-]*(?:,|$)/;

function looksLikePerfStat(body: string[]): boolean {
  if (body.some((l) => /^\s*Performance counter stats for /.test(l))) return true;
  const lines = body.filter((l) => !l.startsWith('#'));
  const rows = lines.filter((l) => PERF_STAT_CSV.test(l) && l.split(',').length >= 4).length;
  return rows > 0 && rows >= lines.length * 0.8;
}
