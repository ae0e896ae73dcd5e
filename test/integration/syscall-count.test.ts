/**
 * The first slice end to end, for real: containerd under load → bpftrace → parser → aggregate → JSON.
 * Checked against an independent bpftrace count of containerd's syscalls taken over the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { containerdPid, missing } from '../helpers/prereq.js';
import { startCli, startLoad, tracersOf } from '../helpers/cli.js';
import { refCount } from '../helpers/probe-run.js';
import { burstHelper, scriptHelper } from '../helpers/burst.js';
import { waitFor } from '../helpers/host.js';
import { waitAttached, watchAttachWindow } from '../helpers/attach.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs', 'image');
// The exact-count cases drive a python helper (test/bin/): a missing python3 skips with a reason, or fails under CI.
const noPython = missing('python3');

/**
 * Counts containerd's syscall entries in the kernel with the test's own program, printing the
 * running total every 100 ms (never cleared: a clear races the counting), so that the count
 * over any window, to 100 ms, is the difference of two prints.
 */
function independentCount(pid: number) {
  const ref = refCount(`tracepoint:raw_syscalls:sys_enter /pid == ${pid}/ { @n = count(); } interval:ms:100 { print(@n); }`);
  /** The running total as last printed at or before `t`. */
  const totalAt = (t: number) => Number(ref.prints.filter((p) => p.at <= t).at(-1)?.data['@n'] ?? 0);
  return {
    attached: ref.attached,
    stop: () => ref.stop(),
    /** Calls counted between two moments (Date.now()), to 100 ms. */
    between: (from: number, to: number) => totalAt(to) - totalAt(from),
    prints: ref.prints,
  };
}

