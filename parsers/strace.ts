/**
 * strace's trace output -> per-syscall counts, errors and time, counted the way `strace -c -w` counts.
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
 *    slot in strace's table: not counted (see `uncounted`).
 *  - With -w, a call's time is exit minus entry, the same interval -T prints. -T cuts it to its
 *    printed precision (microseconds by default, `--syscall-times=ns` for nanoseconds), so sums of
 *    µs -T values fall short of strace's sum by less than 1 µs per call.
 *
 * Hot path: charCodeAt scans and lastIndexOf, no regular expressions, no allocation for a whole
 * call line except when it enters the slowest-calls list.
 */
import type { LineParser } from './lines.js';
import { StraceSummaryParser, isSummaryHeader, type StraceSummaryResult } from './strace-summary.js';

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
  /** Per thread id. */
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

interface Stat {
  name: string;
  calls: number;
  errors: number;
  ns: number;
}

interface PidAcc {
  calls: number;
  errors: number;
  ns: number;
}

/** A call printed as `<unfinished ...>`, waiting for its `<... NAME resumed>` line. */
interface Pending {
  args: string;
  time: string | null;
}

interface Slow {
  ns: number;
  call: StraceCall;
}

const C_SPACE = 32;
const C_QUOTE = 34;
const C_PLUS = 43;
const C_MINUS = 45;
const C_DOT = 46;
const C_SLASH = 47;
const C_0 = 48;
const C_9 = 57;
const C_COLON = 58;
const C_LT = 60;
const C_EQ = 61;
const C_GT = 62;
const C_QMARK = 63;
const C_E = 69;
const C_LBRACKET = 91;
const C_BACKSLASH = 92;
const C_RBRACKET = 93;
const C_LPAREN = 40;
const C_RPAREN = 41;
const C_STAR = 42;
const C_LBRACE = 123;
const C_RBRACE = 125;
const C_PERCENT = 37;

const UNFINISHED = ' <unfinished ...>';
const DETACHED = ' <detached ...>';
const UNAVAILABLE = ' <unavailable>';
/** ns per unit of the last fraction digit, by number of fraction digits (-T=s .. -T=ns). */
const FRACTION_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

/** Copies a string so it does not pin the (large) chunk it was sliced from. */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** A syscall name character: a-z, 0-9, _ (and `?` for strace's "???"). */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || isDigit(c) || c === 95 || c === C_QMARK || (c >= 65 && c <= 90);
}

export class StraceParser implements LineParser<StraceResult> {
  private lineCount = 0;
  private unrecognized = 0;
  private readonly stats = new Map<string, Stat>();
  private readonly pidStats = new Map<number, PidAcc>();
  private readonly pendingByPid = new Map<number, Pending>();
  private readonly slow: Slow[] = []; // min-heap on ns
  private hasDurations = false;
  private signals = 0;
  private exits = 0;
  private neverReturned = 0;
  private unavailable = 0;
  private readonly unavailableBySyscall: Record<string, number> = {};
  /** Start of a stderr line cut by a "strace: Process N attached" message, joined to the next line. */
  private carry: string | null = null;
  private uncounted = 0;
  private messages = 0;
  private summary: StraceSummaryParser | null = null;
  private readonly topN: number;
  private readonly maxArgs: number;
  private readonly onCall?: (call: StraceCall) => void;

  // Per-line scratch, set by line() for the helpers (avoids allocating a record per line).
  private pid = 0;
  private timeStart = -1;
  private timeEnd = -1;

  constructor(opts: StraceParserOptions = {}) {
    this.topN = opts.topN ?? 20;
    this.maxArgs = opts.maxArgs ?? 200;
    this.onCall = opts.onCall;
  }

