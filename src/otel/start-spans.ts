/**
 * Container starts as trace spans (pure): one trace per start, a root span from the start's first
 * boundary to its first exec with the container's namespace, id and image, and one child span per
 * phase seen (src/aggregate/start-phases.ts) with the pid and binary of the process that ran in it.
 * Times are explicit wall-clock nanoseconds (bigint), from the phases' monotonic ns plus the
 * tracer's wall-minus-monotonic offset, so the child spans add up exactly to the root.
 * Attribute names follow OpenTelemetry's semantic conventions where one exists
 * (container.id, container.image.name, process.pid, process.parent_pid, process.executable.path).
 */
import { PHASE_SPANS, type StartPhases } from '../aggregate/start-phases.js';

export type SpanAttributes = Record<string, string | number>;

export interface SpanDescription {
  /** 32 hex digits, shared by a start's spans. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** Wall-clock ns since the epoch. */
  startNs: bigint;
  endNs: bigint;
  attributes: SpanAttributes;
}

/** Random hex ids of n bytes; the builder takes it as a parameter so that it stays pure. */
export type IdSource = (bytes: 8 | 16) => string;

export const ROOT_SPAN_NAME = 'container start';

/** The spans of one start: the root first, then its phases in order. */
export function startSpans(s: StartPhases, wallMinusMonoNs: bigint, ids: IdSource): SpanDescription[] {
  const wall = (mono: number) => BigInt(Math.round(mono)) + wallMinusMonoNs;
  const traceId = ids(16);
  const rootId = ids(8);
  const root: SpanDescription = {
    traceId,
    spanId: rootId,
    name: ROOT_SPAN_NAME,
    startNs: wall(s.beginNs),
    endNs: wall(s.firstExecNs),
    attributes: {
      'container.id': s.id,
      'ctrscope.namespace': s.namespace,
      ...(s.image ? { 'container.image.name': s.image } : {}),
      'ctrscope.phases': s.spans.length,
    },
  };
  const children = s.spans.map((p): SpanDescription => {
    const attributes: SpanAttributes = { 'container.id': s.id, 'ctrscope.phase': p.phase, 'ctrscope.phase.spans': PHASE_SPANS[p.phase] };
    if (p.proc) {
      attributes['process.pid'] = p.proc.pid;
      attributes['process.parent_pid'] = p.proc.ppid;
      attributes['process.executable.path'] = p.proc.file;
    }
    if (p.shimPid !== undefined) attributes['ctrscope.shim.pid'] = p.shimPid;
    return { traceId, spanId: ids(8), parentSpanId: rootId, name: p.phase, startNs: wall(p.startNs), endNs: wall(p.endNs), attributes };
  });
  return [root, ...children];
}
