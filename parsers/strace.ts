/**
 * strace's trace output -> per-syscall counts, errors and time, counted the way `strace -c -w`
 * counts: the entry point every importer uses. The parser is split along its seams:
 *   strace-types.ts   what it returns and keeps (StraceResult, StraceCall, ...)
 *   strace-scan.ts    the charCodeAt scans of one line (prefix, -T time, return value)
 *   strace-names.ts   syscall name interning (hash table of per-name totals)
 *   strace-parser.ts  StraceParser, the state machine over lines (strace's accounting rules)
 * This file re-exports them and holds the format detector.
 */
import { StraceParser } from './strace-parser.js';

export { StraceParser } from './strace-parser.js';
export { nsToSeconds, scanReturn } from './strace-scan.js';
export type { PidStat, StraceCall, StraceParserOptions, StraceResult, SyscallStat } from './strace-types.js';

/** Detector: most of the sample's lines read as strace lines, and at least one is a syscall. */
export function looksLikeStrace(lines: readonly string[]): boolean {
  const p = new StraceParser({ topN: 0 });
  let n = 0;
  for (const l of lines) {
    if (l.trim() === '') continue;
    p.line(l);
    n++;
  }
  const r = p.result();
  const syscallLines = r.syscalls.reduce((a, s) => a + s.calls, 0) + r.pending + r.neverReturned + r.uncounted;
  return syscallLines > 0 && r.unrecognized <= n * 0.2;
}
