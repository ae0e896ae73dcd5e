/**
 * The strace parser's scanning functions: charCodeAt scans over one line read in place, with no
 * regular expression and nothing allocated. What a scan finds besides its return value (the
 * line's pid and timestamp span, a call's -T time) is left in the parser's one LineState.
 */
import type { StraceCall, Thread } from './strace-types.js';

export const C_CR = 13;
export const C_SPACE = 32;
export const C_QUOTE = 34;
export const C_PERCENT = 37;
export const C_LPAREN = 40;
export const C_RPAREN = 41;
export const C_STAR = 42;
export const C_PLUS = 43;
export const C_MINUS = 45;
export const C_DOT = 46;
export const C_SLASH = 47;
export const C_0 = 48;
export const C_9 = 57;
export const C_COLON = 58;
export const C_LT = 60;
export const C_EQ = 61;
export const C_GT = 62;
export const C_QMARK = 63;
export const C_E = 69;
export const C_LBRACKET = 91;
export const C_BACKSLASH = 92;
export const C_RBRACKET = 93;
export const C_LBRACE = 123;
export const C_RBRACE = 125;

export const UNFINISHED = ' <unfinished ...>';
export const DETACHED = ' <detached ...>';
export const UNAVAILABLE = ' <unavailable>';
/** ns per unit of the last fraction digit, by number of fraction digits (-T=s .. -T=ns). */
export const FRACTION_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

/** Copies a string so it does not pin the (large) chunk it was sliced from. */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

export function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** Syscall name characters: a-z, A-Z, 0-9, _ (and `?` for strace's "???"). */
const NAME_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  NAME_CHARS[c] = (c >= 97 && c <= 122) || (c >= C_0 && c <= C_9) || c === 95 || (c >= 65 && c <= 90) || c === C_QMARK ? 1 : 0;
}

export function isNameChar(c: number): boolean {
  return c < 128 && NAME_CHARS[c] === 1;
}

/** What the scans of the current line found, besides their return values (StraceParser extends it). */
export class LineState {
  /** Thread id from the prefix; 0 when the line had none. */
  pid = 0;
  /** Where the line's timestamp is in its text, or -1. */
  timeStart = -1;
  timeEnd = -1;
  /** The call's -T time in ns, or -1. */
  ns = -1;
  /** Set by scanReturnValue: where the printed return value ends, and where its error name starts (or -1). */
  retEnd = 0;
  errnoStart = -1;
}

/**
 * Reads the line prefix: pid, timestamps, -n/-i brackets. Sets at.pid / timeStart / timeEnd and
 * returns where the body starts, or -1 when the prefix is malformed.
 *   "3026  04:53:42.840936 "             -f with -o FILE, -tt
 *   "[pid  3026] 1764132822.840936 "     -f on stderr, -ttt
 *   "3026       0.000104 "               -r (right-aligned, %6ld.%06ld)
 *   "04:53:42.840936 (+     0.000104) "  -tt with -r
 *   "1234<runc> ", "[pid  1234<runc>] "  -Y
 */