  line(raw: string): void {
    this.lineCount++;
    let text = raw;
    let len = text.length;
    if (len > 0 && text.charCodeAt(len - 1) === 13) text = text.slice(0, --len);
    if (this.carry !== null) {
      // [pid  3032] 04:57:34.248477 nanosleep({tv_sec=0, tv_nsec=20000}, strace: Process 12409 attached
      //  <unfinished ...>
      if (!text.startsWith('[pid ')) {
        text = this.carry + text;
        len = text.length;
      } else this.unrecognized++;
      this.carry = null;
    }
    if (len === 0) return;
    if (this.summary !== null) {
      this.summary.line(text);
      return;
    }
    const i = this.prefix(text, len);
    if (i < 0 || i >= len) {
      this.unrecognized++;
      return;
    }
    const c = text.charCodeAt(i);

    // 3032  04:53:42.840985 <... restart_syscall resumed>) = -1 EAGAIN (Resource temporarily unavailable) <0.000050>
    // 19217 04:53:43.411512 <... epoll_pwait resumed> <unfinished ...>) = ?
    if (c === C_LT) {
      if (!text.startsWith('<... ', i)) return this.bad();
      const r = text.indexOf(' resumed>', i + 5);
      if (r < 0) return this.bad();
      this.call(text, len, text.slice(i + 5, r), r + 9, true);
      return;
    }
    // 3026  04:53:42.840936 futex(0x31fff88, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
    // 3032  04:53:42.841922 nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = 0 <0.000094>
    // 19214 04:53:43.411530 ???( <unfinished ...>
    // strace: Process 3026 attached with 10 threads          (stderr only, no prefix)
    if (isNameChar(c)) {
      let j = i + 1;
      while (j < len && isNameChar(text.charCodeAt(j))) j++;
      const next = j < len ? text.charCodeAt(j) : 0;
      if (next === C_LPAREN) {
        this.call(text, len, text.slice(i, j), j + 1, false);
        return;
      }
      if (next === C_COLON && j - i === 6 && text.startsWith('strace', i)) {
        this.messages++;
        return;
      }
      // calls    errors syscall        (a -c table with -U columns starts)
      if (i === 0 && this.startSummary(text)) return;
      return this.bad();
    }
    // 3096  04:53:42.947560 --- SIGURG {si_signo=SIGURG, si_code=SI_TKILL, si_pid=3026, si_uid=0} ---
    // 3026  04:53:42.960001 --- stopped by SIGSTOP ---
    if (c === C_MINUS) {
      if (text.startsWith('--- ', i)) this.signals++;
      else this.bad();
      return;
    }
    // 19128 04:53:42.934012 +++ exited with 0 +++
    // 19140 04:53:43.001020 +++ killed by SIGKILL +++
    // 19150 04:53:43.010000 +++ superseded by execve in pid 19148 +++
    if (c === C_PLUS) {
      if (text.startsWith('+++ ', i)) {
        this.exits++;
        this.pendingByPid.delete(this.pid);
      } else this.bad();
      return;
    }
    // % time     seconds  usecs/call     calls    errors syscall      (the -C table starts)
    if (c === C_PERCENT && i === 0 && this.startSummary(text)) return;
    // [ Process PID=1234 runs in 32 bit mode. ]
    if (c === C_LBRACKET && text.startsWith('[ Process PID=', i)) {
      this.messages++;
      return;
    }
    this.bad();
  }

  private startSummary(text: string): boolean {
    if (!isSummaryHeader(text)) return false;
    this.summary = new StraceSummaryParser();
    this.summary.line(text);
    return true;
  }

  private bad(): void {
    this.unrecognized++;
  }

  /**
   * Reads the line prefix: pid, timestamps, -n/-i brackets. Sets this.pid / timeStart / timeEnd and
   * returns where the body starts, or -1 when the prefix is malformed.
   *   "3026  04:53:42.840936 "      -f with -o FILE, -tt
   *   "[pid  3026] 1764132822.840936 "   -f on stderr, -ttt
   *   "3026       0.000104 "         -r (right-aligned, %6ld.%06ld)
   *   "04:53:42.840936 (+     0.000104) "   -tt with -r
   */
  private prefix(text: string, len: number): number {
    let i = 0;
    this.pid = 0;
    this.timeStart = -1;
    this.timeEnd = -1;
    let c = text.charCodeAt(0);
    if (c === C_LBRACKET && text.startsWith('[pid ', 0)) {
      i = 5;
      while (i < len && text.charCodeAt(i) === C_SPACE) i++;
      let pid = 0;
      const d0 = i;
      while (i < len && isDigit((c = text.charCodeAt(i)))) {
        pid = pid * 10 + (c - C_0);
        i++;
      }
      if (i === d0) return -1;
      if (c === C_LT) i = text.indexOf('>', i) + 1; // -Y: [pid 1234<comm>]
      if (i <= 0 || text.charCodeAt(i) !== C_RBRACKET) return -1;
      i++;
      this.pid = pid;
    } else if (isDigit(c)) {
      let pid = 0;
      while (i < len && isDigit((c = text.charCodeAt(i)))) {
        pid = pid * 10 + (c - C_0);
        i++;
      }
      if (c === C_SPACE) this.pid = pid;
      else if (c === C_LT) {
        // -Y in a -o file: "1234<containerd> "
        i = text.indexOf('> ', i) + 1;
        if (i <= 0) return -1;
        this.pid = pid;
      } else i = 0; // no pid: a timestamp starts the line
    }
    while (i < len && text.charCodeAt(i) === C_SPACE) i++;
    // Timestamp: -t "04:53:42", -tt "04:53:42.840936", -ttt "1764132822.840936", -r "0.000104".
    if (i < len && isDigit(text.charCodeAt(i))) {
      const s = i;
      while (i < len && ((c = text.charCodeAt(i)) === C_DOT || c === C_COLON || isDigit(c))) i++;
      if (c !== C_SPACE) return -1;
      this.timeStart = s;
      this.timeEnd = i;
      while (i < len && text.charCodeAt(i) === C_SPACE) i++;
      // -t with -r: "(+     0.000104) "
      if (text.charCodeAt(i) === C_LPAREN && text.charCodeAt(i + 1) === C_PLUS) {
        i = text.indexOf(') ', i) + 2;
        if (i < 2) return -1;
      }
    }
    // -n "[ 231] " and -i "[00007f1c2a4e1b3d] ": skipped ("[ Process PID=..." is a message).
    while (text.charCodeAt(i) === C_LBRACKET && !text.startsWith('[ Process', i)) {
      const e = text.indexOf('] ', i);
      if (e < 0) return -1;
      i = e + 2;
    }
    return i;
  }

