/** Per-function change of one sample type between two pprof profiles (a heap now vs. saved). */
import { functionTotals, type DecodedProfile } from '../../parsers/pprof.js';

export interface FunctionDelta {
  func: string;
  base: number;
  now: number;
  delta: number;
}

/** Flat values by function in both profiles, largest absolute change first. */
export function flatDiff(base: DecodedProfile, now: DecodedProfile, type: string): FunctionDelta[] {
  const idx = (p: DecodedProfile) => p.sampleTypes.findIndex((t) => t.type === type);
  const ib = idx(base);
  const inow = idx(now);
  if (ib < 0 || inow < 0) return [];
  const a = new Map(functionTotals(base, ib).map((t) => [t.func, t.flat]));
  const b = new Map(functionTotals(now, inow).map((t) => [t.func, t.flat]));
  const out: FunctionDelta[] = [];
  for (const func of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(func) ?? 0;
    const y = b.get(func) ?? 0;
    if (x !== y) out.push({ func, base: x, now: y, delta: y - x });
  }
  return out.sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta) || p.func.localeCompare(q.func));
}
