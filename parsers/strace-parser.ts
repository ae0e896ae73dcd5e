/**
 * The strace parser's state machine (types: strace-types.ts, scans: strace-scan.ts, names:
 * strace-names.ts; parsers/strace.ts re-exports it all). strace's trace output -> per-syscall counts, errors and time, counted the way `strace -c -w` counts.
 *
 * Handles `-f` (`PID ` prefix in a -o file, `[pid N] ` on stderr), `-t/-tt/-ttt`, `-r`, `-T`
 * (any precision), `-y`, `-X verbose`, interleaved `<unfinished ...>` / `<... NAME resumed>` lines of
 * many threads, signals, exits, and the `-C` summary table at the end of the same file.
 *
 * strace's own accounting (src/syscall.c, src/count.c, src/strace.c of strace 6.1) is what we follow:
 *  - count_syscall() runs at syscall EXIT only. Every exit prints a line ending in `= RET` (a whole
 *    call line, or a `<... NAME resumed>` line), so each such line is one call.
 *  - A thread that dies inside a syscall (exit_group, SIGKILL, execve in another thread) never exits
 *    the call: print_event_exit() prints a bare `= ?` with no -T time. Not counted.
 *  - `<detached ...>` (strace stopped while the call ran): no exit, not counted.
 *  - `= ? <unavailable>` (registers could not be read at exit): counted as a call, but strace
 *    prints no -T time for it, so its seconds cannot be recovered from the text (see `unavailable`).
 *  - An error is `u_error != 0`: printed `= -1 EXXX (...)`, `= -1 (errno N)` or, for the restart
 *    codes, `= ? ERESTARTSYS (...)`, `ERESTARTNOINTR`, `ERESTARTNOHAND`, `ERESTART_RESTARTBLOCK`.
 *    All of those count as errors.
 *  - A call whose number strace could not read (`???(`) or does not know (`syscall_0x1bc(`) has no
 *    slot in strace's table: not counted (see `uncounted`). Not reproducible from the text: a number
 *    inside the table's range that has no name also prints as `syscall_0x...`, and strace counts
 *    that one; the text does not say which case it was.
 *  - With -w, a call's time is exit minus entry, the same interval -T prints. -T cuts it to its
 *    printed precision (microseconds by default, `--syscall-times=ns` for nanoseconds), so sums of
 *    µs -T values fall short of strace's sum by less than 1 µs per call. Without -w, strace -c sums
 *    system CPU time, which the trace does not show: only calls and errors compare then.
 *
 * Hot path: charCodeAt scans, no regular expressions, nothing allocated per line: lines are read
 * in place (lineSpan) and names found by hash; a call is copied out only when it enters the
 * slowest-calls list. Memory: one entry per syscall name and per thread, the top N, and for each
 * thread inside a call the chunk its `<unfinished ...>` line came from (released when it resumes).
 */
import type { LineParser } from './lines.js';
import { StraceSummaryParser, isSummaryHeader } from './strace-summary.js';
import { TopN } from './top-n.js';
import { SyscallNames } from './strace-names.js';
import {
  DETACHED,
  LineState,
  UNFINISHED,
  callRecord,
  findReturn,
  isNameChar,
  nsToSeconds,
  own,
  scanDuration,
  scanPrefix,
  scanReturnValue,
} from './strace-scan.js';

// Character codes and return kinds (as strace-scan.ts has them) as this module's own constants:
// the hot path compares against them on every character, and imported bindings measured slower.
const C_CR = 13, C_SPACE = 32, C_PERCENT = 37, C_LPAREN = 40, C_PLUS = 43, C_MINUS = 45, C_DOT = 46, C_COLON = 58, C_LT = 60, C_GT = 62, C_LBRACKET = 91;
const RET_BAD = -1, RET_ERROR = 1, RET_GONE = 2, RET_UNAVAILABLE = 3;
import type { PidStat, Stat, StraceCall, StraceParserOptions, StraceResult, SyscallStat, Thread } from './strace-types.js';

/** Threads kept apart; beyond that many pids, later ones share one record, pid -1. */
const MAX_THREADS = 100_000;

