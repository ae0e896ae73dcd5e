/**
 * Fault test: a tracer killed with SIGKILL in the middle of a live session. The session says so
 * and carries on with the other probes; it still ends cleanly, leaving nothing behind.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { missing } from '../helpers/prereq.js';
import { startCli, tracersOf } from '../helpers/cli.js';
import { waitFor } from '../helpers/host.js';

const skip = missing('root', 'bpftrace', 'perf', 'containerd', 'tracefs');

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

describe.skipIf(skip)('a tracer killed mid-session', () => {
  it('is reported, and the rest of the live session goes on', async () => {
    const run = startCli([]); // the live view; stdout is a pipe, so it prints plain snapshots
    const pid = run.child.pid!;
    let out = '';
    run.child.stdout!.on('data', (c) => (out += c));
    const syscallTracer = () => tracersOf(pid).find((p) => cmdline(p).includes('raw_syscalls'));
    expect(await waitFor(() => syscallTracer() !== undefined && out.includes('● live-kernel'), 20_000, 100)).toBe(true);
    const victim = syscallTracer()!;
    process.kill(victim, 'SIGKILL');
    const killedAt = out.length;
    // Two more snapshots after the kill: the failure shown, the other probes still running.
    expect(await waitFor(() => (out.slice(killedAt).match(/--- ctrscope live/g) ?? []).length >= 2, 10_000, 100)).toBe(true);
    const after = out.slice(out.lastIndexOf('--- ctrscope live'));
    expect(after).toMatch(/✗ live-kernel failed/);
    expect(after).toMatch(/● live-stacks bpftrace/);
    expect(after).toMatch(/● sched /);
    expect(tracersOf(pid).length).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const res = await run.done;
    expect(res.code).toBe(0);
    expect(await waitFor(() => tracersOf(pid).length === 0, 2000)).toBe(true);
  });
});
