/** The renderer of each format `ctrscope report` reads. */
import type { Format } from '../../parsers/detect.js';
import { CtrscopeError } from '../errors.js';
import { bpftraceReport } from './bpftrace-json.js';
import { perfScriptReport } from './perf-script.js';
import { perfStatReport } from './perf-stat.js';
import { straceSummaryReport } from './strace-summary.js';
import { straceReport } from './strace.js';
import type { ReportRenderer } from './types.js';

const RENDERERS: Partial<Record<Format, ReportRenderer<unknown>>> = {
  strace: straceReport as ReportRenderer<unknown>,
  'strace-summary': straceSummaryReport as ReportRenderer<unknown>,
  'bpftrace-json': bpftraceReport as ReportRenderer<unknown>,
  'perf-stat': perfStatReport as ReportRenderer<unknown>,
  'perf-script': perfScriptReport as ReportRenderer<unknown>,
};

export function rendererFor(format: Format): ReportRenderer<unknown> {
  const r = RENDERERS[format];
  if (!r) throw new CtrscopeError('input', `format ${format} not supported by report yet`, 'ctrscope report reads ' + Object.keys(RENDERERS).join(', '));
  return r;
}