/**
 * The parser is its own LineState: the scans of a line leave what they found (pid, timestamp,
 * -T time, return value) in its fields, as before the split, with no second object to reach.
 */
export class StraceParser extends LineState implements LineParser<StraceResult> {
  private lineCount = 0;
  private unrecognized = 0;
  private readonly names = new SyscallNames();
  private readonly threads = new Map<number, Thread>();
  private lastThread: Thread | undefined;
  private readonly slow: TopN<StraceCall>;
  private hasDurations = false;
  private signals = 0;
  private exits = 0;
  private neverReturned = 0;
  private unavailable = 0;
  private uncounted = 0;
  private messages = 0;
  /** Start of a stderr line cut by a "strace: Process N attached" message, joined to the next line. */
  private carry: string | null = null;
  private summary: StraceSummaryParser | null = null;
  /** True while the lines belong to a summary table (from its header to its total row). */
  private inSummary = false;
  private readonly maxArgs: number;
  private readonly onCall?: (call: StraceCall) => void;

  private lineStart = 0;

  constructor(opts: StraceParserOptions = {}) {
    super();
    this.slow = new TopN<StraceCall>(opts.topN ?? 20);
    this.maxArgs = opts.maxArgs ?? 200;
    this.onCall = opts.onCall;
  }

  line(text: string): void {
    this.lineSpan(text, 0, text.length);
  }

  /**
   * The line text[start, end) (without its "\n"): what LineSplitter.pushRanges hands over, so that
   * lines are read in place in the decoded chunk, never cut out of it.
   */
  lineSpan(text: string, start: number, end: number): void {
    this.lineCount++;
    if (end > start && text.charCodeAt(end - 1) === C_CR) end--;
    if (this.carry !== null) {
      // [pid  3032] 04:57:34.248477 nanosleep({tv_sec=0, tv_nsec=20000}, strace: Process 12409 attached
      //  <unfinished ...>
      if (!text.startsWith('[pid ', start)) {
        text = this.carry + text.slice(start, end);
        start = 0;
        end = text.length;
      } else this.unrecognized++;
      this.carry = null;
    }
    if (end === start) return;
    if (this.inSummary) {
      // After the total row, trace lines may follow again (concatenated captures).
      const t = text.slice(start, end);
      if (!this.summary!.expectsMore() && !this.summary!.continues(t)) this.inSummary = false;
      else {
        this.summary!.line(t);
        return;
      }
    }
    this.lineStart = start;
    const i = scanPrefix(text, start, end, this);
    if (i < 0 || i >= end) {
      this.unrecognized++;
      return;
    }
    const c = text.charCodeAt(i);

    // 3026  04:53:42.840936 futex(0x31fff88, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
    // 3032  04:53:42.841922 nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = 0 <0.000094>
    // 19214 04:53:43.411530 ???( <unfinished ...>
    // strace: Process 3026 attached with 10 threads          (stderr only, no prefix)
    if (isNameChar(c)) {
      const j = this.names.scan(text, i, end);
      const d = j < end ? text.charCodeAt(j) : 0;
      if (d === C_LPAREN) {
        const st = this.names.stat(text, i, j);
        if (st === undefined) this.unrecognized++;
        else this.call(text, end, st, j + 1, false);
        return;
      }
      if (d === C_COLON && j - i === 6 && text.startsWith('strace', i)) {
        this.messages++;
        return;
      }
      // syscall                calls    errors     seconds      (a -c table with -U columns starts)
      if (i === start && this.startSummary(text.slice(start, end))) return;
      this.unrecognized++;
      return;
    }
    // 3032  04:53:42.840985 <... restart_syscall resumed>) = -1 EAGAIN (Resource temporarily unavailable) <0.000050>
    // 19217 04:53:43.411512 <... epoll_pwait resumed> <unfinished ...>) = ?
    if (c === C_LT) {
      if (text.charCodeAt(i + 1) === C_DOT && text.charCodeAt(i + 2) === C_DOT && text.charCodeAt(i + 3) === C_DOT && text.charCodeAt(i + 4) === C_SPACE) {
        const j = this.names.scan(text, i + 5, end);
        // " resumed>"
        if (j > i + 5 && j + 9 <= end && text.charCodeAt(j) === C_SPACE && text.charCodeAt(j + 1) === 114 && text.charCodeAt(j + 8) === C_GT) {
          const st = this.names.stat(text, i + 5, j);
          if (st === undefined) this.unrecognized++;
          else this.call(text, end, st, j + 9, true);
          return;
        }
      }
      this.unrecognized++;
      return;
    }
    // 3096  04:53:42.947560 --- SIGURG {si_signo=SIGURG, si_code=SI_TKILL, si_pid=3026, si_uid=0} ---
    // 3026  04:53:42.960001 --- stopped by SIGSTOP ---
    if (c === C_MINUS) {
      if (text.startsWith('--- ', i)) this.signals++;
      else this.unrecognized++;
      return;
    }
    // 19128 04:53:42.934012 +++ exited with 0 +++
    // 19140 04:53:43.001020 +++ killed by SIGKILL +++
    // 19150 04:53:43.010000 +++ superseded by execve in pid 19148 +++
    if (c === C_PLUS) {
      if (text.startsWith('+++ ', i)) {
        this.exits++;
        const th = this.threads.get(this.pid);
        if (th !== undefined) this.release(th);
      } else this.unrecognized++;
      return;
    }
    // % time     seconds  usecs/call     calls    errors syscall      (the -C table starts)
    if (c === C_PERCENT && i === start && this.startSummary(text.slice(start, end))) return;
    // [ Process PID=1234 runs in 32 bit mode. ]
    if (c === C_LBRACKET && text.startsWith('[ Process PID=', i)) {
      this.messages++;
      return;
    }
    this.unrecognized++;
  }