export function scanPrefix(text: string, start: number, len: number, at: LineState): number {
  let i = start;
  at.pid = 0;
  at.timeStart = -1;
  at.timeEnd = -1;
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
    at.pid = pid;
  } else if (isDigit(c)) {
    let pid = 0;
    while (i < len && isDigit((c = text.charCodeAt(i)))) {
      pid = pid * 10 + (c - C_0);
      i++;
    }
    if (c === C_SPACE) at.pid = pid;
    else if (c === C_LT) {
      i = text.indexOf('> ', i) + 1;
      if (i <= 0 || i >= len) return -1;
      at.pid = pid;
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
    at.timeStart = s;
    at.timeEnd = i;
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
 * The -T time at the end of a call line that ends at `len` with ">" ("... = 0 <0.000094>", any
 * number of fraction digits; --syscall-times=ns: 9). Sets at.ns (-1 without one) and returns where
 * the line ends without it.
 */
export function scanDuration(text: string, len: number, at: LineState): number {
  at.ns = -1;
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
    at.ns = sec * 1e9 + frac * FRACTION_SCALE[digits]!;
    return j - 1;
  }
  return len;
}

/**
 * Position of the "= " that starts the return value, or -1.
 * Fast path: the last "= " before `end`, preceded by padding and ")". The return part itself
 * has no "= " (errno texts, auxstr and fd paths rarely do); when it does, or when the check
 * fails, a scan that skips strings and comments finds the ")" that closes the call.
 */
export function findReturn(text: string, argsStart: number, end: number): number {
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

/** What scanReturnValue found: a success, an error, a bare "= ?" (the thread died in the call), "= ? <unavailable>", or no return value. */
export const RET_OK = 0;
export const RET_ERROR = 1;
export const RET_GONE = 2;
export const RET_UNAVAILABLE = 3;
export const RET_BAD = -1;

/**
 * The return value of a call line, from r (just after "= ") to end (before any -T time): says
 * which kind it is (RET_*), and sets at.retEnd and at.errnoStart. Reads at.ns: a bare "= ?" with
 * a -T time is a real exit.
 */
export function scanReturnValue(text: string, r: number, end: number, at: LineState): number {
  at.errnoStart = -1;
  at.retEnd = r + 1;
  const c = text.charCodeAt(r);
  if (c === C_QMARK) {
    if (r + 1 === end) {
      // 19216 04:53:43.411518 <... futex resumed>) = ?
      // Bare "= ?" is print_event_exit (thread gone mid-call): no exit, not counted. With a -T
      // time it is instead a decoder's RVAL_NONE on a real exit, which strace counts.
      return at.ns < 0 ? RET_GONE : RET_OK;
    }
    if (text.startsWith(' ERESTART', r + 1)) {
      // <... futex resumed>) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.000049>
      at.errnoStart = r + 2;
      return RET_ERROR;
    }
    // <... nanosleep resumed>) = ? <unavailable>
    if (end - r - 1 === UNAVAILABLE.length && text.startsWith(UNAVAILABLE, r + 1)) return RET_UNAVAILABLE;
    return RET_OK;
  }
  // = -1 EAGAIN (Resource temporarily unavailable)      = 0x7f... (flags O_RDWR)      = 3</etc/passwd>
  let j = c === C_MINUS ? r + 1 : r;
  const d0 = j;
  while (j < end && isNameChar(text.charCodeAt(j))) j++;
  if (j === d0) return RET_BAD;
  // -y / -Y decoration right after the number: 3</etc/passwd>, 1234<runc>
  if (j < end && text.charCodeAt(j) === C_LT) {
    const gt = text.indexOf('>', j);
    j = gt < 0 || gt >= end ? end : gt + 1;
  }
  at.retEnd = j;
  if (c === C_MINUS && j + 1 < end && text.charCodeAt(j) === C_SPACE) {
    const e = text.charCodeAt(j + 1);
    if (e === C_E) {
      at.errnoStart = j + 1;
      return RET_ERROR;
    }
    if (e === C_LPAREN && text.startsWith('(errno ', j + 1)) {
      // = -1 (errno 523)
      at.errnoStart = j + 2;
      return RET_ERROR;
    }
  }
  return RET_OK;
}

/**
 * The record of a finished call (only for slowest-calls candidates and onCall): the line's
 * arguments (joined to its <unfinished ...> first half when there was one), return value, error
 * name, -T time and timestamp, as found by the scans of this line (at).
 */
export function callRecord(
  text: string,
  syscall: string,
  at: LineState,
  argsStart: number,
  eq: number,
  end: number,
  resumed: boolean,
  pending: Thread | undefined,
  maxArgs: number,
): StraceCall {
  let args = text.slice(argsStart, argsEnd(text, argsStart, eq));
  let time: string | null = at.timeStart >= 0 ? text.slice(at.timeStart, at.timeEnd) : null;
  if (pending !== undefined) {
    // "epoll_pwait(4,  <unfinished ...>" + "<... epoll_pwait resumed>[], 128, 0, NULL, 0) = 0"
    args = (pending.line.slice(pending.argsStart, pending.argsEnd) + args).trimEnd();
    time = pending.timeStart >= 0 ? pending.line.slice(pending.timeStart, pending.timeEnd) : null;
  } else if (resumed) args = '... ' + args; // its first half came before the capture began
  let errno: string | null = null;
  const errnoStart = at.errnoStart;
  if (errnoStart >= 0) {
    // "ENOENT (No such file...)", "ERESTARTSYS (To be...)", "errno 523)"
    const stop = text.startsWith('errno ', errnoStart) ? C_RPAREN : C_SPACE;
    let e = errnoStart;
    while (e < end && text.charCodeAt(e) !== stop) e++;
    errno = own(text.slice(errnoStart, e));
  }
  const ns = at.ns;
  return {
    pid: at.pid,
    syscall,
    args: own(args.length > maxArgs ? args.slice(0, maxArgs - 3) + '...' : args),
    ret: own(text.slice(eq + 2, at.retEnd)),
    errno,
    seconds: ns < 0 ? null : ns / 1e9,
    time: time === null ? null : own(time),
  };
}

/** End of the argument text: the ")" closing the call, before the padding and "= ". */
export function argsEnd(text: string, argsStart: number, eq: number): number {
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
