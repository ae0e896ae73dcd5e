/**
 * Types of the strace trace parser (parsers/strace-parser.ts): what it returns, its options, and
 * the two records it keeps per syscall name and per thread.
 */
import type { StraceSummaryResult } from './strace-summary.js';

/** Totals for one syscall name (seconds: sum of -T times). */
export interface SyscallStat {
  syscall: string;
  calls: number;
  errors: number;
  seconds: number;
}

/** Totals for one thread or process id. */
export interface PidStat {
  pid: number;
  calls: number;
  errors: number;
  seconds: number;
}

/** One finished call, as kept in the slowest-calls list or passed to `onCall`. */
export interface StraceCall {
  /** Thread id from the line prefix; 0 when the line had none (single process, no -f). */
  pid: number;
  syscall: string;
  /** Arguments as printed (both halves of an unfinished/resumed pair), cut to `maxArgs` chars. */
  args: string;
  /** Return value as printed: "0", "-1", "0x7f..", "3</etc/passwd>", "?". */
  ret: string;
  /** Error name for failed calls ("ENOENT", "ERESTARTSYS", "errno 523"); null on success. */
  errno: string | null;
  /** -T time; null when the input has no -T. */
  seconds: number | null;
  /** Timestamp of the call's first line as printed (-t/-tt/-ttt/-r), or null. */
  time: string | null;
}

/** What the trace said, as a whole. */
export interface StraceResult {
  lines: number;
  unrecognized: number;
  /** Per syscall, in first-seen order (sort as you like). */
  syscalls: SyscallStat[];
  /** Per thread id (past 100,000 distinct ids, later ones are summed under pid -1). */
  pids: PidStat[];
  /** The slowest calls, slowest first (at most `topN`). */
  slowest: StraceCall[];
  /** Whether any -T time was seen: without it every `seconds` is 0. */
  hasDurations: boolean;
  signals: number;
  /** `+++ exited with N +++`, `+++ killed by SIG +++`, `+++ superseded by execve +++`. */
  exits: number;
  /** Calls that never returned: bare `= ?` (thread gone) and `<detached ...>`. */
  neverReturned: number;
  /** Calls still waiting for their `<... resumed>` line at the end of the input. */
  pending: number;
  /** `= ? <unavailable>`: counted, but with no time in the text. */
  unavailable: number;
  /** The same, by syscall: these syscalls' `seconds` fall short of strace's own sum. */
  unavailableBySyscall: Record<string, number>;
  /** Finished calls strace's table has no row for (`???`, `syscall_0x...`). */
  uncounted: number;
  /** `strace: ...` messages (stderr output): attach/detach notices and warnings. */
  messages: number;
  /** The `-c`/`-C` table printed at the end of the same output, if any. */
  summary: StraceSummaryResult | null;
}

export interface StraceParserOptions {
  /** How many slowest calls to keep (default 20). */
  topN?: number;
  /** Longest argument text kept per call (default 200 characters). */
  maxArgs?: number;
  /** Called for every finished, counted call. Allocates one object per call: leave unset for speed. */
  onCall?: (call: StraceCall) => void;
}

/** Per-syscall totals, found by a hash of the name's characters (no string is cut per line). */
export interface Stat {
  name: string;
  hash: number;
  hash2: number;
  calls: number;
  errors: number;
  ns: number;
  /** false for names strace's table has no row for: "???" and "syscall_0x1bc". */
  counted: boolean;
  untimed: number;
}

/**
 * One thread: its totals, and the call it printed as `<unfinished ...>` while that waits for its
 * `<... NAME resumed>` line. The pending call keeps the line itself and offsets into it (no copy
 * on the hot path), and lets go of it when the call resumes or the thread exits.
 */
export interface Thread {
  pid: number;
  calls: number;
  errors: number;
  ns: number;
  pending: boolean;
  line: string;
  argsStart: number;
  argsEnd: number;
  timeStart: number;
  timeEnd: number;
}
