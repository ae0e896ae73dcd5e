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
import { StraceSummaryParser, isSummaryHeader, type StraceSummaryResult } from './strace-summary.js';
import { TopN } from './top-n.js';

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
interface Stat {
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
interface Thread {
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

const C_CR = 13;
const C_SPACE = 32;
const C_QUOTE = 34;
const C_PERCENT = 37;
const C_LPAREN = 40;
const C_RPAREN = 41;
const C_STAR = 42;
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
const C_LBRACE = 123;
const C_RBRACE = 125;

const UNFINISHED = ' <unfinished ...>';
const DETACHED = ' <detached ...>';
const UNAVAILABLE = ' <unavailable>';
/** ns per unit of the last fraction digit, by number of fraction digits (-T=s .. -T=ns). */
const FRACTION_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];
/** Distinct syscall names kept (strace knows ~450); garbage names beyond it count as unrecognized. */
const MAX_NAMES = 4096;
/** Threads kept apart; beyond that many pids, later ones share one record, pid -1. */
const MAX_THREADS = 100_000;

/** Copies a string so it does not pin the (large) chunk it was sliced from. */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** Syscall name characters: a-z, A-Z, 0-9, _ (and `?` for strace's "???"). */
const NAME_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  NAME_CHARS[c] = (c >= 97 && c <= 122) || (c >= C_0 && c <= C_9) || c === 95 || (c >= 65 && c <= 90) || c === C_QMARK ? 1 : 0;
}

function isNameChar(c: number): boolean {
  return c < 128 && NAME_CHARS[c] === 1;
}

export class StraceParser implements LineParser<StraceResult> {
  private lineCount = 0;
  private unrecognized = 0;
  private statTable: Array<Stat | undefined> = new Array<Stat | undefined>(1024);
  private readonly statList: Stat[] = [];
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

  // Per-line scratch set by prefix() (no record allocated per line).
  private pid = 0;
  private lineStart = 0;
  private h1 = 0;
  private h2 = 0;
  private timeStart = -1;
  private timeEnd = -1;

