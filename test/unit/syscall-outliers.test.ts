import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { parseChunks } from '../../parsers/lines.js';
import { syscallLatencyRows, syscallOutliers, WAITING_SYSCALLS } from '../../src/aggregate/syscall-outliers.js';
import { syscallNamer } from '../../src/host/syscalls.js';
import { SYSCALL_DELTA_MAPS } from '../../probes/syscall-count.js';

const bytes = gunzipSync(readFileSync(new URL('../../fixtures/probes/syscall-count.jsonl.gz', import.meta.url)));
const name = syscallNamer('x64');

describe("diagnose's kernel view from syscall-count.bt output (containerd under load)", () => {
  const r = parseChunks(new BpftraceJsonParser(undefined, { deltaMaps: SYSCALL_DELTA_MAPS }), [bytes]);
  const rows = syscallLatencyRows(r, name);
  const calls = r.maps.get('@calls')!.value as Record<string, number>;

  it('rows sum the prints over processes, per syscall', () => {
    expect(r.unrecognized).toBe(0);
    const futexCalls = Object.entries(calls).filter(([k]) => k.endsWith(',202')).reduce((a, [, v]) => a + v, 0);
    expect(futexCalls).toBeGreaterThan(0);
    expect(rows.find((x) => x.syscall === 'futex')!.calls).toBe(futexCalls);
    expect(rows.reduce((a, x) => a + x.calls, 0)).toBe(Object.values(calls).reduce((a, v) => a + v, 0));
    for (const x of rows) expect(x.maxSeconds).toBeLessThanOrEqual(x.totalSeconds + 1e-12);
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.totalSeconds).toBeGreaterThanOrEqual(rows[i]!.totalSeconds);
  });

  it('outliers are the syscalls with slow lines, none of them a wait', () => {
    // A capture with a real slow call in it (a helper's munmap of 1 GiB; see fixtures/probes/README.md).
    const slowBytes = gunzipSync(readFileSync(new URL('../../fixtures/probes/syscall-count-slow.jsonl.gz', import.meta.url)));
    const s = parseChunks(new BpftraceJsonParser(undefined, { deltaMaps: SYSCALL_DELTA_MAPS }), [slowBytes]);
    const slowLines = s.printf.filter((t) => t.startsWith('slow '));
    expect(slowLines.length, 'the capture has a slow call').toBeGreaterThan(0);
    const out = syscallOutliers(syscallLatencyRows(s, name));
    expect(new Set(out.map((x) => x.syscall))).toEqual(new Set(slowLines.map((t) => name(Number(t.split(' ')[2])))));
    expect(out.find((x) => x.syscall === 'munmap')).toMatchObject({ slow: 1, maxSeconds: Number(slowLines[0]!.split(' ')[3]) / 1e9 });
    // In the capture from containerd under load, with no slow line, there is no outlier.
    expect(r.printf.filter((t) => t.startsWith('slow '))).toEqual([]);
    expect(syscallOutliers(rows)).toEqual([]);
  });

  it('the waiting syscalls are those syscall-count.bt leaves out of its slow lines', () => {
    const bt = readFileSync(new URL('../../probes/syscall-count.bt', import.meta.url), 'utf8');
    const cond = /if \(\$d > 10000000 ([^{]*)\{/.exec(bt)![1]!;
    const nrs = [...cond.matchAll(/\$nr != (\d+)/g)].map((m) => Number(m[1]));
    expect(new Set(nrs.map(name))).toEqual(WAITING_SYSCALLS);
  });
});
