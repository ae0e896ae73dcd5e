/**
 * Target flags on probes: --container follows the processes a container starts (bpftrace, by its
 * cgroup id) or attaches to its processes (perf); --comm selects by command name.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { runProbe } from '../helpers/probe-run.js';

const skip = missing('root', 'bpftrace', 'perf', 'containerd', 'tracefs', 'image');
const ID = `ctrscope-targets-${process.pid}`;
const ctr = (...a: string[]) => spawnSync('ctr', ['-n', 'ctrscope', ...a], { encoding: 'utf8', timeout: 30_000 });
/** The container's loop: a new `cat` (which fails: the image has no /etc/hostname) every 0.2 s. */
const LOOP = 'while true; do cat /etc/hostname 2>/dev/null; sleep 0.2; done';

describe.skipIf(skip)('target flags', () => {
  beforeAll(() => {
    const r = ctr('run', '-d', 'docker.io/library/busybox:latest', ID, 'sh', '-c', LOOP);
    expect(r.status, r.stderr).toBe(0);
  });
  afterAll(() => {
    ctr('tasks', 'kill', '-s', 'KILL', ID);
    for (let i = 0; i < 20 && ctr('tasks', 'delete', ID).status !== 0; i++) spawnSync('sleep', ['0.2']);
    ctr('containers', 'delete', ID);
  });

  it('file-opens --container sees the opens of processes the container starts later', async () => {
    const { report } = await runProbe(['--probe', 'file-opens', '--container', ID, '--duration', '2s']);
    const hostname = report.failures.find((f: any) => f.path === '/etc/hostname' && f.errno === 'ENOENT');
    // One failed open per loop turn: about 5 a second (sleep 0.2 plus the fork/exec of cat).
    expect(hostname.count).toBeGreaterThanOrEqual(Math.floor(report.durationSeconds * 2.5));
    expect(hostname.count).toBeLessThanOrEqual(Math.ceil(report.durationSeconds * 5) + 1);
    expect(hostname.pids.length).toBe(hostname.count); // a new cat each time
    expect(report.processes.every((p: any) => p.role === 'container')).toBe(true);
    expect(report.processes.some((p: any) => p.comm === 'containerd')).toBe(false);
  });

  it('process-exec --container counts a cat and a sleep per loop turn', async () => {
    const { report } = await runProbe(['--probe', 'process-exec', '--container', ID, '--duration', '2s']);
    // busybox's sh runs its applets by executing itself: /proc/self/exe.
    const execs = report.programs.filter((p: any) => /\/cat$|busybox$|\/proc\/self\/exe$/.test(p.program)).reduce((a: number, p: any) => a + p.count, 0);
    expect(execs).toBeGreaterThanOrEqual(Math.floor(report.durationSeconds * 2.5) * 2);
    // Each fork execs once; a fork just before attach (or an exec just after stop) moves one either way.
    expect(Math.abs(execs - report.forks)).toBeLessThanOrEqual(2);
    expect(report.processes.every((p: any) => p.role === 'container')).toBe(true);
  });

  it('sched --container counts the container\'s shell', async () => {
    const { report } = await runProbe(['--probe', 'sched', '--container', ID, '--duration', '2s']);
    const sh = report.perTarget.find((t: any) => t.comm === 'sh');
    expect(sh.role).toBe('container');
    // The shell waits for each cat and sleep: at least one switch per turn.
    expect(sh.counters['context-switches']).toBeGreaterThanOrEqual(Math.floor(report.durationSeconds * 2.5));
  });

  it('syscall-count --comm sleep counts only processes of that name', async () => {
    const { report } = await runProbe(['--probe', 'syscall-count', '--comm', 'sleep', '--duration', '2s']);
    expect(report.processes.length).toBeGreaterThan(0);
    expect(report.processes.every((p: any) => p.comm === 'sleep')).toBe(true);
    expect(report.syscalls.some((s: any) => /nanosleep/.test(s.syscall))).toBe(true);
  });
});
