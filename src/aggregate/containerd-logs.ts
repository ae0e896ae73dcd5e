/**
 * containerd's log records summed up (pure): counts by level, and by level over time; errors and
 * warnings grouped by message template (ids, numbers, paths masked) with count, first and last
 * seen and one example; per-container timelines (the lines naming one container, by its id, key
 * or task path, and namespace) with the time between consecutive steps as percentiles.
 */
import { LOG_LEVELS, type LogLevel, type LogRecord } from '../../parsers/containerd-log.js';
import { quantile } from './start-phases.js';

export interface LogGroup {
  level: LogLevel;
  template: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  example: string;
}

export interface StepStats {
  from: string;
  to: string;
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LogSummary {
  records: number;
  levels: Record<LogLevel, number>;
  /** Counts per level in buckets of bucketSeconds from the first record's time. */
  bucketSeconds: number;
  overTime: Array<{ start: string; counts: Partial<Record<LogLevel, number>> }>;
  groups: LogGroup[];
  containers: number;
  steps: StepStats[];
  firstTime: string | null;
  lastTime: string | null;
}

const MAX_GROUPS = 10_000;
const MAX_CONTAINERS = 20_000;

/** The message with what varies masked: ids, hex digests, paths, numbers, and the line's own ids. */
export function messageTemplate(msg: string, ids: string[] = []): string {
  let t = msg;
  for (const id of ids) if (id.length >= 3) t = t.split(id).join('<id>');
  return t
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/(sha256:)?\b[0-9a-f]{12,}\b/gi, '<id>')
    .replace(/(?<![\w<])\/[^\s"'=,;:)]+/g, '<path>')
    .replace(/\b\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)?/g, '<time>')
    .replace(/\b\d+(\.\d+)?(ns|µs|us|ms|s|m|h)?\b/g, '<n>');
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const TASK_PATH = /io\.containerd\.runtime\.v2\.task\/([^/\s]+)\/([^/\s]+)/;

/** The container a record names: namespace and id, from id / container_id / key / a task path. */
export function containerOf(r: LogRecord): { namespace: string; id: string } | null {
  const f = r.fields;
  const fromPath = f.path ? TASK_PATH.exec(f.path) : null;
  const key = f.key && !f.key.startsWith('sha256:') && !f.key.includes('/') ? f.key : undefined;
  const id = f.container_id ?? (f.id && !f.id.startsWith('io.containerd.') ? f.id : undefined) ?? fromPath?.[2] ?? key;
  if (!id) return null;
  return { namespace: f.namespace ?? f.ns ?? fromPath?.[1] ?? '', id };
}

export class LogAggregator {
  private readonly levels = Object.fromEntries(LOG_LEVELS.map((l) => [l, 0])) as Record<LogLevel, number>;
  private records = 0;
  /** Counts per whole second of wall clock, coarsened in result(). */
  private readonly perSecond = new Map<number, Partial<Record<LogLevel, number>>>();
  private readonly groups = new Map<string, LogGroup & { firstMs: number | null; lastMs: number | null }>();
  private groupsDropped = 0;
  private readonly lastStep = new Map<string, { step: string; ms: number }>();
  private readonly gaps = new Map<string, number[]>();
  private first: number | null = null;
  private last: number | null = null;

  add(r: LogRecord): void {
    this.records++;
    this.levels[r.level]++;
    if (r.timeMs !== null) {
      const sec = Math.floor(r.timeMs / 1000);
      const counts = this.perSecond.get(sec) ?? {};
      counts[r.level] = (counts[r.level] ?? 0) + 1;
      this.perSecond.set(sec, counts);
      this.first = this.first === null ? r.timeMs : Math.min(this.first, r.timeMs);
      this.last = this.last === null ? r.timeMs : Math.max(this.last, r.timeMs);
    }
    const c = containerOf(r);
    const ids = c ? [c.id] : [];
    if (r.level === 'error' || r.level === 'warning' || r.level === 'fatal' || r.level === 'panic') this.group(r, ids);
    if (c && r.timeMs !== null) this.step(c, messageTemplate(r.msg, ids), r.timeMs);
  }

  private group(r: LogRecord, ids: string[]): void {
    const template = messageTemplate(r.msg, ids) + (r.fields.error ? `: ${messageTemplate(r.fields.error, ids)}` : '');
    const key = `${r.level} ${template}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= MAX_GROUPS) {
        this.groupsDropped++;
        return;
      }
      g = { level: r.level, template, count: 0, firstSeen: null, lastSeen: null, example: r.raw, firstMs: r.timeMs, lastMs: r.timeMs };
      this.groups.set(key, g);
    }
    g.count++;
    if (r.timeMs !== null) {
      g.firstMs = g.firstMs === null ? r.timeMs : Math.min(g.firstMs, r.timeMs);
      g.lastMs = g.lastMs === null ? r.timeMs : Math.max(g.lastMs, r.timeMs);
    }
  }

  private step(c: { namespace: string; id: string }, step: string, ms: number): void {
    // By id alone: a snapshot's key names no namespace, the shim's lines do.
    const key = c.id;
    const prev = this.lastStep.get(key);
    if (!prev && this.lastStep.size >= MAX_CONTAINERS) return;
    if (prev && prev.step !== step) {
      const pair = `${prev.step}\u0000${step}`;
      const list = this.gaps.get(pair) ?? [];
      list.push(Math.max(0, ms - prev.ms));
      this.gaps.set(pair, list);
    }
    this.lastStep.set(key, { step, ms });
  }

  result(): LogSummary {
    const span = this.first !== null && this.last !== null ? (this.last - this.first) / 1000 : 0;
    const bucketSeconds = [1, 10, 60, 300, 3600, 86400].find((b) => span / b <= 60) ?? 86400;
    const buckets = new Map<number, Partial<Record<LogLevel, number>>>();
    const firstSec = this.first === null ? 0 : Math.floor(this.first / 1000);
    for (const [sec, add] of this.perSecond) {
      const b = Math.floor((sec - firstSec) / bucketSeconds);
      const counts = buckets.get(b) ?? {};
      for (const [l, n] of Object.entries(add) as Array<[LogLevel, number]>) counts[l] = (counts[l] ?? 0) + n;
      buckets.set(b, counts);
    }
    const r2 = (v: number) => Math.round(v * 1000) / 1000;
    const steps = [...this.gaps.entries()]
      .map(([pair, v]) => {
        const [from, to] = pair.split('\u0000') as [string, string];
        return { from, to, n: v.length, p50Ms: r2(quantile(v, 0.5)!), p99Ms: r2(quantile(v, 0.99)!), maxMs: r2(Math.max(...v)) };
      })
      .sort((a, b) => b.n - a.n || a.from.localeCompare(b.from));
    return {
      records: this.records,
      levels: { ...this.levels },
      bucketSeconds,
      overTime: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, counts]) => ({ start: iso((firstSec + b * bucketSeconds) * 1000)!, counts })),
      groups: [...this.groups.values()]
        .sort((a, b) => b.count - a.count || a.template.localeCompare(b.template))
        .map(({ firstMs, lastMs, ...g }) => ({ ...g, firstSeen: iso(firstMs), lastSeen: iso(lastMs) })),
      containers: this.lastStep.size,
      steps,
      firstTime: iso(this.first),
      lastTime: iso(this.last),
    };
  }

  get droppedGroups(): number {
    return this.groupsDropped;
  }
}
