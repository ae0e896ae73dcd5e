/**
 * bpftrace `-f json` output (0.17): one JSON object a line, blank lines between map dumps.
 * Every type bpftrace 0.17's JsonOutput writes, as seen in fixtures/bpftrace/:
 *
 *   {"type": "attached_probes", "data": {"probes": 4}}
 *   {"type": "map", "data": {"@calls": 13974}}                                  count/sum/min/max
 *   {"type": "map", "data": {"@calls_by_comm_tid": {"sh,3009": 1, "runc,2557": 1}}}   keys joined by ","
 *   {"type": "map", "data": {"@tuple": [1,"a,b",-2]}}                           tuples are arrays
 *   {"type": "hist", "data": {"@h": [{"max": -1, "count": 1}, {"min": 0, "max": 0, "count": 1}, ...]}}
 *   {"type": "hist", "data": {"@l": [..., {"min": 40, "max": 49, "count": 0}, {"min": 50, "count": 1}]}}
 *        lhist prints as "hist" too; keyed hists are {"key": [buckets]}; edge buckets with no count
 *        are trimmed, inner ones kept
 *   {"type": "stats", "data": {"@avg_ns": 84942}}                               avg() prints as stats
 *   {"type": "stats", "data": {"@stats_ns": {"count": 13974, "average": 84942, "total": 1186979732}}}
 *   {"type": "printf", "data": "exec containerd-shim \"/usr/sbin/runc\"\tpid=10581\n"}
 *   {"type": "time", "data": "04:59:39\n"}
 *   {"type": "join", "data": "runc --root /run/containerd/runc/ctrscope ..."}
 *   {"type": "cat", "data": "Linux\n"}           {"type": "syscall", "data": "from system\n"}
 *   {"type": "value", "data": [1,"two"]}         print() of a non-map value
 *   {"type": "lost_events", "data": {"events": 1839}}
 *   {"type": "helper_error", "helper": "map_update_elem", "retcode": -7, "line": 2, "col": 32}   (-k)
 *
 * Each line becomes typed records; a line it cannot read is counted, never thrown; an unknown type is
 * kept as a warning. Maps keep only their latest print, and their values are parsed when first read
 * (bpftrace re-prints whole maps; most prints are replaced before anyone looks at them).
 */
import type { LineParser } from './lines.js';
import { DeltaSums, type DeltaMap } from './bpftrace-delta.js';
import { matchCounterLine, matchDataLine, matchHelperErrorLine, matchMessageLine } from './bpftrace-json-fast.js';

export interface HistBucket {
  /** Inclusive lower bound; absent for the first, open-ended bucket (values below the range). */
  min?: number;
  /** Inclusive upper bound; absent for the last, open-ended bucket of an lhist. */
  max?: number;
  count: number;
}

/** Text records: printf(), time(), join(), cat(), system(). */
export type BpftraceTextType = 'printf' | 'time' | 'join' | 'cat' | 'syscall';

export type BpftraceRecord =
  | { type: 'attached_probes'; probes: number }
  | { type: 'map'; name: string; value: unknown }
  | { type: 'hist' | 'lhist'; name: string; value: HistBucket[] | Record<string, HistBucket[]> }
  | { type: 'stats'; name: string; value: unknown }
  | { type: 'printf'; text: string }
  | { type: 'time'; text: string }
  | { type: 'join' | 'cat' | 'syscall'; text: string }
  | { type: 'value'; value: unknown }
  | { type: 'lost_events'; events: number }
  | { type: 'helper_error'; helper: string; retcode: number; line: number; col: number }
  | { type: 'unknown'; rawType: string; data: unknown };


/** Parses one line; returns null for blank lines and undefined for lines it cannot read. */
export function parseBpftraceLine(line: string): BpftraceRecord[] | null | undefined {
  const text = line.trim();
  if (text.length === 0) return null;
  if (text.charCodeAt(0) !== 123 /* { */) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    // A cut or corrupt line (or a value bpftrace prints unquoted, like a pointer): the caller counts it.
    return undefined;
  }
  if (typeof obj !== 'object' || obj === null) return undefined;
  const { type, data } = obj as { type?: unknown; data?: unknown };
  if (typeof type !== 'string') return undefined;
  switch (type) {
    case 'attached_probes': {
      const probes = (data as { probes?: unknown } | null)?.probes;
      return typeof probes === 'number' ? [{ type, probes }] : undefined;
    }
    case 'lost_events': {
      const events = (data as { events?: unknown } | null)?.events;
      return typeof events === 'number' ? [{ type, events }] : undefined;
    }
    case 'printf':
    case 'time':
    case 'join':
    case 'cat':
    case 'syscall':
      return typeof data === 'string' ? [{ type, text: data }] : undefined;
    case 'value':
      return 'data' in obj ? [{ type, value: data }] : undefined;
    case 'helper_error': {
      // The one record without "data": {"type": "helper_error", "helper": "map_update_elem", "retcode": -7, "line": 2, "col": 32}
      const { helper, retcode, line: l, col } = obj as Record<string, unknown>;
      if (typeof helper !== 'string' || typeof retcode !== 'number') return undefined;
      return [{ type, helper, retcode, line: typeof l === 'number' ? l : 0, col: typeof col === 'number' ? col : 0 }];
    }
    case 'map':
    case 'hist':
    case 'lhist':
    case 'stats': {
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
      const out: BpftraceRecord[] = [];
      for (const [name, value] of Object.entries(data)) {
        out.push({ type, name, value } as BpftraceRecord);
      }
      return out;
    }
    default:
      return [{ type: 'unknown', rawType: type, data }];
  }
}

