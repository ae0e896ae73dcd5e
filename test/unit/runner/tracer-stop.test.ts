/**
 * The stop ladder, against a fixture tracer that ignores SIGINT (and SIGTERM): SIGINT, SIGTERM
 * after graceMs, SIGKILL after termMs more, each signal sent once, also when stop() is called
 * twice or through ProbeTracer (whose own grace used to run before the runner's whole ladder).
 */
import { describe, expect, it } from 'vitest';
import { ProbeTracer, fixture, startTracer } from './runner-fixtures.js';

const GRACE = 1000;
const TERM = 1000;
// One rung's deadline plus scheduling slack on a busy 2-core host; a second ladder would add a whole GRACE.
const SLACK = 600;

describe('stop ladder', () => {
  it('a tracer that ignores SIGINT gets one SIGINT, then SIGTERM after graceMs', async () => {
    const s = startTracer({ label: 'ignores INT', argv: fixture('signals.mjs', 'INT'), graceMs: GRACE, termMs: TERM });
    await s.saw('ready');
    const t0 = Date.now();
    const exit = await s.tracer.stop();
    const took = Date.now() - t0;
    expect(exit.endedBy).toBe('SIGTERM');
    expect(exit.signal).toBe('SIGTERM');
    expect(s.stderr).toEqual(['got SIGINT']);
    expect(took).toBeGreaterThanOrEqual(GRACE);
    expect(took).toBeLessThan(GRACE + SLACK);
  });

  it('one that ignores SIGINT and SIGTERM is killed after graceMs + termMs, each signal sent once', async () => {
    const s = startTracer({ label: 'ignores INT TERM', argv: fixture('signals.mjs', 'INT', 'TERM'), graceMs: GRACE, termMs: TERM });
    await s.saw('ready');
    const t0 = Date.now();
    // Two callers stopping the same tracer share one ladder.
    const [a, b] = await Promise.all([s.tracer.stop(), s.tracer.stop()]);
    const took = Date.now() - t0;
    expect(b).toBe(a);
    expect(a.endedBy).toBe('SIGKILL');
    expect(a.signal).toBe('SIGKILL');
    expect(s.stderr).toEqual(['got SIGINT', 'got SIGTERM']);
    expect(took).toBeGreaterThanOrEqual(GRACE + TERM);
    expect(took).toBeLessThan(GRACE + TERM + SLACK);
  });

  it('a tracer that exits on SIGINT ends the ladder at once', async () => {
    const s = startTracer({ label: 'signals', argv: fixture('signals.mjs'), graceMs: GRACE, termMs: TERM });
    await s.saw('ready');
    const t0 = Date.now();
    const exit = await s.tracer.stop();
    expect(exit.endedBy).toBe('SIGINT');
    expect(exit.signal).toBe('SIGINT');
    expect(Date.now() - t0).toBeLessThan(SLACK);
    // Stopping an exited tracer answers its exit again.
    expect(await s.tracer.stop()).toBe(exit);
  });

  it('ProbeTracer.stop runs the ladder once: SIGTERM one grace after the only SIGINT', async () => {
    // ProbeTracer takes a strace as attached at this stderr line: the fixture prints it once its handlers are in.
    const attached = 'strace: Process 1 attached';
    const argv = fixture('signals.mjs', 'INT');
    const pt = new ProbeTracer({ backend: 'strace', attachPoint: 'test', skipped: [], parser: 'strace', stream: 'stderr', argv, env: { READY_STDERR: attached }, stopGraceMs: GRACE });
    pt.start();
    await pt.attached();
    const t0 = Date.now();
    await pt.stop();
    const took = Date.now() - t0;
    const exit = pt.tracer.exited!;
    expect(exit.signal).toBe('SIGTERM');
    expect(exit.stderrTail).toEqual([attached, 'got SIGINT']);
    expect(took).toBeGreaterThanOrEqual(GRACE);
    expect(took).toBeLessThan(GRACE + SLACK);
    expect(pt.endedByItself).toBe(false);
  });
});