  /**
   * A syscall line after its name. `argsStart` is just past "NAME(" or "resumed>".
   * Finds how it ends (unfinished, detached, or "= RET ... <T>") and counts a finished call.
   */
  private call(text: string, len: number, name: string, argsStart: number, resumed: boolean): void {
    const pid = this.pid;
    let end = len;
    // futex(0xc000105548, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
    if (text.charCodeAt(len - 1) === C_GT) {
      if (text.endsWith(UNFINISHED)) {
        // A resumed line can itself be cut by another thread's line; keep what we had.
        let p = this.pendingByPid.get(pid);
        if (p === undefined || !resumed) {
          const args = text.slice(argsStart, Math.min(len - UNFINISHED.length, argsStart + this.maxArgs));
          const time = this.timeStart >= 0 ? text.slice(this.timeStart, this.timeEnd) : null;
          if (p === undefined) {
            p = { args: own(args), time: time === null ? null : own(time) };
            this.pendingByPid.set(pid, p);
          } else {
            p.args = own(args);
            p.time = time === null ? null : own(time);
          }
        }
        return;
      }
      // rseq(0x7fc265ffbfe0, 0x20, 0, 0x53053053 <detached ...>
      if (text.endsWith(DETACHED)) {
        this.neverReturned++;
        this.pendingByPid.delete(pid);
        return;
      }
    }
    // -T: "... = 0 <0.000094>" (any number of fraction digits).
    let ns = -1;
    if (text.charCodeAt(len - 1) === C_GT) {
      const lt = text.lastIndexOf(' <', len - 2);
      if (lt > argsStart) {
        let j = lt + 2;
        let sec = 0;
        let c = 0;
        while (j < len && isDigit((c = text.charCodeAt(j)))) {
          sec = sec * 10 + (c - C_0);
          j++;
        }
        if (j > lt + 2 && c === C_DOT) {
          const f0 = ++j;
          let frac = 0;
          while (j < len && isDigit((c = text.charCodeAt(j)))) {
            frac = frac * 10 + (c - C_0);
            j++;
          }
          const digits = j - f0;
          if (j === len - 1 && digits <= 9) {
            ns = sec * 1e9 + frac * FRACTION_SCALE[digits]!;
            end = lt;
          }
        } else if (j === len - 1 && j > lt + 2) {
          ns = sec * 1e9; // -T=s
          end = lt;
        }
      }
    }
    const eq = this.findReturn(text, argsStart, end);
    if (eq < 0) {
      // On stderr, strace's own messages can land inside a line it is still printing; the line
      // goes on after the message, on the next line:
      // [pid 12409] 04:57:34.257281 clone3({flags=CLONE_VM|..., tls=0x7f6fecbee6c0}strace: Process 12415 attached
      //  <unfinished ...>
      const m = text.indexOf('strace: ', argsStart);
      if (m >= 0) {
        this.carry = own(text.slice(0, m));
        this.messages++;
        return;
      }
      this.unrecognized++;
      return;
    }
    // The return value starts after "= ".
    const r = eq + 2;
    let isError = false;
    let counted = true;
    let errnoStart = -1;
    let errnoEnd = -1;
    let unavailable = false;
    let retEnd = r;
    const c = text.charCodeAt(r);
    if (c === C_QMARK) {
      retEnd = r + 1;
      if (r + 1 === end) {
        // 19216 04:53:43.411518 <... futex resumed>) = ?
        // Bare "= ?" is print_event_exit (thread gone mid-call): no exit, not counted. With a -T time
        // it is instead a decoder's RVAL_NONE on a real exit, which strace counts.
        if (ns < 0) counted = false;
      } else if (text.startsWith(' ERESTART', r + 1)) {
        // <... futex resumed>) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.000049>
        isError = true;
        errnoStart = r + 2;
        errnoEnd = text.indexOf(' ', errnoStart);
        if (errnoEnd < 0 || errnoEnd > end) errnoEnd = end;
      } else if (end - r - 1 === UNAVAILABLE.length && text.startsWith(UNAVAILABLE, r + 1)) {
        // <... nanosleep resumed>) = ? <unavailable>
        unavailable = true;
      }
    } else {
      // = -1 EAGAIN (Resource temporarily unavailable)      = 0x7f... (flags O_RDWR)      = 3</etc/passwd>
      let j = r;
      if (c === C_MINUS) j++;
      while (j < end && (isNameChar(text.charCodeAt(j)) || text.charCodeAt(j) === C_PLUS)) j++;
      if (j === r || (c === C_MINUS && j === r + 1)) {
        this.unrecognized++;
        return;
      }
      // -y / -Y decoration right after the number: 3</etc/passwd>, 1234<runc>
      if (j < end && text.charCodeAt(j) === C_LT) {
        const gt = text.indexOf('>', j);
        j = gt < 0 || gt > end ? end : gt + 1;
      }
      retEnd = j;
      if (c === C_MINUS && j < end - 1 && text.charCodeAt(j) === C_SPACE) {
        const e = text.charCodeAt(j + 1);
        if (e === C_E) {
          isError = true;
          errnoStart = j + 1;
          errnoEnd = text.indexOf(' ', errnoStart);
          if (errnoEnd < 0 || errnoEnd > end) errnoEnd = end;
        } else if (e === C_LPAREN && text.startsWith('(errno ', j + 1)) {
          // = -1 (errno 523)
          isError = true;
          errnoStart = j + 2;
          errnoEnd = text.indexOf(')', errnoStart);
          if (errnoEnd < 0 || errnoEnd > end) errnoEnd = end;
        }
      }
    }
    const pending = this.pendingByPid.get(pid);
    if (pending !== undefined) this.pendingByPid.delete(pid);
    if (!counted) {
      this.neverReturned++;
      return;
    }
    // ??? and syscall_0x1bc: strace's table has no slot for them (count_syscall: scno_in_range).
    if (name.charCodeAt(0) === C_QMARK || (name.length > 10 && name.startsWith('syscall_0x'))) {
      this.uncounted++;
      return;
    }
    if (ns >= 0) this.hasDurations = true;
    if (unavailable) {
      this.unavailable++;
      this.unavailableBySyscall[name] = (this.unavailableBySyscall[name] ?? 0) + 1;
    }
    const dur = ns < 0 ? 0 : ns;
    let st = this.stats.get(name);
    if (st === undefined) {
      const key = own(name);
      st = { name: key, calls: 0, errors: 0, ns: 0 };
      this.stats.set(key, st);
    }
    st.calls++;
    st.ns += dur;
    let ps = this.pidStats.get(pid);
    if (ps === undefined) {
      ps = { calls: 0, errors: 0, ns: 0 };
      this.pidStats.set(pid, ps);
    }
    ps.calls++;
    ps.ns += dur;
    if (isError) {
      st.errors++;
      ps.errors++;
    }
    const heap = this.slow;
    const wantSlow = ns >= 0 && this.topN > 0 && (heap.length < this.topN || ns > heap[0]!.ns);
    if (wantSlow || this.onCall !== undefined) {
      const tail = text.slice(argsStart, this.argsEnd(text, argsStart, eq));
      let args: string;
      // "epoll_pwait(4,  <unfinished ...>" + "<... epoll_pwait resumed>[], 128, 0, NULL, 0) = 0"
      if (resumed) args = pending !== undefined ? (pending.args + tail).trimEnd() : '... ' + tail;
      else args = tail;
      const call: StraceCall = {
        pid,
        syscall: st.name,
        args: own(args.length > this.maxArgs ? args.slice(0, this.maxArgs - 3) + '...' : args),
        ret: own(text.slice(r, retEnd)),
        errno: errnoStart >= 0 ? own(text.slice(errnoStart, errnoEnd)) : null,
        seconds: ns < 0 ? null : ns / 1e9,
        time: resumed && pending !== undefined ? pending.time : this.timeStart >= 0 ? own(text.slice(this.timeStart, this.timeEnd)) : null,
      };
      if (wantSlow) this.pushSlow(ns, call);
      this.onCall?.(call);
    }
  }

