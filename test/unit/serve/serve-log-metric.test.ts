/**
 * serve's ctrscope_containerd_log_lines_total{level}: a real containerd log
 * (fixtures/containerd/containerd-failed-starts.txt) read by the live view's log source as serve
 * runs it, exposed by level, checked against the file's own lines, in both formats.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PrometheusTextParser } from '../../../parsers/prometheus-text.js';
import { KernelCounters } from '../../../src/serve/kernel-counters.js';
import { exposition, type ServeState } from '../../../src/serve/metrics.js';
import { SchedCounters } from '../../../src/serve/sched-counters.js';
import { syscallNamer } from '../../../src/host/syscalls.js';
import { createContainerdLogLiveSource } from '../../../src/session/live-sources/containerd-log.js';

const FIX = new URL('../../../fixtures/containerd/containerd-failed-starts.txt', import.meta.url).pathname;
const lines = readFileSync(FIX, 'utf8').split('\n').filter(Boolean);
const count = (ls: string[], level: string) => ls.filter((l) => new RegExp(`^time="[^"]*" level=${level} `).test(l)).length;

describe('serve: containerd log lines by level', () => {
  it('counts what the log source read, by level, and only grows', async () => {
    const log = createContainerdLogLiveSource({ arch: process.arch });
    const state: ServeState = {
      kernel: new KernelCounters(syscallNamer(process.arch)),
      sched: new SchedCounters(),
      sources: () => [],
      cost: () => ({ selfCpuS: 0, tracersCpuS: 0, selfRssBytes: 0, tracersRssBytes: 0 }),
      targets: () => ({}),
      containerdLogLevels: () => log.output(0).containerdLog.levels,
    };
    const e = exposition(state, 0);
    const read = async (accept?: string) => {
      const p = new PrometheusTextParser();
      for (const l of (await e.render(accept)).body.split('\n')) p.line(l);
      const s = p.result().samples.get('ctrscope_containerd_log_lines_total') ?? [];
      return Object.fromEntries(s.map((x) => [x.labels.level, x.value]));
    };
    const half = Math.floor(lines.length / 2);
    for (const l of lines.slice(0, half)) log.line(l, 0, 0);
    const a = await read();
    for (const l of lines.slice(half)) log.line(l, 0, 1);
    const b = await read();
    for (const level of ['error', 'warning', 'info']) {
      expect(a[level], level).toBe(count(lines.slice(0, half), level));
      expect(b[level], level).toBe(count(lines, level));
    }
    expect(b.error).toBeGreaterThan(a.error!);
    const om = (await e.render('application/openmetrics-text')).body;
    expect(om).toContain('# TYPE ctrscope_containerd_log_lines counter');
    expect(om).toContain(`ctrscope_containerd_log_lines_total{level="error"} ${count(lines, 'error')}`);
  });
});
