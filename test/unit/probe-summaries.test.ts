/**
 * Summaries of the probes, fed real captures of the shipped scripts (fixtures/probes/, see its
 * README). Expected numbers are recomputed here from the raw JSON lines, not copied from output.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { vfsLatencySummary } from '../../src/summaries/vfs-latency.js';
import { fileOpensSummary } from '../../src/summaries/file-opens.js';
import { processExecSummary } from '../../src/summaries/process-exec.js';
import { cpuProfileSummary, offCpuSummary } from '../../src/summaries/stacks.js';
import { errnoName, openFlags } from '../../src/summaries/open-flags.js';
import { schedCounters, schedSummary } from '../../src/summaries/sched.js';
import { PerfStatParser } from '../../parsers/perf-stat.js';
import { pow2Label, renderHistogram } from '../../src/summaries/histogram-text.js';
import type { SummaryInput } from '../../src/summaries/types.js';
import type { ProbeReport } from '../../probes/types.js';

const lines = (name: string) => gunzipSync(readFileSync(new URL(`../../fixtures/probes/${name}.jsonl.gz`, import.meta.url))).toString('utf8').split('\n');

/** The last printed value of a map, straight from the JSON lines. */
function lastMap(name: string, map: string): any {
  let v: unknown;
  for (const l of lines(name)) {
    if (!l.trim()) continue;
    const o = JSON.parse(l);
    if (o.data && typeof o.data === 'object' && map in o.data) v = o.data[map];
  }
  return v;
}

const host = { containerd: [{ pid: 3026, comm: 'containerd', role: 'containerd' as const }], shims: [], containers: [] };

function input(name: string): SummaryInput {
  const p = new BpftraceJsonParser();
  for (const l of lines(name)) p.line(l);
  expect(p.result().unrecognized).toBe(0);
  return { bpftrace: p.result(), host, targets: host.containerd };
}

const report = <F>(fields: F): ProbeReport & F => ({ probe: 'x', backend: 'bpftrace', attachPoint: 'tp', skipped: [], durationSeconds: 3, targets: [], ...fields });
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

describe('vfs-latency summary', () => {
  const { fields, events } = vfsLatencySummary.fields(input('vfs-latency-tracepoint'));
  it('keeps bpftrace buckets as {low, high, count} in ns, read and write apart', () => {
    const raw = lastMap('vfs-latency-tracepoint', '@read_ns') as Array<{ min: number; max: number; count: number }>;
    expect(fields.histograms.read).toEqual(raw.map((b) => ({ low: b.min, high: b.max, count: b.count })));
    expect(fields.stats.write.count).toBe((lastMap('vfs-latency-tracepoint', '@write_ns') as Array<{ count: number }>).reduce((a, b) => a + b.count, 0));
    expect(events).toBe(fields.stats.read.count + fields.stats.write.count);
  });
  it('orders percentiles and attributes calls to processes', () => {
    const s = fields.stats.read;
    expect(s.p50!).toBeLessThanOrEqual(s.p90!);
    expect(s.p90!).toBeLessThanOrEqual(s.p99!);
    expect(fields.processes.reduce((a, p) => a + p.calls, 0)).toBe(sum(lastMap('vfs-latency-tracepoint', '@ops')));
    expect(fields.processes.find((p) => p.pid === 3026)?.role).toBe('containerd');
    expect(fields.processes.some((p) => p.role === 'shim')).toBe(true);
  });
  it('draws histograms in text', () => {
    const text = vfsLatencySummary.render(report(fields));
    expect(text).toMatch(/^read: [\d,]+ calls, p50 /m);
    expect(text).toMatch(/^\[1K, 2K\)\s+\d+ \|@*\s*\|$/m);
  });
});

describe('file-opens summary', () => {
  const raw = lastMap('file-opens', '@opens') as Record<string, number>;
  const { fields } = fileOpensSummary.fields(input('file-opens'));
  it('counts every open and every failure (errno, the last key field, not 0)', () => {
    expect(fields.opens).toBe(sum(raw));
    const failed = Object.entries(raw).filter(([k]) => !k.endsWith(',0')).reduce((a, [, n]) => a + n, 0);
    expect(fields.failed).toBe(failed);
    expect(failed).toBeGreaterThan(0);
    expect(fields.failures.every((f) => /^E[A-Z]+$/.test(f.errno))).toBe(true);
  });
  it('ranks paths by opens and names the processes', () => {
    const opens = fields.topPaths.map((p) => p.opens);
    expect(opens).toEqual([...opens].sort((a, b) => b - a));
    expect(fields.processes.reduce((a, p) => a + p.opens, 0)).toBe(fields.opens);
    expect(fields.processes.every((p) => p.comm !== '?')).toBe(true);
  });
  it('decodes flags and errno numbers', () => {
    // 524288 and 591872 are flags Go's os.Open and os.ReadDir pass (see the fixture).
    expect(openFlags(524288)).toBe('O_RDONLY|O_CLOEXEC');
    expect(openFlags(591872)).toBe('O_RDONLY|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC');
    expect(openFlags(0o1 | 0o100 | 0o1000)).toBe('O_WRONLY|O_CREAT|O_TRUNC');
    expect(openFlags(0x40000000)).toBe('O_RDONLY|0x40000000');
    expect(errnoName(2)).toBe('ENOENT');
    expect(errnoName(999)).toBe('errno 999');
  });
});