  private startSummary(text: string): boolean {
    if (!isSummaryHeader(text)) return false;
    this.summary ??= new StraceSummaryParser();
    this.summary.line(text);
    this.inSummary = true;
    return true;
  }

  /**
   * A syscall line after its name. `argsStart` is just past "NAME(" or "resumed>".
   * Finds how it ends (unfinished, detached, or "= RET ... <T>") and counts a finished call.
   */
  private call(text: string, len: number, st: Stat, argsStart: number, resumed: boolean): void {
    // len: where the line ends in text (the line starts at this.lineStart).
    const at = this;
    const pid = at.pid;
    let end = len;
    at.ns = -1;
    if (text.charCodeAt(len - 1) === C_GT) {
      // futex(0xc000105548, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
      if (text.charCodeAt(len - 2) === C_DOT) {
        // " <unfinished ...>": 's' of "unfinished" 9 from the end, '<' 16 from the end.
        if (text.charCodeAt(len - 9) === 115 && text.charCodeAt(len - 16) === C_LT && text.startsWith(UNFINISHED, len - UNFINISHED.length)) {
          this.setPending(this.thread(pid), text, argsStart, len - UNFINISHED.length, resumed);
          return;
        }
        // rseq(0x7fc265ffbfe0, 0x20, 0, 0x53053053 <detached ...>
        if (text.startsWith(DETACHED, len - DETACHED.length)) {
          this.neverReturned++;
          this.release(this.thread(pid));
          return;
        }
      }
      // -T: "... = 0 <0.000094>"
      end = scanDuration(text, len, at);
    }
    const ns = at.ns;
    const eq = findReturn(text, argsStart, end);
    if (eq < 0) {
      // On stderr, strace's own messages can land inside a line it is still printing; the line
      // goes on after the message, on the next line:
      // [pid 12409] 04:57:34.257281 clone3({flags=CLONE_VM|..., tls=0x7f6fecbee6c0}strace: Process 12415 attached
      //  <unfinished ...>
      const m = text.indexOf('strace: ', argsStart);
      if (m >= 0 && m < len) {
        this.carry = own(text.slice(this.lineStart, m));
        this.messages++;
      } else this.unrecognized++;
      return;
    }
    // The return value starts after "= ".
    const kind = scanReturnValue(text, eq + 2, end, at);
    if (kind === RET_BAD) {
      this.unrecognized++;
      return;
    }
    const counted = kind !== RET_GONE;
    const th = this.thread(pid);
    // The first half of this call, if it was printed as <unfinished ...> (kept until this returns).
    const pending = resumed && th.pending ? th : undefined;
    th.pending = false;
    if (!counted || !st.counted) {
      // "= ?" without a time: the thread died in the call. "???" and "syscall_0x1bc": strace's
      // table has no slot for them (count_syscall: scno_in_range).
      if (!counted) this.neverReturned++;
      else this.uncounted++;
      th.line = '';
      return;
    }
    const dur = ns < 0 ? 0 : ns;
    if (ns >= 0) this.hasDurations = true;
    if (kind === RET_UNAVAILABLE) {
      this.unavailable++;
      st.untimed++;
    }
    st.calls++;
    st.ns += dur;
    th.calls++;
    th.ns += dur;
    if (kind === RET_ERROR) {
      st.errors++;
      th.errors++;
    }
    const wantSlow = ns >= 0 && this.slow.wants(ns);
    if (wantSlow || this.onCall !== undefined) {
      const call = callRecord(text, st.name, at, argsStart, eq, end, resumed, pending, this.maxArgs);
      if (wantSlow) this.slow.push(ns, call);
      this.onCall?.(call);
    }
    th.line = ''; // let the chunk its pending line was cut from go
  }

