/**
 * Reads live-kernel.bt's output (probes/live-kernel.bt) into one-second prints. The program prints
 * what it counted in the last second, map by map (an empty map prints nothing), then a line
 * `{"type": "printf", "data": "tick\n"}` that closes the print; rare events arrive as printf lines
 * between prints:
 *
 *   {"type": "stats", "data": {"@sc_1": {"containerd,2216,202": {"count": 160, "average": 4803312, "total": 768529920}}}}
 *   {"type": "map", "data": {"@max_1": {"202": 151010853}}}
 *   {"type": "hist", "data": {"@read_ns_1": [{"min": 512, "max": 1023, "count": 120}]}}
 *   {"type": "printf", "data": "tick 2\n"}         (older recordings: "tick", one second)
 *   {"type": "printf", "data": "slow 2216 75 41268913 containerd\n"}
 *   {"type": "map", "data": {"@tg_1": {"28764,1": 1, "28813,0": 1}}}   (targets that started, exited)
 *   {"type": "printf", "data": "target-exec 21094 containerd-shim\n"}  (recordings made before @tg)
 *
 * Pure: lines in, prints and events out. A line it cannot read is counted, never thrown.
 */
import { parseBpftraceLine } from '../../../parsers/bpftrace-json.js';

/** One second's maps by name, the set suffix (_0/_1) taken off: "@sc", "@max", "@read_ns" ... */
export interface KernelPrint {
  /** When the closing tick arrived (session ms). */
  t: number;
  /** Seconds of kernel time the print covers, as its tick says ("tick 2"; 0 at END: unknown). */
  seconds: number;
  maps: Map<string, unknown>;
}

export type KernelEvent =
  | { kind: 'print'; print: KernelPrint }
  | { kind: 'printf'; t: number; text: string }
  | { kind: 'attached'; t: number };

export class KernelPrintReader {
  private open = new Map<string, unknown>();
  unrecognized = 0;
  lost = 0;

  /** Feeds one line; returns what it completed. */
  line(text: string, t: number): KernelEvent[] {
    const recs = parseBpftraceLine(text);
    if (recs === null) return [];
    if (recs === undefined) {
      this.unrecognized++;
      return [];
    }
    const out: KernelEvent[] = [];
    for (const r of recs) {
      switch (r.type) {
        case 'map':
        case 'hist':
        case 'lhist':
        case 'stats':
          this.open.set(r.name.replace(/_[01]$/, ''), r.value);
          break;
        case 'printf':
          if (r.text.startsWith('tick')) {
            const m = /^tick(?: (\d+))?\n$/.exec(r.text);
            if (m) out.push({ kind: 'print', print: this.close(t, m[1] === undefined ? 1 : Number(m[1])) });
            else this.unrecognized++;
          } else out.push({ kind: 'printf', t, text: r.text });
          break;
        case 'attached_probes':
          out.push({ kind: 'attached', t });
          break;
        case 'lost_events':
          this.lost += r.events;
          break;
        default:
          // Other record types (warnings bpftrace writes as JSON) carry no data for the panels.
          break;
      }
    }
    return out;
  }

  /** The stream ended: maps printed after the last tick (bpftrace's END) form a last print. */
  flush(t: number): KernelEvent[] {
    return this.open.size ? [{ kind: 'print', print: this.close(t, 0) }] : [];
  }

  private close(t: number, seconds: number): KernelPrint {
    const p = { t, seconds, maps: this.open };
    this.open = new Map();
    return p;
  }
}


/** A target started (exec) or exited, as the program says it. */
export interface TargetChange {
  kind: 'exec' | 'exit';
  pid: number;
}

/** The target a printf line names: "target-exec PID COMM" / "target-exit PID" (recordings made before @tg). */
export function targetChange(text: string): TargetChange | null {
  const m = /^target-(exec|exit) (\d+)/.exec(text);
  return m ? { kind: m[1] as 'exec' | 'exit', pid: Number(m[2]) } : null;
}

/**
 * The target changes a print's @tg map holds ([pid, 1]: exec, [pid, 0]: exit); keys it cannot read
 * are left out (the map is the program's own, written by the line above it).
 */
export function targetChangesOfMap(value: unknown): TargetChange[] {
  if (value === null || typeof value !== 'object') return [];
  const out: TargetChange[] = [];
  for (const key of Object.keys(value)) {
    const comma = key.indexOf(',');
    const pid = Number(key.slice(0, comma));
    const kind = key.slice(comma + 1);
    if (comma > 0 && Number.isInteger(pid) && (kind === '1' || kind === '0')) out.push({ kind: kind === '1' ? 'exec' : 'exit', pid });
  }
  return out;
}

/**
 * The target changes one whole output line says: the @tg map of a print
 * ({"type": "map", "data": {"@tg_1": {"28764,1": 1, "28813,0": 1}}}), or, in recordings made
 * before it, a printf line ({"type": "printf", "data": "target-exec 21094 ..."}). Cheap for the
 * other lines: one substring search each.
 */
export function targetChangesInLine(line: string): TargetChange[] {
  if (line.includes('"data": {"@tg_')) {
    const recs = parseBpftraceLine(line);
    return recs ? recs.flatMap((r) => (r.type === 'map' && /^@tg_[01]$/.test(r.name) ? targetChangesOfMap(r.value) : [])) : [];
  }
  const at = line.indexOf('"data": "target-');
  const c = at === -1 ? null : targetChange(line.slice(at + 9));
  return c ? [c] : [];
}
