/** The containerd panel's log line: errors and warnings per second, the newest error and its age. */
import type { LiveSnapshot } from '../../live-model/types.js';
import { seg, type Line } from '../text.js';

/** Seconds as 4s, 12m, 3h, 2d. */
export function fmtAge(s: number): string {
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const rate = (n: number) => (n === 0 ? '0' : n < 10 ? n.toFixed(1) : n.toFixed(0));

/** One line, or none when the view has no log source (an older recording). */
export function containerdLogLine(snap: LiveSnapshot | null, width: number): Line | null {
  const v = snap?.containerdLog;
  const st = snap?.sources.find((s) => s.id === 'containerd-log');
  if (!v) return st?.state === 'failed' && st.message ? [seg('log  ', { dim: true }), seg(st.message.slice(0, Math.max(0, width - 5)), { color: 'red' })] : null;
  const head = `log  err/s ${rate(v.errorsPerSec)}  warn/s ${rate(v.warningsPerSec)}`;
  const line: Line = [seg(head, v.errorsPerSec > 0 ? { color: 'red' } : {})];
  const e = v.newestError;
  if (!e) line.push(seg('  no error logged', { dim: true }));
  else {
    const label = `  newest error ${fmtAge(e.ageSeconds)} ago${e.count > 1 ? ` (×${e.count})` : ''}: `;
    const room = Math.max(0, width - head.length - label.length);
    const msg = e.message.replace(/\s+/g, ' ');
    line.push(seg(label, { dim: true }), seg(msg.length > room ? `${msg.slice(0, Math.max(0, room - 1))}…` : msg, { color: e.ageSeconds < 60 ? 'red' : undefined }));
  }
  if (st?.state === 'failed' && st.message) line.push(seg(`  ${st.message}`, { color: 'red' }));
  return line;
}
