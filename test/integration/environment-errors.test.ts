/**
 * What a person sees when the host is not ready: one line, the fix, a distinct exit code.
 * Missing pieces are simulated without touching the host: another user, a PATH without the tool,
 * a private mount namespace without tracefs, a private pid namespace without containerd.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missing } from '../helpers/prereq.js';
import { CLI } from '../helpers/cli.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs');

function run(argv: string[], env: Record<string, string> = {}) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectLine(r: { code: number | null; stderr: string }, code: number, re: RegExp) {
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !/^ctrscope: (mounted|warning)/.test(l));
  expect(r.code).toBe(code);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(skip)('environment errors', () => {
  it('not root: exit 3 and how to fix it', () => {
    const r = run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, '--probe', 'syscall-count', '--duration', '1s']);
    expectLine(r, 3, /^ctrscope: --probe syscall-count needs root \(run it with sudo\)$/);
  });

  it('bpftrace missing: exit 4 naming the package', () => {
    const bin = mkdtempSync(join(tmpdir(), 'ctrscope-path-'));
    for (const tool of ['setpriv', 'sh', 'mount']) symlinkSync(`/usr/bin/${tool}`.replace('/usr/bin/sh', '/bin/sh'), join(bin, tool));
    const r = run([process.execPath, CLI, '--probe', 'syscall-count', '--duration', '1s'], { PATH: bin });
    expectLine(r, 4, /^ctrscope: bpftrace is not installed \(apt-get install bpftrace\)$/);
  });

  it('tracefs not mounted: as root ctrscope mounts it, says so, and runs', () => {
    // A private mount namespace: unmounting there leaves the host's mounts alone.
    const script = 'umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/tracing; umount /sys/kernel/debug; exec "$@"';
    const r = run(['unshare', '-m', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'sh', process.execPath, CLI, '--probe', 'syscall-count', '--duration', '1s', '--json']);
    expect(r.stderr).toMatch(/^ctrscope: mounted tracefs at \/sys\/kernel\/tracing/m);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).probe).toBe('syscall-count');
  });

  it('containerd not running: exit 6 and how to start it', () => {
    // A private pid namespace with its own /proc: no containerd in sight.
    const r = run(['unshare', '--pid', '--fork', '--mount-proc', process.execPath, CLI, '--probe', 'syscall-count', '--duration', '1s']);
    expectLine(r, 6, /^ctrscope: no containerd process is running on this host \(start containerd/);
  });
});
