/**
 * serve's container-start histograms (prom-client Histograms, observed as each start completes:
 * the starts source hands each one over once, see src/session/live-sources/starts.ts):
 *   ctrscope_container_start_seconds{namespace}               first boundary to first exec
 *   ctrscope_container_start_phase_seconds{namespace,phase}   each phase seen (phase names of
 *                                                              start-phases.ts, spaces as _)
 * No container id label (one series set per container would grow without end); namespace is
 * bounded: the first MAX_NAMESPACES seen keep their name, later ones are namespace="other".
 */
import client from 'prom-client';
import { PHASES, type PhaseName, type StartPhases } from '../aggregate/start-phases.js';

/** Whole starts: tens of ms on an idle host, seconds under load or with a cold image. */
export const START_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10, 30];
/** Phases: from under a millisecond (task start) to the whole start. */
export const PHASE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
export const MAX_NAMESPACES = 10;

export const phaseLabel = (p: PhaseName) => p.replace(/ /g, '_');

/** Hands each completed start to every registry that subscribed (one per exposition format). */
export class StartFeed {
  private readonly subs: Array<(s: StartPhases, namespace: string) => void> = [];
  private readonly namespaces = new Set<string>();
  published = 0;

  subscribe(fn: (s: StartPhases, namespace: string) => void): void {
    this.subs.push(fn);
  }

  publish(s: StartPhases): void {
    if (!this.namespaces.has(s.namespace) && this.namespaces.size < MAX_NAMESPACES) this.namespaces.add(s.namespace);
    const ns = this.namespaces.has(s.namespace) ? s.namespace : 'other';
    this.published++;
    for (const fn of this.subs) fn(s, ns);
  }
}

/** Registers the two histograms in reg, fed by feed from now on. */
export function startHistograms(reg: client.Registry, feed: StartFeed): void {
  const total = new client.Histogram({
    name: 'ctrscope_container_start_seconds',
    help: 'Container starts seen, first boundary (/snapshot/prepare or /containers/create) to the container\'s first exec, by namespace',
    labelNames: ['namespace'],
    buckets: START_BUCKETS,
    registers: [reg],
  });
  const phase = new client.Histogram({
    name: 'ctrscope_container_start_phase_seconds',
    help: `Phases of the container starts seen (${PHASES.map(phaseLabel).join(', ')}), by namespace and phase`,
    labelNames: ['namespace', 'phase'],
    buckets: PHASE_BUCKETS,
    registers: [reg],
  });
  feed.subscribe((s, namespace) => {
    total.observe({ namespace }, s.totalSeconds);
    for (const p of PHASES) {
      const v = s.phases[p];
      if (v !== null) phase.observe({ namespace, phase: phaseLabel(p) }, v);
    }
  });
}
