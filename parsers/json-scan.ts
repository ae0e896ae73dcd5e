/**
 * A JSON validator that builds nothing: it finds where a value ends, or says the text is not JSON.
 * Used by the bpftrace fast path to check a line without JSON.parse, so parsing can wait until
 * someone reads the value. It follows RFC 8259's grammar strictly and rejects when in doubt (raw
 * control characters anywhere, even as whitespace between tokens): a rejected line goes to
 * JSON.parse as before, so accepting is the only direction that must be right. Every text it
 * accepts, JSON.parse accepts too: tested against JSON.parse on every fixture line, on every cut
 * of those lines and on thousands of mutated lines.
 *
 * Speed comes from native code doing the long stretches: one control-character test per text up
 * front, String#indexOf to jump through string bodies to the next quote or backslash, and one
 * sticky expression for each of bpftrace's two everyday objects (hist bucket, stats value).
 */

const CONTROL = /[\u0000-\u001f]/;

/** True when the text holds no raw control character (U+0000–U+001F). */
export function controlFree(s: string): boolean {
  return !CONTROL.test(s);
}

/** Scanning state for one text: where the next backslash is, so it is searched once per escape. */
export class JsonScanner {
  private s = '';
  private bs = Infinity;

  /** The text must be controlFree(); the scan methods do not look for control characters. */
  constructor(s = '') {
    this.reset(s);
  }

  /** Scans another text (one scanner serves many lines). */
  reset(s: string): this {
    this.s = s;
    const b = s.indexOf('\\');
    this.bs = b === -1 ? Infinity : b;
    return this;
  }

  private nextBackslash(from: number): number {
    if (this.bs < from) {
      const b = this.s.indexOf('\\', from);
      this.bs = b === -1 ? Infinity : b;
    }
    return this.bs;
  }

  /** s[i] must be '"'. Returns the index after the closing quote, or -1. */
  string(i: number): number {
    const s = this.s;
    if (s.charCodeAt(i) !== 34) return -1;
    let j = i + 1;
    let q = s.indexOf('"', j);
    for (;;) {
      if (q === -1) return -1;
      const b = this.nextBackslash(j);
      if (b > q) return q + 1;
      const e = s.charCodeAt(b + 1);
      // \" \\ \/ \b \f \n \r \t
      if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) j = b + 2;
      else if (e === 117 && isHex(s.charCodeAt(b + 2)) && isHex(s.charCodeAt(b + 3)) && isHex(s.charCodeAt(b + 4)) && isHex(s.charCodeAt(b + 5))) j = b + 6;
      else return -1;
      if (q < j) q = s.indexOf('"', j);
    }
  }

  /**
   * One JSON value from i (leading whitespace allowed); returns the index just past it (trailing
   * whitespace not included), or -1. Iterative: deep nesting cannot overflow the call stack.
   */
  value(i: number): number {
    const s = this.s;
    const stack: number[] = [];
    for (;;) {
      i = skipWs(s, i);
      const c = s.charCodeAt(i);
      if (c === 34) i = this.string(i);
      else if (c === 45 || (c >= 48 && c <= 57)) i = scanJsonNumber(s, i);
      else if (c === OBJECT) {
        // Hist buckets and stats values, thousands a line: a direct match, else the general path.
        const b = knownObject(s, i);
        if (b > 0) i = b;
        else {
          i = skipWs(s, i + 1);
          if (s.charCodeAt(i) === 125) i++;
          else {
            i = this.member(i);
            if (i < 0) return -1;
            stack.push(OBJECT);
            continue;
          }
        }
      } else if (c === ARRAY) {
        i = skipWs(s, i + 1);
        if (s.charCodeAt(i) === 93) i++;
        else {
          stack.push(ARRAY);
          continue;
        }
      } else if (has(s, i, TRUE)) i += 4;
      else if (has(s, i, FALSE)) i += 5;
      else if (has(s, i, NULL)) i += 4;
      else return -1;
      if (i < 0) return -1;
      // After a value: close containers, or step to the next member / element.
      for (;;) {
        if (stack.length === 0) return i;
        const top = stack[stack.length - 1];
        i = skipWs(s, i);
        const d = s.charCodeAt(i);
        if (d === 44) {
          i++;
          if (top === OBJECT) {
            i = this.member(skipWs(s, i));
            if (i < 0) return -1;
          }
          break;
        }
        if ((top === OBJECT && d === 125) || (top === ARRAY && d === 93)) {
          stack.pop();
          i++;
          continue;
        }
        return -1;
      }
    }
  }

  /** `"key" :` from i; returns the index after the colon, or -1. */
  private member(i: number): number {
    i = this.string(i);
    if (i < 0) return -1;
    i = skipWs(this.s, i);
    return this.s.charCodeAt(i) === 58 ? i + 1 : -1;
  }
}

const OBJECT = 123;
const ARRAY = 91;

/** Whether s holds `lit` at i, compared char by char (startsWith with a position measured 5x slower here). */
function has(s: string, i: number, lit: readonly number[]): boolean {
  for (let k = 0; k < lit.length; k++) if (s.charCodeAt(i + k) !== lit[k]) return false;
  return true;
}

const codes = (t: string): number[] => [...t].map((c) => c.charCodeAt(0));
const TRUE = codes('true');
const FALSE = codes('false');
const NULL = codes('null');

/**
 * The two objects bpftrace prints by the thousand, matched whole by one sticky expression each
 * (N an integer): a hist bucket `{"min": N, "max": N, "count": N}` ("min" and "max" each optional)
 * and a stats value `{"count": N, "average": N, "total": N}`. Returns the end, or -1 (then the
 * general path reads the object).
 */
const INT = '-?(?:0|[1-9][0-9]*)';
const BUCKET = new RegExp(`\\{(?:"min": ${INT}, )?(?:"max": ${INT}, )?"count": ${INT}\\}`, 'y');
const STATS = new RegExp(`\\{"count": ${INT}, "average": ${INT}, "total": ${INT}\\}`, 'y');
function knownObject(s: string, i: number): number {
  BUCKET.lastIndex = i;
  if (BUCKET.test(s)) return BUCKET.lastIndex;
  STATS.lastIndex = i;
  return STATS.test(s) ? STATS.lastIndex : -1;
}

function skipWs(s: string, i: number): number {
  // Control characters were ruled out up front, so only the space is left to skip.
  while (s.charCodeAt(i) === 32) i++;
  return i;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function digits(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) i++;
    else return i;
  }
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? from i; returns its end or -1. */
export function scanJsonNumber(s: string, i: number): number {
  if (s.charCodeAt(i) === 45) i++;
  const c = s.charCodeAt(i);
  if (c === 48) i++;
  else if (c >= 49 && c <= 57) i = digits(s, i + 1);
  else return -1;
  if (s.charCodeAt(i) === 46) {
    const j = digits(s, i + 1);
    if (j === i + 1) return -1;
    i = j;
  }
  const e = s.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const j = digits(s, i);
    if (j === i) return -1;
    i = j;
  }
  return i;
}

/** The end of the JSON value at i in s, or -1 (checks s for control characters first). */
export function scanJsonValue(s: string, i: number): number {
  return controlFree(s) ? new JsonScanner(s).value(i) : -1;
}

/** The end of the JSON string at i in s, or -1 (checks s for control characters first). */
export function scanJsonString(s: string, i: number): number {
  return controlFree(s) ? new JsonScanner(s).string(i) : -1;
}
