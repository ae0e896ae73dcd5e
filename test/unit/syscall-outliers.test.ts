import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BpftraceTextMapsParser } from '../../parsers/bpftrace-text-maps.js';
import { parseChunks } from '../../parsers/lines.js';
import { syscallLatencyRows, syscallOutliers, WAITING_SYSCALLS } from '../../src/aggregate/syscall-outliers.js';
import { syscallNamer } from '../../src/host/syscalls.js';
import { cutRandomly } from '../helpers/chunks.js';

const bytes = readFileSync(new URL('../../fixtures/containerd/syscall-outliers.txt', import.meta.url));
const text = bytes.toString('utf8');
const parse = (c: Iterable<string | Uint8Array>) => parseChunks(new BpftraceTextMapsParser(), c);

describe('syscall-outliers.bt output from containerd under load', () => {
  const m = parse([bytes]);
  it('reads every map line, however the output is cut', () => {
    expect(m.attached).toBe(true);
    expect(m.unrecognized).toBe(0);
    expect([...m.maps.values()].reduce((a, x) => a + x.size, 0)).toBe(text.split('\n').filter((l) => l.startsWith('@')).length);
    expect(parse(cutRandomly(bytes, 11, 20))).toEqual(m);
  });

  it('rows carry the printed values; outliers leave out the waits', () => {
    const rows = syscallLatencyRows(m, syscallNamer('x64'));
    const futex = rows.find((r) => r.syscall === 'futex')!;
    expect(futex.calls).toBe(Number(/^@calls\[202\]: (\d+)$/m.exec(text)![1]));
    for (const r of rows) expect(r.maxSeconds).toBeLessThanOrEqual(r.totalSeconds + 1e-12);
    const out = syscallOutliers(rows);
    expect(out.every((r) => !WAITING_SYSCALLS.has(r.syscall) && r.slow > 0)).toBe(true);
    const slowNrs = [...(m.maps.get('slow') ?? new Map()).keys()].map(syscallNamer('x64')).filter((n) => !WAITING_SYSCALLS.has(n));
    expect(out.map((r) => r.syscall).sort()).toEqual(slowNrs.sort());
  });
});
