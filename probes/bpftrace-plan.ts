/** The plan of a bpftrace probe: its .bt program with the context's target predicate, values as positional arguments. */
import { contextPredicate, withPredicate } from './filter.js';
import type { ProbeContext, TracerPlan } from './types.js';

export function bpftracePlan(ctx: ProbeContext, script: string, attachPoint: string, extra: Partial<TracerPlan> = {}): TracerPlan {
  return bpftraceTextPlan(ctx, program(ctx, script), attachPoint, extra);
}

/** The same for a program's text (a shipped program that the probe edited first). */
export function bpftraceTextPlan(ctx: ProbeContext, text: string, attachPoint: string, extra: Partial<TracerPlan> = {}): TracerPlan {
  const pred = contextPredicate(ctx);
  return {
    backend: 'bpftrace',
    attachPoint,
    skipped: [],
    argv: ['bpftrace', '-f', 'json', '-e', withPredicate(text, pred), ...pred.args],
    parser: 'bpftrace-json',
    ...extra,
  };
}

/** A shipped program's text from the context (probes/NAME.bt). */
export function program(ctx: ProbeContext, name: string): string {
  const text = ctx.facts.programs[name];
  if (text === undefined) throw new Error(`probes/${name}.bt is not in the probe context`);
  return text;
}
