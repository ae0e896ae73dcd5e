/**
 * The containerd panel's container-start lines, from the view the starts source makes of a real
 * capture (fixtures/containerd/live-kernel-starts.jsonl and live-events.txt): the figures shown are
 * the view's, formatted; the lines fit the room they are given; dropped spans are said.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../../src/live-model/types.js';
import { createStartsSource } from '../../../src/session/live-sources/starts.js';
import { fmtNs } from '../../../src/ui/format.js';
import { startsLines } from '../../../src/ui/panels/starts-line.js';
import { lineText } from '../../../src/ui/text.js';

const fix = (f: string) => readFileSync(new URL(`../../../fixtures/containerd/${f}`, import.meta.url), 'utf8').split('\n');

function view() {
  const src = createStartsSource();
  for (const l of fix('live-kernel-starts.jsonl')) src.peerLine!('kernel', l, 0);
  for (const l of fix('live-events.txt')) src.line(l, 0, 0);
  return src.output(0).starts;
}

const snap = (otlp?: { traces: number; spansSent: number; spansDropped: number }) => ({ starts: view(), session: { mode: 'live', elapsedS: 1, ...(otlp ? { otlp } : {}) } }) as unknown as LiveSnapshot;
const ms = (s: number | null) => fmtNs(s! * 1e9);

describe('containerd panel: container starts', () => {
  it('two lines with room: starts seen and the whole start\'s p50/p95, then each phase\'s', () => {
    const v = view();
    const lines = startsLines(snap({ traces: 3, spansSent: 14, spansDropped: 7 }), 2).map(lineText);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`STARTS 3 seen  p50 ${ms(v.total.p50Seconds)}  p95 ${ms(v.total.p95Seconds)}  OTLP 3 traces, 14 spans sent, 7 dropped`);
    const create = v.phases.find((p) => p.phase === 'container create')!;
    expect(lines[1]).toContain(`create ${ms(create.p50Seconds)}/${ms(create.p95Seconds)}`);
    expect(lines[1]!.split('/').length - 1).toBe(7);
  });

  it('one line in a small panel, none without room or before the source says anything', () => {
    expect(startsLines(snap(), 1).map(lineText)).toEqual([expect.stringMatching(/^STARTS 3 seen {2}p50 \S+ {2}p95 \S+$/)]);
    expect(startsLines(snap(), 0)).toEqual([]);
    expect(startsLines({ session: { mode: 'live', elapsedS: 0 } } as unknown as LiveSnapshot, 2)).toEqual([]);
  });
});
