import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContainerdEventsParser, parseEventLine } from '../../parsers/containerd-events.js';
import { ExecTraceParser } from '../../parsers/exec-trace.js';
import { parseChunks } from '../../parsers/lines.js';
import { PHASES, phaseStats, quantile, startPhases, toMonotonic } from '../../src/aggregate/start-phases.js';
import { cutRandomly } from '../helpers/chunks.js';

const fix = (f: string) => readFileSync(new URL(`../../fixtures/containerd/${f}`, import.meta.url));
const eventsBytes = fix('events.txt');
const execBytes = fix('execs.txt');
const requests = fix('starts.txt')
  .toString('utf8')
  .trim()
  .split('\n')
  .map((l) => ({ id: l.split(' ')[0]!, ctrPid: Number(l.split(' ')[1]) }));

describe('ctr events lines', () => {
  it('reads time, namespace, topic and payload; the fraction is nanoseconds without trailing zeros', () => {
    const e = parseEventLine('2026-11-26 04:56:01.61745918 +0000 UTC ctrscope /snapshot/prepare {"key":"explore1"}')!;
    expect(e.timeNs).toBe(BigInt(Date.UTC(2026, 10, 26, 4, 56, 1)) * 1_000_000n + 617459180n);
    expect(e).toMatchObject({ namespace: 'ctrscope', topic: '/snapshot/prepare', payload: { key: 'explore1' } });
  });
  it('the capture reads whole, however it is cut', () => {
    const whole = parseChunks(new ContainerdEventsParser(), [eventsBytes]);
    expect(whole.unrecognized).toBe(0);
    expect(whole.events.length).toBe(eventsBytes.toString('utf8').trim().split('\n').length);
    expect(parseChunks(new ContainerdEventsParser(), cutRandomly(eventsBytes, 9, 40))).toEqual(whole);
  });
});

describe('exec trace', () => {
  it('reads the clock line and every exec', () => {
    const t = parseChunks(new ExecTraceParser(), [execBytes]);
    expect(t.attached).toBe(true);
    expect(t.wallMinusMonoNs).not.toBeNull();
    expect(t.execs.length).toBe(execBytes.toString('utf8').split('\n').filter((l) => l.startsWith('E ')).length);
    expect(t.unrecognized).toBe(0);
    expect(parseChunks(new ExecTraceParser(), cutRandomly(execBytes, 5, 30))).toEqual(t);
  });
});

describe('phases of three real starts', () => {
  const trace = parseChunks(new ExecTraceParser(), [execBytes]);
  const events = toMonotonic(parseChunks(new ContainerdEventsParser(), [eventsBytes]).events, trace.wallMinusMonoNs!);
  const { starts, incomplete } = startPhases(events, trace.execs, requests);

  it('finds every phase of every start', () => {
    expect(incomplete).toEqual([]);
    expect(starts.map((s) => s.id)).toEqual(requests.map((r) => r.id));
    for (const s of starts) for (const p of PHASES) expect(s.phases[p], `${s.id} ${p}`).not.toBeNull();
  });

  it('phases are positive and add up to the total: ctr exec to the container process exec', () => {
    for (const s of starts) {
      const sum = PHASES.reduce((a, p) => a + s.phases[p]!, 0);
      expect(sum).toBeCloseTo(s.totalSeconds, 9);
      for (const p of PHASES) expect(s.phases[p]!).toBeGreaterThan(0);
      const req = requests.find((r) => r.id === s.id)!;
      const ctr = trace.execs.find((x) => x.pid === req.ctrPid)!;
      expect(s.beginNs).toBe(ctr.ns);
      const taskPid = Number(events.find((e) => e.topic === '/tasks/create' && e.payload.container_id === s.id)!.payload.pid);
      expect(s.firstExecNs).toBe(trace.execs.find((x) => x.pid === taskPid)!.ns);
    }
  });

  it('the events land between the execs that bound them (clocks tied correctly)', () => {
    for (const s of starts) {
      const created = events.find((e) => e.topic === '/containers/create' && e.payload.id === s.id)!;
      expect(created.ns).toBeGreaterThan(s.beginNs);
      expect(created.ns).toBeLessThan(s.firstExecNs);
    }
  });

  it('without the requests (watch mode) the same containers are found, begun at /snapshot/prepare', () => {
    const watched = startPhases(events, trace.execs);
    expect(watched.starts.map((s) => s.id)).toEqual(requests.map((r) => r.id));
    for (const s of watched.starts) expect(s.phases['container create']!).toBeLessThan(starts.find((x) => x.id === s.id)!.phases['container create']!);
  });

  it('stats: means of the phases add up to the mean total', () => {
    const st = phaseStats(starts);
    const total = st.find((x) => x.phase === 'total')!;
    expect(st.filter((x) => x.phase !== 'total').reduce((a, x) => a + x.meanSeconds!, 0)).toBeCloseTo(total.meanSeconds!, 9);
  });
});

// Hand-written: a start whose shim was reused (a pod's second container) has no shim exec.
describe('missing boundaries', () => {
  it('merge into the next phase, so the sum still equals the total', () => {
    const ev = [
      { ns: 100, namespace: 'k8s.io', topic: '/containers/create', payload: { id: 'c' } },
      { ns: 400, namespace: 'k8s.io', topic: '/tasks/create', payload: { container_id: 'c', pid: 50 } },
    ];
    const ex = [
      { ns: 200, pid: 40, ppid: 30, file: '/usr/sbin/runc' },
      { ns: 500, pid: 41, ppid: 30, file: '/usr/sbin/runc' },
      { ns: 600, pid: 50, ppid: 30, file: '/pause' },
    ];
    const [s] = startPhases(ev, ex).starts;
    expect(s!.phases['task create']).toBeNull();
    expect(s!.phases['shim start']).toBeCloseTo(100e-9, 15);
    expect(PHASES.reduce((a, p) => a + (s!.phases[p] ?? 0), 0)).toBeCloseTo(s!.totalSeconds, 15);
  });
  it('quantile interpolates', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([], 0.5)).toBeNull();
  });
});
