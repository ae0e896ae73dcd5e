/**
 * sched (perf stat) and the strace probes, on the real containerd under load and on a helper
 * process whose syscalls and context switches the test knows exactly (test/bin/syscall-burst.py).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants as fsc, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { burstHelper, scriptHelper } from '../helpers/burst.js';
import { REPO, startCli, tracersOf } from '../helpers/cli.js';
import { tracedThreadCount, waitFor } from '../helpers/host.js';
import { waitAttached } from '../helpers/attach.js';
import { refCount, relDiff, runProbe, underLoad } from '../helpers/probe-run.js';

const skip = missing('root', 'bpftrace', 'perf', 'strace', 'containerd', 'tracefs', 'image');
// The exact-count cases drive a python helper (test/bin/): a missing python3 skips with a reason, or fails under CI.
const noPython = missing('python3');

const STUCK = /strace did not finish detaching within [\d.]+ s of being stopped and was killed/;
const tracerPidOf = (pid: number) => Number(/^TracerPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

describe.skipIf(skip)('sched and the strace probes', () => {
  const host = underLoad();

  it('sched: containerd\'s context switches match a separate sched_switch count; cache events are null, not 0, without a PMU', async () => {
    const ref = refCount(`tracepoint:sched:sched_switch /pid == ${host.cd}/ { @cs = count(); }`);
    await ref.attached;
    const { report } = await runProbe(['--probe', 'sched', '--duration', '2s']);
    const r = await ref.stop();
    const mine = report.perTarget.find((t: any) => t.pid === host.cd);
    expect(mine.role).toBe('containerd');
    expect(relDiff(mine.counters['context-switches'] / report.durationSeconds, r.maps['@cs'] / r.seconds)).toBeLessThan(0.3);
    // Independent of our detection: does perf itself count a hardware event here?
    const hw = spawnSync('perf', ['stat', '-x,', '-e', 'instructions', '--', 'true'], { encoding: 'utf8' });
    if (/<not supported>/.test(hw.stderr)) {
      expect(report.counters['cache-misses']).toBeNull();
      expect(report.counters['cache-references']).toBeNull();
      expect(report.unsupported).toEqual(['cache-misses', 'cache-references']);
    } else expect(typeof report.counters['cache-misses']).toBe('number');
    for (const k of ['context-switches', 'cpu-migrations', 'page-faults']) expect(typeof report.counters[k]).toBe('number');
  });

  it.skipIf(noPython)('sched: a helper that sleeps N times shows N context switches', async () => {
    const n = 300;
    const h = burstHelper(n);
    await h.ready;
    const run = startCli(['--probe', 'sched', '--duration', '3s', '--pid', String(h.child.pid), '--json']);
    // perf counts from when its counters are open: wait for them.
    await waitAttached(run.child.pid!);
    await h.burst();
    const res = await run.done;
    h.child.kill();
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    const cs = report.perTarget[0].counters['context-switches'];
    expect(cs).toBeGreaterThanOrEqual(n);
    expect(cs).toBeLessThan(n + 60);
    expect(tracersOf(res.pid)).toEqual([]);
  });

  it.skipIf(noPython)('syscall-count --backend strace counts exactly the getppid calls a helper made, after a cost warning', async () => {
    const n = 250;
    const h = burstHelper(n);
    await h.ready;
    const run = startCli(['--probe', 'syscall-count', '--backend', 'strace', '--duration', '3s', '--pid', String(h.child.pid), '--json']);
    expect(await waitFor(() => tracerPidOf(h.child.pid!) !== 0, 10_000)).toBe(true);
    await h.burst();
    const res = await run.done;
    expect(res.code, res.stderr).toBe(0);
    expect(tracerPidOf(h.child.pid!)).toBe(0);
    h.child.kill();
    expect(res.stderr.split('\n')[0]).toMatch(/^ctrscope: warning: strace stops every traced thread/);
    const report = JSON.parse(res.stdout);
    expect(report.backend).toBe('strace');
    expect(report.syscalls.find((s: any) => s.syscall === 'getppid')?.calls).toBe(n);
    expect(report.syscalls.find((s: any) => s.syscall === 'clock_nanosleep')?.calls).toBe(n);
    expect(tracersOf(res.pid)).toEqual([]);
  });

  it.skipIf(noPython)('syscall-trace --syscalls getppid shows exactly those calls, with arguments and times', async () => {
    const n = 120;
    const h = burstHelper(n);
    await h.ready;
    const run = startCli(['--probe', 'syscall-trace', '--syscalls', 'getppid', '--duration', '3s', '--pid', String(h.child.pid), '--json']);
    expect(await waitFor(() => tracerPidOf(h.child.pid!) !== 0, 10_000)).toBe(true);
    await h.burst();
    const res = await run.done;
    h.child.kill();
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.syscalls).toEqual([expect.objectContaining({ syscall: 'getppid', calls: n, errors: 0 })]);
    expect(report.slowest.length).toBeGreaterThan(0);
    for (const c of report.slowest) {
      expect(c.syscall).toBe('getppid');
      expect(c.time).toMatch(/^\d\d:\d\d:\d\d\.\d{6}$/);
      expect(c.seconds).toBeGreaterThanOrEqual(0);
    }
    expect(tracersOf(res.pid)).toEqual([]);
  });

  it('the strace probes run on containerd under load and leave no thread traced', async () => {
    const { report, res } = await runProbe(['--probe', 'syscall-trace', '--syscalls', 'futex,epoll_pwait,openat', '--duration', '2s']);
    expect(res.stderr).toMatch(/warning: strace stops every traced thread/);
    expect(report.syscalls.length).toBeGreaterThan(0);
    for (const s of report.syscalls) expect(['futex', 'epoll_pwait', 'openat']).toContain(s.syscall);
    expect(report.threads).toBeGreaterThan(5);
    expect(tracedThreadCount(host.cd)).toBe(0);
    // strace -f takes a while to attach to every thread of containerd and its shims under load: a
    // run stopped while it still attaches prints an empty table (seen once in CI with 2 s).
    // Under the start loop about 1 stop in 30 finds strace stuck detaching (a runc in vfork, next
    // test): that run fails with exit 8 and says so, and is run once more; a second is a failure.
    const args = ['--probe', 'syscall-count', '--backend', 'strace', '--duration', '4s', '--json'];
    let c = await startCli(args).done;
    if (c.code === 8 && STUCK.test(c.stderr)) c = await startCli(args).done;
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout).syscalls.map((s: any) => s.syscall)).toEqual(expect.arrayContaining(['futex', 'epoll_pwait']));
    expect(tracedThreadCount(host.cd)).toBe(0);
    expect(tracersOf(c.pid)).toEqual([]);
  });

  it.skipIf(noPython)('strace stuck detaching from a process in vfork: killed within the grace, exit 8 saying the table is lost, nothing left traced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrscope-vfork-'));
    const fifo = join(dir, 'hold');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const h = scriptHelper('vfork-hold.py', [fifo]);
    try {
      await h.ready;
      const run = startCli(['--probe', 'syscall-count', '--backend', 'strace', '--pid', String(h.child.pid), '--duration', '2s', '--json']);
      expect(await waitFor(() => tracerPidOf(h.child.pid!) !== 0, 10_000)).toBe(true);
      h.child.kill('SIGUSR1');
      // The helper now waits in vfork for a child that blocks opening the FIFO.
      expect(await waitFor(() => /^State:\s*D/m.test(readFileSync(`/proc/${h.child.pid}/status`, 'utf8')), 5000)).toBe(true);
      const t0 = Date.now();
      const res = await run.done;
      const stopMs = Date.now() - t0;
      expect(res.code, res.stderr).toBe(8);
      const lines = res.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(STUCK);
      expect(lines.at(-1)).toMatch(/SIGKILL/);
      expect(res.stdout).toBe('');
      expect(tracerPidOf(h.child.pid!)).toBe(0);
      expect(tracersOf(res.pid)).toEqual([]);
      // Duration left ~2 s; then 1.5 s after SIGINT and 2 s after SIGTERM (strace's default 4 s grace took 6 s).
      expect(stopMs).toBeLessThan(9000);
    } finally {
      // Let the child open the FIFO and run on (no reader yet, as when the test failed early: ENXIO).
      try {
        closeSync(openSync(fifo, fsc.O_WRONLY | fsc.O_NONBLOCK));
      } catch {
        // nothing blocked on it
      }
      h.child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses --syscalls names that are not syscalls, before tracing', async () => {
    const run = startCli(['--probe', 'syscall-trace', '--syscalls', 'read,$(id)', '--duration', '1s']);
    // Looked for all the while it runs, not only after it is gone.
    const started: number[] = [];
    const poll = setInterval(() => started.push(...tracersOf(run.child.pid!)), 5);
    const res = await run.done;
    clearInterval(poll);
    expect(started, 'no tracer started').toEqual([]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^ctrscope: --syscalls: .* is not a syscall/);
    expect(tracersOf(res.pid)).toEqual([]);
  });
});
