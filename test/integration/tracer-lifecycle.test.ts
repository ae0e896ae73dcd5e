/**
 * Fault tests for the runner against the real containerd: tracers die with ctrscope even on
 * SIGKILL, a stopped tracer is killed by the watchdog, and a stalled consumer never stalls
 * containerd (output is dropped and counted instead).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { containerdPid, missing } from '../helpers/prereq.js';
import { alive, timeContainerStarts, tracedThreadCount, waitFor } from '../helpers/host.js';
import { startCli, tracersOf } from '../helpers/cli.js';

const skip = missing('root', 'strace', 'bpftrace', 'perf', 'containerd', 'tracefs', 'image');
const HOLD = fileURLToPath(new URL('../bin/hold-tracer.mjs', import.meta.url));

interface Held {
  child: ChildProcess;
  events: Array<Record<string, unknown>>;
  tracerPid: Promise<number>;
  closed: Promise<void>;
}

function hold(opts: string[], argv: string[]): Held {
  const child = spawn(process.execPath, [HOLD, ...opts, '--', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  const events: Array<Record<string, unknown>> = [];
  let buf = '';
  let gotPid!: (n: number) => void;
  const tracerPid = new Promise<number>((r) => (gotPid = r));
  child.stdout!.on('data', (c) => {
    buf += c;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const e = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      events.push(e);
      if (e.event === 'spawned') gotPid(e.pid);
    }
  });
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  return { child, events, tracerPid, closed };
}

const started: Held[] = [];
afterEach(async () => {
  for (const h of started.splice(0)) {
    if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await h.closed;
  }
});

describe.skipIf(skip)('tracer lifecycle on the real containerd', () => {
  it('SIGKILL of the parent while strace is attached: strace gone and containerd untraced within 1 s', async () => {
    const cpid = containerdPid()!;
    // Nobody else may be tracing containerd when we start (ptrace allows one tracer).
    expect(await waitFor(() => tracedThreadCount(cpid) === 0, 10_000)).toBe(true);
    const untraced = timeContainerStarts(5);
    const h = hold([], ['strace', '-f', '-qq', '-o', '/dev/null', '-p', String(cpid)]);
    started.push(h);
    const spid = await h.tracerPid;
    expect(await waitFor(() => tracedThreadCount(cpid) > 0, 5000)).toBe(true);
    h.child.kill('SIGKILL');
    const t0 = Date.now();
    expect(await waitFor(() => !alive(spid) && tracedThreadCount(cpid) === 0, 1000, 10)).toBe(true);
    expect(Date.now() - t0).toBeLessThanOrEqual(1000);
    // Container starts are back to their untraced pace (strace -f costs several times that).
    const secs = timeContainerStarts(5);
    expect(secs).toBeLessThan(untraced * 2 + 0.5);
  });

  it.each([
    ['bpftrace', (pid: number) => ['bpftrace', '-e', `tracepoint:raw_syscalls:sys_enter /pid == ${pid}/ { @ = count(); }`]],
    ['perf', (pid: number) => ['perf', 'stat', '-e', 'context-switches', '-p', String(pid)]],
  ])('SIGKILL of the parent while %s runs: it is gone within 1 s', async (_name, argv) => {
    const h = hold([], argv(containerdPid()!));
    started.push(h);
    const tpid = await h.tracerPid;
    await new Promise((r) => setTimeout(r, 1500));
    expect(alive(tpid)).toBe(true);
    h.child.kill('SIGKILL');
    expect(await waitFor(() => !alive(tpid), 1000, 10)).toBe(true);
  });

  it('SIGKILL of ctrscope during a bpftrace probe leaves no tracer of its session', async () => {
    const run = startCli(['--probe', 'syscall-count', '--duration', '30s', '--json']);
    const pid = run.child.pid!;
    expect(await waitFor(() => tracersOf(pid).length > 0, 10_000)).toBe(true);
    run.child.kill('SIGKILL');
    await run.done;
    expect(await waitFor(() => tracersOf(pid).length === 0, 1000, 10)).toBe(true);
    // Nothing left in tracefs: no dynamic probe (kprobe/uprobe event) registered by bpftrace.
    for (const f of ['dynamic_events', 'uprobe_events', 'kprobe_events']) {
      const path = `/sys/kernel/tracing/${f}`;
      if (existsSync(path)) expect(readFileSync(path, 'utf8').split('\n').filter((l) => /bpftrace|ctrscope/.test(l))).toEqual([]);
    }
  });

  it('a tracer that does not attach in time is said, stopped at the limit, and the run fails in one line', async () => {
    // SIGSTOPped as soon as it exists (bpftrace takes a few hundred ms to load before it attaches),
    // with a limit of 1 s: under the watchdog's 2 s for a stopped tracer.
    const run = startCli(['--probe', 'syscall-count', '--duration', '5s', '--json'], { env: { CTRSCOPE_ATTACH_TIMEOUT_S: '1' } });
    const pid = run.child.pid!;
    let stopped = 0;
    expect(await waitFor(() => {
      const t = tracersOf(pid)[0];
      if (t === undefined) return false;
      process.kill(t, 'SIGSTOP');
      stopped = t;
      return true;
    }, 10_000, 2)).toBe(true);
    const res = await run.done;
    expect(res.code).toBe(8);
    expect(res.stderr).toMatch(new RegExp(`has not attached after 0.25 s \\(pid ${stopped}, state T`));
    expect(res.stderr).toMatch(new RegExp(`did not attach within 1 s \\(pid ${stopped}, state T`));
    expect(res.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(res.stdout).toBe('');
    expect(await waitFor(() => tracersOf(pid).length === 0, 1000, 10)).toBe(true);
  });

  it('a stopped strace is killed by the watchdog and containerd is released', async () => {
    const cpid = containerdPid()!;
    expect(await waitFor(() => tracedThreadCount(cpid) === 0, 10_000)).toBe(true);
    const h = hold(['--stopped-ms', '1000'], ['strace', '-f', '-qq', '-o', '/dev/null', '-p', String(cpid)]);
    started.push(h);
    const spid = await h.tracerPid;
    expect(await waitFor(() => tracedThreadCount(cpid) > 0, 5000)).toBe(true);
    process.kill(spid, 'SIGSTOP');
    const t0 = Date.now();
    await h.closed;
    const took = Date.now() - t0;
    expect(took).toBeLessThan(2500);
    const exit = h.events.find((e) => e.event === 'exit')!;
    expect(exit.endedBy).toBe('watchdog');
    expect(String(exit.watchdog)).toMatch(/was stopped for .* killed it/);
    expect(h.events.some((e) => e.event === 'watchdog')).toBe(true);
    expect(await waitFor(() => tracedThreadCount(cpid) === 0, 1000)).toBe(true);
  });

  it('a stalled consumer does not stall containerd: output is dropped and counted', async () => {
    const cpid = containerdPid()!;
    expect(await waitFor(() => tracedThreadCount(cpid) === 0, 10_000)).toBe(true);
    // The main thread busy-waits 10 s; strace writes its trace to stderr, drained like stdout (Node's stdio pipes are sockets: strace cannot reopen /dev/stdout).
    const h = hold(['--block-ms', '10000', '--max-inflight', '65536'], ['strace', '-f', '-qq', '-p', String(cpid)]);
    started.push(h);
    await h.tracerPid;
    expect(await waitFor(() => tracedThreadCount(cpid) > 0, 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    // While our main thread is stalled, containers still start: slowly (strace is attached and the
    // stalled thread burns a core) but long before the stall ends. A strace blocked on a full pipe
    // would hold containerd's threads until then (about 9 s from here).
    const secs = timeContainerStarts(2);
    expect(secs).toBeLessThan(6);
    expect(h.events.some((e) => e.event === 'unblocked')).toBe(false);
    await waitFor(() => h.events.some((e) => e.event === 'unblocked'), 12_000);
    await waitFor(() => h.events.some((e) => e.event === 'dropped'), 2000);
    h.child.kill('SIGTERM');
    await h.closed;
    const dropped = h.events.filter((e) => e.event === 'dropped').reduce((a, e) => a + Number(e.lines), 0);
    expect(dropped).toBeGreaterThan(0);
    const exit = h.events.find((e) => e.event === 'exit');
    expect(exit?.droppedLines).toBe(dropped);
    expect(tracedThreadCount(cpid)).toBe(0);
  });
});