  constructor(opts: StraceParserOptions = {}) {
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
    const i = this.prefix(text, start, end);
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
      const j = this.scanName(text, i, end);
      const d = j < end ? text.charCodeAt(j) : 0;
      if (d === C_LPAREN) {
        const st = this.stat(text, i, j);
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
        const j = this.scanName(text, i + 5, end);
        // " resumed>"
        if (j > i + 5 && j + 9 <= end && text.charCodeAt(j) === C_SPACE && text.charCodeAt(j + 1) === 114 && text.charCodeAt(j + 8) === C_GT) {
          const st = this.stat(text, i + 5, j);
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

  /** Scans name characters from s; returns where they end and leaves two hashes of them in h1, h2. */
  private scanName(text: string, s: number, len: number): number {
    let h1 = 0;
    let h2 = -2128831035; // FNV-1a offset basis
    let j = s;
    for (; j < len; j++) {
      const c = text.charCodeAt(j);
      if (!isNameChar(c)) break;
      h1 = (Math.imul(h1, 31) + c) | 0;
      h2 = Math.imul(h2 ^ c, 16777619);
    }
    this.h1 = h1;
    this.h2 = h2;
    return j;
  }

  /**
   * The Stat for the name at text[s, e) just scanned, made on first sight; undefined past
   * MAX_NAMES. Names are told apart by length and two independent 32-bit hashes, not by comparing
   * characters: two names of the same length would have to agree on 64 hash bits.
   */
  private stat(text: string, s: number, e: number): Stat | undefined {
    const h = this.h1;
    const h2 = this.h2;
    const table = this.statTable;
    const mask = table.length - 1;
    const n = e - s;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const st = table[k];
      if (st === undefined) break;
      if (st.hash === h && st.hash2 === h2 && st.name.length === n) return st;
    }
    if (this.statList.length >= MAX_NAMES) return undefined;
    const name = own(text.slice(s, e));
    const counted = name.charCodeAt(0) !== C_QMARK && !name.startsWith('syscall_0x');
    const st: Stat = { name, hash: h, hash2: h2, calls: 0, errors: 0, ns: 0, counted, untimed: 0 };
    this.statList.push(st);
    if (this.statList.length * 2 > table.length) this.rehash();
    else this.insert(st);
    return st;
  }

  private insert(st: Stat): void {
    const table = this.statTable;
    const mask = table.length - 1;
    let k = st.hash & mask;
    while (table[k] !== undefined) k = (k + 1) & mask;
    table[k] = st;
  }

  private rehash(): void {
    this.statTable = new Array<Stat | undefined>(this.statTable.length * 2);
    for (const st of this.statList) this.insert(st);
  }

  /**
   * Reads the line prefix: pid, timestamps, -n/-i brackets. Sets this.pid / timeStart / timeEnd and
   * returns where the body starts, or -1 when the prefix is malformed.
   *   "3026  04:53:42.840936 "             -f with -o FILE, -tt
   *   "[pid  3026] 1764132822.840936 "     -f on stderr, -ttt
   *   "3026       0.000104 "               -r (right-aligned, %6ld.%06ld)
   *   "04:53:42.840936 (+     0.000104) "  -tt with -r
   *   "1234<runc> ", "[pid  1234<runc>] "  -Y
   */
  private prefix(text: string, start: number, len: number): number {
    let i = start;
    this.pid = 0;
    this.timeStart = -1;
    this.timeEnd = -1;
    let c = text.charCodeAt(start);
    if (c === C_LBRACKET && text.startsWith('[pid ', start)) {
      i = start + 5;
      while (i < len && text.charCodeAt(i) === C_SPACE) i++;
      let pid = 0;
      const d0 = i;
      while (i < len && isDigit((c = text.charCodeAt(i)))) {
        pid = pid * 10 + (c - C_0);
        i++;
      }
      if (i === d0) return -1;
      if (c === C_LT) i = text.indexOf('>', i) + 1;
      if (i <= 0 || i >= len || text.charCodeAt(i) !== C_RBRACKET) return -1;
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
        i = text.indexOf('> ', i) + 1;
        if (i <= 0 || i >= len) return -1;
        this.pid = pid;
      } else i = start; // no pid: a timestamp starts the line
    }
    while (i < len && text.charCodeAt(i) === C_SPACE) i++;
    // Timestamp: -t "04:53:42", -tt "04:53:42.840936", -ttt "1764132822.840936", -r "0.000104".
    if (i < len && isDigit(text.charCodeAt(i))) {
      const s = i;
      // -tt "04:53:42.840936 " has a fixed shape: check its punctuation, skip its digits.
      if (i + 15 < len && text.charCodeAt(i + 2) === C_COLON && text.charCodeAt(i + 5) === C_COLON && text.charCodeAt(i + 8) === C_DOT && text.charCodeAt(i + 15) === C_SPACE) {
        i += 15;
        c = C_SPACE;
      }
      // digits, ':' (48..58) and '.'
      while (i < len && (((c = text.charCodeAt(i)) - C_0) >>> 0 <= 10 || c === C_DOT)) i++;
      if (c !== C_SPACE) return -1;
      this.timeStart = s;
      this.timeEnd = i;
      while (i < len && text.charCodeAt(i) === C_SPACE) i++;
      // -t with -r: "(+     0.000104) "
      if (i + 1 < len && text.charCodeAt(i) === C_LPAREN && text.charCodeAt(i + 1) === C_PLUS) {
        i = text.indexOf(') ', i) + 2;
        if (i < 2 || i > len) return -1;
      }
    }
    // -n "[ 231] " and -i "[00007f1c2a4e1b3d] ": skipped ("[ Process PID=..." is a message).
    while (i < len && text.charCodeAt(i) === C_LBRACKET && !text.startsWith('[ Process', i)) {
      const e = text.indexOf('] ', i);
      if (e < 0 || e >= len) return -1;
      i = e + 2;
    }
    return i;
  }

  /**
   * A syscall line after its name. `argsStart` is just past "NAME(" or "resumed>".
   * Finds how it ends (unfinished, detached, or "= RET ... <T>") and counts a finished call.
   */
  private call(text: string, len: number, st: Stat, argsStart: number, resumed: boolean): void {
    // len: where the line ends in text (the line starts at this.lineStart).
    const pid = this.pid;
    let end = len;
    let ns = -1;
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
      // -T: "... = 0 <0.000094>", any number of fraction digits (--syscall-times=ns: 9).
      let j = len - 2;
      let c = text.charCodeAt(j);
      let frac = 0;
      let scale = 1;
      let digits = 0;
      while (isDigit(c) && digits < 10) {
        frac += (c - C_0) * scale;
        scale *= 10;
        digits++;
        c = text.charCodeAt(--j);
      }
      let sec = -1;
      if (c === C_DOT && digits > 0 && digits <= 9) {
        c = text.charCodeAt(--j);
        sec = 0;
        scale = 1;
        while (isDigit(c) && scale < 1e12) {
          sec += (c - C_0) * scale;
          scale *= 10;
          c = text.charCodeAt(--j);
        }
        if (scale === 1) sec = -1;
      } else if (c === C_LT && digits > 0) {
        sec = frac; // -T=s: "<3>"
        frac = 0;
        digits = 0;
      }
      if (sec >= 0 && c === C_LT && text.charCodeAt(j - 1) === C_SPACE) {
        ns = sec * 1e9 + frac * FRACTION_SCALE[digits]!;
        end = j - 1;
      }
    }
    const eq = this.findReturn(text, argsStart, end);
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
    const r = eq + 2;
    let isError = false;
    let counted = true;
    let unavailable = false;
    let errnoStart = -1;
    let retEnd = r + 1;
    const c = text.charCodeAt(r);
    if (c === C_QMARK) {
      if (r + 1 === end) {
        // 19216 04:53:43.411518 <... futex resumed>) = ?
        // Bare "= ?" is print_event_exit (thread gone mid-call): no exit, not counted. With a -T
        // time it is instead a decoder's RVAL_NONE on a real exit, which strace counts.
        if (ns < 0) counted = false;
      } else if (text.startsWith(' ERESTART', r + 1)) {
        // <... futex resumed>) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.000049>
        isError = true;
        errnoStart = r + 2;
      } else if (end - r - 1 === UNAVAILABLE.length && text.startsWith(UNAVAILABLE, r + 1)) {
        // <... nanosleep resumed>) = ? <unavailable>
        unavailable = true;
      }
    } else {
      // = -1 EAGAIN (Resource temporarily unavailable)      = 0x7f... (flags O_RDWR)      = 3</etc/passwd>
      let j = c === C_MINUS ? r + 1 : r;
      const d0 = j;
      while (j < end && isNameChar(text.charCodeAt(j))) j++;
      if (j === d0) {
        this.unrecognized++;
        return;
      }
      // -y / -Y decoration right after the number: 3</etc/passwd>, 1234<runc>
      if (j < end && text.charCodeAt(j) === C_LT) {
        const gt = text.indexOf('>', j);
        j = gt < 0 || gt >= end ? end : gt + 1;
      }
      retEnd = j;
      if (c === C_MINUS && j + 1 < end && text.charCodeAt(j) === C_SPACE) {
        const e = text.charCodeAt(j + 1);
        if (e === C_E) {
          isError = true;
          errnoStart = j + 1;
        } else if (e === C_LPAREN && text.startsWith('(errno ', j + 1)) {
          // = -1 (errno 523)
          isError = true;
          errnoStart = j + 2;
        }
      }
    }
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
    if (unavailable) {
      this.unavailable++;
      st.untimed++;
    }
    st.calls++;
    st.ns += dur;
    th.calls++;
    th.ns += dur;
    if (isError) {
      st.errors++;
      th.errors++;
    }
    const wantSlow = ns >= 0 && this.slow.wants(ns);
    if (wantSlow || this.onCall !== undefined) {
      const call = this.makeCall(text, st, pid, argsStart, eq, r, retEnd, errnoStart, end, ns, resumed, pending);
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

  /** Builds the record of a finished call (only for slowest-calls candidates and onCall). */
  private makeCall(
    text: string,
    st: Stat,
    pid: number,
    argsStart: number,
    eq: number,
    r: number,
    retEnd: number,
    errnoStart: number,
    end: number,
    ns: number,
    resumed: boolean,
    pending: Thread | undefined,
  ): StraceCall {
    let args = text.slice(argsStart, argsEnd(text, argsStart, eq));
    let time: string | null = this.timeStart >= 0 ? text.slice(this.timeStart, this.timeEnd) : null;
    if (pending !== undefined) {
      // "epoll_pwait(4,  <unfinished ...>" + "<... epoll_pwait resumed>[], 128, 0, NULL, 0) = 0"
      args = (pending.line.slice(pending.argsStart, pending.argsEnd) + args).trimEnd();
      time = pending.timeStart >= 0 ? pending.line.slice(pending.timeStart, pending.timeEnd) : null;
    } else if (resumed) args = '... ' + args; // its first half came before the capture began
    let errno: string | null = null;
    if (errnoStart >= 0) {
      // "ENOENT (No such file...)", "ERESTARTSYS (To be...)", "errno 523)"
      const stop = text.startsWith('errno ', errnoStart) ? C_RPAREN : C_SPACE;
      let e = errnoStart;
      while (e < end && text.charCodeAt(e) !== stop) e++;
      errno = own(text.slice(errnoStart, e));
    }
    return {
      pid,
      syscall: st.name,
      args: own(args.length > this.maxArgs ? args.slice(0, this.maxArgs - 3) + '...' : args),
      ret: own(text.slice(r, retEnd)),
      errno,
      seconds: ns < 0 ? null : ns / 1e9,
      time: time === null ? null : own(time),
    };
  }

  /**
   * Position of the "= " that starts the return value, or -1.
   * Fast path: the last "= " before `end`, preceded by padding and ")". The return part itself
   * has no "= " (errno texts, auxstr and fd paths rarely do); when it does, or when the check
   * fails, a scan that skips strings and comments finds the ")" that closes the call.
   */
  private findReturn(text: string, argsStart: number, end: number): number {
    let eq = end - 2;
    while (eq > argsStart && !(text.charCodeAt(eq) === C_EQ && text.charCodeAt(eq + 1) === C_SPACE)) eq--;
    if (eq > argsStart) {
      let j = eq - 1;
      if (text.charCodeAt(j) === C_SPACE) {
        while (j > argsStart && text.charCodeAt(j) === C_SPACE) j--;
        if (text.charCodeAt(j) === C_RPAREN) return eq;
      }
    }
    return scanReturn(text, argsStart - 1, end);
  }

  private pendingCount(): number {
    let n = 0;
    for (const p of this.threads.values()) if (p.pending) n++;
    return n;
  }

  result(): StraceResult {
    const syscalls: SyscallStat[] = [];
    const unavailableBySyscall: Record<string, number> = {};
    for (const s of this.statList) {
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

/** End of the argument text: the ")" closing the call, before the padding and "= ". */
function argsEnd(text: string, argsStart: number, eq: number): number {
  let j = eq - 1;
  while (j > argsStart && text.charCodeAt(j) === C_SPACE) j--;
  return text.charCodeAt(j) === C_RPAREN ? j : j + 1;
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
