/**
 * ProbeTracer, the one way a tracer runs (src/session/probe-tracer.ts), against tiny fixture
 * tracers in test/bin: the attach ladder and its reason, the stderr noise filter, attach
 * detection (bpftrace's announcement is not enough), target-exited, the follow policy and the
 * stop. Runs the built dist/ (the drain thread loads compiled JavaScript; see runner-fixtures).
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TracerPlan } from '../../probes/types.js';
import { fixture } from './runner/runner-fixtures.js';

const distRoot = process.env.CTRSCOPE_TEST_DIST ? pathToFileURL(`${process.env.CTRSCOPE_TEST_DIST}/`) : new URL('../../dist/', import.meta.url);
const { ProbeTracer, Followers, FOLLOW, STDERR_NOISE, isNoise, kernelAttached } = (await import(new URL('src/session/probe-tracer.js', distRoot).href)) as typeof import('../../src/session/probe-tracer.js');

const ATTACHED = '{"type": "attached_probes", "data": {"probes": 1}}';
const MAP = '{"type": "map", "data": {"@calls": {"containerd,1,0": 3}}}';
const MEMLOCK = "ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace. If your program is not loading, you can try \"ulimit -l 8192\" to fix the problem";

/** Resolves once ok() holds, looked at every 5 ms (what the kernel shows has no event to await). */
const until = (ok: () => boolean) =>
  new Promise<void>((resolve) => {
    const t = setInterval(() => ok() && resolve(clearInterval(t)), 5);
  });

const plan = (attachPoint: string, argv: string[], more: Partial<TracerPlan> = {}): TracerPlan => ({ backend: 'bpftrace', attachPoint, skipped: [], parser: 'bpftrace-json', argv, ...more });
const started: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
});

describe('attach ladder', () => {
  it('a rung that exits before printing data falls back to the next, with its reason (noise filtered)', async () => {
    const runs: Array<[string, number]> = [];
    const falls: string[][] = [];
    const p = plan('kfunc:vfs_read', fixture('no-attach.mjs', '1', MEMLOCK, 'ERROR: kfunc not available', '', 'WARNING: something harmless'), {
      fallback: plan('kprobe:vfs_read', fixture('attach-then-data.mjs', ATTACHED, MAP)),
    });
    const pt = new ProbeTracer(p, { confirmAttach: null, onRun: (r, run) => runs.push([r.attachPoint, run]), onFallback: (from, to, why) => falls.push([from.attachPoint, to.attachPoint, why]) });
    started.push(pt);
    pt.start();
    expect(await pt.waitAttached(20_000)).toBe('attached');
    expect(falls).toEqual([['kfunc:vfs_read', 'kprobe:vfs_read', 'ERROR: kfunc not available']]);
    expect(runs).toEqual([
      ['kfunc:vfs_read', 0],
      ['kprobe:vfs_read', 1],
    ]);
    expect(pt.plan.attachPoint).toBe('kprobe:vfs_read');
    await pt.stop();
    expect(await pt.ended()).toEqual({ by: 'stop' });
    expect(pt.producedData).toBe(true);
    const r = pt.result();
    expect(r.kind === 'bpftrace-json' && r.result.seq).toBeGreaterThan(0);
  });

  it('the last rung failing ends the ladder with its reason; only noise on stderr gives the exit code', async () => {
    const pt = new ProbeTracer(plan('a', fixture('no-attach.mjs', '3', MEMLOCK, '  ')), { confirmAttach: null });
    pt.start();
    expect(await pt.waitAttached(20_000)).toBe('ended');
    expect(await pt.ended()).toEqual({ by: 'failed', why: 'exit code 3' });
    expect(pt.reason()).toBe('');
    expect(pt.endedByItself).toBe(true);
  });

  it('a rung that printed data and then ended does not fall back', async () => {
    const runs: number[] = [];
    const p = plan('a', fixture('attach-then-data.mjs', '--exit', ATTACHED, MAP), { fallback: plan('b', fixture('attach-then-data.mjs', ATTACHED)) });
    const pt = new ProbeTracer(p, { confirmAttach: null, onRun: (_p, run) => runs.push(run) });
    pt.start();
    // (why: 'exit code 0' unless the host had node say something on stderr)
    expect(await pt.ended()).toMatchObject({ by: 'failed' });
    expect(runs).toEqual([0]);
    expect(pt.producedData).toBe(true);
  });

  it("for a caller that reads the lines itself, bpftrace's attached line alone is not data: the rung falls back", async () => {
    const lines: Array<[string, number]> = [];
    const p = plan('a', fixture('attach-then-data.mjs', '--exit', ATTACHED), { fallback: plan('b', fixture('attach-then-data.mjs', ATTACHED, MAP)) });
    const pt = new ProbeTracer(p, { confirmAttach: null, onLine: (l, run) => lines.push([l, run]) });
    started.push(pt);
    pt.start();
    await pt.nextRung();
    await pt.attached();
    expect(lines[0]).toEqual([ATTACHED, 0]);
    expect(() => pt.result()).toThrow(/caller/);
  });

  it('a fallback whose preparation throws rejects ended()', async () => {
    const p = plan('a', fixture('no-attach.mjs', '1', 'no'), { fallback: plan('b', ['not-installed']) });
    const pt = new ProbeTracer(p, {
      beforeFallback: (next) => {
        throw new Error(`${next.argv[0]} is not installed`);
      },
    });
    pt.start();
    await expect(pt.ended()).rejects.toThrow('not-installed is not installed');
  });
});

