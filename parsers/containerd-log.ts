/**
 * containerd's log, a line at a time (pure; never throws): logrus text lines
 * (`time="2026-12-01T10:42:42.418972614Z" level=info msg="starting signal loop" namespace=ctrscope pid=16288`),
 * logrus JSON lines (`--log-format json`: {"level":"info","msg":"...","time":"..."}) and journald's
 * `journalctl -o json` records (MESSAGE holds the logrus line; __REALTIME_TIMESTAMP is the fallback
 * time). Lines it cannot read are counted by reason: huge (over MAX_LINE), binary (NUL or invalid
 * UTF-8), badJson (a `{` line that does not parse, e.g. cut by a crash), other (panics, stack traces).
 * Written by hand: logrus's key=value format has no parser on npm for Node that keeps Go's quoting.
 */
import type { LineParser } from './lines.js';

export type LogLevel = 'panic' | 'fatal' | 'error' | 'warning' | 'info' | 'debug' | 'trace';
export const LOG_LEVELS: readonly LogLevel[] = ['panic', 'fatal', 'error', 'warning', 'info', 'debug', 'trace'];

export interface LogRecord {
  /** Wall clock, ms since the epoch with the sub-ms fraction; null when the line has no time. */
  timeMs: number | null;
  level: LogLevel;
  msg: string;
  /** Every other key=value (error, id, namespace, ...). */
  fields: Record<string, string>;
  /** The line as read (cut to 2000 characters), for examples. */
  raw: string;
}

export interface LogParseResult {
  /** Non-empty lines seen. */
  lines: number;
  unreadLines: number;
  unread: { huge: number; binary: number; badJson: number; other: number };
}

export const MAX_LINE = 64 * 1024;
const LEVEL_ALIASES: Record<string, LogLevel> = { warn: 'warning', err: 'error' };

export class ContainerdLogParser implements LineParser<LogParseResult> {
  private readonly r: LogParseResult = { lines: 0, unreadLines: 0, unread: { huge: 0, binary: 0, badJson: 0, other: 0 } };
  constructor(private readonly onRecord: (r: LogRecord) => void) {}

  line(text: string): void {
    const l = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (l.trim().length === 0) return;
    this.r.lines++;
    if (l.length > MAX_LINE) return this.skip('huge');
    if (l.includes('\u0000') || l.includes('\uFFFD')) return this.skip('binary');
    const rec = l.startsWith('{') ? this.fromJson(l) : parseLogrusText(l);
    if (rec === 'badJson') return this.skip('badJson');
    if (!rec) return this.skip('other');
    this.onRecord(rec);
  }

  result(): LogParseResult {
    return { ...this.r, unread: { ...this.r.unread } };
  }

  private skip(why: keyof LogParseResult['unread']): void {
    this.r.unreadLines++;
    this.r.unread[why]++;
  }

  private fromJson(l: string): LogRecord | null | 'badJson' {
    let o: unknown;
    try {
      o = JSON.parse(l);
    } catch {
      return 'badJson';
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) return 'badJson';
    const obj = o as Record<string, unknown>;
    // journald: the logrus line is MESSAGE.
    if (typeof obj.MESSAGE === 'string') {
      const inner = obj.MESSAGE.startsWith('{') ? this.fromJson(obj.MESSAGE) : parseLogrusText(obj.MESSAGE);
      if (!inner || inner === 'badJson') return null;
      const us = Number(obj.__REALTIME_TIMESTAMP);
      return { ...inner, timeMs: inner.timeMs ?? (Number.isFinite(us) ? us / 1000 : null), raw: cut(l) };
    }
    const level = toLevel(obj.level);
    if (!level || typeof obj.msg !== 'string') return null;
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj)) if (k !== 'level' && k !== 'msg' && k !== 'time') fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
    return { timeMs: typeof obj.time === 'string' ? parseTime(obj.time) : null, level, msg: obj.msg, fields, raw: cut(l) };
  }
}

const cut = (s: string) => (s.length > 2000 ? s.slice(0, 2000) : s);

function toLevel(v: unknown): LogLevel | null {
  if (typeof v !== 'string') return null;
  const l = v.toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(l) ? (l as LogLevel) : (LEVEL_ALIASES[l] ?? null);
}

const TIME_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** RFC 3339 with up to nanoseconds → ms since the epoch (fraction kept); null when it is not one. */
export function parseTime(s: string): number | null {
  const m = TIME_RE.exec(s);
  if (!m) return null;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(whole)) return null;
  return whole + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}

/** A logrus text line's key=value pairs; null when it is not one (no level, or no time/msg). */
export function parseLogrusText(l: string): LogRecord | null {
  const kv = splitPairs(l);
  if (!kv) return null;
  const level = toLevel(kv.level);
  if (!level || (kv.time === undefined && kv.msg === undefined)) return null;
  const { time, level: _l, msg, ...fields } = kv;
  return { timeMs: time !== undefined ? parseTime(time) : null, level, msg: msg ?? '', fields, raw: cut(l) };
}

/** key=value key="quoted \"value\"" ...; null on a malformed pair. */
function splitPairs(l: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  let i = 0;
  const n = l.length;
  while (i < n) {
    while (i < n && l[i] === ' ') i++;
    if (i >= n) break;
    const eq = l.indexOf('=', i);
    if (eq <= i) return null;
    const key = l.slice(i, eq);
    if (!/^[A-Za-z0-9_.\-]+$/.test(key)) return null;
    i = eq + 1;
    if (l[i] === '"') {
      const q = unquote(l, i);
      if (!q) return null;
      out[key] = q.value;
      i = q.end;
    } else {
      const sp = l.indexOf(' ', i);
      const end = sp === -1 ? n : sp;
      out[key] = l.slice(i, end);
      i = end;
    }
  }
  return out;
}

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Go's strconv.Quote undone, from the opening quote at `start`; null when the quote never closes. */
function unquote(l: string, start: number): { value: string; end: number } | null {
  let s = '';
  for (let i = start + 1; i < l.length; i++) {
    const c = l[i]!;
    if (c === '"') return { value: s, end: i + 1 };
    if (c !== '\\') {
      s += c;
      continue;
    }
    const e = l[++i];
    if (e === undefined) return null;
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen) {
      const cp = Number.parseInt(l.slice(i + 1, i + 1 + hexLen), 16);
      s += Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      i += hexLen;
    } else s += ESC[e] ?? e;
  }
  return null;
}
