/** `ctrscope report` for `perf stat` output: each counter, its state said in words, never as 0. */
import { PerfStatParser, type CounterValue, type PerfStatResult } from '../../parsers/perf-stat.js';
import { renderTable } from '../output/table.js';
import type { ReportRenderer } from './types.js';

const STATE: Record<CounterValue['state'], string> = {
  counted: '',
  'not-supported': 'not supported (no such counter on this machine)',
  'not-counted': 'not counted (the counter never ran)',
};

export const perfStatReport: ReportRenderer<PerfStatResult> = {
  parser: () => new PerfStatParser(),
  recognized: (r) => r.events.size > 0,
  json: (r) => ({
    format: 'perf-stat',
    lines: r.lines,
    unrecognized: r.unrecognized,
    counters: [...r.events].map(([event, c]) => ({ event, value: c.value, unit: c.unit, state: c.state, runPct: c.runPct })),
    intervals: r.intervals.length,
    elapsedSeconds: r.elapsedSeconds,
  }),
  text(r) {
    const out = [`perf stat (${r.format ?? 'unknown'} format): ${r.lines} lines (${r.unrecognized} not understood), ${r.intervals.length} intervals`];
    out.push('');
    out.push(
      renderTable([...r.events], [
        { title: 'event', get: ([e]) => e, align: 'left' },
        { title: 'value', get: ([, c]) => (c.value === null ? '-' : String(c.value)) },
        { title: 'unit', get: ([, c]) => c.unit, align: 'left' },
        { title: 'ran %', get: ([, c]) => (c.runPct === null ? '' : c.runPct.toFixed(2)) },
        { title: 'state', get: ([, c]) => STATE[c.state], align: 'left' },
      ]).trimEnd(),
    );
    if (r.elapsedSeconds !== null) out.push('', `${r.elapsedSeconds} s elapsed`);
    return out.join('\n') + '\n';
  },
};
