import { describe, expect, it } from 'vitest';
import { decodePprof, foldedStacks, functionTotals, sampleIndex, totalValue } from '../../parsers/pprof.js';
import { flatDiff } from '../../src/aggregate/profile-diff.js';
import { fixtureBytes } from '../helpers/chunks.js';

const fix = (f: string) => fixtureBytes(new URL(`../../fixtures/containerd/${f}`, import.meta.url).pathname);
const decode = (f: string) => {
  const r = decodePprof(fix(f));
  if (!r.ok) throw new Error(r.error);
  return r.profile;
};

describe('CPU profile from containerd', () => {
  const p = decode('cpu-3s.pb.gz');
  const i = sampleIndex(p, 'samples');

  it('has the sample types Go writes', () => {
    expect(p.sampleTypes).toEqual([
      { type: 'samples', unit: 'count' },
      { type: 'cpu', unit: 'nanoseconds' },
    ]);
    expect(p.durationNanos).toBeGreaterThan(2.9e9);
  });

  it('folds into root-first stacks whose counts add up to the samples', () => {
    const folded = foldedStacks(p, i, 'containerd');
    expect(folded.length).toBeGreaterThan(0);
    let sum = 0;
    for (const line of folded) {
      // flamegraph.pl splits on the last space: frames, then an integer.
      const m = /^(.+) (\d+)$/.exec(line);
      expect(m).not.toBeNull();
      expect(m![1]!.startsWith('containerd;')).toBe(true);
      sum += Number(m![2]);
    }
    expect(sum).toBe(totalValue(p, i));
    // Root first: goroutine entry points (runtime.goexit is not recorded by Go; main/runtime.main or a go statement's function)
    expect(folded.some((l) => /;runtime\.[^;]+ \d+$/.test(l))).toBe(true);
  });

  it('flat totals add up to all samples', () => {
    const t = functionTotals(p, i);
    expect(t.reduce((a, x) => a + x.flat, 0)).toBe(totalValue(p, i));
    for (const x of t) expect(x.cum).toBeGreaterThanOrEqual(x.flat);
  });
});

describe('heap profile from containerd', () => {
  const p = decode('heap.pb.gz');
  it('has in-use and allocated space', () => {
    expect(p.sampleTypes.map((t) => t.type)).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    expect(totalValue(p, sampleIndex(p, 'inuse_space'))).toBeGreaterThan(0);
  });
  it('diffs to nothing against itself', () => {
    expect(flatDiff(p, p, 'inuse_space')).toEqual([]);
  });
});

/**
 * The flat values of `go tool pprof -top -unit=B -diff_base=BASE NOW` (fixtures/containerd/
 * heap-diff-*.pprof-top.txt, see the README there): function -> flat delta in bytes, for every
 * function pprof lists with a non-zero flat (its "(inline)" mark dropped).
 */
function pprofTopFlat(file: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = new TextDecoder().decode(fix(file)).split('\n');
  const header = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
  expect(header, 'pprof -top header').toBeGreaterThan(0);
  for (const l of lines.slice(header + 1)) {
    if (l.trim() === '') continue;
    const m = /^\s*(-?\d+)B?\s+\S+\s+\S+\s+-?\d+B?\s+\S+\s+(.+?)(?: \(inline\))?$/.exec(l);
    expect(m, `pprof -top line: ${l}`).not.toBeNull();
    if (Number(m![1]) !== 0) out.set(m![2]!, Number(m![1]));
  }
  return out;
}

describe('heap profiles from containerd before and after five container starts', () => {
  const base = decode('heap-before-load.pb.gz');
  const now = decode('heap-after-load.pb.gz');
  it.each(['inuse_space', 'alloc_space'])('%s: the same per-function flat changes as go tool pprof -diff_base', (type) => {
    const expected = pprofTopFlat(`heap-diff-${type}.pprof-top.txt`);
    expect(expected.size).toBeGreaterThan(0);
    const got = flatDiff(base, now, type);
    expect(new Map(got.map((d) => [d.func, d.delta]))).toEqual(expected);
    // Each row's sides are the two profiles' own flat values.
    const flat = (p: typeof base) => new Map(functionTotals(p, sampleIndex(p, type)).map((t) => [t.func, t.flat]));
    const [fb, fn] = [flat(base), flat(now)];
    for (const d of got) expect([d.base, d.now, d.delta]).toEqual([fb.get(d.func) ?? 0, fn.get(d.func) ?? 0, d.now - d.base]);
    // Largest change first.
    const sizes = got.map((d) => Math.abs(d.delta));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });
});

describe('corrupt input', () => {
  it('is an error result, not an exception', () => {
    const bad = decodePprof(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(bad.ok).toBe(false);
  });
});