  /** End of the argument text: the ")" closing the call, before the padding and "= ". */
  private argsEnd(text: string, argsStart: number, eq: number): number {
    let j = eq - 1;
    while (j > argsStart && text.charCodeAt(j) === C_SPACE) j--;
    return text.charCodeAt(j) === C_RPAREN ? j : j + 1;
  }

  /**
   * Position of the "= " that starts the return value, or -1.
   * Fast path: the last "= " before `end`, preceded by padding and ")". The return part itself
   * has no "= " (errno texts, auxstr, fd paths rarely do); when it does, or when the check fails,
   * a scan that skips strings and comments finds the ")" that closes the call.
   */
  private findReturn(text: string, argsStart: number, end: number): number {
    const eq = text.lastIndexOf('= ', end - 1);
    if (eq > argsStart) {
      let j = eq - 1;
      if (text.charCodeAt(j) === C_SPACE) {
        while (j > argsStart && text.charCodeAt(j) === C_SPACE) j--;
        if (text.charCodeAt(j) === C_RPAREN) return eq;
      }
    } else if (eq === argsStart + 1 && text.charCodeAt(argsStart) === C_RPAREN) {
      return eq; // "<... x resumed>)= 0" never printed by strace, but harmless
    }
    return scanReturn(text, argsStart - 1, end);
  }

