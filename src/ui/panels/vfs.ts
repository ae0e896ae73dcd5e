/** VFS read and write latency: log2 histograms as bars (or a one-line shape when short), p50/p99. */
import type { HistBar, LatencyHist } from '../../live-model/types.js';
import { bar, fmtNs, fmtRate, sparkline } from '../format.js';
import type { UiState } from '../state.js';
import { col, lineWidth, seg, type Line } from '../text.js';
import { waitingLines } from './common.js';

/** The buckets from the first to the last non-empty one. */
function used(h: LatencyHist): HistBar[] {
  const first = h.buckets.findIndex((b) => b.count > 0);
  if (first === -1) return [];
  let last = h.buckets.length - 1;
  while (last > first && h.buckets[last]!.count === 0) last--;
  return h.buckets.slice(first, last + 1);
}

/** Merges neighbouring buckets in pairs (log2 → log4 → ...) until at most `rows` remain. */
export function fitBuckets(bs: HistBar[], rows: number): HistBar[] {
  let out = bs;
  while (out.length > Math.max(1, rows)) {
    const merged: HistBar[] = [];
    for (let i = 0; i < out.length; i += 2) {
      const a = out[i]!;
      const b = out[i + 1];
      merged.push(b ? { low: a.low, high: b.high, count: a.count + b.count } : a);
    }
    out = merged;
  }
  return out;
}

export function histLines(name: string, h: LatencyHist, width: number, height: number): Line[] {
  const out: Line[] = [[seg(col(name, 6, 'left'), { bold: true }), seg(`n=${fmtRate(h.count)} p50 ${fmtNs(h.p50Ns)} p99 ${fmtNs(h.p99Ns)}`)]];
  const bs = used(h);
  if (bs.length === 0) {
    out.push([seg('no calls', { dim: true })]);
    return out;
  }
  if (height - 1 < 3) {
    // Too short for bars: the whole distribution as one line, fastest bucket on the left.
    out.push([seg(`${fmtNs(bs[0]!.low)} `, { dim: true }), seg(sparkline(bs.map((b) => b.count), bs.length), { color: 'cyan' }), seg(` ${fmtNs(bs[bs.length - 1]!.high ?? bs[bs.length - 1]!.low)}`, { dim: true })]);
    return out;
  }
  const rows = fitBuckets(bs, height - 1);
  const max = Math.max(...rows.map((b) => b.count));
  const cells = Math.max(1, width - 7 - 1 - 7);
  for (const b of rows) out.push([seg(col(fmtNs(b.low), 7) + ' ', { dim: true }), seg(bar(b.count, max, cells).padEnd(cells), { color: 'cyan' }), seg(col(fmtRate(b.count), 7))]);
  return out;
}

export function vfsLines(s: UiState, width: number, height: number): Line[] {
  const v = s.shown?.vfs;
  if (!v) return waitingLines(s.shown, 'vfs');
  // Why the better attach points were not used (the ladder), on the last line when there is room.
  const why = s.shown?.sources.find((x) => x.panels.includes('vfs'))?.message;
  if (why && height >= 6) return [...vfsLines({ ...s, shown: { ...s.shown!, sources: [] } }, width, height - 1).slice(0, height - 1), [seg(why, { dim: true })]];
  if (width >= 64) {
    const half = Math.floor((width - 2) / 2);
    const r = histLines('read', v.read, half, height);
    const w = histLines('write', v.write, width - half - 2, height);
    const out: Line[] = [];
    for (let i = 0; i < Math.max(r.length, w.length); i++) {
      const left = r[i] ?? [];
      const pad = half - lineWidth(left);
      out.push([...left, seg(' '.repeat(Math.max(0, pad) + 2)), ...(w[i] ?? [])]);
    }
    return out;
  }
  const each = Math.max(2, Math.floor(height / 2));
  return [...histLines('read', v.read, width, each), ...histLines('write', v.write, width, height - each)];
}

export function vfsTitle(s: UiState): string {
  return s.shown?.vfs ? `last 10 s${s.shown.vfs.attachPoint ? ` · ${s.shown.vfs.attachPoint}` : ''}` : '';
}