describe('stderr noise', () => {
  it('one list: blank lines, RLIMIT_MEMLOCK and warnings are noise, errors are not', () => {
    expect(STDERR_NOISE.length).toBeGreaterThan(0);
    expect([MEMLOCK, '', '   ', 'stdin:1:1-10: WARNING: vfs_read is not traceable'].map(isNoise)).toEqual([true, true, true, true]);
    expect(isNoise('ERROR: kfunc not available')).toBe(false);
  });

  it('the reason keeps the last meaningful lines, as many as asked', async () => {
    const pt = new ProbeTracer(plan('a', fixture('no-attach.mjs', '1', 'one', MEMLOCK, 'two', 'three')), { reasonLines: 1, reasonChars: 4 });
    pt.start();
    await pt.ended();
    expect(pt.reason()).toBe('thre');
    expect(pt.reason(2, 300)).toBe('two / three');
  });
});

describe('attach detection', () => {
  it("bpftrace's attached line is confirmed before it counts (0.17 prints it before attaching)", async () => {
    let kernelSays = false;
    const pt = new ProbeTracer(plan('a', fixture('attach-then-data.mjs', ATTACHED)), { confirmAttach: () => kernelSays });
    started.push(pt);
    pt.start();
    await until(() => {
      const r = pt.result();
      return r.kind === 'bpftrace-json' && r.result.attachedProbes !== null;
    });
    expect(await pt.waitAttached(100)).toBe('slow');
    expect(pt.attachedAt).toBe(0);
    kernelSays = true;
    expect(await pt.waitAttached(20_000)).toBe('attached');
  });

  it('the kernel check: a process holding no BPF programs has not attached any', () => {
    expect(kernelAttached(process.pid)).toBe(false);
    expect(kernelAttached(2 ** 30)).toBe(false);
  });

  it('an unconfirmed announcement is taken after confirmMs', async () => {
    const pt = new ProbeTracer(plan('a', fixture('attach-then-data.mjs', ATTACHED)), { confirmAttach: () => false, confirmMs: 50 });
    started.push(pt);
    pt.start();
    expect(await pt.waitAttached(20_000)).toBe('attached');
  });

  it("strace is attached at its \"Process N attached\" line, and its stderr is the data stream (chunks for the recording)", async () => {
    const chunks: string[] = [];
    const p: TracerPlan = { backend: 'strace', attachPoint: 'ptrace', skipped: [], parser: 'strace', stream: 'stderr', argv: fixture('attach-then-data.mjs', '--stderr', 'strace: Process 1 attached', '12:00:00.000001 read(3, "", 1) = 0 <0.000010>') };
    const pt = new ProbeTracer(p, { onChunk: (c) => chunks.push(c) });
    started.push(pt);
    pt.start();
    expect(await pt.waitAttached(20_000)).toBe('attached');
    await pt.stop();
    expect(chunks[0]).toBe('strace: Process 1 attached\n');
    expect(pt.producedData).toBe(true);
  });
  it('strace given -p pids is attached only once each is settled: attached, or failed because it exited', async () => {
    // The lines strace 6.1 printed for containerd and a load loop's shims (fixtures/strace/containerd-c-w-attach-stderr.txt.gz):
    // one per -p pid, the failures for shims that exited meanwhile; it counts nothing before the last.
    const lines = ['strace: attach: ptrace(PTRACE_SEIZE, 2720): Operation not permitted', 'strace: Process 3323 attached with 8 threads', '--sleep=1500', 'strace: Process 27573 attached with 10 threads', 'strace: Process 3383 attached'];
    const p: TracerPlan = { backend: 'strace', attachPoint: 'ptrace', skipped: [], parser: 'strace-summary', stream: 'stderr', argv: [...fixture('attach-then-data.mjs', '--stderr', ...lines), '-p', '2720', '-p', '3323', '-p', '27573'] };
    const pt = new ProbeTracer(p);
    started.push(pt);
    pt.start();
    expect(await pt.waitAttached(800)).toBe('slow');
    expect(await pt.waitAttached(20_000)).toBe('attached');
  });

  it('strace whose every -p pid failed did not attach', async () => {
    const p: TracerPlan = { backend: 'strace', attachPoint: 'ptrace', skipped: [], parser: 'strace-summary', stream: 'stderr', argv: [...fixture('attach-then-data.mjs', '--stderr', 'strace: attach: ptrace(PTRACE_SEIZE, 2720): No such process'), '-p', '2720'] };
    const pt = new ProbeTracer(p);
    started.push(pt);
    pt.start();
    expect(await pt.waitAttached(500)).toBe('slow');
    expect(pt.attachedAt).toBe(0);
  });
});

