/**
 * serve's counters and exposition, fed the kernel program's and the /proc poll's real output
 * from the recorded live session (fixtures/live/demo): every total is checked against the raw
 * lines read independently here, and the exposition against a Prometheus text parser.
 */
import { describe, expect, it } from 'vitest';
import { liveRecording } from '../../helpers/live-fixture.js';
import { KernelCounters, log2Index, OTHER, TOP_SYSCALLS } from '../../../src/serve/kernel-counters.js';
import { SchedCounters } from '../../../src/serve/sched-counters.js';
import { cumulative, leOf, MAX_LOG2 } from '../../../src/serve/histogram-text.js';
import { exposition, OPENMETRICS_TYPE, PROMETHEUS_TYPE, type ServeState } from '../../../src/serve/metrics.js';
import { syscallNamer } from '../../../src/host/syscalls.js';
import { PrometheusTextParser } from '../../../parsers/prometheus-text.js';
import { roleOfComm } from '../../../src/serve/roles.js';

const rec = liveRecording();
const chunks = (source: string) => rec.entries.filter((e): e is Extract<typeof e, { type: 'stdout' }> => e.type === 'stdout' && e.source === source);
const linesOf = (source: string) => chunks(source).flatMap((e) => e.chunk.split('\n').filter((l) => l.trim()).map((l) => ({ l, t: e.t })));

function feedKernel(k: KernelCounters, upTo = Infinity): void {
  k.runStarted(0);
  for (const { l, t } of linesOf('kernel')) if (t <= upTo) k.line(l, t, 0);
}

/** The raw lines' @sc and hist figures, read with JSON.parse alone. */
function rawKernel() {
  let calls = 0, errors = 0, readSum = 0;
  const read: Array<{ max: number; count: number }> = [];
  const READS = [0, 17, 19];
  for (const { l } of linesOf('kernel')) {
    const o = JSON.parse(l);
    for (const [name, v] of Object.entries<any>(o.data ?? {})) {
      if (/^@sc_[01]$/.test(name)) for (const [key, st] of Object.entries<any>(v)) {
        calls += st.count;
        if (READS.includes(Number(key.split(',').at(-1)))) readSum += st.total;
      }
      if (/^@errors_[01]$/.test(name)) for (const n of Object.values<number>(v)) errors += n;
      if (/^@read_ns_[01]$/.test(name)) for (const b of v) read.push({ max: b.max, count: b.count });
    }
  }
  return { calls, errors, readSum, read };
}

const state = (kernel: KernelCounters, sched = new SchedCounters()): ServeState => ({
  kernel,
  sched,
  sources: () => [{ id: 'kernel', probe: 'live-kernel', backend: 'bpftrace', attachPoint: 'raw_syscalls:sys_enter+sys_exit', state: 'running', droppedLines: 3, lost: kernel.lost, unrecognized: kernel.unrecognized }],
  cost: () => ({ selfCpuS: 1.5, tracersCpuS: 0.25, selfRssBytes: 1000, tracersRssBytes: 2000 }),
  targets: () => ({ containerd: 1, shim: 2, container: 2 }),
});

function parse(text: string) {
  const p = new PrometheusTextParser();
  for (const l of text.split('\n')) p.line(l);
  return p.result();
}

