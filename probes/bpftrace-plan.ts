/** The plan of a bpftrace probe: its .bt program with the context's target predicate, values as positional arguments. */
import { readBt } from './scripts.js';
import { contextPredicate, withPredicate } from './filter.js';
import type { ProbeContext, TracerPlan } from './types.js';

export function bpftracePlan(ctx: ProbeContext, script: string, attachPoint: string, extra: Partial<TracerPlan> = {}): TracerPlan {
  const pred = contextPredicate(ctx);
  return {
    backend: 'bpftrace',
    attachPoint,
    skipped: [],
    argv: ['bpftrace', '-f', 'json', '-e', withPredicate(readBt(script), pred), ...pred.args],
    parser: 'bpftrace-json',
    ...extra,
  };
}
