/** `ctrscope report` for a `strace -c` table: the table again, plus what it adds up to. */
import { StraceSummaryParser, type StraceSummaryResult, type SummaryRow } from '../../parsers/strace-summary.js';
import { renderTable } from '../output/table.js';
import type { ReportRenderer } from './types.js';

const num = (v: number | null, digits: number) => (v === null ? '' : v.toFixed(digits));

export const straceSummaryReport: ReportRenderer<StraceSummaryResult> = {
  parser: () => new StraceSummaryParser(),
  recognized: (r) => r.tables.some((t) => t.rows.length > 0 || t.total !== null),
  json: (r) => ({
    format: 'strace-summary',
    lines: r.lines,
    unrecognized: r.unrecognized,
    tables: r.tables.map((t) => ({ mode: t.mode, columns: t.columns, rows: t.rows, total: t.total })),
  }),
  text(r) {
    const out: string[] = [`strace -c table: ${r.lines} lines (${r.unrecognized} not understood)`];
    for (const t of r.tables) {
      out.push('');
      if (t.mode) out.push(`${t.mode} mode`);
      const has = (k: keyof SummaryRow) => t.rows.some((row) => row[k] !== null);
      const rows = t.total ? [...t.rows, t.total] : t.rows;
      out.push(
        renderTable(rows, [
          { title: 'syscall', get: (x) => x.syscall, align: 'left' },
          { title: 'calls', get: (x) => String(x.calls) },
          { title: 'errors', get: (x) => (x.errors ? String(x.errors) : '') },
          ...(has('seconds') ? [{ title: 'seconds', get: (x: SummaryRow) => num(x.seconds, 6) }] : []),
          ...(has('usecsPerCall') ? [{ title: 'usecs/call', get: (x: SummaryRow) => num(x.usecsPerCall, 0) }] : []),
          ...(has('minSeconds') ? [{ title: 'shortest', get: (x: SummaryRow) => num(x.minSeconds, 6) }] : []),
          ...(has('maxSeconds') ? [{ title: 'longest', get: (x: SummaryRow) => num(x.maxSeconds, 6) }] : []),
          ...(has('percent') ? [{ title: '% time', get: (x: SummaryRow) => num(x.percent, 2) }] : []),
        ]).trimEnd(),
      );
      if (!t.total) out.push('(no total row: the table is cut)');
    }
    return out.join('\n') + '\n';
  },
};
