/**
 * `ctr events`: containerd's event stream, one event a line — wall-clock time (nanoseconds),
 * namespace, topic, then the event as JSON:
 *
 *   2026-11-26 04:56:01.61745918 +0000 UTC ctrscope /snapshot/prepare {"key":"explore1","parent":"sha256:b554..."}
 *   2026-11-26 04:56:01.620901644 +0000 UTC ctrscope /containers/create {"id":"explore1","image":"docker.io/library/busybox:latest",...}
 *   2026-11-26 04:56:01.65377891 +0000 UTC ctrscope /tasks/create {"container_id":"explore1","bundle":"...","pid":5164}
 *   2026-11-26 04:56:01.658134877 +0000 UTC ctrscope /tasks/start {"container_id":"explore1","pid":5164}
 *
 * Go prints the fraction without trailing zeros (".61745918" is 617459180 ns). Times are kept as
 * bigint nanoseconds since the epoch: a double cannot hold them exactly.
 */
import type { LineParser } from './lines.js';

export interface ContainerdEvent {
  /** Wall clock, ns since the epoch. */
  timeNs: bigint;
  namespace: string;
  topic: string;
  /** The event's JSON; {} when it could not be read. */
  payload: Record<string, unknown>;
}

export interface EventsResult {
  events: ContainerdEvent[];
  lines: number;
  unrecognized: number;
  /** Events not kept because the limit was reached. */
  dropped: number;
}

/** The events a container start is split by (src/aggregate/start-phases.ts); the others are not kept. */
export const START_TOPICS: ReadonlySet<string> = new Set(['/snapshot/prepare', '/containers/create', '/tasks/create', '/tasks/start']);

/** `ctr events` arguments that ask containerd for those topics alone (its filters are OR'd). */
export const startTopicFilters = (): string[] => [...START_TOPICS].map((t) => `topic=="${t}"`);

const LINE = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,9}))? ([+-])(\d\d)(\d\d) \S+ (\S+) (\/\S*)(?: (.*))?$/;

/** Parses one line, or returns null. */
export function parseEventLine(line: string): ContainerdEvent | null {
  const m = LINE.exec(line.trimEnd());
  if (!m) return null;
  const secs = Date.parse(`${m[1]}T${m[2]}Z`);
  if (Number.isNaN(secs)) return null;
  const offsetS = (m[4] === '-' ? -1 : 1) * (Number(m[5]) * 3600 + Number(m[6]) * 60);
  const frac = BigInt((m[3] ?? '').padEnd(9, '0'));
  const timeNs = (BigInt(secs / 1000) - BigInt(offsetS)) * 1_000_000_000n + frac;
  let payload: Record<string, unknown> = {};
  if (m[9]) {
    try {
      const p = JSON.parse(m[9]);
      if (p && typeof p === 'object') payload = p as Record<string, unknown>;
    } catch {
      // A payload cut short: the time and topic are still worth keeping.
    }
  }
  return { timeNs, namespace: m[7]!, topic: m[8]!, payload };
}

export class ContainerdEventsParser implements LineParser<EventsResult> {
  private readonly events: ContainerdEvent[] = [];
  private lines = 0;
  private unrecognized = 0;
  private dropped = 0;
  /** keep: which events to keep (others are read and counted as recognised); limit bounds memory. */
  constructor(
    private readonly keep: (e: ContainerdEvent) => boolean = () => true,
    private readonly limit = 200_000,
  ) {}

  line(text: string): void {
    this.lines++;
    if (text.trim() === '') return;
    const e = parseEventLine(text);
    if (!e) {
      this.unrecognized++;
      return;
    }
    if (!this.keep(e)) return;
    if (this.events.length >= this.limit) this.dropped++;
    else this.events.push(e);
  }

  result(): EventsResult {
    return { events: this.events, lines: this.lines, unrecognized: this.unrecognized, dropped: this.dropped };
  }
}

/**
 * The line `ctr events` prints for e (the inverse of parseEventLine, in UTC): what ctrscope's own
 * subscriber (src/containerd/events-client.ts) hands the sources and recordings, so that they
 * read one format whichever way the events came.
 */
export function eventLine(e: ContainerdEvent): string {
  const secs = e.timeNs / 1_000_000_000n;
  const frac = (e.timeNs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const iso = new Date(Number(secs) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC ${e.namespace} ${e.topic} ${JSON.stringify(e.payload)}`;
}
