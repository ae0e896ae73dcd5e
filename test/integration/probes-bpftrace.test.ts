/**
 * The bpftrace probes on the real containerd under scripts/load.sh, each checked against an
 * independent measure taken around the same run: a separate bpftrace count, or /proc.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { REPO, startCli, tracersOf } from '../helpers/cli.js';
import { waitFor } from '../helpers/host.js';
import { refCount, relDiff, runProbe, sumValues, underLoad } from '../helpers/probe-run.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs', 'image');

/** Rates over a 2-3 s window under churny load: allow this much relative difference. */
const TOLERANCE = 0.35;

describe.skipIf(skip)('bpftrace probes on the real containerd', () => {
  const host = underLoad();

  it('every shipped .bt passes bpftrace\'s own checks (kfunc only where the kernel has it)', () => {
    const dir = `${REPO}probes`;
    const kfuncHere = /kfunc: yes/.test(spawnSync('bpftrace', ['--info'], { encoding: 'utf8' }).stderr + spawnSync('bpftrace', ['--info'], { encoding: 'utf8' }).stdout);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.bt'))) {
      const r = spawnSync('bpftrace', ['-d', `${dir}/${f}`, '1', 'containerd-shim'], { encoding: 'utf8', timeout: 60_000 });
      if (f.includes('kfunc') && !kfuncHere) expect(r.stderr, f).toMatch(/kfunc\/kretfunc not available/);
      else expect(r.status, `${f}: ${r.stderr.slice(-400)}`).toBe(0);
      // Each script documents itself like bpftrace's tools/*.bt.
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      const head = text.slice(0, text.indexOf('*/'));
      expect(head.length, `${f} has a header comment`).toBeGreaterThan(200);
      for (const section of ['USAGE:', 'OUTPUT:', 'FIELDS:', 'OVERHEAD:']) expect(head, `${f} ${section}`).toContain(section);
    }
  });

  it('vfs-latency falls back to syscall tracepoints here, says why, and counts what a separate count sees', async () => {
    const fam = 'read,tracepoint:syscalls:sys_exit_pread64,tracepoint:syscalls:sys_exit_readv,tracepoint:syscalls:sys_exit_write,tracepoint:syscalls:sys_exit_pwrite64,tracepoint:syscalls:sys_exit_writev';
    const ref = refCount(`tracepoint:syscalls:sys_exit_${fam} /pid == ${host.cd}/ { @n = count(); }`);
    await ref.attached;
    const { report } = await runProbe(['--probe', 'vfs-latency', '--duration', '2s']);
    const r = await ref.stop();
    const kprobesHere = readdirSync('/sys/bus/event_source/devices').includes('kprobe') || readdirSync('/sys/kernel/tracing').includes('kprobe_events');
    if (!kprobesHere) {
      expect(report.attachPoint).toMatch(/^tracepoint:syscalls:sys_\{enter,exit\}/);
      expect(report.skipped[0].attachPoint).toMatch(/^kprobe:vfs_read/);
      expect(report.skipped[0].why).toMatch(/kprobe/);
      expect(report.skipped[1].attachPoint).toMatch(/^kfunc:vfs_read/);
    } else expect(report.attachPoint).toMatch(/^kprobe:vfs_read/);
    expect(report.histograms.read.length).toBeGreaterThan(2);
    for (const b of [...report.histograms.read, ...report.histograms.write]) expect(b.high).toBeGreaterThanOrEqual(b.low);
    if (report.attachPoint.startsWith('tracepoint:')) {
      const mine = report.processes.find((p: any) => p.pid === host.cd)?.calls ?? 0;
      expect(relDiff(mine / report.durationSeconds, r.maps['@n'] / r.seconds)).toBeLessThan(TOLERANCE);
    }
    expect(report.stats.read.count).toBe(report.histograms.read.reduce((a: number, b: any) => a + b.count, 0));
  });

  it('file-opens sees the openat calls a separate count sees, with paths and failures', async () => {
    const ref = refCount(`tracepoint:syscalls:sys_exit_openat /pid == ${host.cd} || comm == "containerd-shim"/ { @n = count(); if (args->ret < 0) { @f = count(); } }`);
    await ref.attached;
    const { report } = await runProbe(['--probe', 'file-opens', '--duration', '2s']);
    const r = await ref.stop();
    expect(report.opens).toBeGreaterThan(10);
    expect(report.opens).toBeLessThanOrEqual(r.maps['@n']);
    expect(relDiff(report.opens / report.durationSeconds, r.maps['@n'] / r.seconds)).toBeLessThan(TOLERANCE);
    expect(report.failed).toBeGreaterThan(0);
    expect(relDiff(report.failed / report.durationSeconds, r.maps['@f'] / r.seconds)).toBeLessThan(TOLERANCE + 0.1);
    expect(report.rows.every((x: any) => typeof x.path === 'string' && /^O_/.test(x.flags))).toBe(true);
    expect(report.processes.some((p: any) => p.role === 'shim')).toBe(true);
  });

  it('process-exec counts the runc and shim executions a separate count sees', async () => {
    const ref = refCount('tracepoint:sched:sched_process_exec { @[str(args->filename)] = count(); }');
    await ref.attached;
    const { report } = await runProbe(['--probe', 'process-exec', '--duration', '2s']);
    const r = await ref.stop();
    const runcRef = r.maps['@']?.['/usr/sbin/runc'] ?? 0;
    const runc = report.programs.find((p: any) => p.program === '/usr/sbin/runc');
    expect(runcRef).toBeGreaterThan(0);
    expect(runc.count).toBeLessThanOrEqual(runcRef);
    expect(relDiff(runc.count / report.durationSeconds, runcRef / r.seconds)).toBeLessThan(TOLERANCE);
    expect(runc.byRole.shim).toBe(runc.count);
    const shim = report.programs.find((p: any) => p.program === '/usr/bin/containerd-shim-runc-v2');
    expect(shim.byRole.containerd).toBeGreaterThan(0);
    expect(report.processes.find((p: any) => p.pid === host.cd)?.forks).toBeGreaterThan(0);
  });

  it('cpu-profile: containerd\'s samples match its CPU time in /proc; folded stacks written', async () => {
    const out = `/tmp/ctrscope-test-${process.pid}.folded`;
    rmSync(out, { force: true });
    const cpu = () => {
      const s = readFileSync(`/proc/${host.cd}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
    };
    const t0 = Date.now();
    const c0 = cpu();
    const { report } = await runProbe(['--probe', 'cpu-profile', '--duration', '3s', '--output', out]);
    const refRate = (cpu() - c0) / ((Date.now() - t0) / 1000);
    const mine = report.stacks.filter((s: any) => s.stack.startsWith('containerd;')).reduce((a: number, s: any) => a + s.value, 0);
    // The stack map and the sample counter print one after the other at exit: a few samples apart.
    expect(report.total).toBeLessThanOrEqual(report.samples);
    expect(report.total).toBeGreaterThan(report.samples * 0.8);
    // 99 Hz sampling of a process using ~0.1-0.5 CPU: a few dozen samples, so a wide band.
    const rate = mine / 99 / report.durationSeconds;
    expect(rate).toBeGreaterThan(refRate * 0.4);
    expect(rate).toBeLessThan(refRate * 1.8 + 0.05);
    const folded = readFileSync(out, 'utf8').trim().split('\n');
    expect(folded.length).toBe(report.stacks.length);
    for (const l of folded) expect(l).toMatch(/^[^ ].* \d+$/);
    expect(folded.some((l) => l.includes('runtime.'))).toBe(true);
    rmSync(out, { force: true });
  });

  it('off-cpu: blocked time per stack, bounded by containerd\'s thread count', async () => {
    const threads = readdirSync(`/proc/${host.cd}/task`).length;
    const { report } = await runProbe(['--probe', 'off-cpu', '--duration', '2s']);
    const mine = report.stacks.filter((s: any) => s.stack.startsWith('containerd;')).reduce((a: number, s: any) => a + s.value, 0);
    expect(mine).toBeGreaterThan(0);
    // A thread can be blocked at most the whole time it was watched (+ a wait begun before).
    expect(mine / 1e9).toBeLessThan((threads + 2) * (report.durationSeconds + 0.5));
    expect(report.unit).toBe('ns');
    expect(report.total).toBe(sumValues(Object.fromEntries(report.stacks.map((s: any) => [s.stack, s.value]))));
    expect(report.stacks.some((s: any) => /futex|epoll/.test(s.stack))).toBe(true);
  });

  it('Ctrl-C ends a run early and still prints the result, leaving no tracer', async () => {
    const run = startCli(['--probe', 'file-opens', '--duration', '60s', '--json']);
    expect(await waitFor(() => tracersOf(run.child.pid!).length > 0, 15_000)).toBe(true);
    // Attached: the tracer holds its tracepoints' perf events (bpftrace opens one per probe).
    const perfEvents = (pid: number) => {
      try {
        return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:[perf_event]';
          } catch {
            return false;
          }
        }).length;
      } catch {
        return 0;
      }
    };
    expect(await waitFor(() => tracersOf(run.child.pid!).some((p) => perfEvents(p) >= 2), 30_000, 50)).toBe(true);
    // The scenario: a run interrupted after it has counted for about 1.5 s.
    const attachedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    const killedAt = Date.now();
    run.child.kill('SIGINT');
    const res = await run.done;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/interrupted: result covers the time until Ctrl-C/);
    const report = JSON.parse(res.stdout);
    expect(report.durationSeconds).toBeGreaterThan(0.5);
    expect(report.durationSeconds).toBeLessThan((killedAt - attachedAt) / 1000 + 2);
    expect(report.opens).toBeGreaterThan(0);
    expect(tracersOf(res.pid)).toEqual([]);
  });

  it('vfs-latency walks down the ladder at run time when a rung detection allowed fails to attach', async () => {
    // Make detection believe in kprobes (a kprobe PMU in a stand-in /sys): bpftrace then tries
    // kprobe:vfs_read for real, fails on a kernel without kprobes, and the run moves on.
    const fake = mkdtempSync('/tmp/ctrscope-sys-');
    for (const d of ['kprobe', 'software', 'tracepoint', 'uprobe']) mkdirSync(`${fake}/bus/event_source/devices/${d}`, { recursive: true });
    try {
      const kprobesHere = readdirSync('/sys/bus/event_source/devices').includes('kprobe');
      const { report, res } = await runProbe(['--probe', 'vfs-latency', '--duration', '2s'], { env: { CTRSCOPE_SYS: fake } });
      if (kprobesHere) {
        expect(report.attachPoint).toMatch(/^kprobe:/);
        return;
      }
      expect(report.attachPoint).toMatch(/^tracepoint:syscalls:/);
      const kprobe = report.skipped.find((s: any) => s.attachPoint.startsWith('kprobe:vfs_read'));
      // The reason is bpftrace's own error, not a detection guess.
      expect(kprobe.why).toMatch(/Error attaching probe|kprobe_events/);
      expect(res.stderr).toMatch(/kprobe:vfs_read,vfs_write did not attach .*; trying /);
      expect(report.stats.read.count).toBeGreaterThan(0);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});