/** The latest print of one map. `value` is parsed on first read. */
export interface BpftraceMapEntry {
  type: string;
  readonly value: unknown;
  seq: number;
}

export interface BpftraceHelperError {
  helper: string;
  retcode: number;
  line: number;
  col: number;
  count: number;
}

/** What a bpftrace stream said, as a whole. Maps keep only their latest print. */
export interface BpftraceResult {
  lines: number;
  unrecognized: number;
  attachedProbes: number | null;
  lostEvents: number;
  /** Latest value printed for each map (map, hist, lhist or stats), by name. */
  maps: Map<string, BpftraceMapEntry>;
  /** printf() output, the first `cap` records. */
  printf: string[];
  unknownTypes: Record<string, number>;
  /** How many map prints have been seen: changes whenever any map was printed. */
  seq: number;
  /** The latest time() output ("04:59:39\n"), null before the first. */
  lastTime: string | null;
  /** join(), cat() and system() output, the first `cap` records. */
  messages: { type: 'join' | 'cat' | 'syscall'; text: string }[];
  /** print() of non-map values, the first `cap` records. */
  values: unknown[];
  /** printf / message / value records beyond the cap (counted, not kept). */
  dropped: number;
  /** helper_error records (bpftrace -k), one entry per helper, return code and place. */
  helperErrors: BpftraceHelperError[];
  /** Things worth telling a person: unknown record types (once each). */
  warnings: string[];
  /** Delta-map prints at END left out as repeats of an interval print whose clear never ran. */
  repeatsSkipped: number;
}

function lazyEntry(type: string, line: string, start: number, end: number, seq: number): BpftraceMapEntry {
  // The text is kept as a copy outside the JS heap: a slice would pin the whole 64 KiB chunk the
  // line came in, and the young-generation collector would copy those chunks again and again
  // (a third of the parse time in the benchmark). UTF-16 bytes give back exactly the same string.
  let raw: Buffer | null = Buffer.from(line.slice(start, end), 'utf16le');
  let parsed: unknown;
  return {
    type,
    seq,
    get value(): unknown {
      if (raw !== null) {
        // Safe: matchDataLine checked this text is one JSON value.
        parsed = JSON.parse(raw.toString('utf16le'));
        raw = null;
      }
      return parsed;
    },
  };
}

export { DELTA_MAX_KEYS, type DeltaMap } from './bpftrace-delta.js';

export interface BpftraceParserOptions {
  /** false parses every line with JSON.parse (the reference the fast path is tested against). */
  fastPath?: boolean;
  /** Maps printed as deltas, by the name they are summed into (for example `@calls`). */
  deltaMaps?: Record<string, DeltaMap>;
}

/** Streaming parser over bpftrace -f json lines. Bounded: maps are replaced, lists kept to a cap. */
export class BpftraceJsonParser implements LineParser<BpftraceResult> {
  private readonly state: BpftraceResult = {
    lines: 0,
    unrecognized: 0,
    attachedProbes: null,
    lostEvents: 0,
    maps: new Map(),
    printf: [],
    unknownTypes: {},
    seq: 0,
    lastTime: null,
    messages: [],
    values: [],
    dropped: 0,
    helperErrors: [],
    warnings: [],
    repeatsSkipped: 0,
  };
  private readonly fastPath: boolean;
  private readonly deltas: DeltaSums | undefined;
  constructor(
    private readonly printfCap = 10_000,
    options: BpftraceParserOptions = {},
  ) {
    this.fastPath = options.fastPath ?? true;
    this.deltas = options.deltaMaps ? new DeltaSums(options.deltaMaps) : undefined;
  }

  /** A print of NAME_0 or NAME_1 of a delta map, added into NAME; false for any other map. */
  private addDelta(name: string, value: () => unknown, type: string): boolean {
    const acc = this.deltas!.add(name, value);
    if (acc === false) return false;
    if (acc === null) {
      this.state.repeatsSkipped++;
      return true;
    }
    this.state.seq++;
    this.state.maps.set(name.slice(0, -2), { type, value: acc, seq: this.state.seq });
    return true;
  }

