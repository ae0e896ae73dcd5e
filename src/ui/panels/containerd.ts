/** containerd's own signals: goroutines, RSS and gRPC latency per method (from the containerd module). */
import { fmtBytes, fmtNs, fmtRate } from '../format.js';
import type { UiState } from '../state.js';
import { col, seg, type Line } from '../text.js';
import { waitingLines } from './common.js';

export function containerdLines(s: UiState, width: number, height: number): Line[] {
  const v = s.shown?.containerd;
  if (!v) return waitingLines(s.shown, 'containerd');
  const out: Line[] = [[seg(`goroutines ${v.goroutines ?? '-'}   RSS ${fmtBytes(v.rssBytes)}`)]];
  const nameW = Math.max(10, width - 26);
  for (const m of v.grpc.slice(0, Math.max(0, height - 1))) {
    const name = m.method.replace(/^\/containerd\.services\./, '');
    out.push([seg(col(name, nameW, 'left')), seg(col(fmtRate(m.perSec), 7) + '/s'), seg(col(fmtNs(m.p50Seconds == null ? null : m.p50Seconds * 1e9), 8) + col(fmtNs(m.p99Seconds == null ? null : m.p99Seconds * 1e9), 8), { dim: true })]);
  }
  return out;
}