describe.skipIf(skip)('ctrscope --probe syscall-count on the real containerd', () => {
  let load: ReturnType<typeof startLoad>;
  beforeAll(async () => {
    load = startLoad(0);
    await new Promise((r) => setTimeout(r, 1000));
  });
  afterAll(async () => {
    await load?.stop();
  });

  it("counts containerd and its shims within an independent count over its attach and detach, leaves no tracer", async () => {
    const cpid = containerdPid()!;
    const before = new Set((await runPgrep('containerd-shim-runc-v2')).map(Number));
    const ref = independentCount(cpid);
    await ref.attached;
    const run = startCli(['--probe', 'syscall-count', '--duration', '4s', '--json']);
    // Its bpftrace, from before its first probe attaches until its last lets go.
    const window = watchAttachWindow(run.child.pid!);
    const res = await run.done;
    const w = await window;
    await ref.stop();
    expect(res.stderr).not.toMatch(/internal error/);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ probe: 'syscall-count', backend: 'bpftrace' });
    expect(report.durationSeconds).toBeGreaterThan(3.5);
    expect(report.durationSeconds).toBeLessThan(6);

    // containerd's own calls against the independent reference, over the windows the kernel
    // showed: at least what it made while every probe was attached, at most what it made from the
    // first attach to the last detach (the reference prints every 100 ms: 150 ms of slack each side).
    // (Every containerd on the host is a default target; the host's own is the one compared.)
    const cd = report.processes.filter((p: { role: string; pid: number }) => p.role === 'containerd' && p.pid === cpid);
    expect(cd).toHaveLength(1);
    expect(ref.prints.length, 'reference prints').toBeGreaterThan(30);
    const inner = ref.between(w.inner[0] + 150, w.inner[1] - 150);
    const outer = ref.between(w.outer[0] - 150, w.outer[1] + 150);
    const says = `ctrscope ${cd[0].calls}, reference ${inner} over ${w.inner[1] - w.inner[0]} ms attached, ${outer} over ${w.outer[1] - w.outer[0]} ms attaching to detached`;
    console.log(says);
    expect(inner, says).toBeGreaterThan(0);
    expect(cd[0].calls, says).toBeGreaterThanOrEqual(inner);
    expect(cd[0].calls, says).toBeLessThanOrEqual(outer);

    // Shims that started during the run were followed.
    const shims = report.processes.filter((p: { role: string }) => p.role === 'shim');
    expect(shims.length).toBeGreaterThan(0);
    expect(shims.some((s: { pid: number }) => !before.has(s.pid))).toBe(true);

    // Table rows: names resolved, sorted by calls, totals consistent.
    expect(report.syscalls.length).toBeGreaterThan(5);
    for (const s of report.syscalls) {
      expect(s.syscall).toMatch(/^[a-z_0-9]+$/);
      expect(s.errors).toBeLessThanOrEqual(s.calls);
      expect(s.seconds).toBeGreaterThanOrEqual(0);
    }
    const calls = report.syscalls.map((s: { calls: number }) => s.calls);
    expect([...calls].sort((a, b) => b - a)).toEqual(calls);
    const sumProc = report.processes.reduce((a: number, p: { calls: number }) => a + p.calls, 0);
    expect(report.syscalls.reduce((a: number, s: { calls: number }) => a + s.calls, 0)).toBe(sumProc);
    expect(report.targets.some((t: { role: string; pid: number }) => t.role === 'containerd' && t.pid === cpid)).toBe(true);

    // Nothing of ours is left.
    expect(tracersOf(res.pid)).toEqual([]);
  });

  it('counts shims that start late in a long run (the kernel maps hold one second of keys, not the whole run)', async () => {
    // When each shim pid was first seen (shims live a fraction of a second: look often).
    const firstSeen = new Map<number, number>();
    const t0 = Date.now();
    const poll = setInterval(() => {
      const out = spawnSync('pgrep', ['-f', 'containerd-shim-runc-v2'], { encoding: 'utf8' }).stdout;
      for (const p of out.split('\n').filter(Boolean).map(Number)) if (!firstSeen.has(p)) firstSeen.set(p, Date.now() - t0);
    }, 50);
    const run = startCli(['--probe', 'syscall-count', '--duration', '9s', '--json']);
    const res = await run.done;
    clearInterval(poll);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    const shims = new Set(report.processes.filter((p: { role: string }) => p.role === 'shim').map((p: { pid: number }) => p.pid));
    const late = [...firstSeen].filter(([, t]) => t > 6000 && t < 8500).map(([p]) => p);
    expect(late.length, 'shims started in the last seconds of the run').toBeGreaterThan(3);
    // Nearly all of them are counted (one may have been caught by pgrep before it ran as a shim).
    expect(late.filter((p) => shims.has(p)).length).toBeGreaterThanOrEqual(late.length - 1);
  });

  it.skipIf(noPython)('counts exactly the getppid calls of a helper, over several prints', async () => {
    const n = 300;
    const h = burstHelper(n);
    await h.ready;
    const run = startCli(['--probe', 'syscall-count', '--duration', '5s', '--pid', String(h.child.pid), '--json']);
    await waitAttached(run.child.pid!);
    // Three bursts 0.7 s apart: the counts come in more than one print of the maps.
    for (let i = 0; i < 3; i++) {
      await h.burst();
      await new Promise((r) => setTimeout(r, 700));
    }
    const res = await run.done;
    h.child.kill();
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.syscalls.find((s: { syscall: string }) => s.syscall === 'getppid')?.calls).toBe(3 * n);
    expect(report.syscalls.find((s: { syscall: string }) => s.syscall === 'clock_nanosleep')?.calls).toBe(3 * n);
  });

  it.skipIf(noPython)('prints a slow call that is not a wait, with its duration, and keeps it as the max', async () => {
    const h = scriptHelper('slow-munmap.py');
    await h.ready;
    const run = startCli(['--probe', 'syscall-count', '--duration', '3s', '--pid', String(h.child.pid), '--json']);
    await waitAttached(run.child.pid!);
    await h.burst();
    const res = await run.done;
    h.child.kill();
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    const slow = report.slowCalls.filter((c: { syscall: string; pid: number }) => c.syscall === 'munmap' && c.pid === h.child.pid);
    expect(slow, JSON.stringify(report.slowCalls)).toHaveLength(1);
    expect(slow[0].seconds).toBeGreaterThan(0.01);
    const row = report.syscalls.find((s: { syscall: string }) => s.syscall === 'munmap');
    expect(row.maxSeconds).toBeCloseTo(slow[0].seconds, 6);
    expect(row.seconds).toBeGreaterThanOrEqual(slow[0].seconds);
  });

  it('prints a table sorted by calls in human mode', async () => {
    const run = startCli(['--probe', 'syscall-count', '--duration', '1s']);
    // Its tracer, seen while it runs: the check that none is left after then means something.
    const seen = waitFor(() => tracersOf(run.child.pid!).length > 0, 10_000, 10);
    // Work for containerd while it counts: on an idle host a second held 13 calls, too few for a table.
    const busy = setInterval(() => spawn('ctr', ['version'], { stdio: 'ignore' }), 100);
    const res = await run.done.finally(() => clearInterval(busy));
    expect(await seen, 'a tracer of this run was alive while it ran').toBe(true);
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    // Processes by role, busiest first: containerd among them (a busy shim may come first).
    expect(lines[0]).toMatch(/^syscall-count: [\d,]+ syscalls in [\d.]+ s from \d+ processes: (.+, )?containerd \d+/);
    const header = lines.findIndex((l) => l.startsWith('SYSCALL'));
    expect(lines[header]).toMatch(/SYSCALL\s+CALLS\s+ERRORS\s+SECONDS\s+AVG_US/);
    const counts = lines.slice(header + 1).filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[1]!.replace(/,/g, '')));
    expect(counts.length).toBeGreaterThan(3);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(tracersOf(res.pid)).toEqual([]);
  });
});

function runPgrep(pattern: string): Promise<string[]> {
  return new Promise((resolve) => {
    const c = spawn('pgrep', ['-f', pattern]);
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', () => resolve(out.split('\n').filter(Boolean)));
  });
}
