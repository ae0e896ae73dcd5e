/**
 * diagnose's 'log errors' finding on a real log (fixtures/containerd/containerd-failed-starts.txt:
 * two good starts, then ten whose command does not exist): the burst, its messages and counts,
 * checked against the file's own lines.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContainerdLogParser } from '../../parsers/containerd-log.js';
import { BURST_PROBLEM, BURST_SECONDS, LogBurstCounter } from '../../src/aggregate/diagnose-logs.js';
import { diagnose, type DiagnoseEvidence } from '../../src/aggregate/diagnose.js';

const FIX = new URL('../../fixtures/containerd/containerd-failed-starts.txt', import.meta.url).pathname;
const lines = readFileSync(FIX, 'utf8').split('\n').filter(Boolean);
const timeOf = (l: string) => Date.parse(/^time="([^"]+)"/.exec(l)![1]!);

function logsOf(ls: string[]) {
  const c = new LogBurstCounter();
  const p = new ContainerdLogParser((r) => c.add(r));
  for (const l of ls) p.line(l);
  return c.result('--file fixture', p.result().unreadLines);
}
const evidence = (logs: DiagnoseEvidence['logs']): DiagnoseEvidence => ({ durationSeconds: 10, series: [], cpu: null, goroutineGrowth: null, heapTop: null, grpc: null, syscalls: null, unavailable: [], logs });
const finding = (e: DiagnoseEvidence) => diagnose(e).find((f) => f.symptom === 'log errors')!;

describe("diagnose cites containerd's log", () => {
  const errors = lines.filter((l) => / level=error /.test(l));
  const warnings = lines.filter((l) => / level=warning /.test(l));

  it('a burst of errors: how many, over how long, and which messages ×how often', () => {
    const l = logsOf(lines);
    expect(l.errors).toBe(errors.length);
    expect(l.warnings).toBe(warnings.length);
    const span = timeOf(errors.at(-1)!) - timeOf(errors[0]!);
    expect(span).toBeLessThan(BURST_SECONDS * 1000);
    expect(l.burst).toMatchObject({ errors: errors.length, seconds: Math.max(1, Math.ceil(span / 1000)) });
    // "copy shim log" with fd 13 or 11: one template once the number is masked.
    expect(l.burst!.templates).toEqual([{ template: 'copy shim log: read <path>: file already closed', count: errors.length, example: expect.stringMatching(/^copy shim log: read \/proc\/self\/fd\/\d+: file already closed$/) }]);
    const f = finding(evidence(l));
    expect(f.severity).toBe(errors.length >= BURST_PROBLEM ? 'problem' : 'watch');
    expect(f.evidence[0]).toBe(`containerd logged ${errors.length} errors in ${l.burst!.seconds} s (${new Date(timeOf(errors[0]!)).toISOString().slice(11, 19)}..${new Date(timeOf(errors.at(-1)!)).toISOString().slice(11, 19)}): 'copy shim log: read <path>: file already closed' ×${errors.length}`);
    expect(f.evidence.some((e) => e.startsWith(`${warnings.length} warnings: 'cleaning up after shim disconnected' ×`))).toBe(true);
    expect(f.next).toMatch(/ctrscope logs/);
  });

  it('a few errors are something to watch; none is ok; an unreadable log is unknown; older evidence has no such finding', () => {
    const upToThird = lines.slice(0, lines.indexOf(errors[2]!) + 1);
    const few = finding(evidence(logsOf(upToThird)));
    expect(few.severity).toBe('watch');
    expect(few.summary).toBe('containerd logged 3 errors during the run, 3 within ' + logsOf(upToThird).burst!.seconds + ' s');
    const none = finding(evidence(logsOf(lines.slice(0, lines.indexOf(errors[0]!)))));
    expect(none.severity).toBe('ok');
    expect(finding(evidence(null)).severity).toBe('unknown');
    const { logs: _, ...older } = evidence(null);
    expect(diagnose(older as DiagnoseEvidence).some((f) => f.symptom === 'log errors')).toBe(false);
  });

  it('the densest window wins: errors spread over more than the burst length are not one burst', () => {
    // The same real error lines, their times moved 4 s apart (an edge case: a slow trickle).
    const t0 = timeOf(errors[0]!);
    const spread = errors.map((l, i) => l.replace(/^time="[^"]+"/, `time="${new Date(t0 + i * 4000).toISOString()}"`));
    const l = logsOf(spread);
    expect(l.errors).toBe(errors.length);
    expect(l.burst!.errors).toBe(Math.floor((BURST_SECONDS * 1000) / 4000) + 1);
  });
});