  private pushSlow(ns: number, call: StraceCall): void {
    const h = this.slow;
    const item = { ns, call };
    if (h.length < this.topN) {
      h.push(item);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (h[p]!.ns <= h[i]!.ns) break;
        [h[p], h[i]] = [h[i]!, h[p]!];
        i = p;
      }
      return;
    }
    h[0] = item;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.ns < h[m]!.ns) m = l;
      if (r < h.length && h[r]!.ns < h[m]!.ns) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }

  result(): StraceResult {
    const syscalls: SyscallStat[] = [];
    for (const s of this.stats.values()) {
      syscalls.push({ syscall: s.name, calls: s.calls, errors: s.errors, seconds: nsToSeconds(s.ns) });
    }
    const pids: PidStat[] = [];
    for (const [pid, s] of this.pidStats) {
      pids.push({ pid, calls: s.calls, errors: s.errors, seconds: nsToSeconds(s.ns) });
    }
    const slowest = [...this.slow].sort((a, b) => b.ns - a.ns).map((s) => s.call);
    return {
      lines: this.lineCount,
      unrecognized: this.unrecognized + (this.summary?.result().unrecognized ?? 0),
      syscalls,
      pids,
      slowest,
      hasDurations: this.hasDurations,
      signals: this.signals,
      exits: this.exits,
      neverReturned: this.neverReturned,
      pending: this.pendingByPid.size,
      unavailable: this.unavailable,
      unavailableBySyscall: { ...this.unavailableBySyscall },
      uncounted: this.uncounted,
      messages: this.messages,
      summary: this.summary?.result() ?? null,
    };
  }
}

/** Seconds as strace's ts_float() forms them (whole seconds + ns / 1e9), so %.6f matches its table. */
export function nsToSeconds(ns: number): number {
  const sec = Math.floor(ns / 1e9);
  return sec + (ns - sec * 1e9) / 1e9;
}

/**
 * Slow path of findReturn: walks the arguments from the call's "(" (at `open`), skipping "strings"
 * (with \" escapes) and /* comments *\/, and returns the "= " after the ")" that brings the bracket
 * depth back to zero. A resumed line starts inside the call, at depth 1.
 */
export function scanReturn(text: string, open: number, end: number): number {
  let depth = 1;
  let j = open + 1;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === C_QUOTE) {
      j++;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d === C_BACKSLASH) j += 2;
        else if (d === C_QUOTE) break;
        else j++;
      }
    } else if (c === C_SLASH && text.charCodeAt(j + 1) === C_STAR) {
      const e = text.indexOf('*/', j + 2);
      if (e < 0 || e >= end) return -1;
      j = e + 1;
    } else if (c === C_LPAREN || c === C_LBRACKET || c === C_LBRACE) {
      depth++;
    } else if (c === C_RPAREN || c === C_RBRACKET || c === C_RBRACE) {
      depth--;
      if (depth <= 0 && c === C_RPAREN) {
        let k = j + 1;
        while (k < end && text.charCodeAt(k) === C_SPACE) k++;
        if (k > j + 1 && text.charCodeAt(k) === C_EQ && text.charCodeAt(k + 1) === C_SPACE) return k;
        if (depth < 0) return -1;
      }
    }
    j++;
  }
  return -1;
}

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
