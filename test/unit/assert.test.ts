/**
 * --assert: the grammar, the binding to a probe's fields (what is refused, with which line), and
 * evaluation against reports made by the real summaries from recorded probe output
 * (fixtures/probes/, see its README).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseAssertion } from '../../src/assert/grammar.js';
import { bindAssertions, evaluate } from '../../src/assert/check.js';
import { ASSERTABLE } from '../../src/assert/catalog.js';
import { formatValue, toBase } from '../../src/assert/fields.js';
import { CtrscopeError, ExitCode } from '../../src/errors.js';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { vfsLatencySummary } from '../../src/summaries/vfs-latency.js';
import { syscallCountSummary } from '../../src/summaries/syscall-count.js';
import type { Summary } from '../../src/summaries/types.js';
import { PROBES } from '../../probes/index.js';
import { SYSCALL_DELTA_MAPS } from '../../probes/syscall-count.js';
import type { DeltaMap } from '../../parsers/bpftrace-json.js';
import { NATIVE_PROBES } from '../../src/native/index.js';

const host = { containerd: [{ pid: 3026, comm: 'containerd', role: 'containerd' as const }], shims: [], containers: [] };

/** A --json report as the one-shot run builds it, from a recorded capture. */
function reportOf(summary: Summary<any>, fixture: string, deltaMaps?: Record<string, DeltaMap>) {
  const p = new BpftraceJsonParser(undefined, { deltaMaps });
  for (const l of gunzipSync(readFileSync(new URL(`../../fixtures/probes/${fixture}.jsonl.gz`, import.meta.url))).toString('utf8').split('\n')) p.line(l);
  const { fields, targets } = summary.fields({ bpftrace: p.result(), host, targets: host.containerd });
  return { probe: 'x', backend: 'bpftrace', attachPoint: 'tp', skipped: [], durationSeconds: 3, targets, ...fields };
}

function refusal(probe: string, exprs: string[]): string {
  try {
    bindAssertions(probe, exprs);
  } catch (e) {
    expect(e).toBeInstanceOf(CtrscopeError);
    expect((e as CtrscopeError).exitCode).toBe(ExitCode.usage);
    return (e as CtrscopeError).line();
  }
  throw new Error(`not refused: ${exprs.join(' ; ')}`);
}

describe('assertion grammar', () => {
  it('parses a path, an operator and a value with its unit', () => {
    expect(parseAssertion(' read.p99 <= 5ms ')).toEqual({ ok: true, assertion: { text: 'read.p99 <= 5ms', path: ['read', 'p99'], op: '<=', value: 5, unit: 'ms' } });
    expect(parseAssertion('syscall.epoll_pwait.calls>=1.5')).toMatchObject({ ok: true, assertion: { path: ['syscall', 'epoll_pwait', 'calls'], op: '>=', value: 1.5, unit: null } });
    expect(parseAssertion('errors.percent != 2 %')).toMatchObject({ ok: true, assertion: { op: '!=', value: 2, unit: '%' } });
    expect(parseAssertion('calls.rate == 100/s')).toMatchObject({ ok: true, assertion: { op: '==', value: 100, unit: '/s' } });
    expect(parseAssertion('phase.shim-start.p99 > 0.25s')).toMatchObject({ ok: true, assertion: { path: ['phase', 'shim-start', 'p99'], unit: 's' } });
  });

  it.each([
    ['', 'empty assertion'],
    ['read.p99', 'expected one of < <= > >= == != after the field, found the end'],
    ['read.p99 < ', 'expected a number, found the end'],
    ['< 5ms', "expected a field name, found '<' at character 1"],
    ['read. < 5ms', "expected a field name after '.', found '<' at character 7"],
    ['read.p99 < 5ms; process.exit()', "unexpected ';' at character 15"],
    ['read.p99 < 5ms && write.p99 < 1ms', "unexpected '&' at character 16"],
    ['read.p99 < 5ms write.p99', "unexpected 'write' at character 16 after the value (one comparison per --assert)"],
    ['read.p99 < -5ms', "unexpected '-' at character 12"],
    ['read.p99 < 5kg', "unknown unit 'kg' (use ns us ms s % /s, or none for a count)"],
    ['read.p99 = 5ms', "unexpected '=' at character 10"],
    ['read.p99 < 1e3', "unknown unit 'e3' (use ns us ms s % /s, or none for a count)"],
  ])('refuses %j: %s', (text, error) => {
    expect(parseAssertion(text)).toEqual({ ok: false, error });
  });
});

