/**
 * The containerd panel's container-start lines (src/aggregate/start-watch.ts's view): starts seen,
 * the whole start's p50/p95 over the recent ones and, when --otlp-endpoint is given, the spans
 * sent and dropped; then each phase's p50/p95.
 */
import type { LiveSnapshot } from '../../live-model/types.js';
import { fmtNs } from '../format.js';
import { seg, type Line } from '../text.js';

const SHORT_PHASE: Record<string, string> = {
  'container create': 'create',
  'task create': 'task',
  'shim start': 'shim',
  'runc init': 'runc',
  'task start': 'start',
  'first exec': 'exec',
};

const ms = (s: number | null) => fmtNs(s === null ? null : s * 1e9);

/** At most `room` lines (0, 1 or 2); none before the starts source has anything to say. */
export function startsLines(snap: LiveSnapshot | null, room: number): Line[] {
  const v = snap?.starts;
  const otlp = snap?.session.otlp;
  if (!v || room <= 0) return [];
  const head: Line = [
    seg('STARTS ', { dim: true }),
    seg(`${v.completed} seen${v.incomplete ? ` (${v.incomplete} partial)` : ''}`),
    seg(v.recent ? `  p50 ${ms(v.total.p50Seconds)}  p95 ${ms(v.total.p95Seconds)}` : v.clock ? '  none yet' : '  waiting for the kernel program', { dim: !v.recent }),
  ];
  if (otlp) head.push(seg(`  OTLP ${otlp.traces} traces, ${otlp.spansSent} spans sent`), seg(otlp.spansDropped ? `, ${otlp.spansDropped} dropped` : '', { color: 'red' }));
  if (room < 2 || !v.recent) return [head];
  const phases = v.phases.map((p) => `${SHORT_PHASE[p.phase] ?? p.phase} ${ms(p.p50Seconds)}/${ms(p.p95Seconds)}`).join('  ');
  return [head, [seg('p50/p95 ', { dim: true }), seg(phases)]];
}

/** What the lines read, for the screen's memo. */
export const startsReads = (snap: LiveSnapshot | null) => [snap?.starts?.completed, snap?.starts?.incomplete, snap?.starts?.clock, snap?.session.otlp?.spansSent, snap?.session.otlp?.spansDropped];