  line(text: string): void {
    this.state.lines++;
    if (this.fastPath && this.fast(text)) return;
    const recs = parseBpftraceLine(text);
    if (recs === null) return;
    if (recs === undefined) {
      this.state.unrecognized++;
      return;
    }
    for (const r of recs) this.apply(r);
  }

  /** The exact shapes bpftrace writes, without JSON.parse; false sends the line to the slow path. */
  private fast(text: string): boolean {
    if (text.charCodeAt(0) !== 123 /* { */) return false;
    const s = this.state;
    const m = matchMessageLine(text);
    if (m) {
      if (this.deltas && m.type === 'printf' && text.startsWith('"ctrscope:', m.start) && this.deltas.marker(JSON.parse(text.slice(m.start, -1)))) return true;
      const kept = m.type === 'printf' ? s.printf.length : s.messages.length;
      // Past the cap nothing is kept, so the string need not be decoded at all.
      if (m.type !== 'time' && kept >= this.printfCap) s.dropped++;
      else this.apply({ type: m.type, text: JSON.parse(text.slice(m.start, -1)) as string } as BpftraceRecord);
      return true;
    }
    const d = matchDataLine(text);
    if (d) {
      if (this.deltas && this.addDelta(d.name, () => JSON.parse(text.slice(d.start, d.end)), d.type)) return true;
      s.seq++;
      s.maps.set(d.name, lazyEntry(d.type, text, d.start, d.end, s.seq));
      return true;
    }
    const c = matchCounterLine(text);
    if (c) {
      if (c.type === 'lost_events') s.lostEvents += c.value;
      else s.attachedProbes = c.value;
      return true;
    }
    const h = matchHelperErrorLine(text);
    if (h) this.apply({ type: 'helper_error', ...h });
    return h !== null;
  }

  private keep<T>(list: T[], item: T): void {
    if (list.length < this.printfCap) list.push(item);
    else this.state.dropped++;
  }

  private apply(r: BpftraceRecord): void {
    const s = this.state;
    switch (r.type) {
      case 'attached_probes':
        s.attachedProbes = r.probes;
        break;
      case 'lost_events':
        s.lostEvents += r.events;
        break;
      case 'printf':
        if (!this.deltas?.marker(r.text)) this.keep(s.printf, r.text);
        break;
      case 'time':
        s.lastTime = r.text;
        break;
      case 'join':
      case 'cat':
      case 'syscall':
        this.keep(s.messages, { type: r.type, text: r.text });
        break;
      case 'value':
        this.keep(s.values, r.value);
        break;
      case 'helper_error': {
        const same = s.helperErrors.find((h) => h.helper === r.helper && h.retcode === r.retcode && h.line === r.line && h.col === r.col);
        if (same) same.count++;
        else s.helperErrors.push({ helper: r.helper, retcode: r.retcode, line: r.line, col: r.col, count: 1 });
        break;
      }
      case 'unknown':
        if (s.unknownTypes[r.rawType] === undefined && s.warnings.length < 100) {
          s.warnings.push(`bpftrace printed a record of unknown type "${r.rawType}" (kept as is, not shown)`);
        }
        s.unknownTypes[r.rawType] = (s.unknownTypes[r.rawType] ?? 0) + 1;
        break;
      default:
        if (this.deltas && this.addDelta(r.name, () => r.value, r.type)) break;
        s.seq++;
        s.maps.set(r.name, { type: r.type, value: r.value, seq: s.seq });
    }
  }

  result(): BpftraceResult {
    return this.state;
  }
}

/** Splits a bpftrace multi-key map key ("4090,containerd-shim,158") into its parts. */
export function splitMapKey(key: string, parts: number): string[] {
  // Only the last `parts - 1` commas separate keys; a comm or path may itself hold commas,
  // so the callers put numeric keys last and free text first.
  const out: string[] = [];
  let end = key.length;
  for (let i = 0; i < parts - 1; i++) {
    const c = key.lastIndexOf(',', end - 1);
    if (c === -1) break;
    out.unshift(key.slice(c + 1, end));
    end = c;
  }
  out.unshift(key.slice(0, end));
  return out;
}

/** stats() as printed: {"count": 13974, "average": 84942, "total": 1186979732}. */
export interface BpftraceStats {
  count: number;
  average: number;
  total: number;
}

/** Reads a stats() value; null for anything else (avg() prints a bare number under type "stats"). */
export function asStats(value: unknown): BpftraceStats | null {
  if (typeof value !== 'object' || value === null) return null;
  const { count, average, total } = value as Record<string, unknown>;
  if (typeof count !== 'number' || typeof average !== 'number' || typeof total !== 'number') return null;
  return { count, average, total };
}