describe('serve: kernel counters from the recorded kernel program', () => {
  it('adds up every print: calls, errors and the read histogram agree with the raw lines', () => {
    const k = new KernelCounters(syscallNamer('x64'));
    feedKernel(k);
    const raw = rawKernel();
    expect(raw.calls).toBeGreaterThan(1000);
    expect(k.prints).toBeGreaterThan(3);
    let calls = 0, errors = 0;
    for (const m of k.syscalls.values()) for (const t of m.values()) (calls += t.calls), (errors += t.errors);
    expect(calls).toBe(raw.calls);
    expect(errors).toBe(raw.errors);
    expect(k.unrecognized).toBe(0);
    // Roles come from comm: the recording traced containerd and its shims (an execve a shim's
    // fork makes returns under the new comm: runc).
    expect([...k.syscalls.keys()].sort()).toEqual(['containerd', 'runc', 'shim']);
    // Exact conversion: the count at le = (2^k - 1) ns is every raw value whose bucket ends at or below it.
    const c = cumulative(k.vfs.read);
    const rawTotal = raw.read.reduce((a, b) => a + b.count, 0);
    expect(rawTotal).toBeGreaterThan(0);
    for (let i = 0; i <= MAX_LOG2; i++) expect(c[i], `le ${leOf(i)}`).toBe(raw.read.filter((b) => b.max <= 2 ** i - 1).reduce((a, b) => a + b.count, 0));
    expect(c.at(-1)).toBe(rawTotal);
    expect(k.vfs.read.count).toBe(rawTotal);
    expect(k.vfs.read.sumNs).toBe(raw.readSum);
  });

  it('bounds the syscall label: at most TOP_SYSCALLS names, the rest counted as other, nothing lost', () => {
    const few = new KernelCounters(syscallNamer('x64'));
    feedKernel(few);
    const names = new Set([...few.syscalls.values()].flatMap((m) => [...m.keys()]));
    expect(names.size).toBeLessThanOrEqual(TOP_SYSCALLS + 1);
    expect(few.named.size).toBeLessThanOrEqual(TOP_SYSCALLS);
    // Every number its own distinct name: far more than TOP_SYSCALLS come in.
    const many = new KernelCounters((nr) => `s${nr}`);
    feedKernel(many);
    const total = (k: KernelCounters) => [...k.syscalls.values()].flatMap((m) => [...m.values()]).reduce((a, t) => a + t.calls, 0);
    expect(total(many)).toBe(rawKernel().calls);
    const distinct = new Set<string>();
    for (const { l } of linesOf('kernel')) {
      const o = JSON.parse(l);
      for (const [name, v] of Object.entries<any>(o.data ?? {})) if (/^@sc_[01]$/.test(name)) for (const key of Object.keys(v)) distinct.add(key.split(',').at(-1)!);
    }
    expect(distinct.size, 'the recording has more syscalls than the cap (else this case proves nothing)').toBeGreaterThan(TOP_SYSCALLS);
    expect([...many.syscalls.values()].some((m) => m.has(OTHER))).toBe(true);
    expect(many.named.size).toBe(TOP_SYSCALLS);
  });

  it('never goes back: every series of a later scrape is at least the earlier one', async () => {
    const half = rec.durationMs / 2;
    const k = new KernelCounters(syscallNamer('x64'));
    const e = exposition(state(k), 0);
    k.runStarted(0);
    const all = linesOf('kernel');
    for (const { l, t } of all) if (t <= half) k.line(l, t, 0);
    const first = parse((await e.render(undefined)).body);
    for (const { l, t } of all) if (t > half) k.line(l, t, 0);
    const second = parse((await e.render(undefined)).body);
    let compared = 0;
    for (const [name, list] of first.samples) {
      if (!/_total$|_bucket$|_sum$|_count$/.test(name)) continue;
      for (const s of list) {
        const later = second.samples.get(name)?.find((x) => JSON.stringify(x.labels) === JSON.stringify(s.labels));
        expect(later, `${name} ${JSON.stringify(s.labels)} still there`).toBeDefined();
        expect(later!.value).toBeGreaterThanOrEqual(s.value);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('log2 buckets map to their index; other shapes do not', () => {
    expect(log2Index({ low: 0, high: 0, count: 1 })).toBe(0);
    expect(log2Index({ low: 1, high: 1, count: 1 })).toBe(1);
    expect(log2Index({ low: 512, high: 1023, count: 1 })).toBe(10);
    expect(log2Index({ low: 10, high: 19, count: 1 })).toBeNull();
    expect(log2Index({ low: 3, high: 5, count: 1 })).toBeNull();
  });
});

describe('serve: /proc counters', () => {
  it('page faults of containerd add up to the difference of its first and last poll', () => {
    const s = new SchedCounters();
    const polls = linesOf('sched').map(({ l }) => JSON.parse(l));
    for (const { l } of linesOf('sched')) s.line(l);
    const cd = polls.map((p) => p.procs.find((x: any) => x.comm === 'containerd'));
    expect(cd.length).toBeGreaterThan(1);
    expect(cd.every(Boolean), 'containerd in every poll').toBe(true);
    expect(polls.length).toBeGreaterThan(2);
    const faults = (x: any) => x.minflt + x.majflt;
    expect(s.byRole.get('containerd')!.pageFaults).toBe(faults(cd.at(-1)) - faults(cd[0]));
    expect(s.byRole.get('containerd')!.contextSwitches).toBeGreaterThan(0);
    expect(s.unrecognized).toBe(0);
  });
});

describe('serve: exposition', () => {
  it('text 0.0.4: every family named by the rules, histogram complete, no pid label', async () => {
    const k = new KernelCounters(syscallNamer('x64'));
    feedKernel(k);
    const sched = new SchedCounters();
    for (const { l } of linesOf('sched')) sched.line(l);
    const { body, contentType } = await exposition(state(k, sched)).render('text/plain');
    expect(contentType).toBe(PROMETHEUS_TYPE);
    const p = parse(body);
    expect(p.unrecognized).toBe(0);
    for (const [name, list] of p.samples) {
      expect(name).toMatch(/^ctrscope_/);
      for (const s of list) expect(Object.keys(s.labels)).not.toContain('pid');
    }
    for (const [name, type] of p.types) if (type === 'counter') expect(name).toMatch(/_total$/);
    const read = p.samples.get('ctrscope_vfs_latency_seconds_bucket')!.filter((s) => s.labels.op === 'read');
    expect(read).toHaveLength(MAX_LOG2 + 2);
    expect(read.at(-1)!.labels.le).toBe('+Inf');
    expect(p.samples.get('ctrscope_vfs_latency_seconds_count')!.find((s) => s.labels.op === 'read')!.value).toBe(k.vfs.read.count);
    expect(p.samples.get('ctrscope_vfs_latency_seconds_sum')!.find((s) => s.labels.op === 'read')!.value).toBeCloseTo(k.vfs.read.sumNs / 1e9, 9);
    expect(p.samples.get('ctrscope_self_cpu_seconds_total')!.map((s) => s.value)).toEqual([1.5, 0.25]);
    expect(p.samples.get('ctrscope_probe_info')![0]!.labels).toMatchObject({ source: 'kernel', backend: 'bpftrace' });
    expect(p.samples.get('ctrscope_page_faults_total')!.find((s) => s.labels.role === 'containerd')!.value).toBe(sched.byRole.get('containerd')!.pageFaults);
  });

  it('OpenMetrics when Accept asks: counter families without _total, one # EOF at the very end', async () => {
    const k = new KernelCounters(syscallNamer('x64'));
    feedKernel(k);
    const e = exposition(state(k), 0);
    const { body, contentType } = await e.render('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    expect(contentType).toBe(OPENMETRICS_TYPE);
    expect(body.endsWith('\n# EOF\n')).toBe(true);
    expect(body.match(/# EOF/g)).toHaveLength(1);
    expect(body).toContain('# TYPE ctrscope_syscalls counter\n');
    expect(body).toMatch(/\nctrscope_syscalls_total\{role="containerd",syscall="[a-z_0-9]+"\} \d+/);
    expect(body).not.toMatch(/\n\n/);
    // The text format again afterwards: rendering OpenMetrics did not rename the other registry's counters.
    expect((await e.render(undefined)).body).toContain('# TYPE ctrscope_syscalls_total counter\n');
  });

  it('renders once per interval: scrapes within it get the same text', async () => {
    const k = new KernelCounters(syscallNamer('x64'));
    let now = 0;
    const e = exposition(state(k), 500, () => now);
    const first = (await e.render(undefined)).body;
    feedKernel(k);
    now = 499;
    expect((await e.render(undefined)).body).toBe(first);
    now = 500;
    expect((await e.render(undefined)).body).not.toBe(first);
  });

  it('roles from command names', () => {
    expect(roleOfComm('containerd')).toBe('containerd');
    expect(roleOfComm('containerd-shim')).toBe('shim');
    expect(roleOfComm('runc:[2:INIT]')).toBe('runc');
    expect(roleOfComm('nginx', new Set(['nginx']))).toBe('container');
    expect(roleOfComm('nginx')).toBe('other');
  });
});
