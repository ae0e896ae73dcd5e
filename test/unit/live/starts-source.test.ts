/**
 * Container starts watched live, on a real capture: probes/live-kernel.bt's JSON output (its C
 * printf line and its @ex exec maps among the other maps) and `ctr events`, recorded together during three starts
 * (fixtures/containerd/live-kernel-starts.jsonl, live-events.txt; the command is in the README).
 * The watcher must give the phases startPhases gives the same execs and events read whole (the
 * one-shot probe's path), whichever stream arrives first and however the chunks are cut.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContainerdEventsParser } from '../../../parsers/containerd-events.js';
import { execMap, execPrintf, type ExecRecord } from '../../../parsers/exec-trace.js';
import { PHASES, START_TOPICS, startPhases, toMonotonic, type StartPhases } from '../../../src/aggregate/start-phases.js';
import { StartWatcher } from '../../../src/aggregate/start-watch.js';
import { LiveEngine } from '../../../src/session/live.js';
import { kernelSource } from '../../../src/session/live-sources/kernel.js';
import { createStartsSource, startsSource, startsSourceWith } from '../../../src/session/live-sources/starts.js';
import { cutRandomly } from '../../helpers/chunks.js';

const fix = (f: string) => readFileSync(new URL(`../../../fixtures/containerd/${f}`, import.meta.url));
const kernelBytes = fix('live-kernel-starts.jsonl');
const eventBytes = fix('live-events.txt');
const kernelLines = kernelBytes.toString('utf8').split('\n');
const eventLines = eventBytes.toString('utf8').split('\n');

/** The batch split of the same capture: every exec and kept event, read whole. */
function batch(): StartPhases[] {
  const execs: ExecRecord[] = [];
  let clock: bigint | null = null;
  for (const l of kernelLines) {
    const x = execPrintf(l);
    if (x?.kind === 'clock') clock = x.wallMinusMonoNs;
    execs.push(...(execMap(l)?.execs ?? []));
  }
  execs.sort((a, b) => a.ns - b.ns);
  const ev = new ContainerdEventsParser((e) => START_TOPICS.has(e.topic));
  for (const l of eventLines) ev.line(l);
  return startPhases(toMonotonic(ev.result().events, clock!), execs).starts;
}

describe('live container starts on a real capture', () => {
  const expected = batch();

  it('the capture holds three complete starts', () => {
    expect(expected.map((s) => s.id).sort()).toEqual(['livestart-1', 'livestart-2', 'livestart-3']);
    for (const s of expected) for (const p of PHASES) expect(s.phases[p], `${s.id} ${p}`).not.toBeNull();
  });

  it('events first or execs first: the same starts, each once, as startPhases gives', () => {
    const orders = [
      [...eventLines.map((l) => ['ev', l]), ...kernelLines.map((l) => ['k', l])],
      [...kernelLines.map((l) => ['k', l]), ...eventLines.map((l) => ['ev', l])],
    ];
    for (const order of orders) {
      const got: Array<[StartPhases, bigint]> = [];
      const src = createStartsSource((s, w) => got.push([s, w]));
      for (const [kind, l] of order) {
        if (kind === 'ev') src.line(l!, 0, 0);
        else src.peerLine!('kernel', l!, 0);
      }
      expect(got.map(([s]) => s).sort((a, b) => a.beginNs - b.beginNs)).toEqual([...expected].sort((a, b) => a.beginNs - b.beginNs));
      const v = src.output(0).starts;
      expect(v).toMatchObject({ completed: 3, incomplete: 0, recent: 3, clock: true, last: { namespace: 'ctrscope' } });
      expect(src.output(0).unrecognized).toBe(0);
      const totals = expected.map((s) => s.totalSeconds).sort((a, b) => a - b);
      expect(v.total.p50Seconds).toBeCloseTo(totals[1]!, 9);
      for (const p of v.phases) expect(p.p50Seconds, p.phase).not.toBeNull();
    }
  });

  it('through the engine: the kernel source\'s lines reach the starts source, however the chunks are cut', () => {
    for (const seed of [3, 17]) {
      const seen: string[] = [];
      const engine = new LiveEngine([kernelSource, startsSourceWith((s) => seen.push(s.id))], { arch: 'x64' }, 'replay', () => 0);
      const k = cutRandomly(kernelBytes, seed, 300);
      const e = cutRandomly(eventBytes, seed + 1, 200);
      // Interleaved: a chunk of each in turn.
      for (let i = 0; i < Math.max(k.length, e.length); i++) {
        if (k[i]) engine.chunk('kernel', Buffer.from(k[i]!).toString('latin1'), 0);
        if (e[i]) engine.chunk('starts', Buffer.from(e[i]!).toString('latin1'), 0);
      }
      engine.endAll(0);
      expect(seen.sort()).toEqual(['livestart-1', 'livestart-2', 'livestart-3']);
      expect(engine.snapshot().starts?.completed).toBe(3);
      // The kernel source reads the same lines and is not troubled by the new printfs.
      expect(engine.status('kernel')?.unrecognized).toBe(0);
    }
  });

  it('a start whose beginning was not seen is given up, counted, and does not hold memory', () => {
    const w = new StartWatcher({ windowS: 60, recentKept: 100 });
    const ev = new ContainerdEventsParser((e) => START_TOPICS.has(e.topic));
    for (const l of eventLines) ev.line(l);
    // Only /tasks/create of livestart-1 (its container record came before tracing began).
    const tc = ev.result().events.find((e) => e.topic === '/tasks/create' && e.payload.container_id === 'livestart-1')!;
    for (const l of kernelLines) {
      const x = execPrintf(l);
      if (x?.kind === 'clock') w.setClock(x.wallMinusMonoNs);
      for (const e of execMap(l)?.execs ?? []) w.exec(e);
    }
    expect(w.event(tc)).toEqual([]);
    expect(w.view()).toMatchObject({ completed: 0, incomplete: 1 });
  });

  it('the @ex map: every key read, in kernel time order; a file name with commas kept whole; a bad key counted', () => {
    const m = execMap('{"type": "map", "data": {"@ex_1": {"30,7,6,/bin/a,b": 1, "10,5,4,/usr/sbin/runc": 1, "x,1,2,/y": 1}}}')!;
    expect(m.execs).toEqual([
      { ns: 10, pid: 5, ppid: 4, file: '/usr/sbin/runc' },
      { ns: 30, pid: 7, ppid: 6, file: '/bin/a,b' },
    ]);
    expect(m.bad).toBe(1);
    expect(execMap('{"type": "map", "data": {"@execs_1": {"/usr/sbin/runc,21094": 3}}}')).toBeNull();
    const all = kernelLines.flatMap((l) => execMap(l)?.execs ?? []);
    const raw = kernelLines.filter((l) => l.includes('"@ex_')).reduce((a, l) => a + Object.keys(Object.values<Record<string, number>>(JSON.parse(l).data)[0]!).length, 0);
    expect(all.length).toBe(raw);
    expect(all.length).toBeGreaterThanOrEqual(27);
  });

  it('the plain starts source (replays) has no listener and the same id as recorded', () => {
    expect(startsSource.id).toBe('starts');
    expect(startsSource.reads).toEqual(['kernel']);
  });
});
