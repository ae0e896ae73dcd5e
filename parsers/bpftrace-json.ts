/**
 * bpftrace `-f json` output: one JSON object a line, blank lines between them.
 *
 *   {"type": "attached_probes", "data": {"probes": 4}}
 *   {"type": "map", "data": {"@calls": {"4090,containerd-shim,158": 1, "4660,runc,59": 3}}}
 *   {"type": "hist", "data": {"@latency_ns": [{"min": 128, "max": 255, "count": 179}]}}
 *   {"type": "lost_events", "data": {"events": 12}}
 *
 * Each line becomes a typed record; anything else is counted, never thrown.
 */
import type { LineParser } from './lines.js';

export interface HistBucket {
  /** Inclusive lower bound; absent for the first bucket of a log2 hist that holds negatives. */
  min?: number;
  /** Inclusive upper bound; absent for the last, open-ended bucket. */
  max?: number;
  count: number;
}

export type BpftraceRecord =
  | { type: 'attached_probes'; probes: number }
  | { type: 'map'; name: string; value: unknown }
  | { type: 'hist' | 'lhist'; name: string; value: HistBucket[] | Record<string, HistBucket[]> }
  | { type: 'stats'; name: string; value: unknown }
  | { type: 'printf'; text: string }
  | { type: 'time'; text: string }
  | { type: 'lost_events'; events: number }
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
    // A cut or corrupt line: the caller counts it.
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
      return typeof data === 'string' ? [{ type, text: data }] : undefined;
    case 'map':
    case 'hist':
    case 'lhist':
    case 'stats': {
      if (typeof data !== 'object' || data === null) return undefined;
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

/** What a bpftrace stream said, as a whole. Maps keep only their latest print. */
export interface BpftraceResult {
  lines: number;
  unrecognized: number;
  attachedProbes: number | null;
  lostEvents: number;
  /** Latest value printed for each map (map, hist, lhist or stats), by name. */
  maps: Map<string, { type: string; value: unknown; seq: number }>;
  printf: string[];
  unknownTypes: Record<string, number>;
  /** How many map prints have been seen: changes whenever any map was printed. */
  seq: number;
}

/** Streaming parser over bpftrace -f json lines. Bounded: maps are replaced, printf kept to a cap. */
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
  };
  constructor(private readonly printfCap = 10_000) {}

  line(text: string): void {
    this.state.lines++;
    const recs = parseBpftraceLine(text);
    if (recs === null) return;
    if (recs === undefined) {
      this.state.unrecognized++;
      return;
    }
    for (const r of recs) this.apply(r);
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
        if (s.printf.length < this.printfCap) s.printf.push(r.text);
        break;
      case 'time':
        break;
      case 'unknown':
        s.unknownTypes[r.rawType] = (s.unknownTypes[r.rawType] ?? 0) + 1;
        break;
      default:
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