describe('binding to a probe', () => {
  it('refuses an unknown field, a unit of the wrong kind and a probe without fields, in one line', () => {
    expect(refusal('vfs-latency', ['read.p99 < 5ms', 'read.p98 < 5ms'])).toBe("ctrscope: --assert 'read.p98 < 5ms': vfs-latency has no field 'read.p98' (its fields: ctrscope probes --assertable vfs-latency)");
    expect(refusal('vfs-latency', ['read.p99 < 5'])).toBe("ctrscope: --assert 'read.p99 < 5': read.p99 is a duration, and no unit does not fit it (write its value with ns, us, ms or s)");
    expect(refusal('vfs-latency', ['read.count > 5ms'])).toBe("ctrscope: --assert 'read.count > 5ms': read.count is a count, and unit 'ms' does not fit it (write its value with a plain number)");
    expect(refusal('syscall-count', ['errors.percent < 5/s'])).toContain('errors.percent is a percent');
    expect(refusal('nope', ['x < 1'])).toContain('probe nope has no assertable fields');
    expect(refusal('goroutines', ['goroutines < 1ms'])).toContain('goroutines is a count');
    expect(refusal('vfs-latency', ['read.p99 < 5ms\u0007'])).toContain('outside printable ASCII');
    expect(refusal('vfs-latency', ['x'.repeat(201)])).toContain('longer than 200 characters');
    expect(refusal('syscall-count', [`syscall.${'a'.repeat(65)}.calls > 1`])).toContain('longer than 64 characters');
  });

  it('converts thresholds to base units', () => {
    const b = bindAssertions('vfs-latency', ['read.p99 < 5ms', 'write.p50 >= 250us', 'read.p90 > 800ns', 'write.p99 < 2s']);
    expect(b.map((x) => x.threshold)).toEqual([5 * 1e-3, 250 * 1e-6, 800 * 1e-9, 2]);
    expect(toBase(5, 'ms')).toBeCloseTo(0.005, 12);
    expect(bindAssertions('vfs-latency', [])).toEqual([]);
  });

  it('covers every catalog probe, and only probes that exist', () => {
    const known = new Set([...Object.keys(PROBES), ...Object.keys(NATIVE_PROBES)]);
    const names = Object.keys(ASSERTABLE);
    expect(names.length).toBeGreaterThanOrEqual(Object.keys(PROBES).length);
    for (const n of names) expect(known.has(n), n).toBe(true);
    for (const n of Object.keys(PROBES)) expect(ASSERTABLE[n]?.length ?? 0, n).toBeGreaterThan(0);
    for (const n of Object.keys(NATIVE_PROBES)) expect(ASSERTABLE[n]?.length ?? 0, n).toBeGreaterThan(0);
  });

  it("takes container-start's p95 and max of a phase from the starts (hand-written: three starts, one without the phase)", () => {
    const starts = [0.1, 0.3, 0.2].map((v, i) => ({ id: `c${i}`, totalSeconds: v * 2, phases: { 'runc init': i === 2 ? null : v, 'shim start': v / 2 } }));
    const report = { durationSeconds: 1, starts, phases: [] };
    const b = bindAssertions('container-start', ['phase.runc-init.max < 250ms', 'phase.total.p95 < 590ms', 'phase.shim-start.max == 150ms', 'phase.task-start.p95 < 1s']);
    const out = evaluate(b, report);
    expect(out.map((o) => o.measured)).toEqual([0.3, expect.closeTo(0.58, 9), 0.15, null]);
    expect(out.map((o) => o.held)).toEqual([false, true, true, false]);
  });
});

describe('evaluation against real reports', () => {
  const vfs = reportOf(vfsLatencySummary, 'vfs-latency-tracepoint');
  const sc = reportOf(syscallCountSummary, 'syscall-count', SYSCALL_DELTA_MAPS);

  it('compares a percentile in ns with a threshold in ms, both ways', () => {
    const p99 = vfs.stats.read.p99 as number;
    expect(p99).toBeGreaterThan(0);
    const above = `${(p99 * 2) / 1e3}us`;
    const below = `${Math.floor(p99 / 2)}ns`;
    const out = evaluate(bindAssertions('vfs-latency', [`read.p99 < ${above}`, `read.p99 < ${below}`, `read.p99 >= ${below}`]), vfs);
    expect(out.map((o) => o.held)).toEqual([true, false, true]);
    expect(out[0]!.measured).toBeCloseTo(p99 * 1e-9, 15);
    expect(out[1]!.line).toBe(`assert read.p99 < ${below}: FAILED, measured ${formatValue('duration', p99 * 1e-9)}`);
  });

  it('counts and rates from the syscall table; an absent syscall counts 0; nothing measured fails', () => {
    const calls = (sc.syscalls as Array<{ calls: number }>).reduce((a, s) => a + s.calls, 0);
    expect(calls).toBeGreaterThan(0);
    const out = evaluate(
      bindAssertions('syscall-count', [`calls == ${calls}`, `calls.rate == ${calls / 3}/s`, 'syscall.no_such_call.calls == 0', 'syscall.no_such_call.max < 1s', 'role.containerd.calls > 0']),
      sc,
    );
    expect(out.map((o) => o.held)).toEqual([true, true, true, false, true]);
    expect(out[3]!.line).toBe('assert syscall.no_such_call.max < 1s: FAILED, nothing measured');
  });
});

describe('formatValue', () => {
  it('prints each kind in its unit', () => {
    expect([formatValue('duration', 0.0123), formatValue('duration', 4.2e-5), formatValue('duration', 3.5), formatValue('duration', 7e-8)]).toEqual(['12.3 ms', '42 us', '3.5 s', '70 ns']);
    expect([formatValue('percent', 12.5), formatValue('rate', 1000 / 3), formatValue('count', 17)]).toEqual(['12.5%', '333.33/s', '17']);
  });
});
