/**
 * --assert on a real run: exit 0 when every assertion holds, 10 when one fails, each printed with
 * its measured value; a bad assertion refused in one line before any tracer starts.
 */
import { describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { startCli, tracersOf } from '../helpers/cli.js';
import { underLoad } from '../helpers/probe-run.js';

const skip = missing('root', 'bpftrace', 'containerd', 'tracefs', 'image');

/** Runs the CLI, noting whether any tracer of its session was ever alive. */
async function run(args: string[]) {
  const c = startCli(args);
  let tracers = 0;
  const t = setInterval(() => (tracers += tracersOf(c.child.pid!).length), 100);
  const res = await c.done;
  clearInterval(t);
  return { ...res, tracers };
}

describe.skipIf(skip)('--assert exit codes', () => {
  underLoad();

  it('exits 0 when all hold and 10 when one fails, printing each with its measured value', async () => {
    const ok = await run(['--probe', 'vfs-latency', '--duration', '2s', '--json', '--assert', 'read.count > 0', '--assert', 'read.p99 < 60s']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/ctrscope: assert read\.count > 0: ok, measured \d+/);
    expect(ok.stderr).toMatch(/ctrscope: assert read\.p99 < 60s: ok, measured [\d.]+ (ns|us|ms|s)\n/);
    const report = JSON.parse(ok.stdout);
    const bad = await run(['--probe', 'vfs-latency', '--duration', '2s', '--assert', 'read.p99 < 1ns', '--assert', 'write.count >= 0']);
    expect(bad.code, bad.stderr).toBe(10);
    expect(bad.stderr).toMatch(/ctrscope: assert read\.p99 < 1ns: FAILED, measured [\d.]+ (ns|us|ms|s)\n/);
    expect(bad.stderr).toMatch(/ctrscope: assert write\.count >= 0: ok/);
    expect(bad.stderr).toMatch(/ctrscope: 1 of 2 assertions failed\n$/);
    expect(report.stats.read.count).toBeGreaterThan(0);
  }, 120_000);

  it('container-start: exits 0 when its phases hold and 10 when one fails', async () => {
    const ok = await run(['--probe', 'container-start', '--count', '3', '--json', '--assert', 'started == 3', '--assert', 'phase.total.max < 60s', '--assert', 'phase.runc-init.p95 > 0s']);
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout);
    // The measured max is the longest start in the report's own starts[].
    const max = Math.max(...report.starts.map((s: { totalSeconds: number }) => s.totalSeconds));
    const m = /ctrscope: assert phase\.total\.max < 60s: ok, measured ([\d.]+) (ms|s)\n/.exec(ok.stderr);
    expect(m, ok.stderr).not.toBeNull();
    expect(Number(m![1]) * (m![2] === 'ms' ? 1e-3 : 1)).toBeCloseTo(max, 3);
    expect(ok.stderr).toMatch(/ctrscope: assert phase\.runc-init\.p95 > 0s: ok, measured [\d.]+ (us|ms|s)\n/);
    const bad = await run(['--probe', 'container-start', '--count', '2', '--assert', 'phase.shim-start.p95 < 1us', '--assert', 'started >= 1']);
    expect(bad.code, bad.stderr).toBe(10);
    expect(bad.stderr).toMatch(/ctrscope: assert phase\.shim-start\.p95 < 1us: FAILED, measured [\d.]+ (us|ms|s)\n/);
    expect(bad.stderr).toMatch(/ctrscope: 1 of 2 assertions failed\n$/);
  }, 180_000);

  it('refuses a bad assertion in one line, with no tracer started', async () => {
    for (const a of ['read.p99 < 5', 'read.p98 < 5ms', 'read.p99 <', 'read.p99 < 5kg']) {
      const r = await run(['--probe', 'vfs-latency', '--duration', '2s', '--assert', a]);
      expect(r.code, a).toBe(2);
      expect(r.stderr.trim().split('\n'), a).toHaveLength(1);
      expect(r.stderr, a).toContain(`--assert '${a}'`);
      expect(r.tracers, a).toBe(0);
    }
  }, 120_000);
});