  /** The record of a thread, made on first sight (pid -1 for all past MAX_THREADS). */
  private thread(pid: number): Thread {
    const last = this.lastThread;
    if (last !== undefined && last.pid === pid) return last;
    let th = this.threads.get(pid);
    if (th === undefined) {
      if (this.threads.size >= MAX_THREADS && pid !== -1) return this.thread(-1);
      th = { pid, calls: 0, errors: 0, ns: 0, pending: false, line: '', argsStart: 0, argsEnd: 0, timeStart: -1, timeEnd: -1 };
      this.threads.set(pid, th);
    }
    this.lastThread = th;
    return th;
  }

  /** The thread is gone (exited, detached): its pending call will never return. */
  private release(th: Thread): void {
    th.pending = false;
    th.line = '';
  }

  /** Remembers an unfinished call of a thread. */
  private setPending(p: Thread, line: string, argsStart: number, argsEnd: number, resumed: boolean): void {
    // A resumed line can itself be cut by another thread's line: keep the first half.
    if (resumed && p.pending) return;
    p.pending = true;
    p.line = line;
    p.argsStart = argsStart;
    p.argsEnd = argsEnd;
    p.timeStart = this.timeStart;
    p.timeEnd = this.timeEnd;
  }

  private pendingCount(): number {
    let n = 0;
    for (const p of this.threads.values()) if (p.pending) n++;
    return n;
  }

  result(): StraceResult {
    const syscalls: SyscallStat[] = [];
    const unavailableBySyscall: Record<string, number> = {};
    for (const s of this.names.list) {
      if (!s.counted || s.calls === 0) continue;
      syscalls.push({ syscall: s.name, calls: s.calls, errors: s.errors, seconds: nsToSeconds(s.ns) });
      if (s.untimed > 0) unavailableBySyscall[s.name] = s.untimed;
    }
    const pids: PidStat[] = [];
    for (const s of this.threads.values()) {
      if (s.calls > 0) pids.push({ pid: s.pid, calls: s.calls, errors: s.errors, seconds: nsToSeconds(s.ns) });
    }
    return {
      lines: this.lineCount,
      unrecognized: this.unrecognized + (this.summary?.result().unrecognized ?? 0),
      syscalls,
      pids,
      slowest: this.slow.sorted(),
      hasDurations: this.hasDurations,
      signals: this.signals,
      exits: this.exits,
      neverReturned: this.neverReturned,
      pending: this.pendingCount(),
      unavailable: this.unavailable,
      unavailableBySyscall,
      uncounted: this.uncounted,
      messages: this.messages,
      summary: this.summary?.result() ?? null,
    };
  }
}
