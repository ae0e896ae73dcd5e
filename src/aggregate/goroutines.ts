/** Goroutine groups for people: where each group waits, and which groups grew over a run. */
import { stackKey, type GoFrame, type GoroutineProfile } from '../../parsers/go-goroutines.js';

export interface GoroutineGroupView {
  count: number;
  /** The innermost frame: what the goroutines are doing (often a wait). */
  top: string;
  /** The innermost containerd frame, else the outermost frame: whose goroutines they are. */
  site: string;
  /** Function names, leaf first (at most `depth`). */
  stack: string[];
}

export interface GoroutineGrowth {
  start: number;
  end: number;
  delta: number;
  top: string;
  site: string;
  stack: string[];
}

const short = (f: GoFrame) => f.func.replace(/^github\.com\/containerd\/containerd\//, '');

function view(count: number, frames: GoFrame[], depth: number) {
  const own = frames.find((f) => f.func.startsWith('github.com/containerd/'));
  const site = own ?? frames.at(-1);
  return {
    count,
    top: frames[0] ? short(frames[0]) : '?',
    site: site ? `${short(site)} (${site.file.split('/').slice(-2).join('/')})` : '?',
    stack: frames.slice(0, depth).map(short),
  };
}

/** The largest groups, with a readable label each. */
export function topGroups(p: GoroutineProfile, limit = 10, depth = 8): GoroutineGroupView[] {
  return p.groups.slice(0, limit).map((g) => view(g.count, g.frames, depth));
}

/** The goroutine total: the header when present, else the sum of the groups. */
export const goroutineTotal = (p: GoroutineProfile) => p.total ?? p.groups.reduce((a, g) => a + g.count, 0);

/** Stacks whose goroutine count changed between two profiles, largest growth first. */
export function goroutineGrowth(start: GoroutineProfile, end: GoroutineProfile, depth = 8): GoroutineGrowth[] {
  const a = new Map(start.groups.map((g) => [stackKey(g.frames), g]));
  const b = new Map(end.groups.map((g) => [stackKey(g.frames), g]));
  const out: GoroutineGrowth[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const s = a.get(key)?.count ?? 0;
    const e = b.get(key)?.count ?? 0;
    if (s === e) continue;
    const { top, site, stack } = view(e, (b.get(key) ?? a.get(key))!.frames, depth);
    out.push({ start: s, end: e, delta: e - s, top, site, stack });
  }
  return out.sort((x, y) => y.delta - x.delta || x.site.localeCompare(y.site));
}

/**
 * A leak hint from totals sampled over a run: the total rose by at least `minRise` and never
 * fell back to where it started. Short bursts (a container start) come and go; a leak stays.
 */
export function leakHint(totals: number[], minRise = 10): { rising: boolean; rise: number; min: number; max: number } {
  if (totals.length === 0) return { rising: false, rise: 0, min: 0, max: 0 };
  const first = totals[0]!;
  const last = totals.at(-1)!;
  const min = Math.min(...totals);
  const max = Math.max(...totals);
  const tail = totals.slice(Math.floor(totals.length / 2));
  const rising = last - first >= minRise && Math.min(...tail) > first;
  return { rising, rise: last - first, min, max };
}
