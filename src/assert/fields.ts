/**
 * What an assertion can name: each probe's fields of its --json report, with a kind that fixes
 * the units a threshold may carry. Measured values are in base units: seconds, counts, percent,
 * events per second. Pure.
 */
import type { Unit } from './grammar.js';

export type Kind = 'duration' | 'count' | 'percent' | 'rate';

/** A report as printed by --json (the probe's fields beside the common ones). */
export type Report = Record<string, any> & { durationSeconds: number };

export interface AssertField {
  /** Dot path; a part in angle brackets (<syscall>) matches any name and is passed to get(). */
  name: string;
  kind: Kind;
  /** What it measures, and where in the JSON it comes from. */
  doc: string;
  /** The measured value in base units; null when the run measured nothing for it. */
  get(r: Report, args: string[]): number | null;
}

export const UNITS_OF: Record<Kind, readonly (Unit | null)[]> = {
  duration: ['ns', 'us', 'ms', 's'],
  count: [null],
  percent: ['%'],
  rate: ['/s'],
};

/** How a kind's threshold is written, for error lines and docs. */
export const KIND_UNITS: Record<Kind, string> = {
  duration: 'ns, us, ms or s',
  count: 'a plain number',
  percent: '%',
  rate: '/s',
};

const SCALE: Record<Unit, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, '%': 1, '/s': 1 };

/** A threshold in the base unit of its kind. */
export const toBase = (value: number, unit: Unit | null): number => (unit ? value * SCALE[unit] : value);

/** The catalog entry a path names, with the values of its <...> parts. */
export function matchField(fields: readonly AssertField[], path: string[]): { field: AssertField; args: string[] } | null {
  for (const field of fields) {
    const parts = field.name.split('.');
    if (parts.length !== path.length) continue;
    const args: string[] = [];
    if (parts.every((p, i) => (p.startsWith('<') ? (args.push(path[i]!), true) : p === path[i]))) return { field, args };
  }
  return null;
}

/** A measured value as people read it, in the kind's unit. */
export function formatValue(kind: Kind, v: number): string {
  const n = (x: number, d: number) => String(Number(x.toFixed(d)));
  if (kind === 'duration') {
    const a = Math.abs(v);
    return a >= 1 ? `${n(v, 3)} s` : a >= 1e-3 ? `${n(v * 1e3, 3)} ms` : a >= 1e-6 ? `${n(v * 1e6, 3)} us` : `${n(v * 1e9, 1)} ns`;
  }
  if (kind === 'percent') return `${n(v, 3)}%`;
  if (kind === 'rate') return `${n(v, 2)}/s`;
  return n(v, 6);
}

// Builders for catalogs: a count with its rate beside it, a per-second rate, a ratio in percent.

export const perSecond = (r: Report, count: number | null): number | null => (count === null || !(r.durationSeconds > 0) ? null : count / r.durationSeconds);

export const percentOf = (part: number | null, whole: number | null): number | null => (part === null || !whole ? null : (part / whole) * 100);

/** `name` (count) and its rate (per second; `x.count` gives `x.rate`, `x` gives `x.rate`) from one getter. */
export function countAndRate(name: string, doc: string, get: (r: Report, args: string[]) => number | null): AssertField[] {
  return [
    { name, kind: 'count', doc, get },
    { name: `${name.replace(/\.count$/, '')}.rate`, kind: 'rate', doc: `${doc}, per second of the run`, get: (r, a) => perSecond(r, get(r, a)) },
  ];
}

/** A number from the report, or null when it is absent or not a number. */
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Sum of a numeric field over rows (0 for no rows: nothing happened). */
export const sumOf = (rows: unknown, key: string): number => (Array.isArray(rows) ? rows.reduce((a: number, x) => a + (num(x?.[key]) ?? 0), 0) : 0);
