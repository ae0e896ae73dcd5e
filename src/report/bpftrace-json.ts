/** `ctrscope report` for `bpftrace -f json` output: histograms with p50/p90/p99, counts by key. */
import { BpftraceJsonParser, type BpftraceResult } from '../../parsers/bpftrace-json.js';
import { histEntries, histPercentiles } from '../../parsers/bpftrace-hist.js';
import { renderTable } from '../output/table.js';
import type { ReportRenderer } from './types.js';

/** Entries shown per count map. */
const TOP = 20;

interface HistRow {
  map: string;
  key: string | null;
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

interface CountMap {
  map: string;
  /** Entries by value, largest first (at most TOP); a plain value prints as one entry with key null. */
  entries: Array<[string | null, unknown]>;
  size: number;
}

function digest(r: BpftraceResult): { hists: HistRow[]; maps: CountMap[] } {
  const hists: HistRow[] = [];
  const maps: CountMap[] = [];
  for (const [name, m] of [...r.maps].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (m.type === 'hist' || m.type === 'lhist') {
      for (const [key, buckets] of histEntries(m.value)) hists.push({ map: name, key, ...histPercentiles(buckets) });
    } else if (typeof m.value === 'object' && m.value !== null && !Array.isArray(m.value)) {
      const all = Object.entries(m.value as Record<string, unknown>);
      const byValue = all.sort((a, b) => (typeof b[1] === 'number' ? b[1] : 0) - (typeof a[1] === 'number' ? a[1] : 0));
      maps.push({ map: name, entries: byValue.slice(0, TOP), size: all.length });
    } else maps.push({ map: name, entries: [[null, m.value]], size: 1 });
  }
  return { hists, maps };
}

const fmt = (v: number | null) => (v === null ? '' : Number.isInteger(v) ? String(v) : v.toFixed(1));
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
/** A key on one line: a stack key's frames (one a line) joined with ";", its root end cut if long. */
function oneLine(key: string): string {
  if (!key.includes('\n')) return key;
  const s = key
    .split('\n')
    .map((f) => f.trim())
    .filter((f) => f !== '' && f !== ',')
    .join(';');
  return s.length > 160 ? '…' + s.slice(-160) : s;
}

export const bpftraceReport: ReportRenderer<BpftraceResult> = {
  parser: () => new BpftraceJsonParser(),
  recognized: (r) => r.lines > r.unrecognized,
  json(r) {
    const { hists, maps } = digest(r);
    return { format: 'bpftrace-json', lines: r.lines, unrecognized: r.unrecognized, lostEvents: r.lostEvents, hists, maps };
  },
  text(r) {
    const { hists, maps } = digest(r);
    const out = [`bpftrace output: ${r.lines} lines (${r.unrecognized} not understood), ${r.maps.size} maps, ${r.lostEvents} events lost`];
    if (hists.length) {
      out.push('', 'histograms (percentiles interpolated inside the bucket that holds them)');
      out.push(
        renderTable(hists, [
          { title: 'map', get: (h) => h.map, align: 'left' },
          { title: 'key', get: (h) => h.key ?? '', align: 'left' },
          { title: 'count', get: (h) => String(h.count) },
          { title: 'p50', get: (h) => fmt(h.p50) },
          { title: 'p90', get: (h) => fmt(h.p90) },
          { title: 'p99', get: (h) => fmt(h.p99) },
        ]).trimEnd(),
      );
    }
    for (const m of maps) {
      out.push('', m.size > m.entries.length ? `${m.map} (top ${m.entries.length} of ${m.size})` : m.map);
      out.push(
        renderTable(m.entries, [
          { title: 'key', get: (e) => oneLine(e[0] ?? ''), align: 'left' },
          { title: 'value', get: (e) => show(e[1]) },
        ]).trimEnd(),
      );
    }
    if (r.printf.length) out.push('', `${r.printf.length} printf lines`);
    return out.join('\n') + '\n';
  },
};
