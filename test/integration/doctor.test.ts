/**
 * `ctrscope doctor` and `ctrscope probes` tell the truth about this host: each check is compared
 * with what actually happens when the feature is used (an attach attempt, a perf count, a socket).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { runCli } from '../helpers/cli.js';

const skip = missing('root', 'bpftrace', 'perf', 'containerd');

/** Does bpftrace attach this probe here? (exit() at once; exit code 0 only when it attached) */
function attaches(probe: string): boolean {
  const r = spawnSync('bpftrace', ['-e', `${probe} { exit(); } interval:s:1 { exit(); }`], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && !/ERROR/.test(r.stderr.replace(/.*RLIMIT_MEMLOCK.*\n?/g, ''));
}

describe.skipIf(skip)('doctor on this host', () => {
  it('each kernel check agrees with trying the feature', async () => {
    const res = await runCli(['doctor', '--json']);
    const { checks, ok } = JSON.parse(res.stdout);
    const by = (name: string) => checks.find((c: any) => c.name === name);
    expect(by('root').status).toBe('ok');
    expect(by('kprobes').status === 'ok').toBe(attaches('kprobe:vfs_read'));
    expect(by('kfunc').status === 'ok').toBe(attaches('kfunc:vfs_read'));
    expect(by('tracepoints').status === 'ok').toBe(attaches('tracepoint:syscalls:sys_enter_read'));
    const perf = spawnSync('perf', ['stat', '-x,', '-e', 'instructions', '--', 'true'], { encoding: 'utf8' });
    expect(by('hardware counters').status === 'ok').toBe(/^\d+,/m.test(perf.stderr));
    const mounts = readFileSync('/proc/self/mounts', 'utf8');
    expect(by('tracefs').status === 'ok').toBe(/ \/sys\/kernel(\/debug)?\/tracing tracefs /.test(mounts));
    expect(by('BTF').status === 'ok').toBe((() => { try { return statSync('/sys/kernel/btf/vmlinux').size > 0; } catch { return false; } })());
    const ctr = spawnSync('ctr', ['version'], { encoding: 'utf8', timeout: 10_000 });
    expect(by('containerd socket').status === 'ok').toBe(ctr.status === 0);
    for (const t of ['bpftrace', 'perf', 'strace']) {
      const v = spawnSync(t, [t === 'strace' ? '-V' : '--version'], { encoding: 'utf8' });
      expect(by(t).detail).toContain(/(\d+\.\d+)/.exec(v.stdout + v.stderr)![1]);
    }
    // A check that is not ok says how to fix it or what ctrscope does instead.
    for (const c of checks) if (c.status !== 'ok') expect(c.fix ?? c.detail, c.name).toMatch(/\S/);
    expect(res.code === 0).toBe(ok);
    expect(ok).toBe(!checks.some((c: any) => c.status === 'fail'));
  });

  it('prints one line per check, ok or WARN/FAIL with the fix', async () => {
    const res = await runCli(['doctor']);
    const lines = res.stdout.split('\n');
    for (const name of ['root', 'bpftrace', 'tracefs', 'kprobes', 'kfunc', 'tracepoints', 'uprobes', 'BTF', 'hardware counters', 'perf_event_paranoid', 'lockdown', 'containerd socket', 'debug socket', 'metrics address']) {
      expect(lines.some((l) => new RegExp(`^(ok  |WARN|FAIL)  ${name} `).test(l)), name).toBe(true);
    }
  });

  it('probes lists the attach point doctor implies for vfs-latency', async () => {
    const doctor = JSON.parse((await runCli(['doctor', '--json'])).stdout);
    const list = JSON.parse((await runCli(['probes', '--json'])).stdout).probes;
    const vfs = list.find((p: any) => p.probe === 'vfs-latency');
    const kprobes = doctor.checks.find((c: any) => c.name === 'kprobes').status === 'ok';
    const kfunc = doctor.checks.find((c: any) => c.name === 'kfunc').status === 'ok';
    expect(vfs.attachPoint).toMatch(kprobes ? /^kprobe:/ : kfunc ? /^kfunc:/ : /^tracepoint:syscalls:/);
    expect(vfs.skipped.length).toBe(kprobes ? 0 : kfunc ? 1 : 2);
    for (const name of ['syscall-count', 'syscall-trace', 'file-opens', 'process-exec', 'sched', 'cpu-profile', 'off-cpu']) expect(list.some((p: any) => p.probe === name), name).toBe(true);
    expect(list.find((p: any) => p.probe === 'syscall-trace').inKernel).toBe(false);
  });
});