describe('target exited', () => {
  it('a rung that ends once its target is gone ended because of it: no fallback', async () => {
    const target = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
    const pid = target.pid!;
    const runs: number[] = [];
    const p: TracerPlan = { backend: 'strace', attachPoint: 'ptrace', skipped: [], parser: 'strace', stream: 'stderr', argv: fixture('until-gone.mjs', String(pid)), pids: [pid], fallback: plan('b', fixture('attach-then-data.mjs', ATTACHED)) };
    const pt = new ProbeTracer(p, { onRun: (_p, run) => runs.push(run) });
    started.push(pt);
    pt.start();
    expect(await pt.waitAttached(20_000)).toBe('attached');
    expect(pt.targetsGone()).toBe(false);
    const gone = new Promise((r) => target.once('exit', r));
    target.kill('SIGKILL');
    await gone;
    expect(await pt.ended()).toEqual({ by: 'target-exited' });
    expect(runs).toEqual([0]);
  });

  it('a pid that now names another process (another start time) counts as gone', () => {
    const pt = new ProbeTracer(plan('a', ['true']), { targets: [{ pid: process.pid, startTime: -1 }] });
    expect(pt.targetsGone()).toBe(true);
    expect(new ProbeTracer(plan('a', ['true']), { targets: [{ pid: process.pid }] }).targetsGone()).toBe(false);
    expect(new ProbeTracer(plan('a', ['true'])).targetsGone()).toBe(false);
  });
});

describe('follow policy', () => {
  const target = (pid: number) => ({ pid, comm: 'containerd-shim', role: 'shim' as const });
  const perf = (t: { pid: number }): TracerPlan => ({ backend: 'perf', attachPoint: 'perf stat', skipped: [], parser: 'perf-stat', argv: fixture('signals.mjs'), pids: [t.pid] });

  it('the default is one named parameter: 32 tracers, after 1000 ms', () => {
    expect(FOLLOW).toEqual({ maxTracers: 32, minAgeMs: 1000 });
  });

  it('at most maxTracers followers; excluded and repeated pids are not followed again', async () => {
    const f = new Followers(perf, { maxTracers: 1, minAgeMs: 0 });
    started.push(f);
    f.exclude([1]);
    f.add(target(1));
    f.add(target(2));
    f.add(target(2));
    f.add(target(3));
    expect(f.tracers.map((t) => t.plan.pids)).toEqual([[2]]);
    expect(f.refused).toBe(1);
    await f.stop();
    expect(f.tracers[0]!.tracer.exited?.endedBy).toBe('SIGINT');
  });

  it('a new target is followed only once it has lived minAgeMs; one gone by then is counted as short-lived', async () => {
    vi.useFakeTimers();
    try {
      const asked: number[] = [];
      const f = new Followers((t) => (asked.push(t.pid), null), { maxTracers: 4, minAgeMs: 500 });
      const dead = spawn(process.execPath, ['-e', '']);
      const deadPid = dead.pid!;
      await new Promise((r) => dead.once('exit', r));
      f.addOnceItStays(target(process.pid));
      f.addOnceItStays(target(deadPid));
      vi.advanceTimersByTime(499);
      expect(asked).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(asked).toEqual([process.pid]);
      expect(f.shortLived).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('stop', () => {
  it('one ladder: SIGTERM one grace after the only SIGINT, and no fallback after a stop', async () => {
    const GRACE = 800;
    const runs: number[] = [];
    const p = plan('a', fixture('signals.mjs', 'INT'), { stopGraceMs: GRACE, fallback: plan('b', fixture('attach-then-data.mjs', ATTACHED)) });
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    // signals.mjs prints "ready" once its handlers are in.
    const pt = new ProbeTracer(p, { onRun: (_p, run) => runs.push(run), onLine: (l) => l === 'ready' && ready() });
    pt.start();
    await isReady;
    const t0 = Date.now();
    await pt.stop();
    const took = Date.now() - t0;
    expect(pt.tracer.exited?.signal).toBe('SIGTERM');
    expect(pt.tracer.exited?.stderrTail).toEqual(['got SIGINT']);
    expect(took).toBeGreaterThanOrEqual(GRACE);
    expect(took).toBeLessThan(GRACE + 600);
    expect(await pt.ended()).toEqual({ by: 'stop' });
    expect(runs).toEqual([0]);
  });
});
