import { histPercentiles, normalizeHist, type Bucket, type Percentiles } from '../../parsers/bpftrace-hist.js';
import { fmtInt, renderTable } from '../output/table.js';
import { mapCounts, mapValue, perProcess, targetsSeen } from './common.js';
import { renderHistogram } from './histogram-text.js';
import type { Summary } from './types.js';


export interface VfsLatencyFields extends Record<string, unknown> {
  /** Log2 buckets in ns: [low, high] inclusive, as bpftrace's hist() makes them. */
  histograms: { read: Bucket[]; write: Bucket[] };
  /** Percentiles estimated from the buckets (linear inside a bucket), ns. */
  stats: { read: Percentiles; write: Percentiles };
  processes: Array<{ pid: number; comm: string; role: string; calls: number }>;
}

function hist(value: unknown): Bucket[] {
  return Array.isArray(value) ? normalizeHist(value) : [];
}


const ns = (v: number | null) => (v === null ? '-' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} ms` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} us` : `${Math.round(v)} ns`);

export const vfsLatencySummary: Summary<VfsLatencyFields> = {
  fields({ bpftrace, host, targets: start, selection }) {
    const read = hist(mapValue(bpftrace, '@read_ns'));
    const write = hist(mapValue(bpftrace, '@write_ns'));
    const procs = [...perProcess(mapCounts(bpftrace, '@ops'))].map(([pid, p]) => ({ pid, comm: p.comm, calls: p.count }));
    const targets = targetsSeen(host, procs, start, selection);
    const role = new Map(targets.map((t) => [t.pid, t.role]));
    const processes = procs.map((p) => ({ ...p, role: role.get(p.pid) ?? 'other' })).sort((a, b) => b.calls - a.calls || a.pid - b.pid);
    const rs = histPercentiles(read);
    const ws = histPercentiles(write);
    return { fields: { histograms: { read, write }, stats: { read: rs, write: ws }, processes }, targets, events: rs.count + ws.count };
  },
  render(r) {
    const skipped = r.skipped.map((s) => `  not ${s.attachPoint}: ${s.why}\n`).join('');
    const part = (name: 'read' | 'write') => {
      const s = r.stats[name];
      return `${name}: ${fmtInt(s.count)} calls, p50 ${ns(s.p50)}, p90 ${ns(s.p90)}, p99 ${ns(s.p99)} (ns buckets)\n` + renderHistogram(r.histograms[name]);
    };
    const top = renderTable(r.processes.slice(0, 10), [
      { title: 'PID', get: (p) => String(p.pid) },
      { title: 'COMM', get: (p) => p.comm, align: 'left' },
      { title: 'ROLE', get: (p) => p.role, align: 'left' },
      { title: 'CALLS', get: (p) => fmtInt(p.calls) },
    ]);
    return (
      `vfs-latency: ${r.durationSeconds.toFixed(1)} s, backend ${r.backend}, attached at ${r.attachPoint}\n${skipped}\n` +
      `${part('read')}\n${part('write')}\n` +
      `busiest processes (${r.processes.length} in all):\n${top}`
    );
  },
};
