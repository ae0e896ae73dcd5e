/** Turns what a probe's parser gathered into the fields of its report, and draws it for people. */
import type { BpftraceResult } from '../../parsers/bpftrace-json.js';
import type { ProbeReport } from '../../probes/types.js';
import type { HostTargets } from '../targets/discover.js';

export interface SummaryInput {
  bpftrace?: BpftraceResult;
  host: HostTargets;
}

export interface Summary<F extends Record<string, unknown> = Record<string, unknown>> {
  /** Probe-specific report fields plus the targets seen. */
  fields(input: SummaryInput): { fields: F; targets: ProbeReport['targets']; events: number };
  /** Human output for a finished report. */
  render(report: ProbeReport & F): string;
}
