/** A log2 histogram drawn in text, as bpftrace prints hist(): "[1K, 2K)   1196 |@@@@@@     |". */
export interface HistRow {
  low: number;
  high: number;
  count: number;
}

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];

/** 1024 → "1K", 1048576 → "1M", 3 → "3". */
export function pow2Label(n: number): string {
  if (!Number.isFinite(n)) return n < 0 ? '-inf' : 'inf';
  let u = 0;
  while (u < UNITS.length - 1 && n >= 1024 && n % 1024 === 0) {
    n /= 1024;
    u++;
  }
  return `${n}${UNITS[u]}`;
}

export function renderHistogram(rows: HistRow[], width = 40): string {
  if (rows.length === 0) return '  (no events)\n';
  const max = Math.max(...rows.map((r) => r.count));
  const labels = rows.map((r) => (r.low === r.high ? `[${pow2Label(r.low)}]` : `[${pow2Label(r.low)}, ${pow2Label(r.high + 1)})`));
  const lw = Math.max(...labels.map((l) => l.length));
  const cw = Math.max(...rows.map((r) => String(r.count).length));
  return rows
    .map((r, i) => {
      const bar = max ? '@'.repeat(Math.round((r.count / max) * width)) : '';
      return `${labels[i]!.padEnd(lw)} ${String(r.count).padStart(cw)} |${bar.padEnd(width)}|`;
    })
    .join('\n') + '\n';
}
