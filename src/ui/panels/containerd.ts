/** containerd's own signals: goroutines, RSS, CPU and gRPC latency per method (from src/containerd). */
import { fmtBytes, fmtNs, fmtRate } from '../format.js';
import type { UiState } from '../state.js';
import { col, seg, type Line } from '../text.js';
import { waitingLines } from './common.js';
import { containerdLogLine } from './containerd-log.js';

const ns = (s: number | null) => (s == null ? null : s * 1e9);

export function containerdLines(s: UiState, width: number, height: number): Line[] {
  const v = s.shown?.containerd;
  if (!v) return [...waitingLines(s.shown, 'containerd'), ...(containerdLogLine(s.shown, width) ? [containerdLogLine(s.shown, width)!] : [])];
  const out: Line[] = [
    [
      seg(`goroutines ${v.goroutines ?? '-'}  threads ${v.threads ?? '-'}  RSS ${fmtBytes(v.rssBytes)}  CPU ${v.cpuPercent == null ? '-' : `${v.cpuPercent.toFixed(1)}%`}`),
      seg(v.error ? `  ${v.error}` : '', { color: 'red' }),
    ],
  ];
  const log = containerdLogLine(s.shown, width);
  if (log && height >= 2) out.push(log);
  if (height < out.length + 1) return out;
  const nameW = Math.max(10, width - 8 - 6 - 8 - 8);
  out.push([seg(col('gRPC METHOD', nameW, 'left') + col('CALLS/S', 8) + col('ERR', 6) + col('P50', 8) + col('P99', 8), { dim: true })]);
  if (v.grpc.length === 0) out.push([seg('no gRPC calls in the window yet', { dim: true })]);
  for (const m of v.grpc.slice(0, Math.max(0, height - out.length))) {
    const name = m.method.replace(/^\/containerd\.services\./, '').replace(/\.v1\./, '.');
    out.push([
      seg(col(name, nameW, 'left') + col(fmtRate(m.perSec), 8)),
      seg(col(String(m.errors), 6), m.errors ? { color: 'red' } : {}),
      seg(col(fmtNs(ns(m.p50Seconds)), 8) + col(fmtNs(ns(m.p99Seconds)), 8), { dim: !v.histogram }),
    ]);
  }
  if (!v.histogram && v.grpc.length > 0 && out.length < height) out.push([seg('p50/p99 need grpc_histogram = true in containerd\'s [metrics] config', { dim: true })]);
  return out;
}
