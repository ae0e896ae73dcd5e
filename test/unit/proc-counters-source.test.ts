/**
 * The live sched source on /proc polls: rates between the two real snapshots in fixtures/proc/
 * (expected figures summed from the files by regex here), then the edge cases (a thread or process
 * gone between polls, a reused pid, a process born between polls, stale polls, reset, hosts with
 * and without hardware counters) on hand-built polls, and old perf stat recordings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProcPoll, ProcSample, ThreadRow } from '../../parsers/proc-counters.js';
import { ProcCounterReader } from '../../src/host/proc-counters.js';
import { pollDelta, schedSource } from '../../src/session/live-sources/sched.js';
import type { HostTargets } from '../../src/targets/discover.js';
import { RT_SHIM } from '../../src/live-model/types.js';

const DIR = new URL('../../fixtures/proc/', import.meta.url).pathname;
const read = (p: string) => readFileSync(DIR + p, 'latin1');
const val = (text: string, key: string) => Number(new RegExp(`^${key.replace('.', '\\.')}\\s*:\\s*(\\d+)$`, 'm').exec(text)![1]);
const statField = (line: string, n: number) => Number(line.trim().split(' ')[n - 1]);
const upMs = (snap: string) => Number(read(`${snap}/uptime`).split(' ')[0]) * 1000;
const NO_HOST: HostTargets = { containerd: [], shims: [], containers: [] };

/** Sums a sched field over a process's threads in one snapshot. */
const schedSum = (snap: string, pid: number, ...keys: string[]) =>
  readdirSync(`${DIR}${snap}/${pid}/task`).reduce((a, tid) => a + keys.reduce((b, k) => b + val(read(`${snap}/${pid}/task/${tid}/sched`), k), 0), 0);
const faults = (snap: string, pid: number) => statField(read(`${snap}/${pid}/stat`), 10) + statField(read(`${snap}/${pid}/stat`), 12);
const cpuTicks = (snap: string, pid: number) => statField(read(`${snap}/${pid}/stat`), 14) + statField(read(`${snap}/${pid}/stat`), 15);

const counter = (o: ReturnType<ReturnType<typeof schedSource.create>['output']>, name: string) => o.sched!.counters.find((c) => c.name === name)!;

describe('sched source on the real snapshots a → b', () => {
  const pids = [2216, 2945];
  const lineOf = (snap: string) => new ProcCounterReader({ proc: DIR + snap, sys: `${DIR}no-such-sys`, now: () => upMs(snap) }).line(pids.map((pid) => ({ pid })));
  const src = schedSource.create({ arch: 'x64' });
  src.runStarted?.(0, 100, {});
  src.line(lineOf('a'), 100, 0);
  src.runEnded?.(0, 105);
  const first = src.output(105, NO_HOST);
  src.runStarted?.(1, 1100, {});
  src.line(lineOf('b'), 1100, 1);
  src.runEnded?.(1, 1105);
  const out = src.output(1105, NO_HOST);
  const dt = (upMs('b') - upMs('a')) / 1000;

  it('one poll is only a baseline: no figures yet', () => {
    expect(first.sched).toBeUndefined();
    expect(first.unrecognized).toBe(0);
  });

  it('context switches, migrations and page faults a second: both processes, every thread, both kinds of switch', () => {
    expect(dt).toBeGreaterThan(1);
    const d = (f: (s: string, pid: number) => number) => pids.reduce((a, pid) => a + f('b', pid) - f('a', pid), 0);
    const cs = d((s, pid) => schedSum(s, pid, 'nr_voluntary_switches', 'nr_involuntary_switches'));
    const migr = d((s, pid) => schedSum(s, pid, 'se.nr_migrations'));
    const pf = d(faults);
    expect(cs).toBeGreaterThan(100);
    expect(counter(out, 'context switches')).toEqual({ name: 'context switches', perSec: cs / dt, total: cs, supported: true });
    expect(counter(out, 'CPU migrations')).toEqual({ name: 'CPU migrations', perSec: migr / dt, total: migr, supported: true });
    expect(counter(out, 'page faults')).toEqual({ name: 'page faults', perSec: pf / dt, total: pf, supported: true });
    expect(out.sched!.processes).toBe(2);
    expect(out.sched!.stale).toBeUndefined();
    expect(out.unrecognized).toBe(0);
  });

  it('per target: ctx-sw/s and cpu% (utime + stime over the interval, percent of one core)', () => {
    for (const pid of pids) {
      const t = out.targets!.find((x) => x.pid === pid)!;
      const cs = schedSum('b', pid, 'nr_voluntary_switches', 'nr_involuntary_switches') - schedSum('a', pid, 'nr_voluntary_switches', 'nr_involuntary_switches');
      expect(t.comm).toBe(pid === 2216 ? 'containerd' : 'containerd-shim');
      expect(t.metrics!['ctx-sw/s']).toBeCloseTo(cs / dt, 9);
      expect(t.metrics!['cpu%']).toBeCloseTo((cpuTicks('b', pid) - cpuTicks('a', pid)) / dt, 9);
    }
  });

  it('cache events: "not supported" rows without a hardware PMU, never 0', () => {
    for (const name of ['cache misses', 'cache references']) expect(counter(out, name)).toEqual({ name, perSec: null, total: null, supported: false });
  });
});

