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

describe('corrupt input', () => {
  it('is an error result, not an exception', () => {
    const bad = decodePprof(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(bad.ok).toBe(false);
  });
});
