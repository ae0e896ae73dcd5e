/**
 * The pure writers of src/export on edge cases a recording rarely holds (hand-written stacks):
 * recursion, zero values, a stack of one frame, a binary for a root's frames, off-cpu's types.
 * The real files from real runs are read by their real readers in export-formats.test.ts and
 * test/integration/export-probes.test.ts.
 */
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { pprofBytes } from '../../src/export/pprof.js';
import { speedscopeJson } from '../../src/export/speedscope.js';
import { foldedBytes } from '../../src/export/folded.js';
import { cpuSamples, offCpuTime } from '../../src/export/types.js';
import { decodePprof, foldedStacks, functionTotals } from '../../parsers/pprof.js';

const STACKS: Array<[string, number]> = [
  ['containerd;main;f;f;f;g', 3],
  ['containerd;main;g', 2],
  ['runc', 1],
  ['containerd;main;idle', 0],
];

const decode = (b: Uint8Array) => {
  const d = decodePprof(gunzipSync(b));
  if (!d.ok) throw new Error(d.error);
  return d.profile;
};

describe('pprof writer', () => {
  it('cpu samples: both sample types, period, leaf-first locations, zero values left out', () => {
    const p = decode(pprofBytes(cpuSamples('cpu-profile', 99, STACKS, { durationNanos: 3e9 })));
    expect(p.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(['samples/count', 'cpu/nanoseconds']);
    expect(p.periodType).toEqual({ type: 'cpu', unit: 'nanoseconds' });
    expect(p.period).toBe(10101010);
    expect(p.durationNanos).toBe(3e9);
    expect(p.samples.map((s) => s.stack)).toEqual([['g', 'f', 'f', 'f', 'main', 'containerd'], ['g', 'main', 'containerd'], ['runc']]);
    expect(p.samples.map((s) => s.values)).toEqual([[3, 30303030], [2, 20202020], [1, 10101010]]);
    expect(foldedStacks(p, 0)).toEqual(['containerd;main;f;f;f;g 3', 'containerd;main;g 2', 'runc 1']);
    // Recursion counts once in cum, as go tool pprof counts it.
    expect(functionTotals(p, 0).find((t) => t.func === 'f')).toEqual({ func: 'f', flat: 0, cum: 3 });
  });

  it('one function and location per frame name; a known binary maps the frames below its root', () => {
    const bytes = pprofBytes(cpuSamples('go-cpu', 100, STACKS, { binaryOf: (_f, root) => (root === 'containerd' ? { file: '/usr/bin/containerd' } : undefined) }));
    const raw = Profile.decode(gunzipSync(bytes));
    const s = (i: number | bigint) => raw.stringTable.strings[Number(i)];
    expect(raw.function.map((f) => s(f.name)).sort()).toEqual(['containerd', 'f', 'g', 'main', 'runc']);
    expect(raw.mapping.map((m) => [s(m.filename), m.hasFunctions])).toEqual([['/usr/bin/containerd', true]]);
    const mapped = raw.location.filter((l) => Number(l.mappingId) === 1).map((l) => s(raw.function[Number(l.line[0]!.functionId) - 1]!.name));
    expect(mapped.sort()).toEqual(['f', 'g', 'main']);
  });

  it('off-cpu: time/nanoseconds, period 1', () => {
    const p = decode(pprofBytes(offCpuTime('off-cpu', [['containerd;futex', 1_500_000_000]])));
    expect(p.sampleTypes).toEqual([{ type: 'time', unit: 'nanoseconds' }]);
    expect(p.periodType).toEqual({ type: 'time', unit: 'nanoseconds' });
    expect(p.period).toBe(1);
    expect(p.samples[0]!.values).toEqual([1_500_000_000]);
  });
});

describe('speedscope and folded writers', () => {
  it('speedscope: shared frames, root-first stacks, weights, unit from the value', () => {
    const f = speedscopeJson(offCpuTime('off-cpu', STACKS)) as any;
    const names = f.shared.frames.map((x: { name: string }) => x.name);
    expect(names).toEqual(['containerd', 'main', 'f', 'g', 'runc']);
    expect(f.profiles[0]).toMatchObject({ type: 'sampled', unit: 'nanoseconds', startValue: 0, endValue: 6, weights: [3, 2, 1] });
    expect(f.profiles[0].samples.map((st: number[]) => st.map((i) => names[i]).join(';'))).toEqual(['containerd;main;f;f;f;g', 'containerd;main;g', 'runc']);
    expect((speedscopeJson(cpuSamples('cpu-profile', 99, STACKS)) as any).profiles[0].unit).toBe('none');
  });

  it('folded: sorted lines, equal stacks summed', () => {
    const out = Buffer.from(foldedBytes(cpuSamples('x', 99, [['b;c', 1], ['a', 2], ['b;c', 4]]))).toString();
    expect(out).toBe('a 2\nb;c 5\n');
  });
});
