/** `ctrscope report` for `perf script` output: the hottest stacks, folded as stackcollapse-perf does. */
import { PerfScriptCollapser, type PerfCollapseResult } from '../../parsers/perf-script.js';
import { renderTable } from '../output/table.js';
import type { ReportRenderer } from './types.js';

const TOP = 20;
/** Longest stack text shown; longer ones lose their root end. */
const WIDTH = 160;

function top(r: PerfCollapseResult, n: number): Array<{ stack: string; count: number }> {
  return [...r.stacks]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([stack, count]) => ({ stack, count }));
}

export const perfScriptReport: ReportRenderer<PerfCollapseResult> = {
  parser: () => new PerfScriptCollapser(),
  recognized: (r) => r.samples > 0,
  json: (r) => ({ format: 'perf-script', lines: r.lines, unrecognized: r.unrecognized, event: r.event ?? null, samples: r.samples, stacks: top(r, 100) }),
  text(r) {
    let total = 0;
    for (const v of r.stacks.values()) total += v;
    const rows = top(r, TOP);
    const out = [
      `perf script: ${r.lines} lines (${r.unrecognized} not understood), ${r.samples} ${r.event ?? ''} samples, ${r.stacks.size} distinct stacks`,
      '',
      `hottest stacks (leaf last; weight = summed sample period)`,
      renderTable(rows, [
        { title: '%', get: (s) => ((100 * s.count) / total).toFixed(1) },
        { title: 'weight', get: (s) => String(s.count) },
        { title: 'stack', get: (s) => (s.stack.length > WIDTH ? '…' + s.stack.slice(-WIDTH) : s.stack), align: 'left' },
      ]).trimEnd(),
    ];
    if (r.skippedSamples) out.push('', `${r.skippedSamples} samples of other events left out (only ${r.event} counted)`);
    return out.join('\n') + '\n';
  },
};
