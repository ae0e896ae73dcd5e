/**
 * containerd's log over a diagnose run (pure): the lines it logged while diagnose measured, read
 * as its densest burst of errors (most errors within BURST_SECONDS) with the messages in it, by
 * template and count, and the run's warnings by template. Feeds diagnose.ts's 'log errors' finding.
 */
import type { LogRecord } from '../../parsers/containerd-log.js';
import { errorText } from './containerd-log-panel.js';
import { containerOf, messageTemplate } from './containerd-logs.js';

export const BURST_SECONDS = 10;
/** Errors within BURST_SECONDS that make a problem, not just something to watch. */
export const BURST_PROBLEM = 10;
const MAX_KEPT = 100_000;

export interface LogEvidence {
  /** Where the lines were read (LogSource.how). */
  source: string;
  lines: number;
  unreadLines: number;
  errors: number;
  warnings: number;
  /** The densest BURST_SECONDS of errors; null without a timed error. */
  burst: { errors: number; seconds: number; from: string; to: string; templates: Array<{ template: string; count: number; example: string }> } | null;
  /** Warnings over the run, most frequent first (at most 5). */
  warningTemplates: Array<{ template: string; count: number }>;
}

const isError = (r: LogRecord) => r.level === 'error' || r.level === 'fatal' || r.level === 'panic';
const templateOf = (r: LogRecord) => {
  const c = containerOf(r);
  return messageTemplate(errorText(r), c ? [c.id] : []);
};

export class LogBurstCounter {
  private readonly errs: Array<{ ms: number; template: string; example: string }> = [];
  private readonly warns = new Map<string, number>();
  private errors = 0;
  private warnings = 0;
  private lines = 0;

  add(r: LogRecord): void {
    this.lines++;
    if (isError(r)) {
      this.errors++;
      if (r.timeMs !== null && this.errs.length < MAX_KEPT) this.errs.push({ ms: r.timeMs, template: templateOf(r), example: errorText(r) });
    } else if (r.level === 'warning') {
      this.warnings++;
      const t = templateOf(r);
      if (this.warns.size < 1000 || this.warns.has(t)) this.warns.set(t, (this.warns.get(t) ?? 0) + 1);
    }
  }

  result(source: string, unreadLines: number): LogEvidence {
    const xs = [...this.errs].sort((a, b) => a.ms - b.ms);
    // Two pointers: the window of BURST_SECONDS ending at each error.
    let best = { from: 0, to: -1 };
    for (let lo = 0, hi = 0; hi < xs.length; hi++) {
      while (xs[hi]!.ms - xs[lo]!.ms > BURST_SECONDS * 1000) lo++;
      if (hi - lo > best.to - best.from) best = { from: lo, to: hi };
    }
    let burst: LogEvidence['burst'] = null;
    if (best.to >= 0) {
      const inBurst = xs.slice(best.from, best.to + 1);
      const byTemplate = new Map<string, { template: string; count: number; example: string }>();
      for (const e of inBurst) {
        const g = byTemplate.get(e.template) ?? { template: e.template, count: 0, example: e.example };
        g.count++;
        byTemplate.set(e.template, g);
      }
      const first = inBurst[0]!.ms;
      const last = inBurst.at(-1)!.ms;
      burst = {
        errors: inBurst.length,
        seconds: Math.max(1, Math.ceil((last - first) / 1000)),
        from: new Date(first).toISOString(),
        to: new Date(last).toISOString(),
        templates: [...byTemplate.values()].sort((a, b) => b.count - a.count || a.template.localeCompare(b.template)).slice(0, 5),
      };
    }
    const warningTemplates = [...this.warns.entries()]
      .map(([template, count]) => ({ template, count }))
      .sort((a, b) => b.count - a.count || a.template.localeCompare(b.template))
      .slice(0, 5);
    return { source, lines: this.lines, unreadLines, errors: this.errors, warnings: this.warnings, burst, warningTemplates };
  }
}

const clip = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The finding's parts: severity, summary and evidence lines. */
export function logFindingParts(l: LogEvidence, runSeconds: number): { severity: 'problem' | 'watch' | 'ok'; summary: string; evidence: string[] } {
  const evidence: string[] = [];
  const b = l.burst;
  if (b) evidence.push(`containerd logged ${b.errors} error${b.errors === 1 ? '' : 's'} in ${b.seconds} s (${b.from.slice(11, 19)}..${b.to.slice(11, 19)}): ${b.templates.map((t) => `'${clip(t.template)}' ×${t.count}`).join(', ')}`);
  if (b) evidence.push(`e.g. ${clip(b.templates[0]!.example, 200)}`);
  if (l.warnings) evidence.push(`${l.warnings} warning${l.warnings === 1 ? '' : 's'}: ${l.warningTemplates.map((t) => `'${clip(t.template, 80)}' ×${t.count}`).join(', ')}`);
  evidence.push(`${l.lines} lines read from ${l.source} over the run's ${runSeconds.toFixed(0)} s${l.unreadLines ? ` (${l.unreadLines} unreadable)` : ''}`);
  const severity = b && b.errors >= BURST_PROBLEM ? 'problem' : l.errors ? 'watch' : 'ok';
  const summary = b ? `containerd logged ${l.errors} error${l.errors === 1 ? '' : 's'} during the run, ${b.errors} within ${b.seconds} s` : l.errors ? `containerd logged ${l.errors} error(s) without a time` : l.warnings ? `no errors in containerd's log, ${l.warnings} warning(s)` : "no errors or warnings in containerd's log";
  return { severity, summary, evidence };
}