// Hand-built polls for what the kernel does not do on demand.
const proc = (pid: number, start: number, th: ThreadRow[], o: Partial<ProcSample> = {}): ProcSample => ({
  pid,
  start,
  comm: 'containerd-shim',
  vcs: th.reduce((a, r) => a + r[1], 0),
  nvcs: th.reduce((a, r) => a + r[2], 0),
  migr: th.reduce((a, r) => a + (r[3] ?? 0), 0),
  minflt: 0,
  majflt: 0,
  utime: 0,
  stime: 0,
  th,
  ...o,
});
const poll = (t: number, up: number, procs: ProcSample[], hw: boolean | null = false): ProcPoll => ({ t, up, hw, procs });
const lineOf = (p: ProcPoll) => JSON.stringify(p);

describe('pollDelta', () => {
  it('a thread that exited between polls contributes nothing (never negative); a new one counts whole', () => {
    const a = poll(0, 1000, [proc(7, 10, [[7, 100, 10, 5], [8, 5000, 500, 50]], { minflt: 40, majflt: 1, utime: 30, stime: 10 })]);
    const b = poll(1000, 1100, [proc(7, 10, [[7, 110, 12, 6], [9, 3, 1, 1]], { minflt: 52, majflt: 2, utime: 35, stime: 11 })]);
    expect(pollDelta(a, b)).toEqual({ dt: 1, migrKnown: true, procs: [{ pid: 7, comm: 'containerd-shim', cs: 12 + 4, migr: 1 + 1, faults: 13, cpuTicks: 6, measured: true }] });
  });

  it('a reused pid (another start time) is never diffed against the old process', () => {
    const a = poll(0, 1000, [proc(7, 10, [[7, 9000, 900, 90]], { minflt: 5000 })]);
    // Started after the first poll: all its counts are in the interval.
    const born = poll(1000, 1100, [proc(7, 1050, [[7, 20, 2, 1]], { minflt: 30 })]);
    expect(pollDelta(a, born)!.procs).toEqual([{ pid: 7, comm: 'containerd-shim', cs: 22, migr: 1, faults: 30, cpuTicks: 0, measured: true }]);
    // Started before the first poll but not in it: a baseline only.
    const older = poll(1000, 1100, [proc(7, 900, [[7, 20, 2, 1]], { minflt: 30 })]);
    expect(pollDelta(a, older)!.procs).toEqual([{ pid: 7, comm: 'containerd-shim', cs: 0, migr: 0, faults: 0, cpuTicks: 0, measured: false }]);
  });

  it('counts that went down (a tid reused inside the process) count as a new thread; stat counters never go negative', () => {
    const a = poll(0, 1000, [proc(7, 10, [[8, 500, 50, 5]], { minflt: 100, utime: 9 })]);
    const b = poll(500, 1050, [proc(7, 10, [[8, 3, 1, 0]], { minflt: 90, utime: 8 })]);
    expect(pollDelta(a, b)).toEqual({ dt: 0.5, migrKnown: true, procs: [{ pid: 7, comm: 'containerd-shim', cs: 4, migr: 0, faults: 0, cpuTicks: 0, measured: true }] });
  });

  it('null when no time passed; migrations unknown when no thread has them', () => {
    const a = poll(1000, 1000, [proc(7, 10, [[7, 1, 1, null]])]);
    expect(pollDelta(a, a)).toBeNull();
    expect(pollDelta(a, { ...a, t: 2000 })!.migrKnown).toBe(false);
  });
});

