/** containerd's own signals: goroutines, RSS, CPU and gRPC latency per method (from src/containerd). */
import { fmtBytes, fmtNs, fmtRate } from '../format.js';
import type { UiState } from '../state.js';
import { col, seg, type Line } from '../text.js';
import { waitingLines } from './common.js';
import { containerdLogLine } from './containerd-log.js';
import { startsLines } from './starts-line.js';

const ns = (s: number | null) => (s == null ? null : s * 1e9);

export function containerdLines(s: UiState, width: number, height: number): Line[] {
  const v = s.shown?.containerd;
  // Container starts at the bottom: up to two lines, taken from the gRPC table's room.
  const starts = startsLines(s.shown, height >= 6 ? 2 : height >= 4 ? 1 : 0);
  const log = containerdLogLine(s.shown, width);
  if (!v) return [...waitingLines(s.shown, 'containerd'), ...(log ? [log] : []), ...starts];
  const out: Line[] = [
    [
      seg(`goroutines ${v.goroutines ?? '-'}  threads ${v.threads ?? '-'}  RSS ${fmtBytes(v.rssBytes)}  CPU ${v.cpuPercent == null ? '-' : `${v.cpuPercent.toFixed(1)}%`}`),
      seg(v.error ? `  ${v.error}` : '', { color: 'red' }),
    ],
  ];
  // containerd's log: errors and warnings per second, the newest error (./containerd-log.ts).
  if (log && height >= 2 + starts.length) out.push(log);
  if (height < out.length + 1) return [...out, ...starts];
  const nameW = Math.max(10, width - 8 - 6 - 8 - 8);
  out.push([seg(col('gRPC METHOD', nameW, 'left') + col('CALLS/S', 8) + col('ERR', 6) + col('P50', 8) + col('P99', 8), { dim: true })]);
  if (v.grpc.length === 0) out.push([seg('no gRPC calls in the window yet', { dim: true })]);
  for (const m of v.grpc.slice(0, Math.max(0, height - out.length - starts.length))) {
    const name = m.method.replace(/^\/containerd\.services\./, '').replace(/\.v1\./, '.');
    out.push([
      seg(col(name, nameW, 'left') + col(fmtRate(m.perSec), 8)),
      seg(col(String(m.errors), 6), m.errors ? { color: 'red' } : {}),
      seg(col(fmtNs(ns(m.p50Seconds)), 8) + col(fmtNs(ns(m.p99Seconds)), 8), { dim: !v.histogram }),
    ]);
  }
  if (!v.histogram && v.grpc.length > 0 && out.length < height - starts.length) out.push([seg('p50/p99 need grpc_histogram = true in containerd\'s [metrics] config', { dim: true })]);
  return [...out, ...starts];
}
