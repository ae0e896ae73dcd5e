/**
 * Plain-text tables: right-aligned numbers, left-aligned text, two spaces between columns. Widths
 * are terminal cells (string-width), so a CJK or emoji path does not push its row's columns over.
 */
import stringWidth from 'string-width';

export interface Column<T> {
  title: string;
  get: (row: T) => string;
  align?: 'left' | 'right';
}

export function renderTable<T>(rows: T[], cols: Column<T>[]): string {
  const cells = rows.map((r) => cols.map((c) => c.get(r)));
  const widths = cols.map((c, i) => Math.max(stringWidth(c.title), ...cells.map((row) => stringWidth(row[i]!))));
  const pad = (v: string, w: number) => ' '.repeat(Math.max(0, w - stringWidth(v)));
  const fmt = (vals: string[]) =>
    vals
      .map((v, i) => (cols[i]!.align === 'left' ? v + pad(v, widths[i]!) : pad(v, widths[i]!) + v))
      .join('  ')
      .trimEnd();
  return [fmt(cols.map((c) => c.title)), ...cells.map(fmt)].join('\n') + '\n';
}

/** Seconds with enough digits to read small values: 0.000123, 1.234567, 12.345. */
export function fmtSeconds(s: number): string {
  return s >= 10 ? s.toFixed(3) : s.toFixed(6);
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