describe('sched source: polls over time', () => {
  const feed = (src: ReturnType<typeof schedSource.create>, p: ProcPoll, t: number, run: number) => {
    src.runStarted?.(run, t, {});
    src.line(lineOf(p), t, run);
    src.runEnded?.(run, t);
  };

  it('a short-lived shim born after the first poll counts whole when first seen; one seen before does not count twice', () => {
    const cd = (n: number) => proc(1, 5, [[1, n, 0, 0]], { comm: 'containerd' });
    const src = schedSource.create({ arch: 'x64' });
    feed(src, poll(0, 1000, [cd(0)]), 0, 0);
    feed(src, poll(1000, 1100, [cd(100), proc(50, 1090, [[50, 30, 10, 2]])]), 1000, 1);
    let o = src.output(1000, NO_HOST);
    expect(counter(o, 'context switches')).toMatchObject({ perSec: 140, total: 140 });
    // A shim's line also carries its CPU over its life so far (the targets panel's RT CPU column): none in these polls.
    expect(o.targets!.find((x) => x.pid === 50)!.metrics).toEqual({ 'ctx-sw/s': 40, 'cpu%': 0, [RT_SHIM]: 0 });
    // The shim is missing from one poll (discovery lagged) and back: its counts are not taken whole again.
    feed(src, poll(2000, 1200, [cd(200)]), 2000, 2);
    feed(src, poll(3000, 1300, [cd(300), proc(50, 1090, [[50, 60, 10, 2]])]), 3000, 3);
    o = src.output(3000, NO_HOST);
    expect(counter(o, 'context switches')).toMatchObject({ perSec: 100, total: 140 + 100 + 100 });
    expect(o.targets!.find((x) => x.pid === 50)!.metrics).toEqual({ 'ctx-sw/s': null, 'cpu%': null, [RT_SHIM]: 0 });
    expect(o.sched!.processes).toBe(2);
  });

  it('stale once polls stop (last figures kept, no targets); reset starts the totals again', () => {
    const src = schedSource.create({ arch: 'x64' });
    feed(src, poll(0, 1000, [proc(1, 5, [[1, 0, 0, 0]])]), 0, 0);
    feed(src, poll(1000, 1100, [proc(1, 5, [[1, 50, 0, 0]])]), 1000, 1);
    expect(src.output(3400, NO_HOST).sched!.stale).toBeUndefined();
    const late = src.output(3600, NO_HOST);
    expect(late.sched!.stale).toBe(true);
    expect(late.targets).toEqual([]);
    expect(counter(late, 'context switches').perSec).toBe(50);
    src.reset(3600);
    feed(src, poll(4000, 1400, [proc(1, 5, [[1, 80, 0, 0]])]), 4000, 2);
    expect(counter(src.output(4000, NO_HOST), 'context switches')).toMatchObject({ perSec: 10, total: 30 });
  });

  it('with a hardware PMU the cache rows are counters without a figure in the live view; no sched files: migrations not supported', () => {
    const src = schedSource.create({ arch: 'x64' });
    feed(src, poll(0, 1000, [proc(1, 5, [[1, 0, 0, null]])], true), 0, 0);
    feed(src, poll(1000, 1100, [proc(1, 5, [[1, 5, 0, null]])], true), 1000, 1);
    const o = src.output(1000, NO_HOST);
    expect(counter(o, 'cache misses')).toEqual({ name: 'cache misses', perSec: null, total: null, supported: true });
    expect(counter(o, 'CPU migrations')).toEqual({ name: 'CPU migrations', perSec: null, total: null, supported: false });
  });

  it('a malformed poll line is counted, not thrown, and is not taken for perf stat output', () => {
    const src = schedSource.create({ arch: 'x64' });
    src.line('{"t":', 0, 0);
    src.line('{"t":1,"procs":[{"pid":"x"}]}', 10, 1);
    const o = src.output(10, NO_HOST);
    expect(o.unrecognized).toBe(2);
    expect(o.sched).toBeUndefined();
  });

  it('perf stat lines (recordings from before) still give perf\'s figures', () => {
    const src = schedSource.create({ arch: 'x64' });
    src.runStarted?.(0, 0, { pids: [3026] });
    const rows = (s: string, cs: number) => [`     ${s},${cs},,context-switches,1000000,100.00,,`, `     ${s},<not supported>,,cache-misses,0,100.00,,`];
    for (const l of [...rows('1.000000000', 500), ...rows('2.000000000', 300), ...rows('3.000000000', 200)]) src.line(l, 2100, 0);
    const o = src.output(2100, NO_HOST);
    expect(counter(o, 'context switches')).toMatchObject({ perSec: 200, total: 1000, supported: true });
    expect(counter(o, 'cache misses')).toMatchObject({ supported: false, perSec: null });
    expect(o.targets).toEqual([{ pid: 3026, comm: '', metrics: { 'ctx-sw/s': 200 } }]);
  });
});

describe('schedSource definition', () => {
  it('polls every 2 s, follows nothing, and fetches one line of JSON for the host it is given', async () => {
    expect(schedSource.poll?.everyMs).toBe(2000);
    expect('follow' in schedSource).toBe(false);
    const text = await schedSource.poll!.fetch({ containerd: [{ pid: process.pid, comm: 'node', role: 'containerd' }], shims: [], containers: [] });
    expect(text.endsWith('\n')).toBe(true);
    expect(text.indexOf('\n')).toBe(text.length - 1);
    const p = JSON.parse(text);
    expect(p.procs.map((x: ProcSample) => x.pid)).toEqual([process.pid]);
    expect(p.procs[0].th.length).toBeGreaterThan(0);
  });
});
