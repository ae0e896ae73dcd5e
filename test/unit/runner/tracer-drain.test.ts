/**
 * The one drain thread and the watchdog, with fixture tracers: a flood while the main thread is
 * blocked (dropped and counted, the writer never stalls), several tracers sharing one thread,
 * spawn failures, and tracers that stop or never print, killed by the watchdog.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { drainThreads, fixture, startTracer } from './runner-fixtures.js';

const SLACK = 1000; // the watchdog looks every 250 ms; plus scheduling on a busy host

describe('watchdog', () => {
  it('kills a tracer that prints nothing past its silence deadline', async () => {
    const s = startTracer({ label: 'quiet', argv: ['sleep', '30'], silenceDeadlineMs: 600 });
    const t0 = Date.now();
    const exit = await s.exit;
    const took = Date.now() - t0;
    expect(exit.endedBy).toBe('watchdog');
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.watchdog).toMatch(/^quiet \(pid \d+\) printed nothing for .* killed it/);
    expect(s.watchdog).toEqual([exit.watchdog]);
    expect(took).toBeGreaterThanOrEqual(600);
    expect(took).toBeLessThan(600 + SLACK);
  });

  it('kills a stopped (SIGSTOP) tracer after its stopped deadline', async () => {
    const s = startTracer({ label: 'stopped', argv: ['sleep', '30'], stoppedDeadlineMs: 500 });
    const pid = (await s.tracer.whenSpawned())!;
    expect(pid).toBe(s.tracer.pid);
    process.kill(pid, 'SIGSTOP');
    const t0 = Date.now();
    const exit = await s.exit;
    const took = Date.now() - t0;
    expect(exit.endedBy).toBe('watchdog');
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.watchdog).toMatch(new RegExp(`^stopped \\(pid ${pid}\\) was stopped for .* killed it`));
    expect(s.watchdog).toEqual([exit.watchdog]);
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(500 + SLACK);
  });
});

describe('spawn failures', () => {
  it('a missing tool: the guard cannot exec it, exit 127 with the reason in stderr', async () => {
    const s = startTracer({ label: 'missing', argv: ['ctrscope-no-such-tool'] });
    const exit = await s.exit;
    expect(exit.code).toBe(127);
    expect(exit.endedBy).toBe('self');
    expect(exit.stderrTail.join('\n')).toMatch(/ctrscope-no-such-tool: not found/);
  });

  it('setpriv itself not found: whenSpawned gives undefined, the error is in stderrTail', async () => {
    const s = startTracer({ label: 'no setpriv', argv: ['sleep', '30'], env: { PATH: '/nonexistent' } });
    expect(await s.tracer.whenSpawned()).toBeUndefined();
    const exit = await s.exit;
    expect(exit.code).toBeNull();
    expect(exit.signal).toBeNull();
    expect(exit.stderrTail.join('\n')).toMatch(/ENOENT/);
    expect(s.tracer.pid).toBeUndefined();
    expect(drainThreads()).toBe(0);
  });
});

describe('one drain thread', () => {
  it('a flood while the main thread is blocked: dropped and counted, and the writer never waits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrscope-flood-'));
    const report = join(dir, 'report.json');
    try {
      const budget = 256 << 10;
      const s = startTracer({ label: 'flood', argv: fixture('flood.mjs', '1500', report), maxInflightBytes: budget });
      await s.tracer.whenSpawned();
      // A stalled consumer: the main thread busy-waits longer than the fixture runs.
      const end = Date.now() + 4500;
      while (Date.now() < end) {
        // blocked
      }
      const unblockedAt = Date.now();
      const exit = await s.exit;
      const wrote = JSON.parse(readFileSync(report, 'utf8')) as { bytes: number; lines: number; maxWriteMs: number; endedAt: number };
      expect(exit.code).toBe(0);
      // The fixture wrote far more than the budget and was done before the main thread read anything.
      expect(wrote.bytes).toBeGreaterThan(32 * budget);
      expect(wrote.endedAt).toBeLessThan(unblockedAt);
      expect(wrote.maxWriteMs).toBeLessThan(500);
      // Everything written was either handed over as whole lines or dropped and counted.
      expect(exit.droppedLines).toBeGreaterThan(0);
      expect(s.stdout.length).toBeGreaterThan(0);
      expect(s.stdout.filter((l) => l.length !== 1023)).toEqual([]);
      expect(s.stdout.length + exit.droppedLines).toBe(wrote.lines);
      expect(s.stdout.length * 1024 + exit.droppedBytes).toBe(wrote.bytes);
      expect(s.dropped).toEqual({ bytes: exit.droppedBytes, lines: exit.droppedLines });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a line longer than the whole budget is dropped as one line, and the next lines still come', async () => {
    // 300000 x's and a newline, then "ok" (fixed program text, the length as an argument).
    const argv = ['sh', '-c', 'head -c "$1" /dev/zero | tr "\\0" x; echo; echo ok', 'sh', '300000'];
    const s = startTracer({ label: 'long line', argv, maxInflightBytes: 64 << 10 });
    const exit = await s.exit;
    expect(exit.code).toBe(0);
    expect(s.stdout).toEqual(['ok']);
    expect([exit.droppedLines, exit.droppedBytes]).toEqual([1, 300_001]);
  });

  it('eight tracers at once: one thread for all, each gets its own output, the thread ends with the last', async () => {
    const chunks = new Map<number, string>();
    // Each prints its own line, then stays until stopped (fixed program text, the value as an argument).
    const argv = (i: number) => ['sh', '-c', 'echo "tracer-$1"; exec sleep 30', 'sh', String(i)];
    const started = Array.from({ length: 8 }, (_, i) =>
      startTracer({ label: `echo ${i}`, argv: argv(i) }, i % 2 ? { onStdoutChunk: (t) => chunks.set(i, (chunks.get(i) ?? '') + t) } : {}),
    );
    const pids = await Promise.all(started.map((s) => s.tracer.whenSpawned()));
    expect(new Set(pids).size).toBe(8);
    await Promise.all(started.map((s, i) => s.saw(`tracer-${i}`)));
    expect(drainThreads()).toBe(1);
    expect(started.map((s) => s.stdout)).toEqual(started.map((_, i) => [`tracer-${i}`]));
    expect([...chunks].sort(([a], [b]) => a - b)).toEqual([1, 3, 5, 7].map((i) => [i, `tracer-${i}\n`]));
    const exits = await Promise.all(started.map((s) => s.tracer.stop()));
    expect(exits.map((x) => [x.endedBy, x.signal])).toEqual(Array(8).fill(['SIGINT', 'SIGINT']));
    expect(drainThreads()).toBe(0);
  });

  it('in a fresh process, 8 tracers add at most 2 threads, and the process exits once they are stopped', async () => {
    const t0 = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, fixture('many-tracers.mjs', '8').slice(1), { timeout: 20_000 });
    const r = JSON.parse(stdout) as { before: { threads: number }; running: { threads: number }; pids: number[] };
    expect(r.pids.filter((p) => p > 0)).toHaveLength(8);
    expect(r.running.threads - r.before.threads).toBeGreaterThanOrEqual(1);
    expect(r.running.threads - r.before.threads).toBeLessThanOrEqual(2);
    // sleep ends at SIGINT; the process left on its own, well before the tracers' 60 s.
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

describe('read on the main thread', () => {
  it('gives the same lines and chunks, starts no drain thread, and stops by the same ladder', async () => {
    const chunks: string[] = [];
    // Three lines, then it stays until stopped (fixed program text).
    const argv = ['sh', '-c', 'printf "a\\nb\\n"; printf "c\\n" >&2; exec sleep 30'];
    const s = startTracer({ label: 'here', argv, readOn: 'main' }, { onStdoutChunk: (t) => chunks.push(t) });
    expect(await s.tracer.whenSpawned()).toBeGreaterThan(0);
    await s.saw('b');
    expect(drainThreads()).toBe(0);
    const exit = await s.tracer.stop();
    expect([exit.endedBy, exit.signal]).toEqual(['SIGINT', 'SIGINT']);
    expect(s.stdout).toEqual(['a', 'b']);
    expect(chunks.join('')).toBe('a\nb\n');
    expect(s.stderr).toEqual(['c']);
  });

  it('a tracer that cannot start ends with the reason at once', async () => {
    const s = startTracer({ label: 'missing', argv: ['/nonexistent/tracer'], readOn: 'main' });
    const exit = await s.exit;
    expect(exit.code).not.toBe(0);
    expect(drainThreads()).toBe(0);
  });

  it('ProbeTracer reads a bpftrace on the main thread when asked, a strace never', async () => {
    const { ProbeTracer } = await import('./runner-fixtures.js');
    const sh = ['sh', '-c', 'echo "strace: Process 1 attached"; exec sleep 30'];
    const strace = new ProbeTracer({ backend: 'strace', attachPoint: 'ptrace', skipped: [], parser: 'strace', stream: 'stderr', argv: sh }, { readOnMain: true });
    strace.start();
    await strace.tracer.whenSpawned();
    expect(drainThreads()).toBe(1);
    await strace.stop();
    const bt = new ProbeTracer({ backend: 'bpftrace', attachPoint: 'a', skipped: [], parser: 'bpftrace-json', argv: ['sleep', '30'] }, { readOnMain: true, confirmAttach: null });
    bt.start();
    await bt.tracer.whenSpawned();
    expect(drainThreads()).toBe(0);
    await bt.stop();
  });
});
