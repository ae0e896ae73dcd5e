/** Plain-text tables: right-aligned numbers, left-aligned text, two spaces between columns. */
export interface Column<T> {
  title: string;
  get: (row: T) => string;
  align?: 'left' | 'right';
}

export function renderTable<T>(rows: T[], cols: Column<T>[]): string {
  const cells = rows.map((r) => cols.map((c) => c.get(r)));
  const widths = cols.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const fmt = (vals: string[]) =>
    vals
      .map((v, i) => (cols[i]!.align === 'left' ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
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
