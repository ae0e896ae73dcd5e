/**
 * Template matchers for the line shapes bpftrace 0.17's JsonOutput writes byte for byte
 * (src/output.cpp), so the parser can skip JSON.parse for them:
 *
 *   {"type": "map", "data": {"@calls": {"containerd,3037": 28, "bpftrace,14963": 2}}}     data line
 *   {"type": "printf", "data": "exec containerd-shim \"/usr/sbin/runc\"\tpid=10581\n"}     message line
 *   {"type": "lost_events", "data": {"events": 1839}}                                    counter line
 *   {"type": "helper_error", "helper": "map_update_elem", "retcode": -7, "line": 2, "col": 32}
 *
 * A match means the line is exactly `{"type": "T", "data": {"N": V}}` or `{"type": "T", "data": "S"}`
 * with T one of the known types, N free of escapes, V a valid JSON value and S a valid JSON string.
 * For such a line JSON.parse(line) is { type: T, data: { [N]: JSON.parse(V) } } (or { type: T,
 * data: JSON.parse(S) }), so the caller may parse V or S later, or never. Anything else gives null
 * and goes to JSON.parse. The regular expressions below accept a subset of JSON's grammar (string
 * characters other than '"', '\' and U+0000–U+001F, the escapes JSON allows, integers without
 * leading zeros); json-scan.ts checks the rest.
 */
import { JsonScanner, controlFree } from './json-scan.js';

const HEAD = '{"type": "';
const DATA = '", "data": ';

export type MessageType = 'printf' | 'time' | 'join' | 'cat' | 'syscall';
export type DataType = 'map' | 'hist' | 'lhist' | 'stats';

const MESSAGE_LINE =
  /^\{"type": "(?:printf|time|join|cat|syscall)", "data": "(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"\}$/;
/** Longer message lines go to the scanner: a regular expression's backtracking stack is finite. */
const MESSAGE_REGEX_MAX = 16 * 1024;

/** The message type a line's 11th character stands for, if any: the five first letters differ. */
function messageType(c: number): MessageType | undefined {
  switch (c) {
    case 112: return 'printf'; // p
    case 116: return 'time'; // t
    case 106: return 'join'; // j
    case 99: return 'cat'; // c
    case 115: return 'syscall'; // s
    default: return undefined;
  }
}

const scan = new JsonScanner();

/** `{"type": "printf", "data": "..."}` and the other text records: the type and where S (quoted) starts. */
export function matchMessageLine(line: string): { type: MessageType; start: number } | null {
  const type = messageType(line.charCodeAt(HEAD.length));
  if (type === undefined) return null;
  const start = HEAD.length + type.length + DATA.length;
  // The expression checks the whole line, type included.
  if (line.length <= MESSAGE_REGEX_MAX) return MESSAGE_LINE.test(line) ? { type, start } : null;
  if (!line.startsWith(HEAD) || !line.startsWith(type + DATA, HEAD.length) || !controlFree(line)) return null;
  const end = scan.reset(line).string(start);
  return end === line.length - 1 && line.charCodeAt(end) === 125 ? { type, start } : null;
}

const COUNTER_LINE = /^\{"type": "(?:lost_events", "data": \{"events|attached_probes", "data": \{"probes)": (?:0|[1-9][0-9]*)\}\}$/;

/** `{"type": "lost_events", "data": {"events": 1839}}` and attached_probes: the type and the number. */
export function matchCounterLine(line: string): { type: 'lost_events' | 'attached_probes'; value: number } | null {
  if (!COUNTER_LINE.test(line)) return null;
  const type = line.charCodeAt(HEAD.length) === 108 /* l */ ? 'lost_events' : 'attached_probes';
  return { type, value: Number(line.slice(line.lastIndexOf(' ') + 1, -2)) };
}

const DATA_TYPES: DataType[] = ['map', 'hist', 'stats', 'lhist'];

/** `{"type": "map", "data": {"@name": V}}` (also hist, lhist, stats): type, name and where V is. */
export function matchDataLine(line: string): { type: DataType; name: string; start: number; end: number } | null {
  const q = line.indexOf('"', HEAD.length);
  if (q === -1 || q > HEAD.length + 5 || !line.startsWith(HEAD)) return null;
  const type = line.slice(HEAD.length, q) as DataType;
  if (!DATA_TYPES.includes(type) || !line.startsWith('", "data": {"', q) || !controlFree(line)) return null;
  scan.reset(line);
  const nameStart = q + DATA.length + 1;
  const nameEnd = scan.string(nameStart);
  if (nameEnd < 0 || line.charCodeAt(nameEnd) !== 58 /* : */ || line.charCodeAt(nameEnd + 1) !== 32) return null;
  const name = line.slice(nameStart + 1, nameEnd - 1);
  if (name.includes('\\')) return null;
  const start = nameEnd + 2;
  const end = line.length - 2;
  if (line.charCodeAt(end) !== 125 || line.charCodeAt(end + 1) !== 125) return null;
  if (scan.value(start) !== end) return null;
  return { type, name, start, end };
}

const HELPER_ERROR_LINE =
  /^\{"type": "helper_error", "helper": "([A-Za-z0-9_]+)", "retcode": (-?(?:0|[1-9][0-9]*)), "line": (0|[1-9][0-9]*), "col": (0|[1-9][0-9]*)\}$/;

/** `{"type": "helper_error", "helper": "map_update_elem", "retcode": -7, "line": 2, "col": 32}` (bpftrace -k). */
export function matchHelperErrorLine(line: string): { helper: string; retcode: number; line: number; col: number } | null {
  const m = HELPER_ERROR_LINE.exec(line);
  return m ? { helper: m[1], retcode: Number(m[2]), line: Number(m[3]), col: Number(m[4]) } : null;
}