describe('process-exec summary', () => {
  const { fields } = processExecSummary.fields(input('process-exec'));
  it('totals forks, threads and execs as the maps count them', () => {
    expect(fields.forks).toBe(sum(lastMap('process-exec', '@forks')));
    expect(fields.threads).toBe(sum(lastMap('process-exec', '@threads')));
    expect(fields.execs).toBe(sum(lastMap('process-exec', '@execs')));
  });
  it('says who started runc and the shims', () => {
    const runc = fields.programs.find((p) => p.program === '/usr/sbin/runc');
    expect(runc?.byRole.shim).toBe(runc?.count);
    const shim = fields.programs.find((p) => p.program === '/usr/bin/containerd-shim-runc-v2');
    expect(shim?.byRole.containerd).toBeGreaterThan(0);
  });
});

describe('stack summaries', () => {
  it('cpu-profile folds every sample: comm first, then frames', () => {
    const { fields } = cpuProfileSummary.fields(input('cpu-profile'));
    expect(fields.total).toBe(sum(lastMap('cpu-profile', '@stacks')));
    expect(fields.samples).toBe(lastMap('cpu-profile', '@samples'));
    expect(fields.stacks.length).toBeGreaterThan(0);
    expect(fields.stacks.every((s) => /^(containerd|containerd-shim);/.test(s.stack))).toBe(true);
    const folded = cpuProfileSummary.outputFile!(report(fields));
    const parsed = folded.trim().split('\n').map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
    expect(parsed.reduce((a, b) => a + b, 0)).toBe(fields.total);
  });
  it('off-cpu sums ns blocked per stack', () => {
    const { fields } = offCpuSummary.fields(input('off-cpu'));
    expect(fields.unit).toBe('ns');
    expect(fields.total).toBe(sum(lastMap('off-cpu', '@offcpu_ns')));
    expect(fields.stacks[0]!.stack).toMatch(/;schedule;__schedule$/);
    expect(offCpuSummary.render(report(fields))).toMatch(/blocking waits/);
  });
});

describe('text histogram', () => {
  it('labels log2 buckets like bpftrace and scales bars to the largest', () => {
    expect(pow2Label(1024)).toBe('1K');
    expect(pow2Label(3 * 1048576)).toBe('3M');
    const t = renderHistogram([{ low: 512, high: 1023, count: 10 }, { low: 1024, high: 2047, count: 5 }], 10);
    expect(t).toBe('[512, 1K) 10 |@@@@@@@@@@|\n[1K, 2K)   5 |@@@@@     |\n');
  });
});

describe('sched summary', () => {
  // perf stat -x, -I 1000 -e context-switches,...,cache-misses,cache-references -p $PID (fixtures/perf-stat/README.md)
  const text = readFileSync(new URL('../../fixtures/perf-stat/csv-interval.txt', import.meta.url), 'utf8');
  const perfTarget = (pid: number, t: string) => {
    const p = new PerfStatParser();
    for (const l of t.split('\n')) p.line(l);
    return { pid, comm: 'containerd', role: 'containerd', result: p.result() };
  };
  /** The interval rows of one event summed, read with a split, independently of the parser. */
  const summed = (event: string) =>
    text
      .split('\n')
      .map((l) => l.trim().split(','))
      .filter((f) => f[3] === event && /^\d+$/.test(f[1]!))
      .reduce((a, f) => a + Number(f[1]), 0);

  it('sums intervals per counter and keeps unsupported ones null, never 0', () => {
    const f = schedCounters([perfTarget(3026, text)]);
    expect(f.counters['context-switches']).toBe(summed('context-switches'));
    expect(f.counters['page-faults']).toBe(summed('page-faults'));
    expect(f.counters['cache-misses']).toBeNull();
    expect(f.counters['cache-references']).toBeNull();
    expect(f.unsupported).toEqual(['cache-misses', 'cache-references']);
    expect(f.perTarget[0]!.ran).toBe(true);
  });
  it('adds targets up, and counts a process that never ran as 0 for software events', () => {
    // A shim that did not run while attached: perf prints <not counted> (as for the idle shims here).
    const idle = '     1.001059238,<not counted>,,context-switches,0,100.00,,\n     1.001059238,<not counted>,,page-faults,0,100.00,,\n     1.001059238,<not supported>,,cache-misses,0,100.00,,\n';
    const f = schedCounters([perfTarget(3026, text), perfTarget(20422, idle)]);
    expect(f.counters['context-switches']).toBe(summed('context-switches'));
    expect(f.perTarget[1]!.counters['context-switches']).toBe(0);
    expect(f.perTarget[1]!.counters['cache-misses']).toBeNull();
    expect(f.perTarget[1]!.ran).toBe(false);
    const r = schedSummary.render({ ...report(f), durationSeconds: 3 });
    expect(r).toMatch(/cache-misses\s+not supported/);
    expect(r).not.toMatch(/cache-misses\s+0\b/);
  });
});
