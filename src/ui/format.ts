/** Short number formats for narrow panels. */

/** 0.4, 12, 1.2k, 34k, 1.2M */
export function fmtRate(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(a >= 1e7 ? 0 : 1)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(a >= 1e4 ? 0 : 1)}k`;
  if (a >= 10 || a === 0) return n.toFixed(0);
  return n.toFixed(1);
}

/** Nanoseconds as 850ns, 4.1µs, 12ms, 1.2s. */
export function fmtNs(ns: number | null | undefined): string {
  if (ns == null || !Number.isFinite(ns)) return '-';
  if (ns < 1e3) return `${Math.round(ns)}ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 1 : 0)}µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 1 : 0)}ms`;
  return `${(ns / 1e9).toFixed(1)}s`;
}

/** Elapsed seconds as 0:42, 12:03, 1:02:03. */
export function fmtElapsed(s: number): string {
  const t = Math.max(0, Math.floor(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function fmtBytes(b: number | null | undefined): string {
  if (b == null || !Number.isFinite(b)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** The last `width` values as a sparkline, scaled to their maximum; zero is a blank. */
export function sparkline(values: number[], width: number): string {
  const v = values.slice(-width);
  const max = Math.max(0, ...v);
  const s = v.map((x) => (max <= 0 || x <= 0 ? ' ' : BLOCKS[Math.min(7, Math.floor((x / max) * 7.999))]!)).join('');
  return s.padStart(width);
}

/** A horizontal bar of `cells` width for value/max, with eighth-cell precision. */
export function bar(value: number, max: number, cells: number): string {
  if (max <= 0 || value <= 0 || cells <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * cells * 8));
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  return '█'.repeat(full) + (part ? '▏▎▍▌▋▊▉'[part - 1] : '');
}
